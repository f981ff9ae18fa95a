"""Captions drawn over the finished picture: scene heading and shot at the top, the prompt and the spoken line
below (a draft's captions; the animatic asks for them, `captions: false` turns them off).

They are the cut's overlay, not the takes' picture: a take stays clean (what a review, a hand-off and the
continuity report see), and a cross-fade dissolves pictures, never text. Over a transition the outgoing shot's
captions stay until its midpoint, then the incoming shot's take over.

Each band is drawn once (per dialogue line, per second of timecode) as an RGBA image and pasted onto frames with
its alpha, so captions cost a paste per frame, not a text layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from PIL import Image, ImageDraw


from ..media.text import centred, draw_text, font, wrap
from .timeline import ClipLine, Timeline


@dataclass(frozen=True)
class CaptionText:
    """What a shot's captions say (from its request), in the clip's own frames."""

    heading: str  # the scene heading (or the scene's id)
    detail: str  # shot, framing and move, take
    text: str  # the shot's prompt as written
    dialogue: tuple[ClipLine, ...]  # cues in the clip's frames (trimmed like the clip)
    source_in: int  # the take's first frame in the cut: the timer counts the take's own seconds
    take_frames: int
    fps: Fraction


def _band(width: int, height: int, top_alpha: int, bottom_alpha: int) -> Image.Image:
    band = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(band)
    for row in range(height):
        alpha = round(top_alpha + (bottom_alpha - top_alpha) * row / max(1, height - 1))
        draw.line([(0, row), (width, row)], fill=(8, 10, 14, alpha))
    return band


class Captions:
    """One shot's captions at one frame size."""

    def __init__(self, caption: CaptionText, width: int, height: int) -> None:
        self.caption = caption
        self.width, self.height = width, height
        unit = max(8, round(self.height / 40))  # text scales with the frame
        self.small, self.body, self.line_size = unit, round(unit * 1.25), round(unit * 1.45)
        self.margin = round(unit * 1.4)
        self.top = self._top_band()
        self._timecodes: dict[int, Image.Image] = {}
        self._bottoms: dict[int, Image.Image] = {}

    def _top_band(self) -> Image.Image:
        caption, margin = self.caption, self.margin
        height = round(self.small * 5.2)
        band = _band(self.width, height, 190, 0)
        draw = ImageDraw.Draw(band)
        draw_text(draw, (margin, margin * 0.7), caption.heading, self.body, (250, 248, 240, 255),
                  max(1, self.body // 24), (250, 248, 240, 255))
        draw_text(draw, (margin, margin * 0.7 + self.body * 1.35), caption.detail, self.small, (210, 214, 220, 255))
        return band

    def clock(self, frame: int) -> Image.Image:
        """Seconds into the shot and its length, e.g. 00:03 / 00:08; one image per second."""
        second = int((self.caption.source_in + frame) / self.caption.fps)
        if second not in self._timecodes:
            total = int(self.caption.take_frames / self.caption.fps)
            text = f"{second // 60:02d}:{second % 60:02d} / {total // 60:02d}:{total % 60:02d}"
            face = font(self.small)
            width = round(face.getlength(text)) + 4
            image = Image.new("RGBA", (width, self.small + 6), (0, 0, 0, 0))
            draw_text(ImageDraw.Draw(image), (2, 0), text, self.small, (230, 232, 236, 255))
            self._timecodes[second] = image
        return self._timecodes[second]

    def bottom(self, frame: int) -> Image.Image:
        """The prompt line, and above it the line being spoken now (if any)."""
        cue_index = next((i for i, cue in enumerate(self.caption.dialogue) if cue.start <= frame < cue.end), -1)
        if cue_index not in self._bottoms:
            cue = self.caption.dialogue[cue_index] if cue_index >= 0 else None
            self._bottoms[cue_index] = self._bottom_band(cue)
        return self._bottoms[cue_index]

    def _bottom_band(self, cue: ClipLine | None) -> Image.Image:
        margin = self.margin
        prompt_face, line_face = font(self.small), font(self.line_size)
        text = self.caption.text
        prompt_lines = wrap(text, prompt_face, self.width - 2 * margin, 2) if text else []
        spoken = wrap(f"“{cue.line}”", line_face, self.width * 0.8, 2) if cue else []
        height = round(margin * 1.2 + len(prompt_lines) * self.small * 1.3 +
                       (len(spoken) * self.line_size * 1.3 + self.small * 1.8 if cue else 0) + margin * 0.6)
        band = _band(self.width, height, 0, 200)
        draw = ImageDraw.Draw(band)
        y = margin * 0.9
        if cue:
            name = cue.speaker.upper()
            draw_text(draw, (centred(name, self.small, self.width), y), name, self.small, (255, 214, 120, 255),
                      max(1, self.small // 22), (255, 214, 120, 255))
            y += self.small * 1.5
            for text in spoken:
                draw_text(draw, (centred(text, self.line_size, self.width), y), text, self.line_size, (255, 255, 255, 255),
                          max(1, self.line_size // 14), (0, 0, 0, 255))
                y += self.line_size * 1.3
            y += self.small * 0.3
        for text in prompt_lines:
            draw_text(draw, (margin, y), text, self.small, (200, 204, 210, 255))
            y += self.small * 1.3
        return band

    def apply(self, frame: Image.Image, index: int) -> None:
        """Paste the captions for the clip's frame `index` onto a frame (in place)."""
        frame.paste(self.top, (0, 0), self.top)
        stamp = self.clock(index)
        frame.paste(stamp, (self.width - self.margin - stamp.width, round(self.margin * 0.7)), stamp)
        bottom = self.bottom(index)
        frame.paste(bottom, (0, self.height - bottom.height), bottom)


@dataclass(frozen=True)
class CaptionSpan:
    """Frames [start, end) show the captions of the clip that starts at record_in (all counted on one timeline)."""

    start: int
    end: int
    record_in: int
    caption: CaptionText

    def moved(self, origin: int) -> CaptionSpan:
        return CaptionSpan(self.start - origin, self.end - origin, self.record_in - origin, self.caption)


class FilmCaptions:
    """Draws the spans' captions over frames given in order (frame `index` counted as the spans count).

    Cards carry none; over a transition the spans hand over at its midpoint (caption_spans).
    """

    def __init__(self, spans: tuple[CaptionSpan, ...] | list[CaptionSpan], width: int, height: int) -> None:
        self.spans = sorted(spans, key=lambda span: span.start)
        self.width, self.height = width, height
        self._drawn: tuple[CaptionSpan, Captions] | None = None  # one shot's bands in memory at a time
        self._next = 0

    def apply(self, frame: np.ndarray, index: int) -> np.ndarray:
        while self._next < len(self.spans) and self.spans[self._next].end <= index:
            self._next += 1
        if self._next == len(self.spans) or self.spans[self._next].start > index:
            return frame
        span = self.spans[self._next]
        if self._drawn is None or self._drawn[0] is not span:  # a new span: its bands drawn once
            self._drawn = (span, Captions(span.caption, self.width, self.height))
        image = Image.fromarray(frame)
        self._drawn[1].apply(image, index - span.record_in)
        return np.asarray(image)


def caption_spans(timeline: Timeline, captions: dict[str, CaptionText]) -> list[CaptionSpan]:
    """Where each clip's captions are on screen, in the cut's order: over a transition the outgoing clip's hold
    until the overlap's midpoint and the incoming clip's take over there, one set at a time."""
    clips = sorted((clip for clip in timeline.clips if clip.shot_id in captions), key=lambda clip: clip.record_in)
    spans = []
    for number, clip in enumerate(clips):
        start, end = clip.record_in, clip.record_in + clip.frames
        if number > 0 and start < clips[number - 1].record_in + clips[number - 1].frames:
            start += clip.transition.frames // 2
        following = clips[number + 1] if number + 1 < len(clips) else None
        if following is not None and following.record_in < end:
            end = following.record_in + following.transition.frames // 2
        if start < end:
            spans.append(CaptionSpan(start, end, clip.record_in, captions[clip.shot_id]))
    return spans
