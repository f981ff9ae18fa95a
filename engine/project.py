"""A film on disk and what longcut keeps beside it: the screenplay, its graph, backend, take store and lock file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import storyboard
from continuity import TakeChoice, default_choice
from storyboard import Screenplay, ShotGraph
from storyboard.errors import did_you_mean

from .backends import Backend, create_backend
from .errors import LongcutError
from .lock import LockFile
from .plan import RenderPlan, plan
from .store import TakeStore


def is_url(where: str) -> bool:
    """s3://bucket/path and the like; a local path (even a Windows one, C:\\...) is not."""
    scheme, sep, _ = where.partition("://")
    return bool(sep) and len(scheme) > 1 and scheme.replace("+", "").isalnum()


@dataclass
class Project:
    screenplay: Screenplay
    graph: ShotGraph
    backend: Backend
    store: TakeStore
    lock: LockFile

    @classmethod
    def open(cls, film: Path, store: str | Path | None = None) -> Project:
        """store: a folder (local, or shared by a cluster), or an object-storage URL such as s3://bucket/film,
        mirrored in .longcut beside the film. Default: $LONGCUT_STORE, else .longcut beside the film."""
        screenplay = storyboard.load(film)
        graph = ShotGraph(screenplay)
        backend = create_backend(screenplay)
        where = str(store or os.environ.get("LONGCUT_STORE") or screenplay.root / ".longcut")
        local = screenplay.root / ".longcut"
        takes = TakeStore(local, remote=where) if is_url(where) else TakeStore(Path(where))
        return cls(screenplay, graph, backend, takes, LockFile.beside(screenplay.path))

    def plan(self, choices: dict[str, TakeChoice] | None = None, size: tuple[int, int] | None = None) -> RenderPlan:
        return plan(self.screenplay, self.graph, self.backend, self.store, self.lock, choices, size)

    def shot(self, shot_id: str) -> str:
        """The id, checked: an unknown shot is a clear error with the near names."""
        if shot_id not in self.screenplay.by_id:
            raise LongcutError(f"no shot `{shot_id}` in {self.screenplay.path.name}",
                               hint=did_you_mean(shot_id, self.screenplay.by_id, "shots"))
        return shot_id

    def current_choice(self, shot_id: str) -> TakeChoice:
        return self.lock.choices().get(shot_id) or default_choice(self.screenplay, shot_id)

    def next_take(self, shot_id: str) -> int:
        """One more than any take of this shot the store or the lock file knows."""
        numbers = [record.take for record in self.store.records() if record.shot == shot_id]
        entry = self.lock.shots.get(shot_id)
        numbers += [entry.take] if entry else []
        numbers.append(self.current_choice(shot_id).take)
        return max(numbers) + 1

    def default_output(self) -> Path:
        return self.screenplay.path.with_suffix(".mp4")
