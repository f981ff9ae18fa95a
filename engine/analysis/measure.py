"""What a clip's frames measure, for the continuity report: one decode of the clip at a small size, kept by key.

Each frame gives a few numbers: its mean luma, how much of it is dark, how far it moved from the frame before
and from the one before that. Memory stays flat: frames are read one at a time and only numbers are kept. A
clip never changes under its key (a take's, or a graded copy's), so it is measured once, whatever cut it is
in, and kept in `.longcut/measures/`: a take is measured while it is made, from the frames going into the
encoder (FrameMeter, under 1 ms a 720p frame), so the report decodes only older takes and graded copies.

A clip's first and last frames, as the report compares them across a seam (SEAM_WIDTH wide, area-averaged), are
kept too: raw RGB, made from the frames in memory as the take is made, so a cut decodes no PNG for its seams
(keep_edge, kept_edge; a take made before they were kept, and a graded copy, is read once and its edges kept).
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from contextlib import closing
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path

import ffmpeg as ffmpeg_python
import numpy as np
from PIL import Image

from longcut.storyboard.files import FileRefused, read_bytes

from ..atomic import atomic_path
from ..errors import StepFailed
from ..media.ffmpeg import ffmpeg_args, raw_frames

MEASURE_VERSION = 1
EDGE_VERSION = 1
WIDTH = 160  # the measured frame's width: a cut, black or a still picture shows at 1/36 of 720p's pixels
SEAM_WIDTH = 320  # the seams' frames (colour distance, structure) are compared at twice that
BLOCK = 5  # the change between frames is measured on 5x5 block means (32 across): camera noise averages out
DARK_LEVEL = 0.10 * 255  # a pixel this dark or darker counts as black (ffmpeg blackdetect's pix_th)
_COLUMN_SUM = np.tile(np.eye(3, dtype=np.float32), (BLOCK, 1))  # (BLOCK*3, 3): sums BLOCK pixels a channel


@dataclass(frozen=True)
class ClipMeasures:
    frames: int
    luma: list[float]  # mean luma (Rec. 709 weights, 0-255)
    dark: list[float]  # the share of pixels at or below DARK_LEVEL
    change: list[float]  # mean absolute difference of block means from the frame before (0 for the first)
    change2: list[float]  # the same from the frame two before (0 for the first two)
    drift: list[float]  # mean absolute difference of the analysis frame from the one `span` frames before (0 before)
    span: int  # half a second of frames: a slow camera move adds up over it, a frozen picture does not


def analysis_size(width: int, height: int, wide: int = WIDTH) -> tuple[int, int]:
    """`wide` pixels wide (or the clip's width, if smaller), its height a multiple of BLOCK keeping the shape."""
    analysed = min(wide, width - width % BLOCK) or BLOCK
    return analysed, max(BLOCK, round(analysed * height / width / BLOCK) * BLOCK)


def drift_span(fps: Fraction) -> int:
    return max(1, round(fps / 2))


def measures_path(store_root: Path, clip_key: str, size: tuple[int, int], span: int) -> Path:
    key = hashlib.sha256(f"{MEASURE_VERSION}:{clip_key}:{size[0]}x{size[1]}:{span}".encode()).hexdigest()
    return Path(store_root) / "measures" / key[:2] / f"{key}.json"


def seam_picture(frame: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """A frame as a seam compares it: area-averaged down to `size`."""
    return np.asarray(Image.fromarray(frame).resize(size, Image.Resampling.BOX))


def edge_path(store_root: Path, clip_key: str, last: bool, size: tuple[int, int]) -> Path:
    spec = f"{EDGE_VERSION}:{clip_key}:{'last' if last else 'first'}:{size[0]}x{size[1]}"
    key = hashlib.sha256(spec.encode()).hexdigest()
    return Path(store_root) / "measures" / "edges" / key[:2] / f"{key}.rgb"


def keep_edge(store_root: Path, clip_key: str, last: bool, picture: np.ndarray) -> None:
    """A clip's first or last frame at the seam's size, kept as raw RGB bytes under the clip's key."""
    size = (picture.shape[1], picture.shape[0])
    target = edge_path(store_root, clip_key, last, size)
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as temporary:
        temporary.write_bytes(np.ascontiguousarray(picture, np.uint8).tobytes())


def kept_edge(store_root: Path, clip_key: str, last: bool, size: tuple[int, int]) -> np.ndarray | None:
    """The kept edge frame, or None (made again by the caller). Read as any file of the store is (storyboard.files:
    a regular file, at most one small picture's bytes); one of another length (damaged, or not ours) is not used."""
    expected = size[0] * size[1] * 3
    try:
        data = read_bytes(edge_path(store_root, clip_key, last, size), expected, "a kept edge frame")
    except (OSError, FileRefused):
        return None
    if len(data) != expected:
        return None
    return np.frombuffer(data, np.uint8).reshape(size[1], size[0], 3)


def measure_clip(clip: Path, clip_key: str, width: int, height: int, fps: Fraction, store_root: Path) -> ClipMeasures:
    """The clip's measures: kept when its take was made (FrameMeter), else measured now by decoding it once."""
    size = analysis_size(width, height)
    record = measures_path(store_root, clip_key, size, drift_span(fps))
    if record.is_file():
        try:
            return ClipMeasures(**json.loads(record.read_text(encoding="utf-8")))
        except (ValueError, TypeError):
            pass  # a damaged record: measured again below
    meter = FrameMeter(width, height, fps)
    # sampled as FrameMeter.add samples a frame being rendered: the same numbers from the clip and from its frames
    stream = ffmpeg_python.input(str(clip)).video.filter("scale", *size, flags="neighbor").filter("format", "rgb24")
    args = ffmpeg_args(ffmpeg_python.output(stream, "pipe:", format="rawvideo", pix_fmt="rgb24"))
    with closing(raw_frames(args, *size)) as frames:
        for frame in frames:
            meter.add_small(frame)
    if not meter.luma:
        raise StepFailed(f"no frame of {clip.name} could be decoded for the continuity report",
                         hint="run `longcut status FILM --verify` to find a damaged take, then render again")
    measures = meter.result()
    save_measures(store_root, clip_key, size, measures)
    return measures


def save_measures(store_root: Path, clip_key: str, size: tuple[int, int], measures: ClipMeasures) -> None:
    record = measures_path(store_root, clip_key, size, measures.span)
    record.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(record) as temporary:
        temporary.write_text(json.dumps(asdict(measures)), encoding="utf-8")


class FrameMeter:
    """Measures frames one at a time, as they are made (engine.render.take) or decoded (measure_clip)."""

    def __init__(self, width: int, height: int, fps: Fraction) -> None:
        self.width, self.height = width, height
        self.size = analysis_size(width, height)
        self.span = drift_span(fps)
        self.luma: list[float] = []
        self.dark: list[float] = []
        self.change: list[float] = []
        self.change2: list[float] = []
        self.drift: list[float] = []
        self._blocks: list[np.ndarray] = []  # the last two frames' block means
        self._recent: deque[np.ndarray] = deque(maxlen=self.span)  # the last `span` analysis frames
        self._rows: np.ndarray | None = None  # which pixels of a full frame are sampled
        self._columns: np.ndarray | None = None

    def add(self, frame: np.ndarray) -> None:
        """A frame at the clip's size, sampled down to the analysis size: the pixel at the centre of each cell
        (as ffmpeg's `neighbor` scaling does), well under a millisecond where an area average costs 4 ms."""
        height, width = frame.shape[:2]
        step = width // self.size[0]
        if step * self.size[0] == width and step * self.size[1] == height:
            self.add_small(frame[step // 2::step, step // 2::step])
            return
        if self._rows is None:
            self._rows = ((np.arange(self.size[1]) + 0.5) * height / self.size[1]).astype(np.intp)
            self._columns = ((np.arange(self.size[0]) + 0.5) * width / self.size[0]).astype(np.intp)
        self.add_small(frame[np.ix_(self._rows, self._columns)])

    def add_small(self, frame: np.ndarray) -> None:
        width, height = self.size
        picture = frame.astype(np.float32)
        y = picture @ np.array([0.2126, 0.7152, 0.0722], np.float32)
        self.luma.append(round(float(y.mean()), 3))
        self.dark.append(round(float((y <= DARK_LEVEL).mean()), 4))
        # BLOCKxBLOCK means: the columns summed by a matrix product, then the rows (a 5-D mean is 10x slower)
        block = (picture.reshape(height, width // BLOCK, BLOCK * 3) @ _COLUMN_SUM)
        block = block.reshape(height // BLOCK, BLOCK, width // BLOCK, 3).sum(axis=1) / (BLOCK * BLOCK)
        blocks = self._blocks
        self.change.append(round(float(np.abs(block - blocks[-1]).mean()), 3) if blocks else 0.0)
        self.change2.append(round(float(np.abs(block - blocks[-2]).mean()), 3) if len(blocks) > 1 else 0.0)
        recent = self._recent
        self.drift.append(round(float(np.abs(picture - recent[0]).mean()), 4) if len(recent) == self.span else 0.0)
        self._blocks = [*blocks[-1:], block]
        recent.append(picture)

    def result(self) -> ClipMeasures:
        return ClipMeasures(len(self.luma), self.luma, self.dark, self.change, self.change2, self.drift, self.span)

    def save(self, store_root: Path, clip_key: str) -> None:
        save_measures(store_root, clip_key, self.size, self.result())
