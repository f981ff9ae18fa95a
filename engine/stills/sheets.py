"""Contact sheets: each take of a shot as a row of its first, middle and last frames."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from PIL import Image, ImageDraw

from ..atomic import atomic_path
from ..media.ffmpeg import read_frame
from ..media.text import draw_text
from ..store import TakeRecord, TakeStore

THUMB_W = 320
LABEL_W = 150


def contact_sheet(store: TakeStore, records: list[TakeRecord], target: Path) -> None:
    thumb_h = round(THUMB_W * records[0].height / records[0].width)
    sheet = Image.new("RGB", (LABEL_W + 3 * (THUMB_W + 8) + 8, len(records) * (thumb_h + 8) + 8), (24, 26, 30))
    draw = ImageDraw.Draw(sheet)
    for row, record in enumerate(records):
        y = 8 + row * (thumb_h + 8)
        draw_text(draw, (10, y + 4), f"take {record.take}", 18, (240, 240, 240))
        draw_text(draw, (10, y + 30), f"seed {record.seed}\n{record.frames} frames\n{record.key[:10]}", 12,
                  (180, 184, 190))
        frames = [store.first_frame(record.key), _middle(store, record), store.last_frame(record.key)]
        for column, frame in enumerate(frames):
            thumb = Image.fromarray(frame).resize((THUMB_W, thumb_h), Image.Resampling.LANCZOS)
            sheet.paste(thumb, (LABEL_W + 8 + column * (THUMB_W + 8), y))
    with atomic_path(target) as temporary:
        sheet.save(temporary)


def _middle(store: TakeStore, record: TakeRecord):
    numerator, denominator = (int(part) for part in record.fps.split("/"))
    return read_frame(store.clip(record.key), record.frames // 2, Fraction(numerator, denominator),
                      record.width, record.height)
