"""Conform: a cut trimmed or reordered in an editing suite comes back as an Edit (shot order, trims and
transition lengths) in the lock file, never in the screenplay, and the next cut follows it without re-rendering.
It sits beside the editor that consumes the Edit; the exports that write the cut know nothing of it.

The edited timeline is read with OpenTimelineIO (.otio, CMX 3600 .edl, FCP 7 .xml). A clip is known by
the shot id longcut wrote into it (OTIO metadata, else its name). What cannot be mapped back (a clip
longcut did not make, a gap, an effect, a transition of another kind) is listed, never silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio

from longcut.storyboard.units import format_timecode

from ..errors import LongcutError
from ..render.lock import Edit

ADAPTERS = {".otio": "otio_json", ".edl": "cmx_3600", ".xml": "fcp_xml"}
CARDS = ("title", "credits")


@dataclass
class Conformed:
    order: list[str] = field(default_factory=list)
    trims: dict[str, list[int]] = field(default_factory=dict)
    transitions: dict[str, int] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    def as_edit(self) -> Edit:
        return Edit(tuple(self.order), {shot: (first, last) for shot, (first, last) in self.trims.items()},
                    dict(self.transitions), tuple(self.unmapped))


def read_edited(path: Path, fps: Fraction) -> otio.schema.Timeline:
    adapter = ADAPTERS.get(path.suffix.lower())
    if adapter is None:
        raise LongcutError(f"cannot read `{path.name}` as an edited timeline", hint="give an .otio, .edl or .xml file")
    if not path.is_file():
        raise LongcutError(f"edited timeline `{path}` not found")
    options = {"rate": float(fps)} if adapter == "cmx_3600" else {}
    try:
        return otio.adapters.read_from_file(str(path), adapter_name=adapter, **options)
    except Exception as error:  # noqa: BLE001 - adapters raise many kinds of parse errors
        raise LongcutError(f"cannot read `{path.name}`: {type(error).__name__}: {error}",
                           hint="export it again from the editing suite as OTIO, CMX 3600 or FCP 7 XML") from None


def conform(edited: otio.schema.Timeline, shots: dict[str, int]) -> Conformed:
    """shots: the film's shot ids and their take lengths (frames)."""
    result = Conformed()
    tracks = edited.video_tracks()
    if not tracks:
        raise LongcutError("the edited timeline has no video track")
    if len(tracks) > 1:
        result.unmapped.append(f"{len(tracks) - 1} more video track(s): longcut reads the first only")
    track = tracks[0]
    items = list(track)
    for index, child in enumerate(items):
        if isinstance(child, otio.schema.Gap):
            result.unmapped.append(f"a gap of {int(child.duration().value)} frames (the cut closes it)")
            continue
        if isinstance(child, otio.schema.Transition):
            continue
        if not isinstance(child, otio.schema.Clip):
            result.unmapped.append(f"{type(child).__name__} `{child.name}` (not a clip)")
            continue
        shot = _shot_of(child)
        if shot in CARDS:
            continue
        if shot not in shots:
            result.unmapped.append(f"clip `{child.name}`{_reel(child)} at record "
                                   f"{_record_in(edited, track, index)}: not a shot of this film")
            continue
        if shot in result.order:
            result.unmapped.append(f"clip `{child.name}`: shot `{shot}` is used twice; longcut keeps the first")
            continue
        for effect in child.effects:
            result.unmapped.append(f"effect `{effect.name or effect.effect_name}` on `{shot}`")
        source = child.trimmed_range()
        before = items[index - 1] if index > 0 and isinstance(items[index - 1], otio.schema.Transition) else None
        after = items[index + 1] if index + 1 < len(items) and isinstance(items[index + 1], otio.schema.Transition) else None
        start = int(round(source.start_time.value)) - (int(round(before.in_offset.value)) if before else 0)
        end = int(round(source.end_time_exclusive().value)) + (int(round(after.out_offset.value)) if after else 0)
        if before:
            _check_kind(before, shot, result)
            result.transitions[shot] = int(round(before.in_offset.value + before.out_offset.value))
        elif result.order:
            result.transitions[shot] = 0  # a cut where the film may have had a transition
        result.order.append(shot)
        if start < 0 or end > shots[shot]:
            result.unmapped.append(f"clip `{child.name}`: frames {start}-{end} reach past its take's {shots[shot]} "
                                   f"frames (handles the take does not have); cut to 0-{shots[shot]}")
        if (start, end) != (0, shots[shot]):
            result.trims[shot] = [max(0, start), min(shots[shot], end)]
    result.dropped = [shot for shot in shots if shot not in result.order]
    return result


def _reel(clip: otio.schema.Clip) -> str:
    """ (reel R)` where the edit list named one (the cmx_3600 adapter keeps it in the clip's metadata)."""
    cmx = clip.metadata.get("cmx_3600") if hasattr(clip.metadata, "get") else None
    reel = cmx.get("reel") if hasattr(cmx, "get") else None
    return f" (reel {reel})" if reel else ""


def _record_in(edited: otio.schema.Timeline, track: otio.schema.Track, index: int) -> str:
    """Where the clip starts on the edited timeline, as its timecode: the timeline's start time, or (as the
    cmx_3600 adapter writes it) the negated start of the track's own range."""
    start = track.range_of_child_at_index(index).start_time
    if edited.global_start_time is not None:
        start = start + edited.global_start_time.rescaled_to(start.rate)
    if track.source_range is not None:
        start = start - track.source_range.start_time.rescaled_to(start.rate)
    return format_timecode(round(start.value), Fraction(start.rate).limit_denominator(1001))  # storyboard.units'


def _shot_of(clip: otio.schema.Clip) -> str:
    longcut = clip.metadata.get("longcut") if isinstance(clip.metadata, dict) or hasattr(clip.metadata, "get") else None
    if longcut and longcut.get("shot"):
        return str(longcut["shot"])
    if longcut and longcut.get("card"):
        return str(longcut["card"])
    return clip.name


def _check_kind(transition: otio.schema.Transition, shot: str, result: Conformed) -> None:
    known = transition.transition_type == otio.schema.TransitionTypes.SMPTE_Dissolve or (
        hasattr(transition.metadata, "get") and transition.metadata.get("longcut"))
    if not known:
        result.unmapped.append(f"transition `{transition.name or transition.transition_type}` into `{shot}`: "
                               "kept as a cross-fade of the same length")
