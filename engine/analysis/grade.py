"""Colour matching (`color_match:`): a clip graded toward another shot's colour, so a seam does not jump.

The editor grades (grade_clips) before it lays out the pieces; the continuity report measures seams through
the same LUT (grade_lut, apply_lut).

The method (METHOD): each CIELAB channel's mean and spread of the clip's reference frame are moved to those of
the target's (Reinhard et al., "Color Transfer between Images", 2001), computed with scikit-image. For a shot
that continues another, the reference is its first frame and the target its parent's last frame (the two sides
of the seam); toward any other shot, both clips' first and last frames. The transfer is baked into a 3D LUT of
LUT_POINTS a side and applied by ffmpeg's lut3d filter (tetrahedral) in one encode with the takes' settings,
so the graded copy joins the cut like any take. It is kept under its own key in `.longcut/graded/`; the take
is never touched.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from functools import lru_cache
from pathlib import Path

import ffmpeg as ffmpeg_python
import numpy as np

from ..atomic import atomic_path
from ..errors import StepFailed
from ..media.ffmpeg import ENCODING, count_packets, encoder_output_options, ffmpeg_args, run
from ..store import TakeStore, scratch_folder
from ..timeline import Clip, Timeline

GRADE_VERSION = 1
METHOD = "lab-mean-std"
LUT_POINTS = 33
SPREAD_LIMITS = (0.5, 2.0)  # a flat reference frame must not blow the grade up


def grade_clips(timeline: Timeline, store: TakeStore) -> Timeline:
    """The Timeline with every clip that asks for colour matching playing its graded copy (made if missing)."""
    items = [_graded(item, timeline, store) if isinstance(item, Clip) and item.color_match else item
             for item in timeline.items]
    return dataclasses.replace(timeline, items=items)


def grade_key(clip: Clip) -> str:
    match = clip.color_match
    assert match is not None
    spec = {"version": GRADE_VERSION, "method": METHOD, "points": LUT_POINTS, "take": match.take_key,
            "toward": match.toward_key, "seam": clip.starts_on == match.toward, "encoding": ENCODING}
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()


def graded_path(store_root: Path, key: str) -> Path:
    return Path(store_root) / "graded" / key[:2] / f"{key}.mp4"


def _graded(clip: Clip, timeline: Timeline, store: TakeStore) -> Clip:
    key = grade_key(clip)
    target = graded_path(store.root, key)
    if not target.is_file():
        lut = grade_lut(clip, store)
        target.parent.mkdir(parents=True, exist_ok=True)
        with scratch_folder(store.root, "grade") as folder, atomic_path(target) as temporary:
            write_cube(lut, Path(folder) / "grade.cube")
            _apply(clip.color_match.take_path, temporary, Path(folder), timeline)
            frames = count_packets(temporary)
            if frames != clip.take_frames:
                raise StepFailed(f"grading shot `{clip.shot_id}` gave {frames} frames, its take has {clip.take_frames}")
    return dataclasses.replace(clip, key=key, path=target)


def grade_lut(clip: Clip, store: TakeStore) -> np.ndarray:
    """The LUT that grades the clip's take toward its target (the same for every cut: a function of the takes).

    Kept for the few grades last asked for: the grade and the report's seams on both sides of the clip ask for it
    one after another."""
    match = clip.color_match
    assert match is not None
    return _lut(store, match.take_key, match.toward_key, clip.starts_on == match.toward)


@lru_cache(maxsize=16)
def _lut(store: TakeStore, take_key: str, toward_key: str, seam: bool) -> np.ndarray:
    lut = transfer_lut(*reference_frames(store, take_key, toward_key, seam))
    lut.setflags(write=False)
    return lut


def reference_frames(store: TakeStore, take_key: str, toward_key: str, seam: bool) -> tuple[np.ndarray, np.ndarray]:
    """(the take's frames whose colour is moved, the target's frames whose colour it is moved to): the two sides
    of the seam for a shot graded toward the shot it continues (seam); else both takes' first and last frames.
    These are the takes' lossless clean frames (no captions)."""
    if seam:
        return store.first_frame(take_key), store.last_frame(toward_key)

    def ends(key: str) -> np.ndarray:
        return np.concatenate([store.first_frame(key), store.last_frame(key)])

    return ends(take_key), ends(toward_key)


def transfer_lut(source: np.ndarray, target: np.ndarray, points: int = LUT_POINTS) -> np.ndarray:
    """A (points, points, points, 3) LUT, indexed [b, g, r] as a .cube lists it, of RGB in 0..1: each CIELAB
    channel's mean and standard deviation of `source` moved to those of `target`."""
    from skimage.color import lab2rgb, rgb2lab

    source_lab = rgb2lab(source.astype(np.float64) / 255).reshape(-1, 3)
    target_lab = rgb2lab(target.astype(np.float64) / 255).reshape(-1, 3)
    scale = np.clip(target_lab.std(axis=0) / np.maximum(source_lab.std(axis=0), 1e-6), *SPREAD_LIMITS)
    axis = np.linspace(0.0, 1.0, points)
    blue, green, red = np.meshgrid(axis, axis, axis, indexing="ij")
    grid = np.stack([red, green, blue], axis=-1)
    lab = rgb2lab(grid)
    moved = (lab - source_lab.mean(axis=0)) * scale + target_lab.mean(axis=0)
    return np.clip(lab2rgb(moved), 0.0, 1.0)


def apply_lut(frame: np.ndarray, lut: np.ndarray) -> np.ndarray:
    """The LUT on one frame in numpy (trilinear), for measuring a grade without encoding it."""
    points = lut.shape[0]
    position = frame.astype(np.float64) / 255 * (points - 1)
    low = np.clip(np.floor(position).astype(int), 0, points - 2)
    weight = position - low
    result = np.zeros(frame.shape, np.float64)
    for corner in range(8):
        offsets = [(corner >> channel) & 1 for channel in range(3)]  # r, g, b
        index = [low[..., channel] + offsets[channel] for channel in range(3)]
        share = np.prod([weight[..., c] if offsets[c] else 1 - weight[..., c] for c in range(3)], axis=0)
        result += share[..., None] * lut[index[2], index[1], index[0]]
    return np.rint(result * 255).astype(np.uint8)


def write_cube(lut: np.ndarray, path: Path) -> None:
    """An Adobe/Resolve .cube file: red changes fastest."""
    points = lut.shape[0]
    lines = [f"LUT_3D_SIZE {points}"] + [f"{r:.6f} {g:.6f} {b:.6f}" for r, g, b in lut.reshape(-1, 3)]
    path.write_text("\n".join(lines) + "\n", encoding="ascii")


def _apply(take: Path, target: Path, folder: Path, timeline: Timeline) -> None:
    # The LUT is named by its bare file name, ffmpeg running in its folder: no path reaches the filter string.
    stream = ffmpeg_python.input(str(take)).video.filter("lut3d", file="grade.cube", interp="tetrahedral")
    stream = stream.filter("scale", out_color_matrix=ENCODING["color"], out_range="tv")  # as the Encoder writes
    output = ffmpeg_python.output(stream, str(target), **encoder_output_options(timeline.fps))
    run(ffmpeg_args(output, overwrite=True), f"grade {take.name}", cwd=folder)
