"""Carry out a render plan: the missing keyframes, every missing take, by an executor, then the lock file.

The executor (engine.executors) makes the takes, in this process or across a cluster, each one only
once every shot it takes a frame from is in the store. The lock file notes them all and is saved
once, also when a shot fails; after a kill the next plan finds the finished takes under the same keys.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ..analysis.identity import release_models as release_face_models
from ..store import TakeStore
from .executors import Executor, LocalExecutor
from .keyframes import draw_missing
from .lock import LockFile
from .memory import return_freed_memory
from .plan import PlannedShot, RenderPlan
from .take import Progress


@dataclass
class RenderResult:
    rendered: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)  # made meanwhile by another render of the film, and used
    seconds: float = 0.0
    keyframes: int = 0  # keyframes drawn first


class _NotingFound:
    """The caller's progress, noting which takes another render made while this one waited for them."""

    def __init__(self, progress: Progress, found: set[str]) -> None:
        self._progress, self._found = progress, found

    def __getattr__(self, name: str):
        return getattr(self._progress, name)

    def shot_found(self, planned: PlannedShot, record, worker: str | None = None) -> None:
        self._found.add(planned.shot_id)
        self._progress.shot_found(planned, record, worker)


def render(plan: RenderPlan, store: TakeStore, lock: LockFile, progress: Progress | None = None,
           only: set[str] | None = None, picked: set[str] | None = None,
           executor: Executor | None = None) -> RenderResult:
    """Render every shot the plan has no take for (only those in `only`, when given).

    picked: shots whose take a person chose just now (recorded as picked in the lock file).
    """
    found: set[str] = set()
    progress = _NotingFound(progress or Progress(), found)
    executor = executor or LocalExecutor()
    picked = picked or set()
    store.sweep()
    result = RenderResult()
    started = time.perf_counter()
    changed = False

    def note(planned: PlannedShot) -> None:
        nonlocal changed
        changed |= lock.record(planned.shot_id, planned.request.take, planned.key, seed=planned.seed_override,
                               picked=True if planned.shot_id in picked else None)

    todo = plan.to_render(only)
    keyframes = plan.keyframes_to_draw(todo)
    if keyframes:  # drawn (or the author's fitted) here, first: the shots' workers read them from the store
        result.keyframes = len(draw_missing(keyframes, plan.keyframe_backend, store, progress.keyframe_drawn,
                                            progress.keyframe_denoising))
        if plan.keyframe_backend is not None:
            plan.keyframe_backend.release()  # an image model lets go of the GPU before the video model loads
    try:
        for shot in plan.order:
            planned = plan.shots[shot]
            if planned.cached and (only is None or shot in only):
                result.cached.append(shot)
                note(planned)
        for record in executor.run(plan, store, todo, progress):
            (result.found if record.shot in found else result.rendered).append(record.shot)
            note(plan.shots[record.shot])
    finally:
        # Saved once, also when a shot fails. Were the process killed first, nothing is lost: the takes are in
        # the store under keys the next plan computes again, and that render writes the lock file.
        if changed:
            lock.save()
        if release_face_models():  # measured the takes' faces: the speech and the cut after need none of it
            return_freed_memory()
    result.seconds = time.perf_counter() - started
    return result
