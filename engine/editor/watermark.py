"""The visible AI mark (`watermark: true | corner | moving`): drawn onto the delivered film's frames.

The mark is drawn once, as white text with a dark outline at 70% opacity, and blended into each frame over
its own small box (no full-frame arithmetic). `corner` keeps it in the bottom-right corner. `moving` moves it
every few seconds through six places, fading out and in between (as Sora's mark does), so no single crop or
blurred box removes it; the places follow the frame number, so the same cut draws the same film.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from longcut.storyboard.schema import Watermark

from ..media.text import draw_text, font
from .timeline import Timeline

MARK_TEXT = "AI-generated · longcut"
OPACITY = 0.7
MOVE_SECONDS = 4  # how long the moving mark stays in one place
FADE_SECONDS = 0.5  # its fade out, then in, at each move
# Where the moving mark goes, as (x, y) fractions of the room around it: the corners, then the middles of the
# long edges, in an order that crosses the frame every move.
PLACES = ((1.0, 1.0), (0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (0.5, 0.0), (0.5, 1.0))


class WatermarkDrawer:
    """Blends the mark into each frame of the cut (frames counted on the timeline)."""

    def __init__(self, mode: Watermark, timeline: Timeline, width: int, height: int) -> None:
        self.mode = Watermark(mode)
        self.width, self.height = width, height
        self.colour, self.alpha = _mark(max(10, round(height / 30)))
        self.margin = max(4, round(height * 0.04))
        self.move = max(1, round(MOVE_SECONDS * timeline.fps))
        self.fade = max(1, round(FADE_SECONDS * timeline.fps))

    def place(self, index: int) -> tuple[int, int]:
        """The mark's top-left corner in frame `index`."""
        room_x = max(0, self.width - self.colour.shape[1] - 2 * self.margin)
        room_y = max(0, self.height - self.colour.shape[0] - 2 * self.margin)
        fx, fy = PLACES[0] if self.mode is Watermark.CORNER else PLACES[(index // self.move) % len(PLACES)]
        return self.margin + round(fx * room_x), self.margin + round(fy * room_y)

    def strength(self, index: int) -> float:
        """The mark's opacity in frame `index`, out of its full opacity: the moving mark fades at each move."""
        if self.mode is Watermark.CORNER:
            return 1.0
        into = index % self.move
        return min(1.0, (into + 1) / self.fade, (self.move - into) / self.fade)

    def apply(self, frame: np.ndarray, index: int) -> np.ndarray:
        if self.mode is Watermark.OFF:
            return frame
        x, y = self.place(index)
        height = min(self.colour.shape[0], self.height - y)
        width = min(self.colour.shape[1], self.width - x)
        alpha = self.alpha[:height, :width] * self.strength(index)
        box = frame[y:y + height, x:x + width].astype(np.float32)
        blended = box + (self.colour[:height, :width] - box) * alpha
        out = frame.copy() if not frame.flags.writeable else frame
        out[y:y + height, x:x + width] = np.rint(blended).astype(np.uint8)
        return out


def _mark(size: int) -> tuple[np.ndarray, np.ndarray]:
    """The mark's colour (float RGB) and its alpha (0..1, already at OPACITY), cut to the text's own box."""
    face = font(size)
    stroke = max(1, size // 10)
    width = round(face.getlength(MARK_TEXT)) + 2 * stroke + 2
    image = Image.new("RGBA", (width, round(size * 1.5) + 2 * stroke), (0, 0, 0, 0))
    draw_text(ImageDraw.Draw(image), (stroke + 1, stroke), MARK_TEXT, size, (255, 255, 255, 255), stroke, (0, 0, 0, 255))
    image = image.crop(image.getbbox())
    pixels = np.asarray(image, dtype=np.float32)
    return pixels[..., :3], pixels[..., 3:] / 255.0 * OPACITY
