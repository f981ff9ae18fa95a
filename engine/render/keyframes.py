"""The keyframe stage: every shot's keyframes keyed, looked up in the store, and the missing ones drawn.

A keyframe is a take like a shot's video: content-addressed (its request with the bytes of every reference image,
the keyframe backend's name, version and settings, the seed), several takes per shot, `pick`-able (`longcut board
FILM SHOT --take N`). A shot's video key includes its keyframes' keys, so changing one character's reference image
re-makes exactly the keyframes and shots that character is in (and the shots that continue from those).

1. plan: a key per keyframe, and whether the store has it;
2. draw the missing ones with the keyframe backend, in this process (one image each: the video executor's workers
   read them from the store);
3. keep each as `keyframe.png` with a record, moved into the store in one step.

The author's own pictures (`start:`, `end:`) are keyframes too, *given* rather than drawn: keyed by the file's bytes,
how it is fitted and the frame's size (no backend, no prompt, no seed), fitted by ffmpeg (engine.media.pictures) in
step 2 whether or not the film draws keyframes. A clip to continue from keeps its last frames beside the keyframe
(its last), as a take keeps its tail for the shots that continue it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np

from longcut.continuity import KeyframeRequest, ShotRequest, TakeChoice, keyframe_requests
from longcut.storyboard import Screenplay

from ..backends import KeyframeBackend
from ..errors import LongcutError, StepFailed
from ..media.pictures import fitted_picture, last_frames_of
from ..store import (GIVEN, KEYFRAME, KEYFRAME_KIND, MAX_CONTEXT, TAIL_FILES, TakeRecord, TakeStore, file_digests,
                     write_png, write_record)

KEYFRAME_KEY_VERSION = "longcut-keyframe-v1"
GIVEN_KEY_VERSION = "longcut-given-v1"  # how the author's pictures are fitted (engine.media.pictures)
FITTING_THREADS = 2  # the author's pictures alone are fitted this many at once (each by an ffmpeg of its own)


@dataclass(frozen=True)
class PlannedKeyframe:
    request: KeyframeRequest
    key: str
    cached: bool
    seed_override: int | None = None  # a seed a person gave (`board --seed`)

    @property
    def shot_id(self) -> str:
        return self.request.shot_id


def plan_keyframes(screenplay: Screenplay, shots: Mapping[str, ShotRequest], backend: KeyframeBackend | None,
                   store: TakeStore, choices: Mapping[str, TakeChoice], digests,
                   last_frames: bool = True) -> dict[str, tuple[PlannedKeyframe, ...]]:
    """The keyframes each shot needs, keyed: the author's pictures always, the drawn ones where the film has a
    keyframe stage (a backend)."""
    identity = {"name": backend.name, "version": backend.version, "settings": backend.settings()} if backend else None
    planned = {}
    for shot, requests in keyframe_requests(screenplay, shots, choices, last_frames).items():
        choice = choices.get(shot)
        keyed = []
        for request in requests:
            if request.given is None and identity is None:
                continue  # asked of a stage the caller has no backend for (a film without one has none asked)
            key = given_key(request, digests) if request.given is not None else keyframe_key(request, identity, digests)
            seed = choice.seed if choice and request.given is None else None
            keyed.append(PlannedKeyframe(request, key, store.has(key), seed))
        if keyed:
            planned[shot] = tuple(keyed)
    return planned


def given_key(request: KeyframeRequest, digests) -> str:
    """sha256 of the author's picture (its bytes, not where it lives), how it is fitted, to what size, and where in
    which shot it is: never the prompt, the seed or a backend, which do not shape it."""
    given = request.given
    assert given is not None
    payload = {"version": GIVEN_KEY_VERSION, "file": digests.of(given.path), "fit": given.fit, "clip": given.clip,
               "size": [request.width, request.height], "shot": request.shot_id, "position": request.position}
    if given.clip:  # its last frames at the film's rate
        payload.update(fps=f"{request.fps.numerator}/{request.fps.denominator}", frames=MAX_CONTEXT)
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def keyframe_key(request: KeyframeRequest, backend: dict, digests) -> str:
    """sha256 of the request (reference paths replaced by their contents' digests: where a file lives is not
    what it shows) and the keyframe backend's identity."""
    data = dataclasses.asdict(request)
    data.pop("given")  # a drawn keyframe's: None (added later, left out so drawn keyframes keep their keys)
    data["fps"] = f"{request.fps.numerator}/{request.fps.denominator}"
    for look in data["characters"]:
        look["references"] = [digests.of(path) for path in look["references"]]
    if data["location"]:
        data["location"]["references"] = [digests.of(path) for path in data["location"]["references"]]
    payload = {"version": KEYFRAME_KEY_VERSION, "request": data, "backend": backend}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def draw_missing(keyframes: list[PlannedKeyframe], backend: KeyframeBackend | None, store: TakeStore,
                 done: Callable[[PlannedKeyframe, TakeRecord], None] | None = None,
                 on_step: Callable[[PlannedKeyframe, int, int], None] | None = None) -> list[TakeRecord]:
    """Draw every keyframe the store does not have (each once, however many shots name it), and fit every picture
    the author gave. A backend that draws on the CPU and says so (`threads`, the animatic's) draws several at once;
    a model draws one after another. backend: None where only given pictures are missing."""
    unique = list({planned.key: planned for planned in keyframes}.values())

    def one(planned: PlannedKeyframe) -> TakeRecord | None:
        with store.claim(planned.key):  # another render of the film drawing it now is waited for
            if store.has(planned.key):
                return None
            if planned.request.given is not None:
                record = fit_given(planned, store)
            else:
                assert backend is not None, "a drawn keyframe is planned only with a keyframe backend"
                record = draw_keyframe(planned, backend, store, on_step)
        if done is not None:
            done(planned, record)
        return record

    drawn = any(planned.request.given is None for planned in unique)
    threads = max(1, min(backend.threads if backend and drawn else FITTING_THREADS, len(unique)))
    if threads == 1:
        made = [one(planned) for planned in unique]
    else:  # Pillow and numpy let go of the GIL for the heavy parts: drawing, resizing, PNG encoding
        with ThreadPoolExecutor(threads) as pool:
            made = list(pool.map(one, unique))
    return [record for record in made if record is not None]


def draw_keyframe(planned: PlannedKeyframe, backend: KeyframeBackend, store: TakeStore,
                  on_step: Callable[[PlannedKeyframe, int, int], None] | None = None) -> TakeRecord:
    request = planned.request
    started = time.perf_counter()
    step = (lambda done, steps: on_step(planned, done, steps)) if on_step else None
    try:
        image = backend.draw(request, step)
    except (LongcutError, KeyboardInterrupt):
        raise
    except Exception as error:  # a model's own failure: name the keyframe, keep its message
        raise StepFailed(f"the {request.position} keyframe of shot `{request.shot_id}`: keyframe backend "
                         f"`{backend.name}` failed: {type(error).__name__}: {error}",
                         hint="every keyframe and take finished before it is kept; fix the cause and run again") from error
    expected = (request.height, request.width, 3)
    if not isinstance(image, np.ndarray) or image.shape != expected or image.dtype != np.uint8:
        raise StepFailed(f"keyframe backend `{backend.name}` drew {getattr(image, 'shape', type(image).__name__)} "
                         f"for shot `{request.shot_id}`; expected uint8 {expected}")
    return _keep(planned, store, [image], started, backend.name, backend.version, backend.model())


def fit_given(planned: PlannedKeyframe, store: TakeStore) -> TakeRecord:
    """The author's picture fitted to the shot's frame; a clip's last frames (the last is the keyframe)."""
    request = planned.request
    given = request.given
    assert given is not None
    started = time.perf_counter()
    try:
        if given.clip:
            frames = last_frames_of(given.path, request.width, request.height, given.fit, request.fps, MAX_CONTEXT)
        else:
            frames = [fitted_picture(given.path, request.width, request.height, given.fit)]
    except FileNotFoundError:
        raise StepFailed(f"the {request.position} frame of shot `{request.shot_id}`: {given.path} is gone",
                         hint="put the file back, or change the shot's start:/end:") from None
    return _keep(planned, store, frames, started, GIVEN, GIVEN_KEY_VERSION, given.path.name)


def _keep(planned: PlannedKeyframe, store: TakeStore, frames: list[np.ndarray], started: float, backend: str,
          version: str, model: str | None) -> TakeRecord:
    """A keyframe's take: its frame (the last of `frames`) as keyframe.png, the frames before it as tail-N.png."""
    request = planned.request
    image = frames[-1]
    with store.writer(planned.key) as folder:
        write_png(folder / KEYFRAME, np.ascontiguousarray(image))
        for back, frame in enumerate(reversed(frames[:-1]), start=1):  # tail-1.png is the one before the keyframe
            write_png(folder / TAIL_FILES[back - 1], np.ascontiguousarray(frame))
        record = TakeRecord(
            key=planned.key, shot=request.shot_id, take=request.take, seed=request.seed, prompt=request.prompt,
            negative=request.negative, backend=backend, backend_version=version, model=model,
            width=request.width, height=request.height, fps=f"{request.fps.numerator}/{request.fps.denominator}",
            frames=1, duration=0.0, frames_sha256=hashlib.sha256(np.ascontiguousarray(image).data).hexdigest(),
            parent_key=None, seconds_taken=round(time.perf_counter() - started, 3),
            created=datetime.now(timezone.utc).isoformat(timespec="seconds"), seed_override=planned.seed_override is not None,
            files=file_digests(folder), kind=KEYFRAME_KIND, position=request.position)
        write_record(folder, record)
    return record
