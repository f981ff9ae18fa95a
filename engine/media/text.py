"""Text drawn onto frames and sheets (captions, burned-in subtitles, the watermark, title cards and `card:` shots,
the board's and contact sheets' labels): one font, one way of fitting text to a width, the cards, and the one
function that draws text (Pillow's; no user text ever reaches an ffmpeg filter). No other module draws text.

Fitting measures O(log n) prefixes of a text of n characters (a binary search), never one prefix per character,
and looks at no more characters than the width has pixels (no glyph is narrower than one): a title of
100,000 characters is fitted as fast as one of a thousand.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

ELLIPSIS = "…"
CARD_FADE_SECONDS = 0.75
CARD_STYLES = {"title": (0.075, (246, 242, 232)), "heading": (0.05, (246, 242, 232)),
               "small": (0.028, (190, 186, 178)), "label": (0.024, (200, 170, 110)), "body": (0.034, (236, 234, 228)),
               "gap": (0.03, (0, 0, 0))}


@lru_cache(maxsize=16)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def draw_text(draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, size: int, fill,
              stroke: int = 0, stroke_fill=None, width: float | None = None) -> None:
    """Text at xy in the one font at `size`, with an outline of `stroke` pixels; cut with … to `width` when given."""
    face = font(size)
    shown = truncate(text, face, width) if width is not None else text
    draw.text(xy, shown, font=face, fill=fill, stroke_width=stroke, stroke_fill=stroke_fill)


def centred(text: str, size: int, width: float) -> float:
    """The x at which text at `size` sits centred in `width`."""
    return (width - font(size).getlength(text)) / 2


def longest_prefix(text: str, fits) -> int:
    """The length of the longest prefix of text for which fits(prefix) holds (0 when none does), by bisection.

    fits must hold for every prefix shorter than one it holds for, as "measures at most this wide" does.
    """
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(text[:middle]):
            low = middle
        else:
            high = middle - 1
    return low


def truncate(text: str, face, width: float, mark: str = ELLIPSIS) -> str:
    """text as it is when it fits in width, else its longest prefix that fits with mark after it."""
    text = text[:_most_characters(width)]
    if face.getlength(text) <= width:
        return text
    kept = longest_prefix(text, lambda prefix: face.getlength(prefix + mark) <= width)
    return text[:kept] + mark


def wrap(text: str, face, width: float, lines: int) -> list[str]:
    """Wrap text to width in at most `lines` lines, the last one ending in … when cut; a word wider than a line
    is cut too."""
    words, result, current = text[:_most_characters(width) * lines].split(), [], ""
    for word in words:
        trial = f"{current} {word}".strip()
        if face.getlength(trial) <= width or not current:
            current = trial
            continue
        result.append(current)
        current = word
        if len(result) == lines:
            break
    if current and len(result) < lines:
        result.append(current)
    shown = " ".join(result)
    if len(shown) < len(" ".join(words)) and result:
        last = result[-1]
        kept = longest_prefix(last, lambda prefix: face.getlength(prefix + " " + ELLIPSIS) <= width)
        result[-1] = last[:kept].rstrip() + " " + ELLIPSIS
    return [truncate(line, face, width) for line in result]


def _most_characters(width: float) -> int:
    return max(1, int(width)) + 1


def draw_card(lines: tuple[tuple[str, str], ...], width: int, height: int) -> np.ndarray:
    """Lines of (style, text) centred on a dark frame, each cut to the width."""
    image = Image.new("RGB", (width, height), (10, 11, 14))
    draw = ImageDraw.Draw(image)
    rows = []
    for style, text in lines:
        scale, colour = CARD_STYLES.get(style, CARD_STYLES["body"])
        size = max(8, round(height * scale))
        rows.append((truncate(text, font(size), width * 0.86), colour, size, style))
    total = sum(size * 1.45 for _, _, size, _ in rows)
    y = (height - total) / 2
    for text, colour, size, style in rows:
        if text:
            stroke = max(1, size // 30) if style in ("title", "heading") else 0
            draw_text(draw, (centred(text, size, width), y), text, size, colour, stroke, colour)
        y += size * 1.45
    return np.asarray(image)


def card_frames(lines: tuple[tuple[str, str], ...], frames: int, width: int, height: int,
                fps: Fraction) -> Iterator[np.ndarray]:
    """A card of `frames` frames, faded in from black and out to black (blended by Pillow: no full-frame float
    arrays)."""
    still = Image.fromarray(draw_card(lines, width, height))
    black = Image.new("RGB", (width, height))
    solid = np.asarray(still)
    fade = max(1, min(round(CARD_FADE_SECONDS * fps), frames // 3))
    for index in range(frames):
        level = min(1.0, (index + 1) / fade, (frames - index) / fade)
        yield solid if level >= 1.0 else np.asarray(Image.blend(black, still, max(0.0, level)))
