"""Burned-in subtitles, drawn with Pillow onto decoded frames, so no line of dialogue ever reaches an ffmpeg
filter string (nothing to escape, nothing to break). The subtitle files are exports (engine.export.subtitles).
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from ..media.text import centred, draw_text, font, wrap
from .timeline import SubtitleCue, Timeline


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
            draw_text(draw, (centred(line, size, self.width), y), line, size, (255, 255, 255, 255), max(2, size // 10),
                      (0, 0, 0, 255))
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
