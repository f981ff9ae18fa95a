"""Dialogue as subtitles, timed on the cut: SRT (srt) and WebVTT with the speaker as a voice tag (webvtt-py)."""

from __future__ import annotations

import datetime
import html
import textwrap
from fractions import Fraction

import srt
import webvtt

from ..timeline import Cut
from .common import ai_label


LINE_CHARACTERS = 42  # a subtitle line's most characters (BBC, Netflix: 37 to 42); timing: engine.editor.timed_text


def _delta(frames: int, fps: Fraction) -> datetime.timedelta:
    return datetime.timedelta(microseconds=round(Fraction(frames) / fps * 1_000_000))


def lines(text: str) -> str:
    """A subtitle's text in lines of at most LINE_CHARACTERS, broken between words (a longer word stands alone)."""
    return "\n".join(textwrap.wrap(text, LINE_CHARACTERS, break_long_words=False, break_on_hyphens=False)) or text


def to_srt(cut: Cut) -> str:
    timeline = cut.timeline
    items = [srt.Subtitle(number, _delta(cue.start, timeline.fps), _delta(cue.end, timeline.fps),
                          lines(f"{cue.speaker.upper()}: {cue.text}"))
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
        # the voice tag shows the speaker's name: the lines are measured with it, as a player shows them
        shown = lines(f"{cue.speaker}: {cue.text}").split("\n")
        shown[0] = shown[0].removeprefix(f"{cue.speaker}: ")
        text = "\n".join(html.escape(line, quote=False) for line in shown)
        vtt.captions.append(webvtt.Caption(_vtt_time(cue.start, timeline.fps), _vtt_time(cue.end, timeline.fps),
                                           f"<v {speaker}>{text}</v>"))
    # A NOTE block is WebVTT's comment, never shown; SRT has no comment syntax, so it carries no label
    label = ai_label(timeline).replace("-->", "->")
    return vtt.content.replace("WEBVTT\n", f"WEBVTT\n\nNOTE {label}\n", 1)
