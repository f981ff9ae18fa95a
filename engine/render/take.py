"""Make one take: a shot's frames streamed from the backend into the encoder and moved into the store whole.

1. take the first frame (the parent's lossless last frame, else the shot's keyframe) and the last keyframe, where
   the shot has one, from the store;
2. stream the shot's frames (segment by segment where the backend needs it) into ffmpeg, hashing them;
3. keep the first and last frames as PNG, write the record, and move the take into the store in one step.

Executors (engine.executors) call this in this process or in a worker on another machine.
"""

from __future__ import annotations

import hashlib
import itertools
import time
from collections import deque
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from longcut.continuity import FIRST, LAST, one_take_ends

from .. import __version__
from ..analysis.identity import FaceSampler, available as identity_available
from ..analysis.measure import SEAM_WIDTH, FrameMeter, analysis_size, keep_edge, seam_picture
from ..backends import Backend, Segment
from ..errors import LongcutError, StepFailed
from ..media.ffmpeg import Encoder, probe_frames
from ..media.footage import footage_frames, footage_label
from ..media.text import card_frames
from ..media.xmp import TRAINED_ALGORITHMIC_MEDIA, ai_packet, append_xmp
from ..store import (FOOTAGE, MAX_CONTEXT, SOUND, TAIL_FILES, TakeRecord, TakeStore, file_digests, write_png,
                    write_record, write_sound)
from ..timeline import MadeBy
from .keyframes import PlannedKeyframe
from .plan import FOOTAGE_KEY_VERSION, PlannedShot
from .segments import ShotSound, one_take_frames, shot_frames


@dataclass(frozen=True)
class WorkerInfo:
    """One worker of a cluster executor, for the progress display."""

    name: str
    host: str
    device: str  # a GPU's name, or "CPU"


class Progress:
    """What the renderer reports; the CLI shows it with rich, tests may count it.

    worker names the cluster worker a shot runs on (None in this process).
    """

    def workers_ready(self, workers: list[WorkerInfo]) -> None: ...

    def shot_started(self, planned: PlannedShot, worker: str | None = None) -> None: ...

    def frames_done(self, planned: PlannedShot, count: int) -> None: ...

    def shot_finished(self, planned: PlannedShot, record: TakeRecord, worker: str | None = None) -> None: ...

    def shot_found(self, planned: PlannedShot, record: TakeRecord, worker: str | None = None) -> None:
        """Another render of the film made this take while this one waited for it."""
        self.shot_finished(planned, record, worker)

    def denoising(self, planned: PlannedShot, step: int, steps: int) -> None: ...

    def keyframe_drawn(self, planned: PlannedKeyframe, record: TakeRecord) -> None:
        """A keyframe was drawn (before the shots' video)."""

    def keyframe_denoising(self, planned: PlannedKeyframe, step: int, steps: int) -> None: ...


def _frames(backend, request, first_frame, on_step, sound: ShotSound, last_frame=None, context=()):
    """The backend's frames (and the sound its model makes with them, into `sound`); for a title card, the card
    drawn by longcut; for footage, the file conformed."""
    if request.footage is not None:
        return footage_frames(request)
    if request.card is None:
        return shot_frames(backend, request, first_frame, on_step, sound, last_frame, context)
    return card_frames((("heading", request.card),), request.frames, request.width, request.height, request.fps)


def _maker(backend: Backend, request) -> MadeBy:
    """Who made the take, for its record and its label: the backend, or longcut itself for footage."""
    if request.footage is not None:
        return MadeBy(FOOTAGE, FOOTAGE_KEY_VERSION, footage_label(request.footage.path), footage=True)
    return MadeBy(backend.name, backend.version, backend.model())


def _keyframe(store: TakeStore, key: str | None, request) -> np.ndarray | None:
    """A keyframe from the store (drawn before the shot's video: engine.render.keyframes), at the shot's size."""
    if key is None:
        return None
    if not store.has(key):
        raise StepFailed(f"shot `{request.shot_id}` starts or ends on the keyframe {key[:12]}, which is not in the "
                         "store", hint="make the film's keyframes first: longcut board FILM (render does it too)")
    return store.keyframe(key)


def _check_encoded(clip: Path, frames: int, shot_id: str) -> None:
    """The clip decodes to every frame that went in: an encoder that exits 0 but wrote nothing (or less, or a
    file that does not decode) is a failed take, never one recorded as made that every later render would use."""
    try:
        decoded = probe_frames(clip) if clip.is_file() and clip.stat().st_size else 0
    except StepFailed as error:
        raise StepFailed(f"shot `{shot_id}`: the encoded clip does not decode ({error})",
                         hint="nothing was kept; render again (check the disk and LONGCUT_FFMPEG)") from None
    if decoded != frames:
        raise StepFailed(f"shot `{shot_id}`: the encoder wrote {decoded} of the take's {frames} frames",
                         hint="nothing was kept; render again (check the disk and LONGCUT_FFMPEG)")


def make_take(planned: PlannedShot, backend: Backend, store: TakeStore, progress: Progress,
              worker: str | None = None) -> TakeRecord:
    """Render one shot into the store; its parent's take must be there already.

    The take is claimed first: another render of the same film making it right now is waited for, and its
    take used, so two renders at once make each take once.
    """
    with store.claim(planned.key):
        if planned.key in store.made_in_one_take and store.has(planned.key):
            store.made_in_one_take.discard(planned.key)  # made (and shown) with its chain's first shot, just now
            return store.record(planned.key)
        if store.has(planned.key):
            record = store.record(planned.key)
            progress.frames_done(planned, record.frames)
            progress.shot_found(planned, record, worker)
            return record
        if planned.made_with:  # the first shot of a one_take chain: the chain in one generation
            return _render_one_take(planned, backend, store, progress, worker)
        return _render_take(planned, backend, store, progress, worker)


def _start(planned: PlannedShot, backend: Backend, store: TakeStore) -> tuple[np.ndarray | None, tuple]:
    """The frame the shot starts on and, for a backend that continues motion, the frames before it (Segment.context):
    its parent's last frames, a clip's the author gave (start:), or its first keyframe (drawn, or the author's)."""
    request = planned.request
    first_key = planned.keyframe_key(FIRST)
    keeps = max(1, min(MAX_CONTEXT, backend.context_frames))
    if planned.parent_key:
        handed = store.last_frames(planned.parent_key, keeps)  # read once: the last of them is the first frame
        return handed[-1], (handed if len(handed) > 1 else ())
    if first_key is not None and request.start is not None and request.start.clip:
        _keyframe(store, first_key, request)  # there, or said
        handed = store.keyframe_frames(first_key, keeps)  # a clip the author gave to continue, as a parent's end
        return handed[-1], (handed if len(handed) > 1 else ())
    return _keyframe(store, first_key, request), ()


def _render_one_take(planned: PlannedShot, backend: Backend, store: TakeStore, progress: Progress,
                     worker: str | None) -> TakeRecord:
    """A one_take chain made in one generation (a prompt per shot), then cut back into a take per shot: each later
    shot's take starts on the exact last frame of the one before, as a `continues:` shot's does."""
    members = (planned, *planned.made_with)
    first_frame, context = _start(planned, backend, store)

    def on_step(step: int, steps: int) -> None:
        progress.denoising(planned, step, steps)

    requests = [member.request for member in members]
    frames = iter(one_take_frames(backend, requests, Segment(0, one_take_ends(requests)[-1], first_frame, None,
                                                             first_frame, on_step, None, context)))
    head_record, boundary = None, None
    for number, member in enumerate(members):
        count = member.request.frames - (1 if number else 0)
        own = itertools.chain((boundary,) if number else (), itertools.islice(frames, count))
        with store.claim(member.key) if number else nullcontext():
            record = _render_take(member, backend, store, progress, worker, own)
        if number:
            store.made_in_one_take.add(member.key)
        head_record = head_record or record
        boundary = store.last_frame(member.key)  # lossless, as the next shot's frame 0
    return head_record


def _render_take(planned: PlannedShot, backend: Backend, store: TakeStore, progress: Progress,
                 worker: str | None, made: Iterable[np.ndarray] | None = None) -> TakeRecord:
    """made: the shot's frames where they come from a one_take generation (else the backend makes them)."""
    request = planned.request
    # a backend that continues motion is handed the parent's last frames, not one still (Segment.context), and
    # keeps as many of its own for the shots that continue it (every take keeps at least its last, last.png)
    keeps = max(1, min(MAX_CONTEXT, backend.context_frames))
    first_frame, context = _start(planned, backend, store) if made is None else (None, ())
    last_frame = _keyframe(store, planned.keyframe_key(LAST), request) if made is None else None
    made_by = _maker(backend, request)
    progress.shot_started(planned, worker)

    def on_step(step: int, steps: int) -> None:  # a model backend's denoising steps, for the progress display
        progress.denoising(planned, step, steps)

    started = time.perf_counter()
    digest = hashlib.sha256()
    meter = FrameMeter(request.width, request.height, request.fps)  # the continuity report's measures, made on the way
    faces = FaceSampler(request.frames, request.fps) if identity_available() else None  # and who is on screen
    sound = ShotSound(request.frames, request.fps)  # what a model that makes sound makes with the frames
    with store.writer(planned.key) as folder:
        frames = 0
        tail: deque[np.ndarray] = deque(maxlen=keeps)  # the last frames made; the last, a continuing shot's first
        with Encoder(folder / "clip.mp4", request.width, request.height, request.fps) as encoder:
            try:
                source = made if made is not None else _frames(backend, request, first_frame, on_step, sound,
                                                                last_frame, context)
                for frame in source:
                    frame = np.ascontiguousarray(frame)  # a backend may hand out views of a larger array
                    if frames == 0:
                        write_png(folder / "first.png", frame)
                        first = frame
                    encoder.write(frame)
                    meter.add(frame)
                    if faces is not None:
                        faces.add(frames, frame)
                    digest.update(frame.data)
                    frames += 1
                    tail.append(frame)
                    if frames % 8 == 0:
                        progress.frames_done(planned, 8)
            except (LongcutError, KeyboardInterrupt):
                raise
            except Exception as error:  # a backend's own failure: name the shot, keep its message
                raise StepFailed(f"shot `{request.shot_id}`: backend `{made_by.backend}` failed: "
                                 f"{type(error).__name__}: {error}",
                                 hint="every take finished before it is kept; fix the cause and render again") from error
        progress.frames_done(planned, frames % 8)
        if frames != request.frames:  # a one_take generation cut short (a backend's own shots are counted as made)
            raise StepFailed(f"shot `{request.shot_id}`: the one take it is made in gave {frames} of its "
                             f"{request.frames} frames")
        assert tail, "a backend's frames were checked to be the shot's count, at least one"
        _check_encoded(folder / "clip.mp4", frames, request.shot_id)  # before anything records it as made
        append_xmp(folder / "clip.mp4", ai_packet(f"{request.shot_id} take {request.take}", f"longcut {__version__}",
                                                  made_by.describe(request.seed),
                                                  None if made_by.footage else TRAINED_ALGORITHMIC_MEDIA))
        kept = list(tail)
        write_png(folder / "last.png", kept[-1])
        for back, frame in enumerate(reversed(kept[:-1]), start=1):  # tail-1.png is the one before last
            write_png(folder / TAIL_FILES[back - 1], frame)
        if sound.samples is not None:
            write_sound(folder / SOUND, sound.samples, sound.rate)
        record = TakeRecord(
            key=planned.key, shot=request.shot_id, take=request.take, seed=request.seed, prompt=request.prompt,
            negative=request.negative, backend=made_by.backend, backend_version=made_by.version, model=made_by.model,
            width=request.width, height=request.height, fps=f"{request.fps.numerator}/{request.fps.denominator}",
            frames=frames, duration=round(frames / float(request.fps), 6), frames_sha256=digest.hexdigest(),
            parent_key=planned.parent_key, seconds_taken=round(time.perf_counter() - started, 3),
            created=datetime.now(timezone.utc).isoformat(timespec="seconds"), files=file_digests(folder),
            keyframes={keyframe.request.position: keyframe.key for keyframe in planned.keyframes} or None,
        )
        write_record(folder, record)
    meter.save(store.root, planned.key)
    seam_size = analysis_size(request.width, request.height, SEAM_WIDTH)  # the report's seams read these, no PNG
    keep_edge(store.root, planned.key, False, seam_picture(first, seam_size))
    keep_edge(store.root, planned.key, True, seam_picture(kept[-1], seam_size))
    if faces is not None:
        faces.save(store.root, planned.key)
    progress.shot_finished(planned, record, worker)
    return record

