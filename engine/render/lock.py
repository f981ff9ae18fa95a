"""The lock file beside the film: which take of each shot the cut uses, and its key; and the Edit an editing
suite made of the cut (`longcut conform`).

    film.lock.json
    {"version": 1, "shots": {"arrival-1": {"take": 2, "key": "…", "picked": true, "seed": null}},
     "edit": {"order": [...], "trims": {"arrival-1": [12, 96]}, "transitions": {"arrival-2": 0}, "unmapped": [...]},
     "keyframes": {"arrival-1": {"take": 3, "key": "…", "picked": true, "seed": null}}}

Every save is a read-modify-write under a lock held across processes (flock on the film's folder): the file is
read again, this process's changes since it read it are laid over it, and it is written atomically. So a pick
made with `longcut pick` while the review server or a render writes the file is never lost.

`picked` marks a choice a person made (`longcut pick`, `longcut shot --take`); it outranks the
screenplay's `take:`. Entries a render wrote without a choice follow the screenplay. `keyframes` holds the
keyframe takes a person chose (`longcut board FILM SHOT --take N`), the same way.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: one writer at a time is then the user's to keep
    fcntl = None  # type: ignore[assignment]

from longcut.continuity import TakeChoice

from longcut.storyboard.files import RECORD_LIMIT, FileRefused, read_text
from longcut.storyboard.schema import MAX_TAKE

from ..atomic import atomic_path
from ..errors import LongcutError, refused

VERSION = 1


@dataclass(frozen=True)
class Edit:
    """The cut as an editor left it: the shots' order, trims (the take's frames [in, out)), and the length in
    frames of the transition into a shot (0: a cut), with what could not be mapped back. A shot it does not
    name keeps the screenplay's place, whole take and transition."""

    order: tuple[str, ...] = ()
    trims: dict[str, tuple[int, int]] = field(default_factory=dict)
    transitions: dict[str, int] = field(default_factory=dict)
    unmapped: tuple[str, ...] = ()

    def trim(self, shot: str, frames: int) -> tuple[int, int]:
        """The frames [in, out) of a take of `frames` frames the cut uses: all, or the editor's trim within it."""
        if shot not in self.trims:
            return 0, frames
        first, last = self.trims[shot]
        source_in = min(max(0, first), frames - 1)
        return source_in, min(max(source_in + 1, last), frames)

    def as_json(self) -> dict:
        return {"order": list(self.order), "trims": {shot: list(trim) for shot, trim in self.trims.items()},
                "transitions": dict(self.transitions), "unmapped": list(self.unmapped)}

    @classmethod
    def from_json(cls, data: dict) -> Edit:
        if not isinstance(data, dict):
            raise ValueError("`edit` is not a mapping")
        trims = {str(shot): (int(first), int(last)) for shot, (first, last) in data.get("trims", {}).items()}
        return cls(tuple(map(str, data.get("order", []))), trims,
                   {str(shot): int(frames) for shot, frames in data.get("transitions", {}).items()},
                   tuple(map(str, data.get("unmapped", []))))


@dataclass(frozen=True)
class LockEntry:
    take: int
    key: str | None = None
    picked: bool = False
    seed: int | None = None  # a seed given with --seed, which overrides the derived one


class LockFile:
    def __init__(self, path: Path, shots: dict[str, LockEntry] | None = None, edit: Edit | None = None,
                 keyframes: dict[str, LockEntry] | None = None) -> None:
        self.path = Path(path)
        self.shots: dict[str, LockEntry] = dict(shots or {})
        self.edit = edit  # None: the screenplay's order, whole takes
        self.keyframes: dict[str, LockEntry] = dict(keyframes or {})  # keyframe takes a person chose, by shot
        self._read_as = self._snapshot()  # what the file held when read: save() lays only the changes since over it

    @classmethod
    def beside(cls, film: Path) -> LockFile:
        path = film.with_name(film.stem + ".lock.json")
        shots, edit, keyframes = _read(path)
        return cls(path, shots, edit, keyframes)

    def choices(self) -> dict[str, TakeChoice]:
        """Take choices a person made; other shots follow the screenplay."""
        return {shot: TakeChoice(entry.take, entry.seed) for shot, entry in self.shots.items() if entry.picked}

    def keyframe_choices(self) -> dict[str, TakeChoice]:
        """The keyframe takes a person chose; other shots' keyframes follow the screenplay."""
        return {shot: TakeChoice(entry.take, entry.seed) for shot, entry in self.keyframes.items() if entry.picked}

    def pick_keyframe(self, shot: str, take: int, key: str, seed: int | None = None) -> None:
        self.keyframes[shot] = LockEntry(take=take, key=key, picked=True, seed=seed)

    def record(self, shot: str, take: int, key: str, seed: int | None = None, picked: bool | None = None) -> bool:
        """Note the take a shot uses; returns whether anything changed (so unchanged files are not rewritten)."""
        before = self.shots.get(shot)
        keep_pick = before.picked if (before and picked is None) else bool(picked)
        entry = LockEntry(take=take, key=key, picked=keep_pick, seed=seed)
        self.shots[shot] = entry
        return entry != before

    def save(self) -> None:
        """Write this process's changes since it read the file over what the file holds now, under the folder's
        lock: another process's pick, made meanwhile, is kept (and this one reads it too)."""
        with _held(self.path.parent):
            shots, edit, keyframes = _read(self.path)
            before_shots, before_edit, before_keyframes = self._read_as
            self.shots = _merged(shots, before_shots, self.shots)
            self.keyframes = _merged(keyframes, before_keyframes, self.keyframes)
            self.edit = self.edit if self.edit != before_edit else edit
            data = {"version": VERSION, "shots": {shot: asdict(entry) for shot, entry in sorted(self.shots.items())}}
            if self.edit is not None:
                data["edit"] = self.edit.as_json()
            if self.keyframes:
                data["keyframes"] = {shot: asdict(entry) for shot, entry in sorted(self.keyframes.items())}
            with atomic_path(self.path) as temporary:
                temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
            self._read_as = self._snapshot()

    def _snapshot(self) -> tuple[dict[str, LockEntry], Edit | None, dict[str, LockEntry]]:
        return dict(self.shots), self.edit, dict(self.keyframes)


def _merged(now: dict[str, LockEntry], read: dict[str, LockEntry], mine: dict[str, LockEntry]) -> dict[str, LockEntry]:
    """The file's entries as they are now, with the ones this process changed (or removed) since it read them."""
    merged = dict(now)
    for shot in read.keys() | mine.keys():
        if read.get(shot) != mine.get(shot):
            if shot in mine:
                merged[shot] = mine[shot]
            else:
                merged.pop(shot, None)
    return merged


def _read(path: Path) -> tuple[dict[str, LockEntry], Edit | None, dict[str, LockEntry]]:
    """The lock file's entries (none when there is no file); a damaged one is an error that names it. It is
    untrusted input, read bounded."""
    try:
        data = json.loads(read_text(path, RECORD_LIMIT, "the lock file"))
    except FileNotFoundError:
        return {}, None, {}
    except FileRefused as error:
        raise refused(error) from None
    try:
        if not isinstance(data, dict) or data.get("version") != VERSION:
            raise ValueError(f"version {data.get('version') if isinstance(data, dict) else None!r}, expected {VERSION}")
        shots = {str(shot): _entry(entry) for shot, entry in data["shots"].items()}
        edit = Edit.from_json(data["edit"]) if data.get("edit") is not None else None
        keyframes = {str(shot): _entry(entry) for shot, entry in data.get("keyframes", {}).items()}
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise LongcutError(f"the lock file {path} cannot be read ({error})",
                           hint="fix it, or delete it to go back to the screenplay's takes") from None
    return shots, edit, keyframes


def _entry(data: dict) -> LockEntry:
    entry = LockEntry(**data)
    if not (isinstance(entry.take, int) and 1 <= entry.take <= MAX_TAKE):
        raise ValueError(f"take {entry.take!r} is not a take number from 1 to {MAX_TAKE}")
    if entry.key is not None and not (isinstance(entry.key, str) and len(entry.key) == 64):
        raise ValueError(f"key {str(entry.key)[:20]!r} is not a take's key")
    return entry


@contextmanager
def _held(folder: Path) -> Iterator[None]:
    """The film folder's lock, held across processes (the kernel drops it when its holder dies)."""
    if fcntl is None:
        yield
        return
    descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # and with it the lock
