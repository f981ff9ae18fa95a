"""Framing and camera moves: where in the set each frame looks.

The set is a world the size of the wide frame (1 x aspect, in frame widths) with room around it.
A shot size is a zoom on a subject (the characters' bodies, a face, the pair of a two-shot); a
move interpolates between a start and an end box with an ease-in-out, so a move over a minute is
as smooth as one over three seconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Box:
    """A view: centre (cx, cy) and width w, in world units (the wide frame is 1.0 wide)."""

    cx: float
    cy: float
    w: float

    def height(self, aspect: float) -> float:
        return self.w / aspect

    def bounds(self, aspect: float) -> tuple[float, float, float, float]:
        h = self.height(aspect)
        return (self.cx - self.w / 2, self.cy - h / 2, self.cx + self.w / 2, self.cy + h / 2)


ZOOM = {  # how much closer than the wide frame
    "extreme-wide": 0.8, "wide": 1.0, "full": 1.3, "medium-wide": 1.6, "medium": 2.1, "medium-close-up": 2.7,
    "close-up": 3.6, "extreme-close-up": 5.2, "two-shot": 1.7, "over-the-shoulder": 2.2, "insert": 3.0,
}
# How much of the tallest body a size shows (1.15: head to feet with air around; 0.75: head to knees).
FIT_BODY = {"full": 1.15, "two-shot": 0.78, "medium-wide": 0.8}
MOVE_ZOOM = 1.22  # push-in and pull-out change the view's width by this factor


@dataclass(frozen=True)
class Subject:
    """What a shot frames: the characters' bodies and the first character's head, in world units."""

    body: tuple[float, float, float, float]  # x0, y0, x1, y1
    head: tuple[float, float] | None  # centre of the first character's head
    head_size: float = 0.05


def base_view(size: str, subject: Subject | None, aspect: float) -> Box:
    zoom = ZOOM.get(size, 1.0)
    width = 1.0 / zoom
    wide_centre = (0.5, 0.5 / aspect)
    if subject is None or zoom <= 1.0:
        return Box(*wide_centre, width)
    x0, y0, x1, y1 = subject.body
    if size in ("close-up", "extreme-close-up") and subject.head:
        cx, cy = subject.head
        return Box(cx, cy + width / aspect * 0.08, width)  # eyes a little above the middle
    if size == "over-the-shoulder":
        return Box((x0 + x1) / 2 + width * 0.2, y0 + width / aspect * 0.4, width)
    cx = (x0 + x1) / 2
    body_height = y1 - y0
    if size in FIT_BODY:  # these sizes show the body from the head down to the knees or feet
        width = max(width, body_height * FIT_BODY[size] * aspect, (x1 - x0) * 1.15)
    # Frame from the head down: the top of the head a twelfth below the frame's top.
    height = width / aspect
    return Box(cx, y0 - height / 12 + height / 2, width)


def move_views(view: Box, move: str, aspect: float) -> tuple[Box, Box]:
    """The view at the start and at the end of the shot."""
    shift = view.w * 0.18
    lift = view.height(aspect) * 0.18
    match move:
        case "push-in":
            return Box(view.cx, view.cy, view.w * MOVE_ZOOM), view
        case "pull-out":
            return view, Box(view.cx, view.cy, view.w * MOVE_ZOOM)
        case "pan-left" | "truck-left":
            return Box(view.cx + shift, view.cy, view.w), Box(view.cx - shift, view.cy, view.w)
        case "pan-right" | "truck-right":
            return Box(view.cx - shift, view.cy, view.w), Box(view.cx + shift, view.cy, view.w)
        case "tilt-up":
            return Box(view.cx, view.cy + lift, view.w), Box(view.cx, view.cy - lift, view.w)
        case "tilt-down":
            return Box(view.cx, view.cy - lift, view.w), Box(view.cx, view.cy + lift, view.w)
        case "crane-up":
            return Box(view.cx, view.cy + lift, view.w), Box(view.cx, view.cy - lift, view.w * 1.12)
        case "crane-down":
            return Box(view.cx, view.cy - lift, view.w * 1.12), Box(view.cx, view.cy + lift, view.w)
    return view, view


HOLD_FLOAT = 0.006  # a held (static) view floats by up to this share of its width and height
HOLD_PERIODS = (3.7, 5.3)  # seconds, across and up: two slow sines that are never still together


def held(view: Box, seconds: float, aspect: float) -> Box:
    """A view as a camera operator holds it: floating a little (about 1% of its width a second at most), so a
    static shot, or the eased ends of a long move, is still a moving picture, never a frozen one (the continuity
    report flags those)."""
    dx = HOLD_FLOAT * view.w * math.sin(2 * math.pi * seconds / HOLD_PERIODS[0])
    dy = HOLD_FLOAT * view.height(aspect) * math.sin(2 * math.pi * seconds / HOLD_PERIODS[1] + 1.0)
    return Box(view.cx + dx, view.cy + dy, view.w)


def held_extent(view: Box, aspect: float) -> list[Box]:
    """The corners a held view can float to, for the set to cover."""
    dx, dy = HOLD_FLOAT * view.w, HOLD_FLOAT * view.height(aspect)
    return [Box(view.cx + sx * dx, view.cy + sy * dy, view.w) for sx in (-1, 1) for sy in (-1, 1)]


def ease(t: float) -> float:
    """Smoothstep: a camera operator's start and stop."""
    t = min(1.0, max(0.0, t))
    return t * t * (3 - 2 * t)


def view_at(start: Box, end: Box, t: float) -> Box:
    e = ease(t)
    return Box(start.cx + (end.cx - start.cx) * e, start.cy + (end.cy - start.cy) * e, start.w + (end.w - start.w) * e)


def union(boxes: list[Box], aspect: float) -> tuple[float, float, float, float]:
    bounds = [box.bounds(aspect) for box in boxes]
    return (min(b[0] for b in bounds), min(b[1] for b in bounds), max(b[2] for b in bounds), max(b[3] for b in bounds))
