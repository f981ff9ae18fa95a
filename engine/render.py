"""Carry out a render plan: each missing take, in dependency order, streamed from the backend into the encoder.

1. take the first frame (the parent's lossless last frame) from the store;
2. stream the shot's frames (segment by segment where the backend needs it) into ffmpeg, hashing them;
3. keep the first and last frames as PNG, write the record, and move the take into the store in one step;
4. note the takes in the lock file (saved once, also when a shot fails; after a kill the next plan finds the
   finished takes under the same keys).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

import numpy as np

from .errors import LongcutError, StepFailed
from .ffmpeg import Encoder
from .lock import LockFile
from .plan import PlannedShot, RenderPlan
from .segments import shot_frames
from .store import TakeRecord, TakeStore, write_png, write_record


class Progress:
    """What the renderer reports; the CLI shows it with rich, tests may count it."""

    def shot_started(self, planned: PlannedShot) -> None: ...

    def frames_done(self, planned: PlannedShot, count: int) -> None: ...

    def shot_finished(self, planned: PlannedShot, record: TakeRecord) -> None: ...

    def denoising(self, planned: PlannedShot, step: int, steps: int) -> None: ...


@dataclass
class RenderResult:
    rendered: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    seconds: float = 0.0


def render(plan: RenderPlan, store: TakeStore, lock: LockFile, progress: Progress | None = None,
           only: set[str] | None = None, picked: set[str] | None = None) -> RenderResult:
    """Render every shot the plan has no take for (only those in `only`, when given).

    picked: shots whose take a person chose just now (recorded as picked in the lock file).
    """
    progress = progress or Progress()
    picked = picked or set()
    store.sweep()
    result = RenderResult()
    started = time.perf_counter()
    changed = False
    try:
        for shot in plan.order:
            planned = plan.shots[shot]
            if only is not None and shot not in only:
                continue
            if planned.cached:
                result.cached.append(shot)
            else:
                make_take(planned, plan, store, progress)
                result.rendered.append(shot)
            changed |= lock.record(shot, planned.request.take, planned.key, seed=planned.seed_override,
                                   picked=True if shot in picked else None)
    finally:
        # Saved once, also when a shot fails. Were the process killed first, nothing is lost: the takes are in
        # the store under keys the next plan computes again, and that render writes the lock file.
        if changed:
            lock.save()
    result.seconds = time.perf_counter() - started
    return result


def _frames(backend, request, first_frame):
    """The backend's frames, or, for a title card, the card drawn by longcut."""
    if request.card is None:
        return shot_frames(backend, request, first_frame)
    from .editor.timeline import Card
    from .editor.titles import card_frames

    return card_frames(Card("card", request.frames, 0, (("heading", request.card),)), request.width, request.height,
                       request.fps)


def make_take(planned: PlannedShot, plan: RenderPlan, store: TakeStore, progress: Progress) -> TakeRecord:
    request, backend = planned.request, plan.backend
    first_frame = store.last_frame(planned.parent_key) if planned.parent_key else None
    progress.shot_started(planned)
    if hasattr(backend, "on_step"):  # model backends report each denoising step
        backend.on_step = lambda step, steps: progress.denoising(planned, step, steps)
    started = time.perf_counter()
    digest = hashlib.sha256()
    with store.writer(planned.key) as folder:
        frames = 0
        last = None
        with Encoder(folder / "clip.mp4", request.width, request.height, request.fps) as encoder:
            try:
                for frame in _frames(backend, request, first_frame):
                    frame = np.ascontiguousarray(frame)  # a backend may hand out views of a larger array
                    if frames == 0:
                        write_png(folder / "first.png", frame)
                    encoder.write(frame)
                    digest.update(frame.data)
                    frames += 1
                    last = frame
                    if frames % 8 == 0:
                        progress.frames_done(planned, 8)
            except (LongcutError, KeyboardInterrupt):
                raise
            except Exception as error:  # a backend's own failure: name the shot, keep its message
                raise StepFailed(f"shot `{request.shot_id}`: backend `{backend.name}` failed: "
                                 f"{type(error).__name__}: {error}",
                                 hint="every take finished before it is kept; fix the cause and render again") from error
        progress.frames_done(planned, frames % 8)
        assert last is not None
        write_png(folder / "last.png", last)
        record = TakeRecord(
            key=planned.key, shot=request.shot_id, take=request.take, seed=request.seed, prompt=request.prompt,
            negative=request.negative, backend=backend.name, backend_version=backend.version, model=backend.model(),
            width=request.width, height=request.height, fps=f"{request.fps.numerator}/{request.fps.denominator}",
            frames=frames, duration=round(frames / float(request.fps), 6), frames_sha256=digest.hexdigest(),
            parent_key=planned.parent_key, seconds_taken=round(time.perf_counter() - started, 3),
            created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        )
        write_record(folder, record)
    progress.shot_finished(planned, record)
    return record

