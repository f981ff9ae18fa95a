"""Text drawn onto frames (the animatic's captions, burned-in subtitles, title cards): one font and one way of
fitting text to a width.

Fitting measures O(log n) prefixes of a text of n characters (a binary search), never one prefix per character,
and looks at no more characters than the width has pixels (no glyph is narrower than one): a title of
100,000 characters is fitted as fast as one of a thousand.
"""

from __future__ import annotations

from functools import lru_cache

from PIL import ImageFont

ELLIPSIS = "…"


@lru_cache(maxsize=16)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


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
