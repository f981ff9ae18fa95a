"""CMX 3600 edit decision lists: the picture (one video track) and, in a second list, the score.

A dissolve in CMX 3600 starts on the incoming clip's first frame and runs on the outgoing clip's
handle: exactly longcut's overlap, so the events are the Timeline's own record points.
"""

from __future__ import annotations

from longcut.storyboard.schema import TransitionType
from longcut.storyboard.units import drop_frame, format_timecode

from ..timeline import Clip, Cut
from .common import ai_label, item_name, reel_names, start_frames

WIPE_CODES = {"left": "W001", "right": "W002"}


def _header(timeline, title: str | None = None) -> list[str]:
    clean = "".join(ch for ch in (title or timeline.title).upper() if ch.isprintable())[:70]
    return [f"TITLE: {clean}", f"FCM: {'DROP FRAME' if drop_frame(timeline.fps) else 'NON-DROP FRAME'}", ""]


def _comment(text: str) -> str:
    """A CMX comment line's text: printable ASCII, upper case as the format's own lines are."""
    return "".join(ch for ch in text.upper() if ch.isprintable() and ch.isascii())


def _line(number: int, reel: str, track: str, edit: str, src_in: int, src_out: int, rec_in: int, rec_out: int,
          fps) -> str:
    return (f"{number:03d}  {reel:<8} {track:<5} {edit:<8} {format_timecode(src_in, fps)} {format_timecode(src_out, fps)} "
            f"{format_timecode(rec_in, fps)} {format_timecode(rec_out, fps)}")


def to_edl(cut: Cut, start: str = "01:00:00:00") -> str:
    timeline = cut.timeline
    fps = timeline.fps
    offset = start_frames(start, fps)
    items = timeline.items
    reels = reel_names([item_name(item) for item in items])
    lines = _header(timeline)
    for index, item in enumerate(items):
        nxt = items[index + 1] if index + 1 < len(items) else None
        overlap_next = nxt.record_in < item.record_out if nxt is not None else False
        # this clip is seen until the next one starts; the rest is the next dissolve's handle
        first = item.source_in if isinstance(item, Clip) else 0  # an editor's trim
        source_out = first + ((nxt.record_in - item.record_in) if overlap_next else item.frames)
        number = index + 1
        incoming = isinstance(item, Clip) and index > 0 and items[index - 1].record_out > item.record_in
        if incoming:
            previous, before_reel = items[index - 1], reels[index - 1]
            handle = (previous.source_in if isinstance(previous, Clip) else 0) + item.record_in - previous.record_in
            lines.append(_line(number, before_reel, "V", "C", handle, handle, offset + item.record_in,
                               offset + item.record_in, fps))
            frames = previous.record_out - item.record_in
            wipe = item.transition.type is TransitionType.WIPE
            code = WIPE_CODES.get(item.transition.direction, "W001") if wipe else "D"
            lines.append(_line(number, reels[index], "V", f"{code:<4} {frames:03d}", first, source_out,
                               offset + item.record_in, offset + item.record_in + source_out - first, fps))
            if item.transition.type not in (TransitionType.CROSSFADE, TransitionType.WIPE):
                lines.append(f"* LONGCUT TRANSITION: {item.transition.type} {item.transition.color}")
        else:
            lines.append(_line(number, reels[index], "V", "C", first, source_out, offset + item.record_in,
                               offset + item.record_in + source_out - first, fps))
        if incoming:  # the event's first line is the outgoing clip's, its second the incoming one's
            lines.append(f"* FROM CLIP NAME: {item_name(items[index - 1])}")
            lines.append(f"* TO CLIP NAME: {item_name(item)}")
        else:
            lines.append(f"* FROM CLIP NAME: {item_name(item)}")
        path = cut.media(item)
        lines.append(f"* SOURCE FILE: {path.relative_to(cut.store) if path.is_relative_to(cut.store) else path}")
        if isinstance(item, Clip):
            lines.append(f"* LONGCUT SHOT: {item.shot_id} TAKE {item.take} SEED {item.seed} KEY {item.key[:12]}")
        seen_until = nxt.record_in if nxt is not None else item.record_out
        for marker in cut.markers:  # continuity flags and review notes, as locators at their record timecode
            if item.record_in <= marker.frame < seen_until:
                lines.append(f"* LOC: {format_timecode(offset + marker.frame, fps)} {marker.color:7} "
                             f"{_comment(marker.note)}")
        if index == 0:  # the label, as a comment of the first event: a comment before any event stops importers
            lines.append("* " + _comment(ai_label(timeline)))
        lines.append("")
    return "\n".join(lines)


def to_audio_edl(cut: Cut, start: str = "01:00:00:00") -> str:
    """The score as audio events on A1 (the soundtrack runs from the film's first frame, so source = record)."""
    timeline = cut.timeline
    fps = timeline.fps
    offset = start_frames(start, fps)
    soundtrack = cut.soundtrack
    lines = _header(timeline, f"{timeline.title} SCORE")
    cues = sorted(timeline.music, key=lambda cue: cue.start)
    reels = reel_names([f"MUSIC{number:02d}" for number in range(1, len(cues) + 1)])
    for number, (cue, reel) in enumerate(zip(cues, reels), start=1):
        lines.append(_line(number, reel, "A", "C", cue.start, cue.end, offset + cue.start, offset + cue.end, fps))
        lines.append(f"* FROM CLIP NAME: {cue.cue_id}")
        lines.append(f"* SOURCE FILE: {soundtrack.name}")
        lines.append(f"* LONGCUT CUE: {cue.source} GAIN {cue.gain_db:g}DB FADE IN {cue.fade_in} FADE OUT {cue.fade_out}")
        if number == 1:
            lines.append("* " + _comment(ai_label(timeline)))
        lines.append("")
    return "\n".join(lines)
