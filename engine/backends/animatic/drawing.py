"""Paint a shot's set once, at the resolution its tightest view needs: sky, land, props, figures.

World units: the wide frame is 1.0 wide and 1/aspect high, origin top-left. Every primitive is
given in world units and mapped to pixels of the region the camera will ever see, so a close-up
is drawn as sharply as a wide shot.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw

from .look import RGB, FigureLook, SetLook, _mix, lit

MAX_SET_PIXELS = 16_000_000


@dataclass(frozen=True)
class Figure:
    x: float  # feet centre, world units
    feet: float
    height: float
    look: FigureLook
    reference: Path | None = None


class Painter:
    def __init__(self, bounds: tuple[float, float, float, float], scale: float) -> None:
        x0, y0, x1, y1 = bounds
        pixels = (x1 - x0) * (y1 - y0) * scale * scale
        if pixels > MAX_SET_PIXELS:  # very tight views of very large frames: cap the memory, lose a little sharpness
            scale *= math.sqrt(MAX_SET_PIXELS / pixels)
        self.x0, self.y0, self.scale = x0, y0, scale
        self.size = (max(2, math.ceil((x1 - x0) * scale)), max(2, math.ceil((y1 - y0) * scale)))
        self.image = Image.new("RGB", self.size)
        self.draw = ImageDraw.Draw(self.image)

    def px(self, x: float, y: float) -> tuple[float, float]:
        return ((x - self.x0) * self.scale, (y - self.y0) * self.scale)

    def length(self, value: float) -> float:
        return value * self.scale

    def rect(self, x0, y0, x1, y1, fill: RGB, radius: float = 0.0) -> None:
        box = (*self.px(x0, y0), *self.px(x1, y1))
        if radius:
            self.draw.rounded_rectangle(box, radius=self.length(radius), fill=fill)
        else:
            self.draw.rectangle(box, fill=fill)

    def ellipse(self, cx, cy, rx, ry, fill: RGB) -> None:
        self.draw.ellipse((*self.px(cx - rx, cy - ry), *self.px(cx + rx, cy + ry)), fill=fill)

    def polygon(self, points, fill: RGB) -> None:
        self.draw.polygon([self.px(x, y) for x, y in points], fill=fill)

    def line(self, points, fill: RGB, width: float) -> None:
        self.draw.line([self.px(x, y) for x, y in points], fill=fill, width=max(1, round(self.length(width))))

    def vertical_gradient(self, y_top: float, y_bottom: float, top: RGB, bottom: RGB, x0=None, x1=None) -> None:
        """Fill rows between two world heights with a gradient (whole width unless x0/x1 given)."""
        width, height = self.size
        row0, row1 = (int(max(0, min(height, round(self.px(0, y)[1])))) for y in (y_top, y_bottom))
        if row1 <= row0:
            return
        col0 = 0 if x0 is None else int(max(0, min(width, round(self.px(x0, 0)[0]))))
        col1 = width if x1 is None else int(max(0, min(width, round(self.px(x1, 0)[0]))))
        if col1 <= col0:
            return
        t = np.linspace(0.0, 1.0, row1 - row0, dtype=np.float32)[:, None]
        rows = (np.array(top, np.float32) * (1 - t) + np.array(bottom, np.float32) * t).astype(np.uint8)
        block = np.broadcast_to(rows[:, None, :], (row1 - row0, col1 - col0, 3))
        self.image.paste(Image.fromarray(np.ascontiguousarray(block)), (col0, row0))

    def glow(self, cx: float, cy: float, radius: float, colour: RGB, strength: float) -> None:
        """Add light around a point (a lamp, the sun), falling off smoothly.

        The falloff is computed on a grid of at most 256 x 256 and scaled up: a glow is smooth, and a
        close-up's lamp can span thousands of pixels (full-size float arrays would cost hundreds of MB).
        """
        width, height = self.size
        px, py = self.px(cx, cy)
        r = self.length(radius)
        left, top = int(max(0, px - r)), int(max(0, py - r))
        right, bottom = int(min(width, px + r)), int(min(height, py + r))
        if right <= left or bottom <= top:
            return
        step = max(1.0, max(right - left, bottom - top) / 256)
        cols, rows = max(1, round((right - left) / step)), max(1, round((bottom - top) / step))
        xs = left + (np.arange(cols, dtype=np.float32) + 0.5) * (right - left) / cols
        ys = top + (np.arange(rows, dtype=np.float32) + 0.5) * (bottom - top) / rows
        distance = np.hypot(xs[None, :] - px, ys[:, None] - py)
        falloff = np.clip(1.0 - distance / r, 0.0, 1.0) ** 2 * min(1.0, strength)
        mask = Image.fromarray(np.rint(falloff * 255).astype(np.uint8), "L").resize((right - left, bottom - top),
                                                                                   Image.Resampling.BILINEAR)
        light = ImageChops.multiply(Image.new("RGB", mask.size, colour), Image.merge("RGB", (mask, mask, mask)))
        box = (left, top, right, bottom)
        self.image.paste(ImageChops.add(self.image.crop(box), light), box)


# -- the set -------------------------------------------------------------------------------------


def paint_set(painter: Painter, look: SetLook, aspect: float, figures: list[Figure]) -> None:
    bottom = 1.0 / aspect
    x_left, x_right = painter.x0 - 0.01, painter.x0 + painter.size[0] / painter.scale + 0.01
    if look.exterior:
        _exterior(painter, look, bottom, x_left, x_right)
    else:
        _interior(painter, look, bottom, x_left, x_right)
    paint_figures(painter, look, figures)


def paint_figures(painter: Painter, look: SetLook, figures: list[Figure]) -> None:
    for figure in sorted(figures, key=lambda f: f.feet):
        _shadow(painter, figure, look)
        if figure.reference is not None:
            _reference_figure(painter, figure, look)
        else:
            _figure(painter, figure, look)


def horizon(aspect: float) -> float:
    return 0.6 / aspect


def ground_line(aspect: float) -> float:
    return 0.9 / aspect


def _exterior(p: Painter, look: SetLook, bottom: float, x_left: float, x_right: float) -> None:
    top_colour, horizon_colour = look.sky
    y_h = horizon(1 / bottom)
    rng = random.Random(look.seed)
    p.vertical_gradient(p.y0 - 0.01, y_h, top_colour, horizon_colour)
    p.vertical_gradient(y_h, bottom * 2, horizon_colour, _mix(horizon_colour, (0, 0, 0), 0.3))
    if look.stars:
        for _ in range(220):
            x, y = rng.uniform(-0.6, 1.6), rng.uniform(-0.5, y_h * 0.9)
            size = rng.choice((0.0012, 0.0016, 0.0022))
            p.ellipse(x, y, size, size, (220, 224, 236))
    if look.time in ("dawn", "sunset", "dusk"):
        sun = (0.74, y_h - 0.04)
        p.glow(*sun, 0.32, (255, 170, 90), 0.55)
        p.ellipse(*sun, 0.035, 0.035, (255, 214, 160))
    elif look.time == "night":
        p.glow(0.8, 0.1, 0.12, (120, 130, 160), 0.35)
        p.ellipse(0.8, 0.1, 0.022, 0.022, (232, 232, 216))
    elif look.light > 0.8:
        p.glow(0.22, 0.08, 0.2, (255, 250, 220), 0.35)
    if look.ridge:
        points = [(x_left - 0.2, y_h + 0.02)]
        steps = 28
        for i in range(steps + 1):
            x = x_left - 0.2 + (x_right - x_left + 0.4) * i / steps
            height = 0.05 + 0.05 * math.sin(i * 0.9 + rng.random()) + rng.uniform(0, 0.05)
            points.append((x, y_h - height))
        points.append((x_right + 0.2, y_h + 0.02))
        p.polygon(points, lit(_mix(horizon_colour, (40, 50, 60), 0.55), 1.0, False))
    if look.water:
        sea_top, sea_bottom = _mix(horizon_colour, (40, 70, 96), 0.55), _mix(top_colour, (10, 30, 50), 0.5)
        p.vertical_gradient(y_h, bottom * 2, sea_top, sea_bottom)
        for _ in range(160):
            x, y = rng.uniform(x_left, x_right), rng.uniform(y_h + 0.005, bottom * 1.2)
            width = rng.uniform(0.01, 0.05) * (0.5 + (y - y_h) * 3)
            p.line([(x, y), (x + width, y)], _mix(sea_top, (255, 255, 255), 0.25), 0.0015)
    land_top = ground_line(1 / bottom) - 0.06 if look.water else y_h
    land = lit(look.ground, look.light)
    if look.water:
        p.polygon([(x_left, land_top + 0.03), (0.2, land_top), (0.55, land_top + 0.01), (x_right, land_top - 0.02),
                   (x_right, bottom * 2), (x_left, bottom * 2)], land)
    else:
        p.vertical_gradient(land_top, bottom * 2, land, _mix(land, (0, 0, 0), 0.35))
    for prop in look.props:
        painter_prop = PROPS.get(prop)
        if painter_prop:
            painter_prop(p, look, y_h, land_top, rng)


def _interior(p: Painter, look: SetLook, bottom: float, x_left: float, x_right: float) -> None:
    floor_y = 0.8 * bottom
    wall = lit(look.wall, max(look.light, 0.55), night_blue=False)
    p.vertical_gradient(p.y0 - 0.01, floor_y, _mix(wall, (0, 0, 0), 0.35), wall)
    floor = _mix(lit(look.wall, max(look.light, 0.55), night_blue=False), (30, 20, 14), 0.55)
    p.vertical_gradient(floor_y, bottom * 2, floor, _mix(floor, (0, 0, 0), 0.4))
    p.rect(x_left, floor_y - 0.006, x_right, floor_y + 0.004, _mix(wall, (0, 0, 0), 0.5))
    # a window on the back wall shows the time of day outside
    wx0, wy0, wx1, wy1 = 0.58, 0.14 * bottom, 0.88, 0.56 * bottom
    p.rect(wx0 - 0.012, wy0 - 0.012, wx1 + 0.012, wy1 + 0.012, _mix(wall, (0, 0, 0), 0.45))
    top_colour, horizon_colour = look.sky
    p.vertical_gradient(wy0, wy1, top_colour, horizon_colour, wx0, wx1)
    if look.rain:
        rng = random.Random(look.seed)
        for _ in range(90):
            x, y = rng.uniform(wx0, wx1), rng.uniform(wy0, wy1)
            p.line([(x, y), (x - 0.004, y + 0.03)], _mix(horizon_colour, (255, 255, 255), 0.35), 0.0012)
    frame = _mix(wall, (0, 0, 0), 0.6)
    p.rect((wx0 + wx1) / 2 - 0.005, wy0, (wx0 + wx1) / 2 + 0.005, wy1, frame)
    p.rect(wx0, (wy0 + wy1) / 2 - 0.005, wx1, (wy0 + wy1) / 2 + 0.005, frame)
    if "lamp" in look.props or "lighthouse" in look.props or look.light < 0.8:
        lamp = (0.26, 0.36 * bottom)
        p.glow(*lamp, 0.3, (255, 190, 110), 0.6 if look.light < 0.8 else 0.3)
        p.rect(lamp[0] - 0.035, lamp[1] + 0.03, lamp[0] + 0.035, lamp[1] + 0.045, (120, 96, 50))
        p.ellipse(*lamp, 0.04, 0.04, (255, 226, 160))
        p.rect(lamp[0] - 0.006, lamp[1] + 0.045, lamp[0] + 0.006, floor_y, (110, 88, 48))


def _lighthouse(p: Painter, look: SetLook, y_h: float, land_top: float, rng: random.Random) -> None:
    base_y = min(y_h + 0.02, land_top + 0.02)
    if look.ridge or look.water:  # it stands on a cliff
        p.polygon([(0.62, base_y + 0.12), (0.68, base_y - 0.02), (0.92, base_y - 0.03), (1.0, base_y + 0.12)],
                  lit((86, 84, 80), look.light))
        base_y -= 0.02
    x, w_bottom, w_top, height = 0.8, 0.05, 0.034, 0.3
    white, red = lit((236, 234, 226), look.light), lit((176, 40, 36), look.light)
    p.polygon([(x - w_bottom / 2, base_y), (x - w_top / 2, base_y - height), (x + w_top / 2, base_y - height),
               (x + w_bottom / 2, base_y)], white)
    for band in (0.35, 0.65):
        y = base_y - height * band
        half = (w_bottom + (w_top - w_bottom) * band) / 2
        p.polygon([(x - half, y), (x - half * 0.97, y - 0.03), (x + half * 0.97, y - 0.03), (x + half, y)], red)
    top = base_y - height
    p.rect(x - 0.022, top - 0.035, x + 0.022, top, lit((60, 60, 64), look.light))
    p.glow(x, top - 0.02, 0.12 if look.light < 0.9 else 0.05, (255, 230, 150), 0.9 if look.light < 0.9 else 0.3)
    p.rect(x - 0.016, top - 0.03, x + 0.016, top - 0.006, (255, 236, 170))
    p.polygon([(x - 0.028, top - 0.035), (x, top - 0.06), (x + 0.028, top - 0.035)], red)


def _house(p: Painter, look: SetLook, y_h: float, land_top: float, rng: random.Random) -> None:
    x, y, w, h = 0.16, land_top + 0.015, 0.12, 0.07
    p.rect(x, y - h, x + w, y, lit((214, 206, 190), look.light))
    p.polygon([(x - 0.01, y - h), (x + w / 2, y - h - 0.05), (x + w + 0.01, y - h)], lit((120, 60, 48), look.light))
    window = (255, 210, 130) if look.light < 0.8 else lit((80, 100, 120), look.light)
    p.rect(x + 0.02, y - h + 0.02, x + 0.045, y - h + 0.045, window)
    p.rect(x + w - 0.04, y - 0.045, x + w - 0.02, y, lit((90, 60, 40), look.light))
    p.rect(x + w * 0.7, y - h - 0.05, x + w * 0.7 + 0.012, y - h - 0.02, lit((110, 100, 96), look.light))


def _boat(p: Painter, look: SetLook, y_h: float, land_top: float, rng: random.Random) -> None:
    x, y = 0.3, (y_h + land_top) / 2 + 0.01
    hull = lit((150, 60, 40), look.light)
    p.polygon([(x - 0.08, y - 0.02), (x + 0.08, y - 0.02), (x + 0.06, y + 0.012), (x - 0.065, y + 0.012)], hull)
    p.rect(x - 0.02, y - 0.045, x + 0.025, y - 0.02, lit((226, 222, 210), look.light))
    p.line([(x - 0.03, y - 0.02), (x - 0.03, y - 0.14)], lit((90, 70, 50), look.light), 0.003)
    p.polygon([(x - 0.028, y - 0.135), (x + 0.03, y - 0.05), (x - 0.028, y - 0.05)], lit((230, 226, 214), look.light))


def _trees(p: Painter, look: SetLook, y_h: float, land_top: float, rng: random.Random) -> None:
    for i in range(9):
        x = -0.1 + i * 0.15 + rng.uniform(-0.03, 0.03)
        if 0.3 < x < 0.7:
            continue  # keep the middle clear for the characters
        h = rng.uniform(0.14, 0.24)
        base = land_top + rng.uniform(0.0, 0.03)
        green = lit(_mix((40, 90, 50), (20, 50, 30), rng.random()), look.light)
        p.rect(x - 0.006, base - 0.03, x + 0.006, base, lit((80, 56, 36), look.light))
        p.polygon([(x - h * 0.28, base - 0.025), (x, base - h), (x + h * 0.28, base - 0.025)], green)


def _city(p: Painter, look: SetLook, y_h: float, land_top: float, rng: random.Random) -> None:
    x = -0.3
    while x < 1.3:
        w, h = rng.uniform(0.05, 0.1), rng.uniform(0.08, 0.25)
        tone = lit(_mix((90, 96, 110), (50, 54, 66), rng.random()), look.light)
        p.rect(x, y_h - h, x + w - 0.004, y_h + 0.01, tone)
        lit_window = (255, 214, 140) if look.light < 0.8 else _mix(tone, (200, 220, 240), 0.3)
        for wy in np.arange(y_h - h + 0.012, y_h - 0.01, 0.022):
            for wx in np.arange(x + 0.008, x + w - 0.012, 0.018):
                if rng.random() < (0.45 if look.light < 0.8 else 0.8):
                    p.rect(wx, wy, wx + 0.008, wy + 0.01, lit_window)
        x += w


def _quay(p: Painter, look: SetLook, y_h: float, land_top: float, rng: random.Random) -> None:
    stone = lit((130, 126, 118), look.light)
    p.rect(-0.5, land_top - 0.004, 1.5, land_top + 0.012, stone)
    for i in range(-10, 30):
        p.rect(i * 0.06, land_top - 0.004, i * 0.06 + 0.002, land_top + 0.012, _mix(stone, (0, 0, 0), 0.3))


def _lanterns(p: Painter, look: SetLook, y_h: float, land_top: float, rng: random.Random) -> None:
    for i in range(-3, 14):
        x = i * 0.1 + 0.05
        p.line([(x, land_top), (x, land_top - 0.1)], (50, 46, 44), 0.003)
        p.glow(x, land_top - 0.1, 0.05, (255, 190, 100), 0.8)
        p.ellipse(x, land_top - 0.1, 0.007, 0.009, (255, 226, 160))


PROPS = {"lighthouse": _lighthouse, "house": _house, "boat": _boat, "trees": _trees, "city": _city, "quay": _quay,
         "lanterns": _lanterns}


# -- figures -------------------------------------------------------------------------------------


def _shadow(p: Painter, figure: Figure, look: SetLook) -> None:
    h = figure.height
    p.ellipse(figure.x, figure.feet, h * 0.2, h * 0.025, _mix(lit(look.ground, look.light), (0, 0, 0), 0.45))


def _figure(p: Painter, f: Figure, look: SetLook) -> None:
    """A flat, friendly figure in the style of a storyboard: clothes and hair from the description."""
    h, x, y = f.height, f.x, f.feet
    c = f.look
    L = look.light if look.exterior else max(look.light, 0.62)

    def shade(colour):
        return lit(colour, L)

    def at(v):  # height above the feet
        return y - v * h

    p.rect(x - 0.1 * h, at(0.46), x - 0.015 * h, at(0.02), shade(c.legs))
    p.rect(x + 0.015 * h, at(0.46), x + 0.1 * h, at(0.02), shade(c.legs))
    p.rect(x - 0.11 * h, at(0.06), x - 0.01 * h, y, shade(c.boots), radius=0.02 * h)
    p.rect(x + 0.01 * h, at(0.06), x + 0.11 * h, y, shade(c.boots), radius=0.02 * h)
    coat = shade(c.coat)
    p.polygon([(x - 0.17 * h, at(0.78)), (x + 0.17 * h, at(0.78)), (x + 0.21 * h, at(0.38)), (x - 0.21 * h, at(0.38))],
              coat)
    p.ellipse(x - 0.15 * h, at(0.76), 0.05 * h, 0.035 * h, coat)
    p.ellipse(x + 0.15 * h, at(0.76), 0.05 * h, 0.035 * h, coat)
    sleeve = _mix(coat, (0, 0, 0), 0.18)
    p.polygon([(x - 0.2 * h, at(0.76)), (x - 0.15 * h, at(0.76)), (x - 0.19 * h, at(0.44)), (x - 0.245 * h, at(0.45))],
              sleeve)
    p.polygon([(x + 0.15 * h, at(0.76)), (x + 0.2 * h, at(0.76)), (x + 0.245 * h, at(0.45)), (x + 0.19 * h, at(0.44))],
              sleeve)
    skin = shade(c.skin)
    p.ellipse(x - 0.217 * h, at(0.425), 0.028 * h, 0.03 * h, skin)
    p.ellipse(x + 0.217 * h, at(0.425), 0.028 * h, 0.03 * h, skin)
    p.rect(x - 0.035 * h, at(0.84), x + 0.035 * h, at(0.77), _mix(skin, (0, 0, 0), 0.1))
    head_r = 0.085 * h
    head_y = at(0.91)
    hair = shade(c.hair)
    if c.long_hair:
        p.rect(x - head_r * 1.08, head_y - head_r * 0.2, x + head_r * 1.08, at(0.76), hair, radius=head_r * 0.4)
    p.ellipse(x, head_y, head_r, head_r * 1.08, skin)
    p.draw.chord((*p.px(x - head_r * 1.08, head_y - head_r * 1.2), *p.px(x + head_r * 1.08, head_y + head_r * 0.9)),
                 180, 360, fill=hair)
    p.rect(x - head_r * 1.08, head_y - head_r * 0.2, x - head_r * 0.8, head_y + head_r * 0.45, hair)
    p.rect(x + head_r * 0.8, head_y - head_r * 0.2, x + head_r * 1.08, head_y + head_r * 0.45, hair)
    if c.hat:
        p.rect(x - head_r * 1.1, head_y - head_r * 1.25, x + head_r * 1.1, head_y - head_r * 0.35, shade(c.hat),
               radius=head_r * 0.5)
    eye = (34, 30, 30)
    for side in (-1, 1):
        p.ellipse(x + side * head_r * 0.38, head_y + head_r * 0.05, head_r * 0.1, head_r * 0.1, eye)
    if c.beard:
        p.draw.chord((*p.px(x - head_r * 0.95, head_y - head_r * 0.4), *p.px(x + head_r * 0.95, head_y + head_r * 1.2)),
                     0, 180, fill=shade(c.beard))
    else:
        p.draw.arc((*p.px(x - head_r * 0.3, head_y + head_r * 0.2), *p.px(x + head_r * 0.3, head_y + head_r * 0.55)),
                   20, 160, fill=(120, 60, 60), width=max(1, round(p.length(head_r * 0.06))))
    if c.scarf:
        scarf = shade(c.scarf)
        p.rect(x - 0.12 * h, at(0.8), x + 0.12 * h, at(0.73), scarf, radius=0.02 * h)
        p.rect(x + 0.04 * h, at(0.76), x + 0.1 * h, at(0.56), scarf)


PORTRAIT_GROUND = (236, 232, 222)  # light and plain: `cutout` takes the corners' colour for the background


def portrait(look: FigureLook, width: int, height: int) -> Image.Image:
    """A character standing on a plain ground, as the animatic draws it: a reference image for a new film."""
    aspect = width / height
    painter = Painter((0.0, 0.0, aspect, 1.0), height)
    painter.rect(0.0, 0.0, aspect, 1.0, PORTRAIT_GROUND)
    daylight = SetLook("day", True, (PORTRAIT_GROUND, PORTRAIT_GROUND), 1.0)
    _figure(painter, Figure(aspect / 2, 0.96, 0.9, look), daylight)
    return painter.image


@lru_cache(maxsize=32)
def cutout(path: Path) -> Image.Image:
    """A reference image as an RGBA cut-out: the background (the corners' colour) made transparent."""
    with Image.open(path) as image:
        rgb = np.asarray(image.convert("RGB"), dtype=np.int16)
    corners = np.array([rgb[0, 0], rgb[0, -1], rgb[-1, 0], rgb[-1, -1]])
    background = np.median(corners, axis=0)
    distance = np.abs(rgb - background).sum(axis=2)
    alpha = np.clip((distance - 24) * 8, 0, 255).astype(np.uint8)
    result = Image.fromarray(np.dstack([rgb.astype(np.uint8), alpha]), "RGBA")
    bbox = result.getchannel("A").getbbox()
    return result.crop(bbox) if bbox else result


FULL_LENGTH = 1.6  # a whole standing person is at least this many times taller than wide


@lru_cache(maxsize=32)
def is_full_length(path: Path) -> bool:
    """Whether a reference image shows a whole standing person, feet and all: the person is tall and narrow, and
    the ground shows below the feet. A head and shoulders (or a half-length) is cut by the picture's bottom edge."""
    with Image.open(path) as image:
        rgb = np.asarray(image.convert("RGB"), dtype=np.int16)
    background = np.median(np.array([rgb[0, 0], rgb[0, -1], rgb[-1, 0], rgb[-1, -1]]), axis=0)
    person = np.abs(rgb - background).sum(axis=2) > 24
    rows, columns = np.flatnonzero(person.any(axis=1)), np.flatnonzero(person.any(axis=0))
    if not rows.size:
        return False
    tall = (rows[-1] - rows[0] + 1) >= FULL_LENGTH * (columns[-1] - columns[0] + 1)
    standing = rows[-1] < rgb.shape[0] * 0.99  # the bottom edge does not cut the person
    return bool(tall and standing)


def _reference_figure(p: Painter, f: Figure, look: SetLook) -> None:
    """The character's reference image stands in for the figure: a whole person stands at the figure's full height,
    feet on the ground; a head and shoulders stand on drawn legs. One body, whatever the reference's framing."""
    assert f.reference is not None
    image = cutout(f.reference)
    h, x, y = f.height, f.x, f.feet
    L = look.light if look.exterior else max(look.light, 0.62)
    if is_full_length(f.reference):
        _paste_lit(p, image, x, y, h, L)
        return
    legs = lit(f.look.legs, L)
    p.rect(x - 0.1 * h, y - 0.46 * h, x - 0.015 * h, y - 0.02 * h, legs)
    p.rect(x + 0.015 * h, y - 0.46 * h, x + 0.1 * h, y - 0.02 * h, legs)
    p.rect(x - 0.11 * h, y - 0.06 * h, x + 0.11 * h, y, lit(f.look.boots, L), radius=0.02 * h)
    _paste_lit(p, image, x, y - 0.4 * h, 0.62 * h, L)


def _paste_lit(p: Painter, image: Image.Image, x: float, bottom: float, height: float, L: float) -> None:
    """The cut-out, `height` tall, standing centred on x with its lowest pixel at `bottom`, in the set's light."""
    target_h = max(2, round(p.length(height)))
    target_w = max(2, round(image.width * target_h / image.height))
    scaled = image.resize((target_w, target_h), Image.Resampling.LANCZOS)
    if L < 0.999:
        pixels = np.asarray(scaled, dtype=np.float32)
        pixels[..., :3] = np.array([lit((255, 255, 255), L)], np.float32) / 255.0 * pixels[..., :3]
        scaled = Image.fromarray(pixels.astype(np.uint8), "RGBA")
    left, top = p.px(x, bottom)
    p.image.paste(scaled, (round(left - target_w / 2), round(top - target_h)), scaled)
