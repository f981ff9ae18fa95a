"""What every export needs from the Cut: the media of each item, centred cut points, timecodes, reels.

Exports read the Cut and nothing else: they never make media, nor read the screenplay or the take store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from longcut.storyboard.units import timecode_frames

from ..errors import LongcutError
from ..timeline import Card, Clip, Cut, Timeline


@dataclass(frozen=True)
class Event:
    """One item of the video track as an editing suite sees it."""

    name: str
    reel: str
    path: Path
    media_frames: int  # the whole file
    source_in: int  # with centred transitions (OTIO, XML)
    source_out: int
    record_in: int
    record_out: int
    incoming: tuple[str, int, int] | None  # (type, before the cut, after the cut) of the transition into it
    item: Clip | Card


def centred_events(cut: Cut) -> list[Event]:
    """Items with their cut points centred in each overlap (a frames before the cut, b after: a + b = overlap)."""
    items = cut.timeline.items
    splits = []  # (before, after) of the transition into item i: its overlap with the item before, halved
    for index, item in enumerate(items):
        overlap = max(0, items[index - 1].record_out - item.record_in) if index > 0 else 0
        splits.append((overlap // 2, overlap - overlap // 2))
    reels = reel_names([item_name(item) for item in items])
    events = []
    for index, item in enumerate(items):
        before, _ = splits[index]
        after_next = splits[index + 1][1] if index + 1 < len(items) else 0
        source_in, source_out = before, item.frames - after_next
        incoming = None
        if sum(splits[index]):
            incoming = (item.transition.type.value, *splits[index])
        first = item.source_in if isinstance(item, Clip) else 0  # an editor's trim shifts the take's frames
        media = item.take_frames if isinstance(item, Clip) and item.take_frames else item.frames
        events.append(Event(item_name(item), reels[index], cut.media(item), media,
                            first + source_in, first + source_out, item.record_in + source_in,
                            item.record_in + source_out, incoming, item))
    return events


def item_name(item: Clip | Card) -> str:
    return item.shot_id if isinstance(item, Clip) else item.kind.value


def reel_names(names: list[str]) -> list[str]:
    """Unique reel names of at most 8 characters, letters and digits, as CMX 3600 allows."""
    used: set[str] = set()
    reels = []
    for name in names:
        base = re.sub(r"[^A-Z0-9]", "", name.upper())[:8] or "CLIP"
        reel, counter = base, 1
        while reel in used:
            suffix = str(counter)
            reel, counter = base[:8 - len(suffix)] + suffix, counter + 1
        used.add(reel)
        reels.append(reel)
    return reels


def start_frames(start: str, fps: Fraction) -> int:
    """The record timecode of the film's first frame (`--start`), as frames from 00:00:00:00."""
    try:
        return timecode_frames(start, fps)
    except ValueError as error:
        raise LongcutError(f"--start: {error}", hint="write it as HH:MM:SS:FF, e.g. 01:00:00:00") from None


def ai_label(timeline: Timeline) -> str:
    """What an export says of how the film was made, on a comment line: every longcut film is AI-generated."""
    return f"AI-generated with longcut; backend {timeline.backend or 'unknown'}; models: {timeline.models_label}"


@dataclass(frozen=True)
class AudioSpan:
    """A stretch of an audio track: frames [start, end) of the film, read from the same frames of its media (every
    audio file of a cut runs from the film's first frame)."""

    start: int
    end: int
    name: str
    metadata: dict


@dataclass(frozen=True)
class AudioTrack:
    name: str
    media: Path
    spans: tuple[AudioSpan, ...]


def audio_tracks(cut: Cut) -> list[AudioTrack]:
    """The cut's sound as an editing suite's audio tracks: the three stems (dialogue, effects, music) each on a
    track of its own, with a clip where something is heard; for a cut made before stems, the score's cues over
    the mixed soundtrack. Tracks with nothing on them are left out."""
    timeline = cut.timeline
    music = [AudioSpan(cue.start, cue.end, cue.cue_id, {"cue": cue.cue_id, "source": cue.source.value,
                                                        "gain_db": cue.gain_db, "fade_in": cue.fade_in,
                                                        "fade_out": cue.fade_out,
                                                        "file": str(cue.file) if cue.file else None, "mood": cue.mood,
                                                        "key": cue.key, "bpm": cue.bpm})
             for cue in timeline.music]
    if not cut.stems:
        tracks = [AudioTrack("score", cut.soundtrack, _one_after_another(music))]
    else:
        dialogue = [AudioSpan(cue.start, cue.start + cue.frames, f"{cue.shot_id} {cue.speaker}",
                              {"shot": cue.shot_id, "speaker": cue.speaker, "line": cue.line}) for cue in timeline.speech]
        effects = [AudioSpan(clip.record_in, clip.record_out, f"{clip.shot_id} sound",
                             {"shot": clip.shot_id, "files": [str(sound.file) for sound in (clip.audio, clip.take_sound)
                                                              if sound is not None]})
                   for clip in timeline.clips if clip.audio is not None or clip.take_sound is not None]
        tracks = [AudioTrack(name, cut.stems[name], _one_after_another(spans))
                  for name, spans in (("dialogue", dialogue), ("effects", effects), ("music", music))]
    return [track for track in tracks if track.spans]


def _one_after_another(spans: list[AudioSpan]) -> tuple[AudioSpan, ...]:
    """In time order, each starting where the one before it ended at the earliest: a track holds one at a time."""
    placed, position = [], 0
    for span in sorted(spans, key=lambda span: span.start):
        start = max(span.start, position)
        if span.end > start:
            placed.append(AudioSpan(start, span.end, span.name, span.metadata))
            position = span.end
    return tuple(placed)
