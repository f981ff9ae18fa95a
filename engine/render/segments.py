"""Make a shot of any length from a backend that makes clips of a limited length.

The first call makes up to the backend's limit. Each later call starts on the last frame already
emitted (its frame 0 repeats that frame and is dropped) and also remakes the last few frames of the
call before; those overlapping frames are cross-faded, old to new, so the seam is blended instead
of cut. Only the overlap is held back, so memory never grows with the shot.

A loop shot ends on its first frame: the final call is given that frame as its last; a shot with a last keyframe
ends on it the same way.

Where the model makes sound with the picture, each call's sound is laid at its first frame's time and the
overlap is cross-faded the way the frames are (ShotSound), so the sound stays on its frames.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator

import numpy as np

from longcut.continuity import ShotRequest, one_take_ends

from ..backends import Backend, Segment
from ..errors import StepFailed

SEAM_FRAMES = 8


def seam_frames(limit: int) -> int:
    """How many frames two neighbouring calls share (and blend); fewer for very short limits."""
    return max(0, min(SEAM_FRAMES, (limit - 2) // 4))


class ShotSound:
    """The sound a model made with a shot's frames, call by call, as one stretch the length of the shot."""

    def __init__(self, frames: int, fps) -> None:
        self.frames, self.fps = frames, fps
        self.rate: int | None = None
        self.samples: np.ndarray | None = None  # (channels, n)
        self.heard_until = 0  # samples laid so far

    def receiver(self, start_frame: int) -> Callable[[np.ndarray, int], None]:
        return lambda samples, rate: self.add(start_frame, samples, rate)

    def add(self, start_frame: int, samples: np.ndarray, rate: int) -> None:
        samples = np.asarray(samples, np.float32)
        if self.samples is None:
            self.rate = rate
            self.samples = np.zeros((samples.shape[0], round(self.frames * rate / self.fps)), np.float32)
        if rate != self.rate or samples.shape[0] != self.samples.shape[0]:
            raise StepFailed(f"the model's sound changed from {self.rate} Hz to {rate} Hz between calls of one shot")
        begin = round(start_frame * rate / self.fps)
        piece = samples[:, :max(0, self.samples.shape[1] - begin)]
        end = begin + piece.shape[1]
        overlap = max(0, min(self.heard_until, end) - begin)  # cross-faded, old to new, as the seam's frames are
        weights = np.ones(piece.shape[1], np.float32)
        weights[:overlap] = np.arange(1, overlap + 1, dtype=np.float32) / (overlap + 1)
        self.samples[:, begin:end] = self.samples[:, begin:end] * (1 - weights) + piece * weights
        self.heard_until = max(self.heard_until, end)


def shot_frames(backend: Backend, request: ShotRequest, first_frame: np.ndarray | None,
                on_step: Callable[[int, int], None] | None = None,
                sound: ShotSound | None = None, last_frame: np.ndarray | None = None,
                context: tuple[np.ndarray, ...] = ()) -> Iterator[np.ndarray]:
    """The shot's frames, in segments where the backend needs them; on_step goes to every call, and the sound a
    model makes with them to `sound`. last_frame: the frame the shot must end on (its last keyframe). context: the
    parent's last frames (ending on first_frame), for the first call."""
    total = request.frames
    limit = backend.max_frames(request)
    if limit < 2:
        raise StepFailed(f"backend `{backend.name}` makes clips of {limit} frame(s); chaining needs at least 2")
    loop_target = None
    if request.loop:
        if first_frame is None:  # a loop with no handed frame: make its first frame, then end on it
            first_frame = next(iter(_checked(backend, request, Segment(0, 1, on_step=on_step))))
        loop_target = first_frame
    elif last_frame is not None:
        loop_target = last_frame  # not a loop: the target of the final call all the same
    if total <= limit:
        yield from _checked(backend, request, Segment(0, total, first_frame, loop_target, first_frame, on_step,
                                                      sound.receiver(0) if sound else None, context))
        return
    seam = seam_frames(limit)
    held: deque[np.ndarray] = deque()
    last_emitted: np.ndarray | None = None
    produced = 0  # frames of the shot made so far (emitted + held)
    while produced < total:
        if produced == 0:
            start, count, handed = 0, limit, first_frame
        else:
            start = produced - len(held) - 1  # the call starts on the last frame emitted
            count = min(limit, total - start)
            handed = last_emitted
        final = start + count == total
        segment = Segment(start, count, handed, loop_target if final else None, first_frame, on_step,
                          sound.receiver(start) if sound else None, context if start == 0 else ())
        frames = iter(_checked(backend, request, segment))
        if produced:
            next(frames)  # repeats last_emitted
            overlap = len(held)
            for k in range(overlap):
                weight = (k + 1) / (overlap + 1)
                mixed = held.popleft().astype(np.float32) * (1 - weight) + next(frames).astype(np.float32) * weight
                last_emitted = np.rint(mixed).astype(np.uint8)
                yield last_emitted
        for frame in frames:
            held.append(frame)
            if len(held) > (0 if final else seam):
                last_emitted = held.popleft()
                yield last_emitted
        produced = start + count
    yield from held


def _checked(backend: Backend, request: ShotRequest, segment: Segment) -> Iterable[np.ndarray]:
    """The backend's frames, each checked for shape and type; exactly segment.count of them."""
    return _counted(backend.generate(request, segment), backend.name, request, segment.count,
                    f"shot `{request.shot_id}`", f"shot `{request.shot_id}`, frames {segment.start}..")


def one_take_frames(backend: Backend, requests: list[ShotRequest], start: Segment) -> Iterator[np.ndarray]:
    """A one_take chain's frames from the backend's one generation, each checked for shape and type; exactly the
    chain's count (its shots' frames less one per seam, where a shot starts on the last frame of the one before)."""
    head = requests[0]
    total = one_take_ends(requests)[-1]
    what = f"the one take from shot `{head.shot_id}`"
    return _counted(backend.generate_one_take(requests, start), backend.name, head, total, what, what)


def _counted(frames: Iterable, backend: str, request: ShotRequest, count: int, subject: str,
             where: str) -> Iterator[np.ndarray]:
    """Frames a backend made, each checked to be uint8 at the request's size, and exactly `count` of them."""
    made = 0
    expected = (request.height, request.width, 3)
    for frame in frames:
        if made == count:
            raise StepFailed(f"backend `{backend}` made more than the {count} frames asked for ({where})")
        if not isinstance(frame, np.ndarray) or frame.shape != expected or frame.dtype != np.uint8:
            shape = getattr(frame, "shape", type(frame).__name__)
            raise StepFailed(f"backend `{backend}` made a frame of {shape} for {subject}; expected uint8 {expected}")
        made += 1
        yield frame
    if made != count:
        raise StepFailed(f"backend `{backend}` made {made} of the {count} frames asked for ({where})")
