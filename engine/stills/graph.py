"""The shot graph as a PNG, from storyboard.diagram's layout (the same picture as its SVG), its text drawn by
engine.media.text."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from longcut.storyboard import ShotGraph
from longcut.storyboard.diagram import BOX_H, BOX_W, MARGIN, clip, edge_path, layout

from ..media.text import draw_text


def to_png(graph: ShotGraph, path: Path) -> None:
    plan = layout(graph)
    image = Image.new("RGB", (plan.width, plan.height), "#FAFAF7")
    draw = ImageDraw.Draw(image)
    draw_text(draw, (MARGIN, MARGIN + 4), plan.title, 20, "black")
    draw_text(draw, (MARGIN, MARGIN + 30), "arrow: the next shot starts on this shot's last frame · one colour per "
              "group of shots that render in order", 12, "#555555")
    for band in plan.bands:
        draw.rounded_rectangle((MARGIN - 8, band.y - 10, plan.width - MARGIN + 8, band.y + band.height + 10), 8,
                               fill="#EFEFE8")
        draw_text(draw, (MARGIN, band.y + 6), clip(band.label[0], 28), 14, "black")
        draw_text(draw, (MARGIN, band.y + 28), clip(band.label[1], 36), 11, "#444444")
    for parent, child in plan.edges:
        _draw_curve(draw, edge_path(plan.boxes[parent], plan.boxes[child]))
    for box in plan.boxes.values():
        draw.rounded_rectangle((box.x, box.y, box.x + BOX_W, box.y + BOX_H), 6, fill="white", outline=box.color, width=3)
        for number, line in enumerate(box.lines):
            draw_text(draw, (box.x + 8, box.y + 6 + number * 17), clip(line, 24), 12 if number == 0 else 10, "black")
    image.save(path)


def _draw_curve(draw, points) -> None:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
    steps = 24
    line = []
    for step in range(steps + 1):
        t = step / steps
        u = 1 - t
        line.append((u**3 * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t**3 * x3,
                     u**3 * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t**3 * y3))
    draw.line(line, fill="#333333", width=2)
    (px, py), (ex, ey) = line[-2], line[-1]
    length = max(((ex - px) ** 2 + (ey - py) ** 2) ** 0.5, 1e-6)
    dx, dy = (ex - px) / length, (ey - py) / length
    draw.polygon([(ex, ey), (ex - 9 * dx + 4 * dy, ey - 9 * dy - 4 * dx), (ex - 9 * dx - 4 * dy, ey - 9 * dy + 4 * dx)],
                 fill="#333333")
