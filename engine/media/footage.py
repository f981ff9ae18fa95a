"""Footage: a clip made elsewhere (a camera, a phone, a hosted video model) conformed into a shot's take.

1. probe it (PyAV reads the container: streams, rotation, colour transfer, length) and refuse what would come
   out wrong: no picture, HDR (PQ or HLG: longcut does not tone-map), too short for the shot;
2. decode it from the shot's `in:`, upright (ffmpeg applies the rotation a phone writes), at the film's rate
   (ffmpeg's `fps` filter on the file's own timestamps: each of its frames lands on the film frame nearest its
   time, the later of two kept, a frame repeated where none lands; a variable frame rate stays in time),
   fitted to the film's size (crop, pad or blur) and converted to 8-bit RGB;
3. the take's frames then go through the same encoder as a model's frames (engine.render.take).

Its sound is not copied: the cut reads it from the file, from the same `in:` (ClipAudio.start).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import ffmpeg as ffmpeg_python
import numpy as np

from longcut.continuity import ShotRequest

from ..errors import StepFailed
from .ffmpeg import fit_picture, ffmpeg_args, rate_text, raw_frames

HDR_TRANSFERS = {16: "PQ (SMPTE ST 2084)", 18: "HLG (ARIB STD-B67)"}  # AVColorTransferCharacteristic
# The file may end up to half a film frame before the shot does (its last frame shown a little longer): any
# more and the shot would be padded with a frame that was never filmed.
TAIL_TOLERANCE = Fraction(1, 2)
PRE_ROLL = Fraction(1)  # seconds decoded before `in:`, so the first frame the shot shows is there to choose


class FootageError(ValueError):
    """What is wrong with a footage file, in words for the screenplay's error (which adds file:line:column)."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class FootageInfo:
    width: int  # as shown: after rotation and the pixel aspect ratio
    height: int
    seconds: Fraction  # the picture's length
    start: Fraction  # the time of its first frame (a file's timestamps may not start at 0)
    rate: Fraction  # the average frame rate
    variable_rate: bool
    rotation: int  # degrees the player turns it
    pixel_format: str
    has_sound: bool
    square_pixels: bool = True


def probe(path: Path) -> FootageInfo:
    """What the file holds, from its container and first frame (which is decoded, so a damaged start fails).

    Asked for by the check, the take and every cut's timeline: read once per version of the file (its size and
    mtime), a PyAV open and a decode each time otherwise."""
    try:
        stat = os.stat(path)
    except OSError as error:
        raise _unreadable(error) from None
    return _probe(Path(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=256)
def _probe(path: Path, size: int, mtime_ns: int) -> FootageInfo:
    import av

    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise FootageError("has no picture in it (no video stream)", hint="give a video file")
            stream = container.streams.video[0]
            context = stream.codec_context
            first = next(container.decode(stream), None)
            if first is None:
                raise FootageError("has a video stream with no frame that decodes",
                                   hint="the file is empty or damaged; export it again")
            transfer = first.color_trc or context.color_trc
            if transfer in HDR_TRANSFERS:
                raise FootageError(f"is HDR ({HDR_TRANSFERS[transfer]}, {context.pix_fmt}); longcut makes SDR films "
                                   "and does not tone-map", hint="export an SDR (Rec. 709) version of the clip, e.g. "
                                   "the phone's 'most compatible' setting, or tone-map it with ffmpeg's zscale and "
                                   "tonemap filters")
            seconds = _length(stream, container)
            rate = Fraction(stream.average_rate or stream.guessed_rate or 0)
            base = Fraction(stream.base_rate or rate)
            width, height = stream.width, stream.height
            aspect = stream.sample_aspect_ratio
            if aspect and aspect != 1:
                width = round(width * aspect)
            rotation = int(first.rotation or 0) % 360
            if rotation in (90, 270):
                width, height = height, width
            first_time = Fraction(first.pts) * Fraction(first.time_base) if first.pts is not None else Fraction(0)
            return FootageInfo(width, height, seconds, first_time, rate, variable_rate=bool(rate and base and rate != base),
                               rotation=rotation, pixel_format=context.pix_fmt or "unknown",
                               has_sound=bool(container.streams.audio), square_pixels=not aspect or aspect == 1)
    except FootageError:
        raise
    except (av.FFmpegError, OSError, StopIteration) as error:
        raise _unreadable(error) from None


def _unreadable(error: BaseException) -> FootageError:
    return FootageError(f"cannot be read as video ({type(error).__name__}: {_short(error)})",
                        hint="the file is damaged, cut short or not a video; export it again")


def _length(stream, container) -> Fraction:
    if stream.duration is not None and stream.time_base is not None:
        return Fraction(stream.duration) * Fraction(stream.time_base)
    if container.duration is not None:
        return Fraction(container.duration, 1_000_000)
    raise FootageError("does not say how long it is", hint="remux it: ffmpeg -i IN -c copy OUT.mp4")


def footage_label(path: Path) -> str:
    """The file and what it was, for the take's record: `pier.mov (1080x1920, 29.97 fps variable, turned 90°)`."""
    info = probe(path)
    rate = f"{float(info.rate):.3f}".rstrip("0").rstrip(".") + " fps" + (" variable" if info.variable_rate else "")
    turned = f", turned {info.rotation}°" if info.rotation else ""
    return f"{path.name} ({info.width}x{info.height}, {rate}, {info.pixel_format}{turned})"


def check_length(info: FootageInfo, start: Fraction, frames: int, fps: Fraction) -> None:
    """Refuse footage that ends before the shot does (less a tolerance of half a frame)."""
    needed = Fraction(frames) / fps
    available = info.seconds - start
    if available < needed - TAIL_TOLERANCE / fps:
        if available <= 0:
            raise FootageError(f"is {float(info.seconds):.3f} s long, and the shot starts at `in:` "
                               f"{float(start):.3f} s", hint="give an `in:` inside the clip")
        raise FootageError(f"has {float(available):.3f} s from `in:` {float(start):.3f} s, and the shot needs "
                           f"{float(needed):.3f} s ({frames} frames at {rate_text(fps)} fps)",
                           hint="shorten the shot, move `in:` earlier, or give a longer clip")


def footage_frames(request: ShotRequest) -> Iterator[np.ndarray]:
    """The shot's frames from its footage, exactly request.frames of them, at the film's size and rate."""
    footage = request.footage
    assert footage is not None
    info = probe(footage.path)
    # The file's own timestamps are kept (-copyts) and the fps filter's grid starts exactly at `in:` on them: the
    # seek before it only skips decoding (to a second before), it never decides which frame comes first.
    start = info.start + footage.start  # on the file's timestamps, which may not start at 0
    seek = max(Fraction(0), footage.start - PRE_ROLL)  # an input -ss counts from the file's start
    stream = ffmpeg_python.input(str(footage.path), ss=f"{float(seek):.6f}").video
    if info.square_pixels is False:  # anamorphic: to the size it is shown at first, then fitted
        stream = stream.filter("scale", info.width, info.height).filter("setsar", 1)
    if (info.width, info.height) != (request.width, request.height):
        stream = fit_picture(stream, (request.width, request.height), footage.fit)
    stream = stream.filter("fps", fps=rate_text(request.fps), start_time=f"{float(start):.6f}", round="near")
    output = ffmpeg_python.output(stream.filter("format", "rgb24"), "pipe:", format="rawvideo", pix_fmt="rgb24",
                                  vframes=request.frames).global_args("-copyts")
    made = 0
    last = None
    with closing(raw_frames(ffmpeg_args(output), request.width, request.height)) as frames:
        for frame in frames:
            made += 1
            last = frame
            yield frame
    # The file may end within half a frame of the shot's end (checked before): its last frame is held.
    if last is not None and made == request.frames - 1:
        made += 1
        yield last
    if made != request.frames:
        raise StepFailed(f"shot `{request.shot_id}`: the footage {footage.path.name} gave {made} of the "
                         f"{request.frames} frames the shot needs", hint="check it with `longcut check`: it may be "
                         "shorter than it says, or damaged")


def _short(error: BaseException) -> str:
    text = str(error).replace("\n", " ")
    return text if len(text) <= 120 else text[:117] + "..."
