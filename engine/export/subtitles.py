"""Dialogue as subtitles, timed on the cut: SRT (srt) and WebVTT with the speaker as a voice tag (webvtt-py)."""

from __future__ import annotations

import datetime
import html
from fractions import Fraction

import srt
import webvtt

from ..timeline import Cut
from .common import ai_label


def _delta(frames: int, fps: Fraction) -> datetime.timedelta:
    return datetime.timedelta(microseconds=round(Fraction(frames) / fps * 1_000_000))


def to_srt(cut: Cut) -> str:
    timeline = cut.timeline
    items = [srt.Subtitle(number, _delta(cue.start, timeline.fps), _delta(cue.end, timeline.fps),
                          f"{cue.speaker.upper()}: {cue.text}")
             for number, cue in enumerate(timeline.subtitles, start=1)]
    return srt.compose(items, reindex=False)


def _vtt_time(frames: int, fps: Fraction) -> str:
    milliseconds = round(Fraction(frames) / fps * 1000)
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, milliseconds = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{milliseconds:03d}"


def to_vtt(cut: Cut) -> str:
    timeline = cut.timeline
    vtt = webvtt.WebVTT()
    for cue in timeline.subtitles:
        # cue text is markup in WebVTT: escape it, and keep '>' out of the voice annotation
        speaker = html.escape(cue.speaker, quote=False).replace(">", "&gt;")
        text = html.escape(cue.text, quote=False)
        vtt.captions.append(webvtt.Caption(_vtt_time(cue.start, timeline.fps), _vtt_time(cue.end, timeline.fps),
                                           f"<v {speaker}>{text}</v>"))
    # A NOTE block is WebVTT's comment, never shown; SRT has no comment syntax, so it carries no label
    label = ai_label(timeline).replace("-->", "->")
    return vtt.content.replace("WEBVTT\n", f"WEBVTT\n\nNOTE {label}\n", 1)
