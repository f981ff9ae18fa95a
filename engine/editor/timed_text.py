"""The subtitles' timing, by the rules broadcasters write for timed text (BBC, Netflix, EBU), applied once to the
cues the dialogue gives, for every file and burn-in made from the Cut:

1. a cue stays up at least MIN_SECONDS and as long as its text takes to read at READING_CPS characters a second,
   and at most MAX_SECONDS (a longer line is still spoken; it is read in the time it stays);
2. cues never overlap: one ends GAP_FRAMES before the next begins; where that would leave it too short to read,
   the next is held back (a line spoken over another is read after it), never past its own end;
3. nothing runs past the film's end.

Lines are split at 42 characters by the exports (engine.export.subtitles), which write the text.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from ..timeline import SubtitleCue

MIN_SECONDS = Fraction(1)  # below this a line flashes by
MAX_SECONDS = Fraction(7)  # above this a reader looks away
READING_CPS = 17  # characters a second: an adult reading speed (Netflix: 17 to 20)
GAP_FRAMES = 2  # between two cues, so the eye sees a change


def timed(cues: list[SubtitleCue], fps: Fraction, total_frames: int) -> list[SubtitleCue]:
    """The cues, in order, timed by the rules above (starts never move earlier; a cue never ends before its start)."""
    ordered = sorted(cues, key=lambda cue: (cue.start, cue.end))
    out: list[SubtitleCue] = []
    for index, cue in enumerate(ordered):
        start = max(cue.start, out[-1].end + GAP_FRAMES) if out else cue.start
        if start >= total_frames:
            break
        wanted = max(cue.end - cue.start, _frames(MIN_SECONDS, fps), _frames(Fraction(len(_shown(cue)), READING_CPS),
                                                                                fps))
        end = min(start + min(wanted, _frames(MAX_SECONDS, fps)), total_frames)
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        if following is not None and end > following.start - GAP_FRAMES:
            # end before the next, unless that is too short to read: then the next waits for this one
            end = max(following.start - GAP_FRAMES, min(start + _frames(MIN_SECONDS, fps), end))
        out.append(dataclasses.replace(cue, start=start, end=max(end, start + 1)))
    return out


def _shown(cue: SubtitleCue) -> str:
    return f"{cue.speaker}: {cue.text}"


def _frames(seconds: Fraction, fps: Fraction) -> int:
    return int(-(-seconds * fps // 1))  # rounded up: at least that long
