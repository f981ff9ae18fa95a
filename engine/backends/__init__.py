"""Backends turn one ShotRequest into frames. They register under the entry-point group `longcut.backends`.

A backend is a class (or factory) called with the screenplay's backend settings and the film's
frame rate. It names itself and its version, reports the settings that shape its pictures (they
go into every cache key), says the longest clip one call can make, and yields frames: uint8
arrays of shape (height, width, 3), one at a time, so a long shot never sits in memory whole.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from abc import ABC, abstractmethod
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from longcut.continuity import KeyframeRequest, ShotRequest, keyframe_stage
from longcut.storyboard import Problem, Screenplay, ScreenplayError
from longcut.storyboard.errors import did_you_mean

from ..errors import LongcutError, StepFailed
from ..plugins import BACKENDS, KEYFRAMES, load, registry

GROUP = BACKENDS
KEYFRAME_GROUP = KEYFRAMES


@dataclass(frozen=True)
class Segment:
    """One call's share of a shot: frames [start, start + count) of it.

    first_frame: the call's frame 0 must be this frame (the last frame of the shot or segment it
    continues). last_frame: the call's last frame must be this frame (a loop's end).
    shot_first_frame: the first frame of the whole shot, the same for every segment, for backends
    that shape the whole shot around it (a model may ignore it).
    on_step(step, steps): to call after each denoising step, where a backend has steps (as diffusers passes
    callback_on_step_end to a pipeline); None when nobody is watching.
    on_sound(samples, rate): for a backend whose model makes sound with the picture (LTX-2): the call's sound,
    float (channels, n) at `rate`, from the segment's first frame; None where nobody keeps it.
    context: on a continuing shot's first call, its parent's last frames, oldest first, the last being first_frame:
    for a backend that continues motion (its `context_frames` says how many it takes), not one still frame.
    """

    start: int
    count: int
    first_frame: np.ndarray | None = None
    last_frame: np.ndarray | None = None
    shot_first_frame: np.ndarray | None = None
    on_step: Callable[[int, int], None] | None = None
    on_sound: Callable[[np.ndarray, int], None] | None = None
    context: tuple[np.ndarray, ...] = ()


class Backend(ABC):
    """The base of every video backend: what it must do, and what it may say about itself, with the defaults.

    A backend subclasses this (the entry point's factory must return one), is built with the film's backend
    settings and frame rate, and implements `settings`, `max_frames` and `generate`. Frames are the picture only:
    captions are drawn over the finished cut (engine.editor.captions) where `captions` is true.
    """

    name: str
    version: str
    wants_gpu: bool = False  # whether a cluster executor should give each of its workers a GPU
    captions: bool = False  # its films are cut with captions over the picture (the animatic's drafts)
    takes_last_frame: bool = True  # it can end a clip on a given frame (else no last keyframe is drawn for it)
    context_frames: int = 0  # how many of a parent's last frames it continues motion from (Segment.context)
    one_pass: bool = False  # it makes a one_take chain in one generation (generate_one_take)

    @abstractmethod
    def settings(self) -> dict[str, Any]:
        """Every setting that shapes the pictures, JSON-serialisable; it goes into each take's cache key."""

    def model(self) -> str | None:
        """The model the frames come from, for take records and credits (None: no model, as the animatic)."""
        return None

    @abstractmethod
    def max_frames(self, request: ShotRequest) -> int:
        """The longest clip one generate call can make; longer shots are made segment by segment."""

    @abstractmethod
    def generate(self, request: ShotRequest, segment: Segment) -> Iterator[np.ndarray]:
        """Yield segment.count frames, uint8 (height, width, 3)."""

    def generate_one_take(self, requests: list[ShotRequest], start: Segment) -> Iterator[np.ndarray]:
        """For a backend that says `one_pass`: a one_take chain's frames from one generation, a prompt per shot, the
        shots end to end, each after the first starting on the last frame of the one before (so the frames of the
        shots less one per seam). start: the first shot's first frame, context and on_step, as its own segment
        would have them."""
        raise StepFailed(f"backend `{self.name}` makes shots one at a time (it does not say one_pass)")

    def warnings(self, screenplay: Screenplay) -> list[tuple[str | tuple, str]]:
        """What its model cannot take of what the film asks (a loop's last frame, reference images): (shot id, or
        a place in the film such as ("characters", "ada", "seed"), message), shown by `check` at that line."""
        return []

    def release(self) -> None:
        """Let go of the model's memory (called once a stage is done with it)."""


class KeyframeBackend(ABC):
    """The base of every keyframe backend: it draws a shot's keyframe (its first or last frame) before its video is
    made, from an image model conditioned on the shot's reference images, or the animatic. Registered under the
    entry-point group `longcut.keyframes`."""

    name: str
    version: str
    threads: int = 1  # how many keyframes it may draw at once (a model draws one at a time)

    @abstractmethod
    def settings(self) -> dict[str, Any]:
        """Every setting that shapes the pictures, JSON-serialisable; it goes into each keyframe's key."""

    def model(self) -> str | None:
        """The model the keyframes come from, for their records (None for the animatic)."""
        return None

    @abstractmethod
    def draw(self, request: KeyframeRequest, on_step: Callable[[int, int], None] | None = None) -> np.ndarray:
        """The keyframe: uint8 (request.height, request.width, 3)."""

    def release(self) -> None:
        """Let go of the model's memory: render calls it once the keyframes are drawn, before the video model."""


class BackendSettingsError(ValueError):
    """A backend's setting has a bad value; `setting` names it so the error can point at its line."""

    def __init__(self, setting: str | None, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.setting = setting
        self.hint = hint


def known_backends(group: str = GROUP) -> dict[str, str]:
    """Backend name -> 'module:attribute', the built-ins and every installed plug-in (of keyframe backends, with
    group=KEYFRAME_GROUP)."""
    return dict(registry(group))


def _load_factory(target: str):
    try:
        return load(target)
    except ImportError as error:
        raise LongcutError(f"backend `{target}` cannot be imported: {error}",
                           hint="install the extra it needs, e.g. pip install 'longcut[diffusers]'") from None


@dataclass(frozen=True)
class BackendRecipe:
    """What a worker process needs to build the same backend: plain data, so it travels to other machines."""

    name: str
    target: str  # 'module:attribute' of its factory
    settings: dict[str, Any]
    fps: Fraction

    def build(self) -> Backend:
        return _load_factory(self.target)(self.settings, self.fps)


def backend_recipe(screenplay: Screenplay) -> BackendRecipe:
    spec = screenplay.film.backend
    return BackendRecipe(spec.name, known_backends()[spec.name], spec.settings, screenplay.fps)


def create_backend(screenplay: Screenplay) -> Backend:
    """The backend the screenplay names, configured; bad names and settings point at the screenplay."""
    spec = screenplay.film.backend
    return _create(screenplay, "backend", spec.name, spec.settings, GROUP)


def create_keyframe_backend(screenplay: Screenplay) -> KeyframeBackend | None:
    """The keyframe backend the film's `keyframes:` names (the animatic's own when unsaid and it is the backend);
    None where the stage is off."""
    spec = keyframe_stage(screenplay.film)
    if spec is None:
        return None
    return _create(screenplay, "keyframes", spec.name, spec.settings, KEYFRAME_GROUP)


def _create(screenplay: Screenplay, field: str, name: str, settings: dict[str, Any], group: str):
    known = known_backends(group)
    what = "backend" if group == GROUP else "keyframe backend"
    if name not in known:
        mark = screenplay.source.value((field, "name")) or screenplay.source.value((field,))
        raise ScreenplayError([Problem(f"unknown {what} `{name}`", mark, hint=_backend_hint(name, known, group))])
    factory = _load_factory(known[name])
    base = Backend if group == GROUP else KeyframeBackend
    missing = sorted(getattr(factory, "__abstractmethods__", ()))
    if missing:  # a plug-in that leaves out what its base class requires: said now, not halfway through a render
        raise LongcutError(f"the {what} `{name}` ({known[name]}) does not implement {', '.join(missing)}",
                           hint=f"a plug-in implements every abstract method of engine.backends.{base.__name__}")
    try:
        made = factory(settings, screenplay.fps)
    except BackendSettingsError as error:
        path = (field, error.setting) if error.setting else (field,)
        mark = screenplay.source.key(path) if error.setting else screenplay.source.value(path)
        raise ScreenplayError([Problem(f"{what} `{name}`: {error}", mark, hint=error.hint)]) from None
    if not isinstance(made, base):
        raise LongcutError(f"the {what} `{name}` ({known[name]}) is not a {base.__name__}",
                           hint=f"a plug-in subclasses engine.backends.{base.__name__}, which declares what it must "
                                "do and what it may say about itself")
    return made


def _backend_hint(name: str, known: dict[str, str], group: str = GROUP) -> str:
    hint = did_you_mean(name, known, "backends")
    listing = ", ".join(sorted(known))
    if hint.startswith("did you mean"):
        return f"{hint} (known backends: {listing})"
    return f"{hint}; a backend installs as a package registering the entry point group `{group}`"


def check_settings(settings: dict[str, Any], known: dict[str, type], backend: str) -> None:
    """Refuse settings a backend does not know, with a did-you-mean, so typos never pass silently."""
    for key, value in settings.items():
        if key not in known:
            raise BackendSettingsError(key, f"unknown setting `{key}`", hint=did_you_mean(key, known, f"{backend} settings"))
        expected = known[key]
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            continue
        if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
            raise BackendSettingsError(key, f"setting `{key}` should be {expected.__name__}, got {value!r}")


MIN_CALL_FRAMES = 2  # the fewest frames one generate call may make: a segment hands on its last frame and adds one


def check_max_seconds(seconds: float, fps: Fraction) -> None:
    """A backend's `max_seconds` must allow calls of a few frames at least, and no more than an hour."""
    if not math.isfinite(seconds) or not 0 < seconds <= 3600:
        raise BackendSettingsError("max_seconds", f"max_seconds must be more than 0 and at most 3600, got {seconds:g}")
    if frames_per(seconds, fps) < MIN_CALL_FRAMES:
        needed = float(Fraction(MIN_CALL_FRAMES) / fps)
        raise BackendSettingsError("max_seconds", f"max_seconds {seconds:g} is under {MIN_CALL_FRAMES} frames at "
                                   f"{float(fps):g} fps", hint=f"give at least {needed:.3g}")


def frames_per(seconds: float, fps: Fraction) -> int:
    return max(1, round(Fraction(str(seconds)) * fps))
