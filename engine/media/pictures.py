"""The author's own frames (`start:`, `end:`) fitted to the shot: a picture as one frame, a clip as its last frames.

A picture is decoded by ffmpeg and fitted as footage is (engine.media.ffmpeg.fit_picture: crop, pad or blur), never
stretched. A clip a shot continues from is decoded from a little before its end, at the film's rate, and its last
`count` frames are kept, oldest first: the motion a model that takes several frames continues (as a parent's).
"""

from __future__ import annotations

from collections import deque
from contextlib import closing
from fractions import Fraction
from pathlib import Path

import ffmpeg as ffmpeg_python
import numpy as np

from ..errors import StepFailed
from .ffmpeg import ffmpeg_args, fit_picture, rate_text, raw_frames


def fitted_picture(path: Path, width: int, height: int, fit: str) -> np.ndarray:
    """The picture at `path` as one uint8 (height, width, 3) frame, fitted to the frame the way `fit` says."""
    stream = fit_picture(ffmpeg_python.input(str(path)).video, (width, height), fit)
    output = ffmpeg_python.output(stream.filter("format", "rgb24"), "pipe:", format="rawvideo", pix_fmt="rgb24",
                                  vframes=1)
    with closing(raw_frames(ffmpeg_args(output), width, height)) as frames:
        frame = next(frames, None)
    if frame is None:
        raise StepFailed(f"the picture {path.name} gave no frame", hint="check it with `longcut check`: it may be "
                         "damaged; save it again as PNG or JPEG")
    return frame.copy()


def last_frames_of(path: Path, width: int, height: int, fit: str, fps: Fraction, count: int) -> list[np.ndarray]:
    """The last `count` frames of the clip at `path` at the film's rate (fewer where it has fewer), fitted, oldest
    first. Only the clip's end is decoded: the input seeks to a second before the frames wanted."""
    seconds = float(Fraction(count + 1) / fps) + 1.0
    stream = ffmpeg_python.input(str(path), sseof=f"-{seconds:.6f}").video
    stream = fit_picture(stream, (width, height), fit).filter("fps", fps=rate_text(fps))
    output = ffmpeg_python.output(stream.filter("format", "rgb24"), "pipe:", format="rawvideo", pix_fmt="rgb24")
    kept: deque[np.ndarray] = deque(maxlen=count)
    with closing(raw_frames(ffmpeg_args(output), width, height)) as frames:
        for frame in frames:
            kept.append(frame)
    if not kept:
        raise StepFailed(f"the clip {path.name} gave no frame", hint="check it with `longcut check`: it may be "
                         "damaged; export it again")
    return [frame.copy() for frame in kept]
