"""Pictures of the shot graph: DOT text and SVG (the PNG is drawn by engine.stills.graph from the same layout),
laid out the way a film reads.

Each scene is a band of rows; shots sit left to right in editorial order; an arrow joins a shot
to the shot that starts on its last frame. Shots are coloured by independent group (shots of one
colour share frames and render in order; different colours can render in parallel).
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from .graph import ShotGraph
from .units import format_seconds

SHOTS_PER_ROW = 8
BOX_W, BOX_H = 150, 64
GAP_X, GAP_Y = 34, 26
LABEL_W = 230
MARGIN = 24
HEADER_H = 56
PALETTE = ["#4C78A8", "#F58518", "#54A24B", "#B279A2", "#E45756", "#72B7B2", "#EECA3B", "#9D755D", "#FF9DA6",
           "#BAB0AC"]


@dataclass(frozen=True)
class Box:
    shot: str
    x: int
    y: int
    lines: tuple[str, ...]
    color: str


@dataclass(frozen=True)
class Band:
    label: tuple[str, ...]
    y: int
    height: int


@dataclass(frozen=True)
class Layout:
    title: str
    width: int
    height: int
    boxes: dict[str, Box]
    bands: list[Band]
    edges: list[tuple[str, str]]


def group_colors(graph: ShotGraph) -> dict[str, str]:
    """One colour per independent group of shots."""
    return {shot: PALETTE[index % len(PALETTE)] for index, group in enumerate(graph.groups()) for shot in group}


def layout(graph: ShotGraph) -> Layout:
    sp = graph.screenplay
    colors = group_colors(graph)
    boxes: dict[str, Box] = {}
    bands: list[Band] = []
    y = MARGIN + HEADER_H
    widest = 0
    for scene in sp.film.scenes:
        rows = max(1, -(-len(scene.shots) // SHOTS_PER_ROW))
        height = rows * BOX_H + (rows - 1) * GAP_Y
        bands.append(Band((scene.id, scene.heading), y, height))
        for index, shot in enumerate(scene.shots):
            row, column = divmod(index, SHOTS_PER_ROW)
            x = MARGIN + LABEL_W + column * (BOX_W + GAP_X)
            widest = max(widest, x + BOX_W)
            seconds = format_seconds(shot.duration.to_seconds(sp.fps))
            camera = f"{shot.camera.size.value}, {shot.camera.move.value}"
            cast = ", ".join(sp.characters_in(shot)) or "-"
            boxes[shot.id] = Box(shot.id, x, y + row * (BOX_H + GAP_Y), (shot.id, f"{seconds} · {camera}", cast),
                                 colors[shot.id])
        y += height + GAP_Y * 2
    edges = [(parent, child) for parent, child in graph.graph.edges]
    title = f"{sp.film.title}: {len(boxes)} shots, {len(sp.film.scenes)} scenes"
    return Layout(title, max(widest + MARGIN, 640), y + MARGIN, boxes, bands, edges)


def edge_path(a: Box, b: Box) -> tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]:
    """A cubic curve from a's right side to b's left side (or over the top when b lies to the left)."""
    start = (a.x + BOX_W, a.y + BOX_H / 2)
    end = (b.x, b.y + BOX_H / 2)
    reach = max(40.0, abs(end[0] - start[0]) / 2)
    if end[0] > start[0]:
        return start, (start[0] + reach, start[1]), (end[0] - reach, end[1]), end
    lift = min(a.y, b.y) - GAP_Y
    return (a.x + BOX_W / 2, a.y), (a.x + BOX_W / 2, lift), (b.x + BOX_W / 2, lift), (b.x + BOX_W / 2, b.y)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def to_svg(graph: ShotGraph) -> str:
    plan = layout(graph)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{plan.width}" height="{plan.height}" '
           f'viewBox="0 0 {plan.width} {plan.height}" font-family="Helvetica, Arial, sans-serif">',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#333"/></marker></defs>',
           '<rect width="100%" height="100%" fill="#FAFAF7"/>',
           f'<text x="{MARGIN}" y="{MARGIN + 22}" font-size="20" font-weight="bold">{escape(plan.title)}</text>',
           f'<text x="{MARGIN}" y="{MARGIN + 42}" font-size="12" fill="#555">arrow: the next shot starts on this '
           f'shot\'s last frame · one colour per group of shots that render in order</text>']
    for band in plan.bands:
        out.append(f'<rect x="{MARGIN - 8}" y="{band.y - 10}" width="{plan.width - 2 * MARGIN + 16}" '
                   f'height="{band.height + 20}" rx="8" fill="#EFEFE8"/>')
        out.append(f'<text x="{MARGIN}" y="{band.y + 20}" font-size="14" font-weight="bold">'
                   f'{escape(clip(band.label[0], 28))}</text>')
        out.append(f'<text x="{MARGIN}" y="{band.y + 40}" font-size="11" fill="#444">'
                   f'{escape(clip(band.label[1], 36))}</text>')
    for box in plan.boxes.values():
        out.append(f'<g><title>{escape(box.shot)}</title><rect x="{box.x}" y="{box.y}" width="{BOX_W}" height="{BOX_H}" '
                   f'rx="6" fill="white" stroke="{box.color}" stroke-width="3"/>')
        for number, line in enumerate(box.lines):
            weight = ' font-weight="bold"' if number == 0 else ""
            out.append(f'<text x="{box.x + 8}" y="{box.y + 18 + number * 17}" font-size="{12 if number == 0 else 10}"'
                       f'{weight}>{escape(clip(line, 24))}</text>')
        out.append("</g>")
    for parent, child in plan.edges:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = edge_path(plan.boxes[parent], plan.boxes[child])
        out.append(f'<path d="M {x0:.1f} {y0:.1f} C {x1:.1f} {y1:.1f}, {x2:.1f} {y2:.1f}, {x3:.1f} {y3:.1f}" '
                   f'fill="none" stroke="#333" stroke-width="1.6" marker-end="url(#arrow)"/>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(graph: ShotGraph) -> str:
    sp = graph.screenplay
    colors = group_colors(graph)
    lines = [f"digraph {_dot_quote(sp.film.title)} {{", "  rankdir=LR;", '  node [shape=box, style="rounded"];']
    for number, scene in enumerate(sp.film.scenes):
        lines.append(f"  subgraph {_dot_quote('cluster_' + str(number))} {{")
        lines.append(f"    label={_dot_quote(scene.id + ': ' + scene.heading)};")
        for shot in scene.shots:
            label = f"{shot.id}\n{format_seconds(shot.duration.to_seconds(sp.fps))} {shot.camera.size.value}"
            lines.append(f"    {_dot_quote(shot.id)} [label={_dot_quote(label)}, color={_dot_quote(colors[shot.id])}];")
        lines.append("  }")
    for parent, child in graph.graph.edges:
        lines.append(f"  {_dot_quote(parent)} -> {_dot_quote(child)} [label=\"last frame\"];")
    lines.append("}")
    return "\n".join(lines) + "\n"
