"""ffmpeg, driven through ffmpeg-python's argument builder and run as an argument list (never a shell): the only
module that starts a process.

The binary: $LONGCUT_FFMPEG, else a system `ffmpeg`, else the one imageio-ffmpeg ships, so a fresh
machine needs nothing but pip.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import ffmpeg as ffmpeg_python
import numpy as np

from ..errors import LongcutError, StepFailed

QUEUED_FRAMES = 4
# How shots are encoded for editing: one fixed GOP of half a second (a half-second or one-second fade then
# starts and ends on keyframes) with a keyframe on its first frame, closed,
# no scene-cut keyframes, and no B-frames, so every clip of a film shares codec settings, a stretch can be
# copied from any keyframe and stopped on any frame, and the editor re-encodes only transitions.
# x264's output depends on its thread count (frame threads change its decisions), and left to itself it takes
# 1.5 threads a core: the same take made on a 2-core laptop and a 16-core node would be different bytes under one
# cache key. A fixed count makes a take the same bytes on every machine (x264's SIMD paths are bit-exact).
# (Kept beside ENCODING, not in it: ENCODING goes into every cache key, and the thread count changes no frame's
# meaning, only which of two equally good bitstreams comes out.)
ENCODING = {"codec": "libx264", "preset": "veryfast", "crf": 18, "pix_fmt": "yuv420p", "gop_seconds": 0.5,
            "bframes": 0, "color": "bt709"}
ENCODER_THREADS = 4


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    override = os.environ.get("LONGCUT_FFMPEG")
    if override:
        found = shutil.which(override)
        if found is None:
            raise LongcutError(f"LONGCUT_FFMPEG={override} is not an ffmpeg that can be run (no such executable file)",
                               hint="point it at an ffmpeg binary, or unset it to use the ffmpeg that comes with "
                                    "longcut")
        return found
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg
    except ImportError:  # pragma: no cover - it is a core dependency
        raise StepFailed("no ffmpeg found", hint="pip install imageio-ffmpeg, or put ffmpeg on the PATH") from None
    return imageio_ffmpeg.get_ffmpeg_exe()


QUIET = ("-hide_banner", "-loglevel", "error")


def ffmpeg_args(stream, overwrite: bool = False, log: tuple[str, ...] = QUIET) -> list[str]:
    """The argument list ffmpeg-python builds for a stream, run with our ffmpeg and `log` flags (quiet but for
    errors, by default)."""
    args = ffmpeg_python.compile(stream, cmd=ffmpeg_exe(), overwrite_output=overwrite)
    args[1:1] = list(log)
    return args


def rate_text(fps: Fraction) -> str:
    return f"{fps.numerator}/{fps.denominator}"


def gop_frames(fps: Fraction) -> int:
    return max(1, round(fps * ENCODING["gop_seconds"]))


def timescale(fps: Fraction) -> int:
    """An MP4 timescale in which every frame lasts a whole number of ticks (24 -> 24000, 24000/1001 -> 24000)."""
    return fps.numerator * (1000 if fps.denominator == 1 else 1)


def encoder_output_options(fps: Fraction, threads: int = ENCODER_THREADS) -> dict:
    """ffmpeg output options of ENCODING: the takes, the editor's re-encoded pieces and cards all use these.
    threads: x264's, fixed whatever the machine (a junction of a dozen frames is made with one)."""
    gop = gop_frames(fps)
    return {
        "vcodec": ENCODING["codec"], "preset": ENCODING["preset"], "crf": ENCODING["crf"],
        "pix_fmt": ENCODING["pix_fmt"], "g": gop, "bf": ENCODING["bframes"], "flags": "+cgop",
        "colorspace": ENCODING["color"], "color_primaries": ENCODING["color"], "color_trc": ENCODING["color"],
        "video_track_timescale": timescale(fps), "movflags": "+faststart", "r": rate_text(fps),
        "threads": threads,
        "x264-params": f"keyint={gop}:min-keyint={gop}:scenecut=0:bframes={ENCODING['bframes']}:threads={threads}",
    }


def run(args: list[str], what: str, hint: str | None = None, niceness: int = 0,
        cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ffmpeg; on failure raise StepFailed with the end of its error output.

    niceness > 0 runs it at a lower CPU priority, so that work on the critical path goes first. cwd: where a
    filter's file argument (a LUT) is named by a bare file name, so no path is ever escaped into a filter.
    """
    with subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          cwd=cwd) as process:
        if niceness and hasattr(os, "setpriority"):
            try:
                os.setpriority(os.PRIO_PROCESS, process.pid, niceness)
            except OSError:  # it may have finished already
                pass
        stdout, stderr = process.communicate()
    result = subprocess.CompletedProcess(args, process.returncode, stdout, stderr)
    if result.returncode != 0:
        raise StepFailed(f"ffmpeg failed to {what}: {_tail(result.stderr)}", hint=hint)
    return result


def run_unchecked(args: list[str], text: bool = False) -> subprocess.CompletedProcess:
    """Run ffmpeg and return what it said, whatever its exit status (for a probe that reads its errors itself)."""
    return subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, text=text)


ERROR_TAIL_BYTES = 64 * 1024  # what is kept of a fed ffmpeg's error output: its last lines and summaries


class Fed:
    """An ffmpeg fed bytes through its stdin. Its error output is drained by a thread as it comes (a full pipe would
    block ffmpeg; no temporary file is made for it) and its last ERROR_TAIL_BYTES kept, for the error message or a
    summary it prints at the end (ebur128's)."""

    def __init__(self, args: list[str]) -> None:
        self._process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.PIPE)
        self._said: deque[bytes] = deque()
        self._kept = 0
        self._drain = threading.Thread(target=self._read_errors, name="ffmpeg errors", daemon=True)
        self._drain.start()

    def _read_errors(self) -> None:
        for chunk in iter(lambda: self._process.stderr.read1(8192), b""):
            self._said.append(chunk)
            self._kept += len(chunk)
            while self._kept - len(self._said[0]) >= ERROR_TAIL_BYTES:
                self._kept -= len(self._said.popleft())

    def write(self, data) -> bool:
        """False when ffmpeg has stopped reading (it failed: finish() says why)."""
        try:
            self._process.stdin.write(data)
        except (BrokenPipeError, ValueError):
            return False
        return True

    def finish(self) -> tuple[int, bytes]:
        """Close its input and wait: its exit status and the end of what it said."""
        try:
            self._process.stdin.close()
        except BrokenPipeError:
            pass
        code = self._process.wait()
        self._drain.join()
        return code, b"".join(self._said)

    def kill(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self.finish()


def _tail(stderr: bytes, lines: int = 6) -> str:
    text = stderr.decode("utf-8", errors="replace").strip().splitlines()
    return " | ".join(text[-lines:]) if text else "no error output"


class Encoder:
    """Frames in (uint8, height x width x 3), an H.264 clip out. Memory stays flat: frames go straight to ffmpeg."""

    def __init__(self, path: Path, width: int, height: int, fps: Fraction, threads: int = ENCODER_THREADS) -> None:
        self.path, self.width, self.height, self.fps = Path(path), width, height, fps
        self.frames = 0
        stream = ffmpeg_python.input("pipe:", format="rawvideo", pix_fmt="rgb24", s=f"{width}x{height}",
                                     framerate=rate_text(fps))
        stream = stream.filter("scale", out_color_matrix=ENCODING["color"], out_range="tv")
        stream = ffmpeg_python.output(stream, str(self.path), **encoder_output_options(fps, threads))
        args = ffmpeg_args(stream, overwrite=True, log=("-hide_banner", "-nostats", "-loglevel", "error"))
        self._process = Fed(args)
        # A writer thread feeds the pipe, so drawing the next frames overlaps with ffmpeg encoding the last
        # ones instead of waiting on a 64 KB pipe; the queue bounds how many frames wait in memory.
        self._queue: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=QUEUED_FRAMES)
        self._broken = False
        self._writer = threading.Thread(target=self._feed, name=f"encode {self.path.name}", daemon=True)
        self._writer.start()

    def _feed(self) -> None:
        while (frame := self._queue.get()) is not None:
            if self._broken:
                continue  # drain, so write() never blocks on a dead encoder
            if not self._process.write(memoryview(frame).cast("B")):
                self._broken = True

    def write(self, frame: np.ndarray) -> None:
        if frame.shape != (self.height, self.width, 3) or frame.dtype != np.uint8:
            self.abort()
            raise StepFailed(f"a frame of shape {frame.shape} {frame.dtype} cannot go into a {self.width}x{self.height} "
                             "clip", hint="a backend must yield uint8 frames of the request's height and width, RGB")
        if self._broken:
            self._finish()  # raises with ffmpeg's own message
        self._queue.put(np.ascontiguousarray(frame))
        self.frames += 1

    def close(self) -> None:
        self._finish()

    def _stop_writer(self) -> None:
        if self._writer.is_alive():
            self._queue.put(None)
            self._writer.join()

    def _finish(self) -> None:
        self._stop_writer()
        code, log = self._process.finish()
        if code != 0:
            raise StepFailed(f"ffmpeg could not encode {self.path.name}: {_tail(log)}",
                             hint="check free disk space, or set LONGCUT_FFMPEG to another ffmpeg build")

    def abort(self) -> None:
        self._broken = True
        self._process.kill()
        self._stop_writer()

    def __enter__(self) -> Encoder:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()


FITS = ("crop", "pad", "blur")  # storyboard.schema.Fit's words


def fit_picture(stream, size: tuple[int, int], fit: str):
    """Fit a picture into a frame of another size or shape: crop to fill it, or scale it to fit and pad it on
    black or onto a blurred, filled copy of itself."""
    width, height = size
    if fit == "crop":
        filled = stream.filter("scale", width, height, force_original_aspect_ratio="increase")
        return filled.filter("crop", width, height).filter("setsar", 1)
    if fit == "pad":
        fitted = stream.filter("scale", width, height, force_original_aspect_ratio="decrease")
        return fitted.filter("pad", width, height, "(ow-iw)/2", "(oh-ih)/2", color="black").filter("setsar", 1)
    split = stream.split()
    background = (split[0].filter("scale", width, height, force_original_aspect_ratio="increase")
                  .filter("crop", width, height).filter("gblur", sigma=30).filter("eq", brightness=-0.08))
    foreground = split[1].filter("scale", width, height, force_original_aspect_ratio="decrease")
    return ffmpeg_python.overlay(background, foreground, x="(W-w)/2", y="(H-h)/2").filter("setsar", 1)


def read_frame(path: Path, index: int, fps: Fraction, width: int, height: int) -> np.ndarray:
    """Decode one frame (counted from 0) of a clip, exactly: seek to its time, take one frame."""
    seconds = float(Fraction(index) / fps)
    stream = ffmpeg_python.input(str(path), ss=f"{seconds:.6f}")
    stream = ffmpeg_python.output(stream, "pipe:", format="rawvideo", pix_fmt="rgb24", vframes=1)
    args = ffmpeg_args(stream)
    data = run(args, f"read frame {index} of {path.name}").stdout
    if len(data) != width * height * 3:
        raise StepFailed(f"could not read frame {index} of {path.name} (got {len(data)} bytes)")
    return np.frombuffer(data, np.uint8).reshape(height, width, 3)


def decode_frames(path: Path, width: int, height: int) -> Iterator[np.ndarray]:
    """Every frame of a clip, one at a time (for checks and tests)."""
    stream = ffmpeg_python.output(ffmpeg_python.input(str(path)), "pipe:", format="rawvideo", pix_fmt="rgb24")
    return raw_frames(ffmpeg_args(stream), width, height)


def raw_frames(args: list[str], width: int, height: int) -> Iterator[np.ndarray]:
    """The frames an ffmpeg writing rgb24 rawvideo to its stdout makes, one at a time (a short tail is dropped)."""
    process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    size = width * height * 3
    try:
        while len(chunk := process.stdout.read(size)) == size:
            yield np.frombuffer(chunk, np.uint8).reshape(height, width, 3)
    finally:
        process.stdout.close()
        process.wait()


@dataclass(frozen=True)
class Stretch:
    """Frames [first, first + frames) of a clip, counted from its first frame."""

    path: Path
    first: int
    frames: int


CONCAT_SUFFIX = ".ffconcat"


def write_concat_listing(stretches: list[Stretch], fps: Fraction, listing: Path) -> None:
    """An ffconcat listing that joins stretches of clips sharing codec settings, frame-exactly and without
    re-encoding: ffmpeg reads it as one clip (see input_options).

    A stretch starts on a keyframe of its clip (the caller's promise: nothing before it is decoded) and ends on
    any frame (there are no B-frames). The demuxer takes times in microseconds; every time here is a whole number
    of frames, rounded to the microsecond, which stays well inside half a tick of the clips' timescale, so seeking
    lands on the keyframe and each stretch's frames keep their exact times. Each stretch's duration is the
    difference of rounded start times, so the rounding never accumulates along the film.
    """

    def microseconds(frames: Fraction) -> int:
        return round(frames / fps * 1_000_000)

    lines = ["ffconcat version 1.0"]
    at = 0
    for stretch in stretches:
        # the demuxer's quoting: a ' inside '...' is written '\''
        lines.append("file '" + str(Path(stretch.path).resolve()).replace("'", "'\\''") + "'")
        if stretch.first:
            lines.append(f"inpoint {microseconds(Fraction(stretch.first))}us")
        # packets from the frame after the last one on are left out; half a frame early is robust to rounding
        lines.append(f"outpoint {microseconds(stretch.first + stretch.frames - Fraction(1, 2))}us")
        lines.append(f"duration {microseconds(Fraction(at + stretch.frames)) - microseconds(Fraction(at))}us")
        at += stretch.frames
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")


def input_options(path: Path) -> dict:
    """ffmpeg input options for a clip, or for an ffconcat listing (its absolute paths are ours: safe=0)."""
    return {"format": "concat", "safe": 0} if Path(path).suffix == CONCAT_SUFFIX else {}


def input_flags(path: Path) -> list[str]:
    """input_options as command-line flags, for an argument list written by hand."""
    return [flag for key, value in input_options(path).items() for flag in (f"-{key}", str(value))]


def probe_frames(path: Path) -> int:
    """Count a clip's video frames by decoding it (exact, independent of container metadata); a decoding error
    fails."""
    return _count_video(path, before_input=["-xerror"], after_input=[])


def count_packets(path: Path) -> int:
    """Count a film's video frames without decoding them (its packets: one a frame in H.264 without B-frames)."""
    return _count_video(path, before_input=[], after_input=["-c", "copy"])


def _count_video(path: Path, before_input: list[str], after_input: list[str]) -> int:
    args = [ffmpeg_exe(), "-hide_banner", "-nostats", "-loglevel", "error", *before_input, "-i", str(path),
            "-map", "0:v:0", *after_input, "-f", "null", "-", "-progress", "pipe:1"]
    result = run_unchecked(args, text=True)
    if result.returncode != 0 or result.stderr.strip():
        lines = result.stderr.strip().splitlines()
        raise StepFailed(f"ffmpeg could not read {Path(path).name}: {lines[-1] if lines else 'no video stream'}")
    counts = [line.split("=", 1)[1] for line in result.stdout.splitlines() if line.startswith("frame=")]
    return int(counts[-1]) if counts else 0
