"""The animatic: longcut's built-in, deterministic CPU previz. No model weights, no GPU.

For each shot it paints the location (its reference image, or a set read from its description:
time of day, inside or out, palette, props) and the characters in it (their reference images, or
figures dressed from their descriptions, the same in every shot), frames them by shot size, moves
the camera. Its films are cut with captions (scene heading, shot, prompt, the line being spoken) drawn over the
finished picture by the editor (engine.editor.captions); `captions: false` cuts them without. A handed first frame is the clip's exact first frame; the picture eases from it into the shot.

It also draws keyframes (AnimaticKeyframes): a shot's clean first (or last) frame, as its video would show it, so
the keyframe stage and `longcut board` run with no GPU and no weights.
"""

from __future__ import annotations

import math
import os
import random
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from fractions import Fraction
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from longcut.continuity import LAST, KeyframeRequest, ShotRequest

from .. import Backend, KeyframeBackend, Segment, check_settings, frames_per
from . import camera
from .drawing import Figure, Painter, ground_line, is_full_length, paint_figures, paint_set
from .look import FigureLook, SetLook, figure_look, set_look

SETTINGS: dict[str, type] = {"max_seconds": float, "captions": bool, "weather": bool}
DEFAULTS: dict[str, Any] = {"max_seconds": 20.0, "captions": True, "weather": True}
HANDOFF_SECONDS = 0.5  # how long the picture takes to ease from a handed frame into the shot
DRAW_THREADS = 4  # at most this many threads draw a shot's frames ahead of the encoder (_draw_threads)


class AnimaticBackend(Backend):
    name = "animatic"
    wants_gpu = False
    # 2: glows computed at low resolution (same look, a fraction of the memory); 3: captions drawn last (overlay),
    # so a handed frame carries no captions, and every view is held by hand (floats a little), never frozen;
    # 4: clean takes (the captions moved to the cut, over the finished picture: they no longer dissolve in a
    # cross-fade)
    version = "4"

    def __init__(self, settings: dict[str, Any] | None = None, fps: Fraction = Fraction(24)) -> None:
        from .. import check_max_seconds

        settings = dict(settings or {})
        check_settings(settings, SETTINGS, self.name)
        self._settings = {**DEFAULTS, **settings}
        self._settings["max_seconds"] = float(self._settings["max_seconds"])
        check_max_seconds(self._settings["max_seconds"], fps)
        self.fps = fps
        self._stage: tuple[ShotRequest, Stage] | None = None

    @property
    def captions(self) -> bool:
        """Whether its films are cut with captions (engine.editor.captions): the cut's, not the takes' picture."""
        return self._settings["captions"]

    def settings(self) -> dict[str, Any]:
        # max_seconds only decides where segments fall; the animatic's seams are exact, so the frames
        # do not depend on it and it stays out of the cache key; nor do the captions, drawn by the cut.
        return {key: value for key, value in self._settings.items() if key not in ("max_seconds", "captions")}

    def model(self) -> str | None:
        return None

    def max_frames(self, request: ShotRequest) -> int:
        return frames_per(self._settings["max_seconds"], request.fps)

    def generate(self, request: ShotRequest, segment: Segment) -> Iterator[np.ndarray]:
        # A shot on the author's picture (start:) is a camera move over it; any other is staged from its text.
        stage = self._stage_for(request, segment.shot_first_frame if request.start is not None else None)
        shot_first = segment.shot_first_frame
        if shot_first is None and segment.start == 0:
            shot_first = segment.first_frame
        if shot_first is not None and np.array_equal(shot_first, stage.frame(0)):
            shot_first = None  # its own first frame (its keyframe, drawn by the animatic): nothing to ease from
        # The shot eases out of its handed first frame, and a loop eases back into it, by the frame's place in
        # the whole shot: so a shot made in segments is the very same shot as one made in one call.
        ease_frames = max(1, min(round(HANDOFF_SECONDS * request.fps), request.frames // 3))
        loop_target = None
        if request.loop:
            loop_target = shot_first if shot_first is not None else stage.frame(0)

        def ours(index: int) -> np.ndarray:
            frame = stage.frame(index)
            if shot_first is not None and index < ease_frames:
                frame = _blend(shot_first, frame, index / ease_frames)
            remaining = request.frames - 1 - index
            if loop_target is not None and remaining < ease_frames:
                frame = _blend(loop_target, frame, remaining / ease_frames)
            return frame

        end = segment.start + segment.count - 1
        handed = segment.first_frame
        if handed is not None and (segment.start == 0 and shot_first is handed or np.array_equal(handed, ours(segment.start))):
            handed = None  # already where we are: a seam between our own segments
        last = segment.last_frame
        if last is not None and np.array_equal(last, ours(end)):
            last = None

        def drawn(offset: int) -> np.ndarray:
            frame = ours(segment.start + offset)
            if handed is not None and offset < ease_frames:
                frame = _blend(handed, frame, offset / ease_frames)
            if last is not None and segment.count - 1 - offset < ease_frames:
                frame = _blend(last, frame, (segment.count - 1 - offset) / ease_frames)
            return frame

        yield from drawn_ahead(drawn, segment.count, _draw_threads())

    def _stage_for(self, request: ShotRequest, picture: np.ndarray | None = None) -> Stage | PictureStage:
        # Segments of one shot arrive one after another: build its set once.
        if self._stage is None or self._stage[0] != request:
            stage = PictureStage(picture, request) if picture is not None else Stage(request, self._settings)
            self._stage = (request, stage)
        return self._stage[1]


class AnimaticKeyframes(KeyframeBackend):
    """The animatic as a keyframe backend: the shot's set, cast and framing, drawn as its first (or last) frame.

    Drawn with the keyframe's seed, which for take 1 is the shot's own: so the video of take 1 starts exactly on
    its keyframe, and another keyframe take stages the cast anew (the video eases from it into its own staging).
    """

    name = "animatic"
    version = "3"  # its pictures have not changed since the video's version 3 (keyframes were always clean)
    threads = min(4, os.cpu_count() or 1)  # drawn on the CPU, each on its own: several at once (engine.render.keyframes)
    KEYFRAME_SETTINGS: dict[str, type] = {"weather": bool}

    def __init__(self, settings: dict[str, Any] | None = None, fps: Fraction = Fraction(24)) -> None:
        settings = dict(settings or {})
        check_settings(settings, self.KEYFRAME_SETTINGS, "animatic keyframes")
        self._settings = {"weather": settings.get("weather", True)}

    def settings(self) -> dict[str, Any]:
        return {"weather": self._settings["weather"]}

    def model(self) -> str | None:
        return None

    def draw(self, request: KeyframeRequest, on_step=None) -> np.ndarray:
        # A two-frame shot: frame 0 is the start view, frame 1 the end view of the move (a steady hand there).
        shot = ShotRequest(shot_id=request.shot_id, scene_id=request.scene_id, heading=request.heading, index=0,
                           take=request.take, seed=request.seed, prompt=request.prompt, negative=request.negative,
                           text=request.text, width=request.width, height=request.height, fps=request.fps, frames=2,
                           camera_size=request.camera_size, camera_move=request.camera_move,
                           characters=request.characters, location=request.location, exterior=request.exterior)
        return Stage(shot, self._settings).frame(1 if request.position == LAST else 0)


def _draw_threads() -> int:
    """The cores this process may run on now, up to DRAW_THREADS: asked at each shot, since a Ray worker is pinned
    to its one core after it has started (engine.render.executors.ray), and then draws on that one."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(DRAW_THREADS, cores)


def drawn_ahead(draw: Callable[[int], np.ndarray], count: int, workers: int) -> Iterator[np.ndarray]:
    """draw(0), draw(1) ... draw(count - 1), in order, drawn by `workers` threads a few frames ahead of the one
    handed on. A frame is a function of its index alone (the set painted once, the camera's view, the weather
    seeded by the index), so it is the same drawn here as drawn alone; and Pillow resamples without Python's
    lock, so the frames are drawn on every core while the encoder works (the draw was three fifths of a render:
    bench/table.py)."""
    if workers <= 1 or count < 2:
        yield from map(draw, range(count))
        return
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="animatic")
    pending: deque[Future] = deque()
    try:
        for index in range(count):
            pending.append(pool.submit(draw, index))
            if len(pending) > workers:  # at most one frame a thread waits to be handed on: memory stays bounded
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:  # handed on to the end, or stopped early (a failed encoder): nothing more is drawn
        pool.shutdown(wait=True, cancel_futures=True)


def _blend(handed: np.ndarray, own: np.ndarray, weight: float) -> np.ndarray:
    """weight 0: exactly the handed frame; 1: exactly our own; eased between."""
    w = camera.ease(weight)
    if w <= 0.0:
        return handed.copy()
    if w >= 1.0:
        return own
    mixed = handed.astype(np.float32) * (1.0 - w) + own.astype(np.float32) * w
    return np.rint(mixed).astype(np.uint8)


class Stage:
    """One shot's set, painted once, and the camera that films it."""

    def __init__(self, request: ShotRequest, settings: dict[str, Any]) -> None:
        self.request = request
        self.size = (request.width, request.height)
        self.aspect = request.width / request.height
        location = request.location
        self.look: SetLook = set_look(location.description if location else "", request.heading, request.exterior,
                                      seed=request.seed if location is None else _stable(location.id),
                                      in_view=request.text)
        self.figures, subject = _place_figures(request, self.aspect)
        view = camera.base_view(request.camera_size, subject, self.aspect)
        self.start, self.end = camera.move_views(view, request.camera_move, self.aspect)
        # Every view is held by hand (camera.held): a static shot and the slow ends of a long move still move
        views = [*camera.held_extent(self.start, self.aspect), *camera.held_extent(self.end, self.aspect)]
        bounds = camera.union(views, self.aspect)
        scale = request.width / min(self.start.w, self.end.w)  # the tightest view maps 1:1 to pixels
        painter = Painter(bounds, scale)
        if location is not None and location.references:
            _paste_location(painter, location.references[0], self.aspect)
            paint_figures(painter, self.look, self.figures)
        else:
            paint_set(painter, self.look, self.aspect, self.figures)
        self.painter = painter
        self.weather = settings["weather"]

    def frame(self, index: int) -> np.ndarray:
        request = self.request
        t = index / max(1, request.frames - 1)
        view = camera.held(camera.view_at(self.start, self.end, t), index / float(request.fps), self.aspect)
        x0, y0, x1, y1 = view.bounds(self.aspect)
        p = self.painter
        width, height = p.size  # the set covers every view of the shot; clamp away floating-point slivers
        box = (max(0.0, (x0 - p.x0) * p.scale), max(0.0, (y0 - p.y0) * p.scale),
               min(float(width), (x1 - p.x0) * p.scale), min(float(height), (y1 - p.y0) * p.scale))
        if abs(box[2] - box[0] - self.size[0]) < 0.5 and abs(box[3] - box[1] - self.size[1]) < 0.5:
            # A pan or tilt at the set's own scale: a whole-pixel crop, not a resample (ten times cheaper).
            left = min(max(0, round(box[0])), p.size[0] - self.size[0])
            top = min(max(0, round(box[1])), p.size[1] - self.size[1])
            image = p.image.crop((left, top, left + self.size[0], top + self.size[1]))
        else:
            image = p.image.resize(self.size, Image.Resampling.BILINEAR, box=box)
        if self.weather:
            _weather(image, self.look, index, request)
        return np.asarray(image)


class PictureStage:
    """The author's picture (a shot's `start:`) filmed by the shot's camera: frame 0 is the picture exactly; the
    move goes on from it (a push-in closes in on its middle, a pan travels across it, a pull-out reveals its edges,
    mirrored), and the view is held by hand as the drawn set's is."""

    MARGIN = 0.15  # mirrored around the picture, as a share of its sides: room for a pull-out and a hand's float
    PAN_WIDTH = 0.8  # a pan, tilt or truck looks across a view this much of the picture's width, inside it

    def __init__(self, picture: np.ndarray, request: ShotRequest) -> None:
        self.request = request
        height, width = picture.shape[:2]
        self.size = (width, height)
        self.aspect = width / height
        self.margin = (round(width * self.MARGIN), round(height * self.MARGIN))
        padded = np.pad(picture, ((self.margin[1], self.margin[1]), (self.margin[0], self.margin[0]), (0, 0)),
                        mode="reflect")
        self.image = Image.fromarray(padded)
        self.start = camera.Box(0.5, 0.5 / self.aspect, 1.0)  # the whole picture, in picture widths
        self.end = self._end_view(request.camera_move)

    def _end_view(self, move: str) -> camera.Box:
        begin, end = camera.move_views(self.start, move, self.aspect)
        scale = 1.0 / begin.w  # as the drawn move, scaled so that it begins on the whole picture
        dx, dy = (end.cx - begin.cx) * scale, (end.cy - begin.cy) * scale
        width = end.w * scale
        if (dx or dy) and abs(width - 1.0) < 1e-9:  # a pan, tilt or truck: across a closer view, inside the picture
            width = self.PAN_WIDTH
            room = (1.0 - width) / 2
            dx = math.copysign(room, dx) if dx else 0.0
            dy = math.copysign(room / self.aspect, dy) if dy else 0.0
        return camera.Box(self.start.cx + dx, self.start.cy + dy, width)

    def frame(self, index: int) -> np.ndarray:
        request = self.request
        t = index / max(1, request.frames - 1)
        seconds = index / float(request.fps)
        view = camera.view_at(self.start, self.end, t)
        # held by hand, from where the picture is: the float at frame 0 is taken off, so frame 0 is the picture
        floating, at_rest = camera.held(view, seconds, self.aspect), camera.held(view, 0.0, self.aspect)
        view = camera.Box(view.cx + floating.cx - at_rest.cx, view.cy + floating.cy - at_rest.cy, view.w)
        width, height = self.size
        x0, y0, x1, y1 = view.bounds(self.aspect)
        box = (x0 * width + self.margin[0], y0 * width + self.margin[1],
               x1 * width + self.margin[0], y1 * width + self.margin[1])
        rounded = tuple(round(value) for value in box)
        if all(abs(value - whole) < 1e-6 for value, whole in zip(box, rounded)) and \
                (rounded[2] - rounded[0], rounded[3] - rounded[1]) == self.size:
            return np.asarray(self.image.crop(rounded))  # the picture itself (frame 0), not resampled
        return np.asarray(self.image.resize(self.size, Image.Resampling.BILINEAR, box=box))


def _paste_location(painter: Painter, path, aspect: float) -> None:
    """A location's reference image covers a fixed world rectangle, so every shot there sees the same place."""
    with Image.open(path) as opened:
        image = opened.convert("RGB")
    world = (-0.25, -0.25 / aspect, 1.25, 1.25 / aspect)  # 1.5 times the wide frame
    world_w, world_h = world[2] - world[0], world[3] - world[1]
    # cover-fit the image to the world rectangle
    scale = max(world_w / image.width, world_h / image.height)
    offset_x = (image.width * scale - world_w) / 2
    offset_y = (image.height * scale - world_h) / 2
    width, height = painter.size
    region = (painter.x0, painter.y0, painter.x0 + width / painter.scale, painter.y0 + height / painter.scale)
    box = tuple((value - world[index % 2] + (offset_x if index % 2 == 0 else offset_y)) / scale
                for index, value in enumerate(region))
    painter.image.paste(image.resize(painter.size, Image.Resampling.BILINEAR, box=box), (0, 0))


def _stable(text: str) -> int:
    from longcut.continuity import derive_seed

    return derive_seed(0, "location", text)


def head_share(figure: Figure) -> float:
    """Where the figure's face is, as a share of its height above its feet: a drawn figure's and a whole person's
    (a full-length reference, standing at the figure's height) at 0.91; a head and shoulders on drawn legs lower."""
    if figure.reference is None or is_full_length(figure.reference):
        return 0.91
    return 0.75


def _place_figures(request: ShotRequest, aspect: float) -> tuple[list[Figure], camera.Subject | None]:
    cast = request.characters
    if not cast:
        return [], None
    count = len(cast)
    spreads = {1: [0.5], 2: [0.4, 0.6], 3: [0.32, 0.5, 0.68]}
    xs = spreads.get(count) or [0.2 + 0.6 * i / (count - 1) for i in range(count)]
    if count == 1 and request.camera_size in ("wide", "extreme-wide"):
        xs = [0.42]
    feet = ground_line(aspect)
    # The shot's seed stages it: each take places the cast a little differently (their looks never change).
    staging = random.Random(request.seed)
    xs = [x + staging.uniform(-0.05, 0.05) for x in xs]
    figures = []
    for x, look_of in zip(xs, cast):
        look: FigureLook = figure_look(look_of.description, look_of.seed)
        height = 0.34 * (0.72 if look.child else 1.0)
        reference = look_of.references[0] if look_of.references else None
        figures.append(Figure(x, feet, height, look, reference))
    body = (min(f.x - f.height * 0.25 for f in figures), min(f.feet - f.height for f in figures),
            max(f.x + f.height * 0.25 for f in figures), feet)
    first = figures[0]
    head_y = first.feet - first.height * head_share(first)
    return figures, camera.Subject(body, (first.x, head_y), first.height * 0.1)


def _weather(image: Image.Image, look: SetLook, index: int, request: ShotRequest) -> None:
    """Rain, snow and lightning move from frame to frame; they are drawn on the frame, not the set."""
    if not (look.exterior and (look.rain or look.snow or look.lightning)):
        return
    rng = random.Random(request.seed * 100_003 + index)
    width, height = image.size
    draw = ImageDraw.Draw(image)
    if look.rain:
        length = height * 0.05
        for _ in range(90):
            x, y = rng.uniform(0, width), rng.uniform(-length, height)
            draw.line([(x, y), (x - length * 0.2, y + length)], fill=(190, 200, 214), width=max(1, width // 900))
    if look.snow:
        for _ in range(120):
            x, y, r = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(1, 2.5) * width / 1280
            draw.ellipse((x - r, y - r, x + r, y + r), fill=(240, 242, 246))
    if look.lightning:
        fps = max(1, round(request.fps))
        if (index // fps) % 5 == 2 and index % fps < 3:
            pixels = np.asarray(image, dtype=np.uint16) + 90
            image.paste(Image.fromarray(np.minimum(pixels, 255).astype(np.uint8)))
