"""The lock file beside the film: which take of each shot the cut uses, and its key.

    film.lock.json
    {"version": 1, "shots": {"arrival-1": {"take": 2, "key": "…", "picked": true, "seed": null}}}

`picked` marks a choice a person made (`longcut pick`, `longcut shot --take`); it outranks the
screenplay's `take:`. Entries a render wrote without a choice follow the screenplay.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from continuity import TakeChoice

from .atomic import atomic_path
from .errors import LongcutError

VERSION = 1


@dataclass(frozen=True)
class LockEntry:
    take: int
    key: str | None = None
    picked: bool = False
    seed: int | None = None  # a seed given with --seed, which overrides the derived one


class LockFile:
    def __init__(self, path: Path, shots: dict[str, LockEntry] | None = None, edit: dict | None = None) -> None:
        self.path = Path(path)
        self.shots: dict[str, LockEntry] = dict(shots or {})
        # the cut as an editor left it (`longcut conform`): {"order": [...], "trims": {shot: [in, out]},
        # "transitions": {shot: frames}, "unmapped": [...]}; None: the screenplay's order, whole takes
        self.edit = edit

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
            edit = data.get("edit")
            if edit is not None and not isinstance(edit, dict):
                raise ValueError("`edit` is not a mapping")
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise LongcutError(f"the lock file {path} cannot be read ({error})",
                               hint="fix it, or delete it to go back to the screenplay's takes") from None
        return cls(path, shots, edit)

    def choices(self) -> dict[str, TakeChoice]:
        """Take choices a person made; other shots follow the screenplay."""
        return {shot: TakeChoice(entry.take, entry.seed) for shot, entry in self.shots.items() if entry.picked}

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
            data["edit"] = self.edit
        with atomic_path(self.path) as temporary:
            temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
