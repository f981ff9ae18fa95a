"""Dialogue as subtitles, timed on the cut: SRT (srt) and WebVTT with the speaker as a voice tag (webvtt-py).

Burned-in subtitles are drawn with Pillow onto decoded frames, so no line of dialogue ever reaches an
ffmpeg filter string (nothing to escape, nothing to break).
"""

from __future__ import annotations

import datetime
import html
from fractions import Fraction
from pathlib import Path

import numpy as np
import srt
import webvtt
from PIL import Image, ImageDraw

from ..atomic import atomic_path
from ..text import font, wrap
from .timeline import SubtitleCue, Timeline


def _delta(frames: int, fps: Fraction) -> datetime.timedelta:
    return datetime.timedelta(microseconds=round(Fraction(frames) / fps * 1_000_000))


def to_srt(timeline: Timeline) -> str:
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


def to_vtt(timeline: Timeline) -> str:
    vtt = webvtt.WebVTT()
    for cue in timeline.subtitles:
        # cue text is markup in WebVTT: escape it, and keep '>' out of the voice annotation
        speaker = html.escape(cue.speaker, quote=False).replace(">", "&gt;")
        text = html.escape(cue.text, quote=False)
        vtt.captions.append(webvtt.Caption(_vtt_time(cue.start, timeline.fps), _vtt_time(cue.end, timeline.fps),
                                           f"<v {speaker}>{text}</v>"))
    return vtt.content


def write_subtitles(timeline: Timeline, film: Path) -> list[Path]:
    written = []
    for suffix, text in ((".srt", to_srt(timeline)), (".vtt", to_vtt(timeline))):
        target = film.with_suffix(suffix)
        with atomic_path(target) as temporary:
            temporary.write_text(text, encoding="utf-8")
        written.append(target)
    return written


class BurnIn:
    """Draws the subtitle for each frame of the cut onto it (frames counted on the timeline, given in order)."""

    def __init__(self, timeline: Timeline, width: int, height: int) -> None:
        self.cues = sorted(timeline.subtitles, key=lambda cue: cue.start)
        self.width, self.height = width, height
        self._drawn: dict[int, Image.Image] = {}
        self._next = 0  # the first cue that has not ended yet

    def _band(self, cue: SubtitleCue) -> Image.Image:
        size = max(12, round(self.height / 22))
        face = font(size)
        lines = wrap(f"{cue.speaker}: {cue.text}", face, self.width * 0.86, 3)
        height = round(len(lines) * size * 1.35 + size)
        band = Image.new("RGBA", (self.width, height), (0, 0, 0, 0))
        draw = ImageDraw.Draw(band)
        y = size * 0.5
        for line in lines:
            x = (self.width - face.getlength(line)) / 2
            draw.text((x, y), line, font=face, fill=(255, 255, 255, 255), stroke_width=max(2, size // 10),
                      stroke_fill=(0, 0, 0, 255))
            y += size * 1.35
        return band

    def apply(self, frame: np.ndarray, index: int) -> np.ndarray:
        """Frames come in order: the cues that have ended are passed once, not searched again for every frame."""
        while self._next < len(self.cues) and self.cues[self._next].end <= index:
            self._next += 1
        cue = self._next
        if cue == len(self.cues) or self.cues[cue].start > index:
            return frame
        if cue not in self._drawn:
            self._drawn = {cue: self._band(self.cues[cue])}  # one line at a time in memory
        band = self._drawn[cue]
        image = Image.fromarray(frame)
        image.paste(band, (0, self.height - band.height - round(self.height * 0.05)), band)
        return np.asarray(image)
