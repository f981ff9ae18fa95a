"""The lock file beside the film: which take of each shot the cut uses, and its key; and the Edit an editing
suite made of the cut (`longcut conform`).

    film.lock.json
    {"version": 1, "shots": {"arrival-1": {"take": 2, "key": "…", "picked": true, "seed": null}},
     "edit": {"order": [...], "trims": {"arrival-1": [12, 96]}, "transitions": {"arrival-2": 0}, "unmapped": [...]},
     "keyframes": {"arrival-1": {"take": 3, "key": "…", "picked": true, "seed": null}}}

`picked` marks a choice a person made (`longcut pick`, `longcut shot --take`); it outranks the
screenplay's `take:`. Entries a render wrote without a choice follow the screenplay. `keyframes` holds the
keyframe takes a person chose (`longcut board --shot ID --take N`), the same way.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from continuity import TakeChoice

from ..atomic import atomic_path
from ..errors import LongcutError

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

    @classmethod
    def beside(cls, film: Path) -> LockFile:
        path = film.with_name(film.stem + ".lock.json")
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != VERSION:
                raise ValueError(f"version {data.get('version')!r}, expected {VERSION}")
            shots = {shot: LockEntry(**entry) for shot, entry in data["shots"].items()}
            edit = Edit.from_json(data["edit"]) if data.get("edit") is not None else None
            keyframes = {shot: LockEntry(**entry) for shot, entry in data.get("keyframes", {}).items()}
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise LongcutError(f"the lock file {path} cannot be read ({error})",
                               hint="fix it, or delete it to go back to the screenplay's takes") from None
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
        data = {"version": VERSION, "shots": {shot: asdict(entry) for shot, entry in sorted(self.shots.items())}}
        if self.edit is not None:
            data["edit"] = self.edit.as_json()
        if self.keyframes:
            data["keyframes"] = {shot: asdict(entry) for shot, entry in sorted(self.keyframes.items())}
        with atomic_path(self.path) as temporary:
            temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
