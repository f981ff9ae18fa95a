"""The continuity report: what a cut's seams and shots measure, and what is flagged, written with every cut.

1. measure every clip once (engine.analysis.measure: a small decode, cached by the clip's key);
2. seams: between each clip and the next, the colour distance (mean CIEDE2000 over the pixels of the two
   frames at the analysis size, scikit-image) and the structural similarity (SSIM of their luma), on the
   takes' clean edge frames (edge_frame: no backend overlay, through the clip's grade); a seam
   into a shot that `continues:` the one before must hold (the hand-off), and is flagged when it does not;
3. inside each shot, in the frames the cut uses: hard cuts (a jump in the block-mean change between frames
   far above the frames around it and above `cut_threshold`, persisting: not a flash), black stretches
   (ffmpeg blackdetect's rule: 98% of pixels at or below 10% luma), frozen stretches (no change above
   `freeze_noise`), flash frames (a frame unlike both neighbours, which are alike);
4. the report as JSON beside the film (`<film>.continuity.json`), a strip image of each flagged seam (the two
   frames side by side) in `<film>.continuity/`, and each flag as a Marker for the Cut (the OTIO export).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from longcut.storyboard.files import RECORD_LIMIT, FileRefused, read_text
from longcut.storyboard.schema import ContinuitySpec
from longcut.storyboard.units import format_timecode

from ..atomic import atomic_path
from ..errors import LongcutError, refused
from ..media.ffmpeg import read_frame
from ..store import TakeStore, write_png
from ..timeline import Clip, Marker, Timeline, file_digest
from . import identity
from .grade import apply_lut, grade_lut
from .measure import SEAM_WIDTH, ClipMeasures, analysis_size, keep_edge, kept_edge, measure_clip, seam_picture
from .seam import seam_distance

REPORT_VERSION = 1
STRIP_SUFFIX = ".seam.png"  # a flagged seam's two frames side by side, in <film>.continuity/
BLACK_SHARE = 0.98  # ffmpeg blackdetect's picture_black_ratio_th
CUT_CONTRAST = 3.0  # a cut's change is this many times the median change of the frames around it
NEIGHBOURS = 4  # frames each side for that median
METHODS = {
    "delta_e": "mean CIEDE2000 (scikit-image) over the pixels of the two frames, at 320 px wide",
    "ssim": "structural similarity of the two frames' luma (scikit-image, 7x7 window), at 320 px wide",
    "cuts": "mean absolute change of 5x5 block means between frames (8-bit levels) over cut_threshold and "
            f"{CUT_CONTRAST:g}x the median of the {NEIGHBOURS} frames each side, the picture still changed half a "
            "second on (a flash or lightning comes back)",
    "black": f"{BLACK_SHARE:.0%} of pixels at or below 10% luma (ffmpeg blackdetect's defaults)",
    "frozen": "mean absolute change from the frame half a second before, at 160 px wide, under freeze_noise",
    "color_match": "each CIELAB channel's mean and spread moved to the target's (Reinhard 2001), as a 33-point "
                   "3D LUT applied by ffmpeg's lut3d",
}


@dataclass
class Report:
    seams: list[dict] = field(default_factory=list)
    shots: list[dict] = field(default_factory=list)
    thresholds: dict = field(default_factory=dict)
    identity: dict = field(default_factory=lambda: {"measured": False, "why": "identity was not asked for"})

    @property
    def flags(self) -> list[dict]:
        return [flag for entry in self.seams + self.shots for flag in entry["flags"]]

    def as_json(self) -> dict:
        return {"version": REPORT_VERSION, "methods": METHODS, "thresholds": self.thresholds, "seams": self.seams,
                "shots": self.shots, "identity": self.identity, "flagged": len(self.flags)}

    def markers(self) -> tuple[Marker, ...]:
        return tuple(Marker(flag["frame"], flag["what"], f"{flag['message']}; {flag['hint']}", "RED")
                     for flag in self.flags)


def report_path(film: Path) -> Path:
    return Path(film).with_suffix(".continuity.json")


def strips_folder(film: Path) -> Path:
    return Path(film).with_suffix(".continuity")


def continuity_report(timeline: Timeline, spec: ContinuitySpec, store: TakeStore,
                      cast: identity.Cast | None = None) -> Report:
    """Measure the Timeline's clips and seams against the film's thresholds (`continuity:`); with the film's cast
    (who each shot names), who is on screen too (engine.analysis.identity), where it is installed and asked for."""
    report = Report(thresholds=_thresholds(spec, timeline.fps))
    clips = timeline.clips
    for clip in clips:
        measures = measure_clip(clip.path, clip.key, timeline.width, timeline.height, timeline.fps, store.root)
        report.shots.append(_shot_entry(clip, measures, spec, timeline))
    for before, after in zip(clips, clips[1:]):
        report.seams.append(_seam_entry(before, after, spec, timeline, store))
    if cast is not None:
        report.identity = _identity(timeline, spec, store, cast, report)
    return report


def _identity(timeline: Timeline, spec: ContinuitySpec, store: TakeStore, cast: identity.Cast, report: Report) -> dict:
    """The identity section, and its flags on the shots' entries (step 6 of engine.analysis.identity's story)."""
    settings = spec.identity
    if not settings.measure:
        return {"measured": False, "why": "identity is off for this film (`continuity: {identity: off}`)"}
    why = identity.missing()
    if why is not None:
        return {"measured": False, "why": why}
    clips = [clip for clip in timeline.clips if clip.shot_id in cast.shots]
    faces = {}
    for clip in clips:  # the take as made (a graded copy's colours do not change who it is)
        match = clip.color_match
        path, key = (match.take_path, match.take_key) if match else (clip.path, clip.key)
        faces[clip.shot_id] = [face for face in identity.take_faces(path, key, clip.take_frames or clip.frames,
                                                                     timeline.fps, timeline.width, timeline.height,
                                                                     store.root)
                               if clip.source_in <= face.frame < clip.source_in + clip.frames]
    thresholds = identity.IdentityThresholds(settings.match, settings.min_reference, settings.min_consistency,
                                             tuple(size.value for size in settings.expect_faces), settings.unknown)
    result = identity.measure_identity(cast, faces, thresholds)
    entries = {entry["id"]: entry for entry in report.shots}
    by_shot = {clip.shot_id: clip for clip in clips}
    for flag in result.flags:
        clip = by_shot[flag.shot_id]
        frame = min(max(flag.frame - clip.source_in, 0), clip.frames - 1)
        _flagger(entries[flag.shot_id]["flags"], flag.shot_id, timeline, clip.record_in)(flag.what, frame,
                                                                                            flag.message, flag.hint)
    for row in result.characters:
        crops = result.crops[row["character"]]
        if crops:
            row["strip"] = identity.strip_key(row["character"], crops)
            target = strip_path(store.root, row["strip"])
            if not target.is_file():
                with atomic_path(target) as temporary:
                    write_png(temporary, identity.face_strip(crops))
            row["strip_shots"] = [shot_id for shot_id, _ in crops]
    return {"measured": True, "method": identity.METHOD, "thresholds": {
                "match": settings.match, "min_reference": settings.min_reference,
                "min_consistency": settings.min_consistency,
                "expect_faces": [size.value for size in settings.expect_faces]},
            "characters": result.characters, "shots": result.shots}


def strip_path(store_root: Path, key: str) -> Path:
    """Where a character's strip of faces is kept (the review page serves it by this key)."""
    return Path(store_root) / "identity" / "strips" / f"{key}.png"


def write_report(report: Report, film: Path) -> Path:
    """The JSON beside the film, and the strips of its flagged seams (old strips are removed)."""
    strips = strips_folder(film)
    for old in strips.glob(f"*{STRIP_SUFFIX}") if strips.is_dir() else ():  # ours only: the folder may hold others
        old.unlink()
    for seam in report.seams:
        strip = seam.pop("_strip", None)
        if strip is not None:
            strips.mkdir(exist_ok=True)
            seam["strip"] = f"{strips.name}/{seam['from']}--{seam['to']}{STRIP_SUFFIX}"
            with atomic_path(film.parent / seam["strip"]) as temporary:
                write_png(temporary, strip)
    if strips.is_dir() and not any(strips.iterdir()):
        strips.rmdir()
    target = report_path(film)
    data = {**report.as_json(), "film_digest": file_digest(film)}  # which film it measured: see load_report
    with atomic_path(target) as temporary:
        temporary.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return target


def load_report(path: Path, hint: str, film: Path | None = None) -> dict:
    """A report written by write_report; LongcutError when there is none, it cannot be read, or (given the film it
    is beside) it measured another film than the one there now (a cut stopped between the two)."""
    try:
        data = json.loads(read_text(path, RECORD_LIMIT, "the continuity report"))
    except FileNotFoundError:
        raise LongcutError(f"no continuity report at {path}", hint=hint) from None
    except FileRefused as error:
        raise refused(error) from None
    except ValueError as error:
        raise LongcutError(f"the continuity report {path} cannot be read ({error})", hint=hint) from None
    if not isinstance(data, dict) or data.get("version") != REPORT_VERSION:
        raise LongcutError(f"{path} is not a continuity report of version {REPORT_VERSION}", hint=hint)
    if film is not None and not (Path(film).is_file() and data.get("film_digest") == file_digest(film)):
        raise LongcutError(f"the continuity report {Path(path).name} is not of {Path(film).name} as it is now (the "
                           "film was changed after it was cut, or a cut was stopped before it finished)", hint=hint)
    return data


def _thresholds(spec: ContinuitySpec, fps: Fraction) -> dict:
    return {"max_seam_delta_e": spec.max_seam_delta_e, "min_seam_ssim": spec.min_seam_ssim,
            "cut_threshold": spec.cut_threshold, "min_black_frames": spec.min_black.to_frames(fps),
            "min_frozen_frames": spec.min_frozen.to_frames(fps), "freeze_noise": spec.freeze_noise,
            "flash": spec.flash}


# -- inside a shot -----------------------------------------------------------------------------------------------


def hard_cuts(change: list[float], change2: list[float], drift: list[float], span: int, threshold: float) -> list[int]:
    """Frames that start a new picture: a change over threshold, far above the frames around it, that lasts: the
    picture half a second on (`drift`: the change from `span` frames before) still differs from the one before
    the change, and the new picture is not the one of half a second before. A flash, or lightning, comes back to
    the picture it left."""
    cuts = []
    for index in range(1, len(change)):
        if change[index] < threshold:
            continue
        around = change[max(1, index - NEIGHBOURS):index] + change[index + 1:index + 1 + NEIGHBOURS]
        if around and change[index] < CUT_CONTRAST * float(np.median(around)):
            continue
        later = index - 1 + span
        if later < len(drift) and drift[later] and drift[later] < threshold / 2:
            continue  # back where it was half a second on: a flash starting
        if index >= span and drift[index] < threshold / 2:
            continue  # back to the picture of half a second before: a flash ending
        back = change2[index] if index >= 2 else change[index]
        ahead = change2[index + 1] if index + 1 < len(change2) else change[index]
        if back >= threshold / 2 and ahead >= threshold / 2:
            cuts.append(index)
    return cuts


def flash_frames(change: list[float], change2: list[float], threshold: float) -> list[int]:
    """Single frames unlike both neighbours, whose neighbours are alike."""
    return [index for index in range(1, len(change) - 1)
            if change[index] >= threshold and change[index + 1] >= threshold and change2[index + 1] < threshold / 2]


def stretches(flags: list[bool], minimum: int) -> list[list[int]]:
    """[first, last] of every run of True at least `minimum` long."""
    runs, start = [], None
    for index, value in enumerate([*flags, False]):
        if value and start is None:
            start = index
        elif not value and start is not None:
            if index - start >= minimum:
                runs.append([start, index - 1])
            start = None
    return runs


def _shot_entry(clip: Clip, measures: ClipMeasures, spec: ContinuitySpec, timeline: Timeline) -> dict:
    """What is found in the frames of the take the cut uses (its trim), numbered from the clip's first frame."""
    lo, hi = clip.source_in, clip.source_in + clip.frames
    span = measures.span
    change, change2, drift = measures.change[lo:hi], measures.change2[lo:hi], measures.drift[lo:hi]
    if lo:  # the first frames in the cut have no frames before them in the cut
        change, change2 = [0.0, *change[1:]], [0.0, 0.0, *change2[2:]][:len(change2)]
        drift = [0.0] * min(span, len(drift)) + drift[span:]
    cuts = hard_cuts(change, change2, drift, span, spec.cut_threshold)
    flashes = flash_frames(change, change2, spec.cut_threshold) if spec.flash else []
    black = stretches([dark >= BLACK_SHARE for dark in measures.dark[lo:hi]], max(1, spec.min_black.to_frames(timeline.fps)))
    # a frame is still when it barely differs from the frame `span` before it (within the cut's frames); a run of
    # n still frames is n + span frames showing one picture
    still = [offset >= span and value < spec.freeze_noise for offset, value in enumerate(drift)]
    minimum = max(1, spec.min_frozen.to_frames(timeline.fps) - span)
    frozen = [[first - span, last] for first, last in stretches(still, minimum)]
    entry = {"id": clip.shot_id, "take": clip.take, "cuts": cuts, "black": black, "frozen": frozen,
             "flash": flashes, "flags": []}
    flag = _flagger(entry["flags"], clip.shot_id, timeline, clip.record_in)
    for frame in cuts:
        flag("cut", frame, f"a hard cut inside shot `{clip.shot_id}` at its frame {frame}",
             "make a new take, or trim the shot to one side of the cut")
    for frame in flashes:
        flag("flash", frame, f"a flash frame in shot `{clip.shot_id}` at its frame {frame}", "make a new take")
    for first, last in black:
        flag("black", first, f"black from frame {first} to {last} of shot `{clip.shot_id}`",
             "make a new take, or trim the black away")
    for first, last in frozen:
        flag("frozen", first, f"a frozen picture from frame {first} to {last} of shot `{clip.shot_id}` "
             f"({last - first + 1} frames)", "make a new take, or trim the frozen frames away")
    return entry


# -- seams -------------------------------------------------------------------------------------------------------


def _seam_entry(before: Clip, after: Clip, spec: ContinuitySpec, timeline: Timeline, store: TakeStore) -> dict:
    outgoing = edge_frame(before, timeline, store, last=True)
    incoming = edge_frame(after, timeline, store, last=False)
    continues = after.starts_on == before.shot_id
    delta_e, ssim = kept_seam_distance(store.root, outgoing, incoming)
    entry = {"from": before.shot_id, "to": after.shot_id, "transition": str(after.transition.type),
             "continues": continues, "delta_e": round(delta_e, 2), "ssim": round(ssim, 3), "flags": []}
    if after.color_match is not None:
        ungraded = edge_frame(after, timeline, store, last=False, graded=False)
        delta_e_before, ssim_before = kept_seam_distance(store.root, outgoing, ungraded)
        entry["color_match"] = {"toward": after.color_match.toward, "method": after.color_match.method,
                                "delta_e_before": round(delta_e_before, 2), "ssim_before": round(ssim_before, 3)}
    if continues:
        flag = _flagger(entry["flags"], after.shot_id, timeline, after.record_in)
        if delta_e > spec.max_seam_delta_e:
            flag("seam-colour", 0, f"the colour jumps where `{after.shot_id}` continues `{before.shot_id}` "
                 f"(ΔE {delta_e:.1f} > {spec.max_seam_delta_e:g})",
                 "set `color_match: auto` on the shot, or make a new take")
        if ssim < spec.min_seam_ssim:
            flag("seam-picture", 0, f"the picture jumps where `{after.shot_id}` continues `{before.shot_id}` "
                 f"(SSIM {ssim:.2f} < {spec.min_seam_ssim:g})",
                 "make a new take, or check that the shot starts where the one before ends (trims)")
        entry["holds"] = not entry["flags"]
        if entry["flags"]:
            entry["_strip"] = np.concatenate([outgoing, incoming], axis=1)  # written by write_report
    return entry


SEAM_VERSION = "2"  # of seam_distance's numbers: a new way of measuring them measures every seam again (2: in
# numpy, engine.analysis.seam; its SSIM differs from scikit-image's in the 16th digit)


def kept_seam_distance(store_root: Path, a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """seam_distance, kept in the store by the two pictures' bytes: a cut again after one shot changed measures
    only its own seams (each takes 30 to 70 ms, most of such a cut's report)."""
    digest = hashlib.sha256(f"{SEAM_VERSION}:{a.shape}:{b.shape}:".encode())
    digest.update(np.ascontiguousarray(a).data)
    digest.update(np.ascontiguousarray(b).data)
    key = digest.hexdigest()
    path = Path(store_root) / "measures" / "seams" / key[:2] / f"{key}.json"
    try:  # read as any file of the store is: a regular file, a few bytes; anything else is measured again
        kept = json.loads(read_text(path, 256, "a kept seam measure"))
        return float(kept["delta_e"]), float(kept["ssim"])
    except (OSError, FileRefused, ValueError, TypeError, KeyError):
        pass
    delta_e, ssim = seam_distance(a, b)
    try:
        with atomic_path(path) as temporary:  # it makes the folder
            temporary.write_text(json.dumps({"delta_e": delta_e, "ssim": ssim}), encoding="utf-8")
    except OSError:  # a store that cannot be written (a read-only review): measured, not kept
        pass
    return delta_e, ssim


def edge_frame(clip: Clip, timeline: Timeline, store: TakeStore, last: bool, graded: bool = True) -> np.ndarray:
    """The picture on the clip's first or last frame in the cut, at the analysis size.

    Untrimmed, it is the take's lossless clean frame (what a hand-off passes on; a backend's overlay, such as
    the animatic's captions, is not picture), through the clip's grade if it has one; trimmed, the frame is
    decoded from the clip.
    """
    match = clip.color_match
    take_key = match.take_key if match else clip.key
    index = clip.source_in + clip.frames - 1 if last else clip.source_in
    size = analysis_size(timeline.width, timeline.height, SEAM_WIDTH)
    if index != (clip.take_frames - 1 if last else 0):  # trimmed: the frame the cut shows, decoded
        path = clip.path if graded or match is None else match.take_path
        return seam_picture(read_frame(path, index, timeline.fps, timeline.width, timeline.height), size)
    kept_as = clip.key if match is not None and graded else take_key  # a graded copy's key, or the take's
    kept = kept_edge(store.root, kept_as, last, size)
    if kept is not None:  # kept when the take was made (or when a seam read it before)
        return kept
    frame = store.last_frame(take_key) if last else store.first_frame(take_key)
    if match is not None and graded:
        frame = apply_lut(frame, grade_lut(clip, store))
    picture = seam_picture(frame, size)
    keep_edge(store.root, kept_as, last, picture)
    return picture


def _flagger(flags: list[dict], shot_id: str, timeline: Timeline, record_in: int):
    def flag(what: str, frame: int, message: str, hint: str) -> None:
        at = record_in + frame
        flags.append({"what": what, "shot": shot_id, "shot_frame": frame, "frame": at,
                      "timecode": format_timecode(at, timeline.fps), "message": message, "hint": hint})

    return flag
