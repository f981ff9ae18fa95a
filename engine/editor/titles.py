"""The opening title card and the end credits, drawn with Pillow (no user text ever reaches an ffmpeg filter)."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

import numpy as np
from PIL import Image, ImageDraw

from ..text import font, truncate
from .timeline import Card

FADE_SECONDS = 0.75
STYLES = {"title": (0.075, (246, 242, 232)), "heading": (0.05, (246, 242, 232)), "small": (0.028, (190, 186, 178)),
          "label": (0.024, (200, 170, 110)), "body": (0.034, (236, 234, 228)), "gap": (0.03, (0, 0, 0))}


def draw_card(card: Card, width: int, height: int) -> np.ndarray:
    image = Image.new("RGB", (width, height), (10, 11, 14))
    draw = ImageDraw.Draw(image)
    rows = []
    for style, text in card.lines:
        scale, colour = STYLES.get(style, STYLES["body"])
        size = max(8, round(height * scale))
        face = font(size)
        shown = truncate(text, face, width * 0.86)
        rows.append((shown, face, colour, size, style))
    total = sum(size * 1.45 for _, _, _, size, _ in rows)
    y = (height - total) / 2
    for text, face, colour, size, style in rows:
        if text:
            x = (width - face.getlength(text)) / 2
            stroke = max(1, size // 30) if style in ("title", "heading") else 0
            draw.text((x, y), text, font=face, fill=colour, stroke_width=stroke, stroke_fill=colour)
        y += size * 1.45
    return np.asarray(image)


def card_frames(card: Card, width: int, height: int, fps: Fraction) -> Iterator[np.ndarray]:
    """The card, faded in from black and out to black (blended by Pillow: no full-frame float arrays)."""
    still = Image.fromarray(draw_card(card, width, height))
    black = Image.new("RGB", (width, height))
    solid = np.asarray(still)
    fade = max(1, min(round(FADE_SECONDS * fps), card.frames // 3))
    for index in range(card.frames):
        level = min(1.0, (index + 1) / fade, (card.frames - index) / fade)
        yield solid if level >= 1.0 else np.asarray(Image.blend(black, still, max(0.0, level)))
