"""The keyframe stage: every shot's keyframes keyed, looked up in the store, and the missing ones drawn.

A keyframe is a take like a shot's video: content-addressed (its request with the bytes of every reference image,
the keyframe backend's name, version and settings, the seed), several takes per shot, `pick`-able (`longcut board
FILM SHOT --take N`). A shot's video key includes its keyframes' keys, so changing one character's reference image
re-makes exactly the keyframes and shots that character is in (and the shots that continue from those).

1. plan: a key per keyframe, and whether the store has it;
2. draw the missing ones with the keyframe backend, in this process (one image each: the video executor's workers
   read them from the store);
3. keep each as `keyframe.png` with a record, moved into the store in one step.
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
from ..store import KEYFRAME, KEYFRAME_KIND, TakeRecord, TakeStore, file_digests, write_png, write_record

KEYFRAME_KEY_VERSION = "longcut-keyframe-v1"


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
    """The keyframes each shot needs, keyed; none where the film has no keyframe stage."""
    if backend is None:
        return {}
    identity = {"name": backend.name, "version": backend.version, "settings": backend.settings()}
    planned = {}
    for shot, requests in keyframe_requests(screenplay, shots, choices, last_frames).items():
        choice = choices.get(shot)
        keyed = []
        for request in requests:
            key = keyframe_key(request, identity, digests)
            keyed.append(PlannedKeyframe(request, key, store.has(key), choice.seed if choice else None))
        planned[shot] = tuple(keyed)
    return planned


def keyframe_key(request: KeyframeRequest, backend: dict, digests) -> str:
    """sha256 of the request (reference paths replaced by their contents' digests: where a file lives is not
    what it shows) and the keyframe backend's identity."""
    data = dataclasses.asdict(request)
    data["fps"] = f"{request.fps.numerator}/{request.fps.denominator}"
    for look in data["characters"]:
        look["references"] = [digests.of(path) for path in look["references"]]
    if data["location"]:
        data["location"]["references"] = [digests.of(path) for path in data["location"]["references"]]
    payload = {"version": KEYFRAME_KEY_VERSION, "request": data, "backend": backend}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def draw_missing(keyframes: list[PlannedKeyframe], backend: KeyframeBackend, store: TakeStore,
                 done: Callable[[PlannedKeyframe, TakeRecord], None] | None = None,
                 on_step: Callable[[PlannedKeyframe, int, int], None] | None = None) -> list[TakeRecord]:
    """Draw every keyframe the store does not have (each once, however many shots name it). A backend that draws on
    the CPU and says so (`threads`, the animatic's) draws several at once; a model draws one after another."""
    unique = list({planned.key: planned for planned in keyframes}.values())

    def one(planned: PlannedKeyframe) -> TakeRecord | None:
        with store.claim(planned.key):  # another render of the film drawing it now is waited for
            if store.has(planned.key):
                return None
            record = draw_keyframe(planned, backend, store, on_step)
        if done is not None:
            done(planned, record)
        return record

    threads = max(1, min(backend.threads, len(unique)))
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
    with store.writer(planned.key) as folder:
        write_png(folder / KEYFRAME, np.ascontiguousarray(image))
        record = TakeRecord(
            key=planned.key, shot=request.shot_id, take=request.take, seed=request.seed, prompt=request.prompt,
            negative=request.negative, backend=backend.name, backend_version=backend.version, model=backend.model(),
            width=request.width, height=request.height, fps=f"{request.fps.numerator}/{request.fps.denominator}",
            frames=1, duration=0.0, frames_sha256=hashlib.sha256(np.ascontiguousarray(image).data).hexdigest(),
            parent_key=None, seconds_taken=round(time.perf_counter() - started, 3),
            created=datetime.now(timezone.utc).isoformat(timespec="seconds"), seed_override=planned.seed_override is not None,
            files=file_digests(folder), kind=KEYFRAME_KIND, position=request.position)
        write_record(folder, record)
    return record
