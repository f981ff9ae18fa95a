"""The render plan: a cache key for every shot, what is cached, and what must be rendered in which order.

A shot's key hashes everything that shapes its frames: its request (prompt, seed, size, rate,
frames, camera, looks, dialogue...), the backend's name, version and settings, the encoding, the
content of its reference images, the keys of the keyframes it starts (and ends) on, and the key of the shot it
takes its first frame from. So a key changes exactly when the picture would, and a change flows down a continuity
chain and nowhere else.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from longcut.continuity import ShotRequest, TakeChoice, one_take_chains, resolve
from longcut.storyboard import Screenplay, ShotGraph

from ..backends import Backend, KeyframeBackend
from ..errors import LongcutError
from ..media.ffmpeg import ENCODING
from ..store import TakeStore
from .keyframes import PlannedKeyframe, plan_keyframes
from .lock import Edit, LockFile

KEY_VERSION = "longcut-take-v1"
FOOTAGE_KEY_VERSION = "longcut-footage-v1"  # how footage is conformed (engine.media.footage): a change re-conforms it


@dataclass(frozen=True)
class PlannedShot:
    request: ShotRequest
    key: str
    parent: str | None  # the shot whose last frame this one starts on
    parent_key: str | None
    cached: bool
    segments: int  # generate calls the backend needs for it
    seed_override: int | None = None  # a seed a person gave (--seed), kept in the lock file
    keyframes: tuple[PlannedKeyframe, ...] = ()  # what it starts (and ends) on when it continues no shot
    one_take: tuple[str, ...] = ()  # the chain it is made with in one generation (head first), where it is
    made_with: tuple[PlannedShot, ...] = ()  # on a one_take chain's first shot: the shots made in its generation

    @property
    def shot_id(self) -> str:
        return self.request.shot_id

    def keyframe_key(self, position: str) -> str | None:
        """The key of the shot's first or last keyframe, or None where it has none there."""
        return next((keyframe.key for keyframe in self.keyframes if keyframe.request.position == position), None)


@dataclass
class RenderPlan:
    screenplay: Screenplay
    graph: ShotGraph
    backend: Backend
    shots: dict[str, PlannedShot]  # editorial order
    order: list[str]  # dependency order
    edit: Edit | None = None  # the cut as an editor left it (order, trims, transitions), from the lock file
    keyframe_backend: KeyframeBackend | None = None  # None: the film has no keyframe stage

    def to_render(self, only: set[str] | None = None) -> list[PlannedShot]:
        if only is not None:  # a shot made in one generation with its chain is made with all of it
            only = set(only) | {member for shot in only if shot in self.shots for member in self.shots[shot].one_take}
        return [self.shots[shot] for shot in self.order
                if not self.shots[shot].cached and (only is None or shot in only)]

    def keyframes_to_draw(self, shots: list[PlannedShot] | None = None) -> list[PlannedKeyframe]:
        """The keyframes the store lacks: of the given shots (default: of every shot)."""
        shots = list(self.shots.values()) if shots is None else shots
        return [keyframe for planned in shots for keyframe in planned.keyframes if not keyframe.cached]

    def frames_to_render(self, only: set[str] | None = None) -> int:
        return sum(planned.request.frames for planned in self.to_render(only))

    def require_takes(self) -> None:
        """Refuse to cut or export a film some of whose shots have no take for the screenplay as it is."""
        missing = [shot for shot, planned in self.shots.items() if not planned.cached]
        if missing:
            shown = ", ".join(missing[:6]) + (" ..." if len(missing) > 6 else "")
            raise LongcutError(f"{len(missing)} shot(s) have no take for the screenplay as it is: {shown}",
                               hint=f"render them first: longcut render {self.screenplay.path.name}")


def plan(screenplay: Screenplay, graph: ShotGraph, backend: Backend, store: TakeStore, lock: LockFile,
         choices: dict[str, TakeChoice] | None = None, size: tuple[int, int] | None = None,
         keyframe_backend: KeyframeBackend | None = None,
         keyframe_choices: dict[str, TakeChoice] | None = None) -> RenderPlan:
    """Key every shot in dependency order (a key needs its parent's key and its keyframes'). choices override the
    lock's takes of shots; keyframe_choices its takes of keyframes."""
    merged = {**lock.choices(), **(choices or {})}
    requests = resolve(screenplay, graph, merged)
    if size is not None:
        requests = {shot: dataclasses.replace(request, width=size[0], height=size[1]) for shot, request in requests.items()}
    backend_identity = _identity(backend)
    digests = ReferenceDigests()
    keyframes = plan_keyframes(screenplay, requests, keyframe_backend, store,
                               {**lock.keyframe_choices(), **(keyframe_choices or {})}, digests,
                               backend.takes_last_frame)
    keys: dict[str, str] = {}
    planned: dict[str, PlannedShot] = {}
    order = graph.dependency_order()
    chain_of = {shot: chain for chain in (one_take_chains(screenplay, graph) if backend.one_pass else ())
                for shot in chain}
    for shot in order:
        request = requests[shot]
        parent = request.starts_on
        parent_key = keys[parent] if parent and request.footage is None else None
        drawn = keyframes.get(shot, ())
        chain = chain_of.get(shot, ())
        together = _together(chain, requests, digests)
        keys[shot] = _key(request, backend_identity, digests, parent_key, drawn, together)
        limit = max(2, backend.max_frames(request))
        choice = merged.get(shot)
        planned[shot] = PlannedShot(request, keys[shot], parent, parent_key, store.has(keys[shot]),
                                    segment_count(request.frames, limit), choice.seed if choice else None, drawn,
                                    chain)
    for chain in dict.fromkeys(chain_of.values()):  # the first shot of each chain makes the others with it
        planned[chain[0]] = dataclasses.replace(planned[chain[0]], made_with=tuple(planned[shot] for shot in chain[1:]))
    ordered = {shot: planned[shot] for shot in graph.editorial_order()}
    return RenderPlan(screenplay, graph, backend, ordered, order, lock.edit, keyframe_backend)


def _identity(backend: Backend) -> dict:
    return {"name": backend.name, "version": backend.version, "settings": backend.settings()}


def _together(chain: tuple[str, ...], requests: dict[str, ShotRequest], digests: ReferenceDigests) -> list | None:
    """What a shot made in one generation with its chain also depends on: every shot of the chain (a later shot's
    prompt shapes the windows an earlier one shares); None for a shot made on its own."""
    return [request_fingerprint(requests[member], digests) for member in chain] if chain else None


def _key(request: ShotRequest, backend_identity: dict, digests: ReferenceDigests, parent_key: str | None,
         keyframes: tuple[PlannedKeyframe, ...] = (), together: list | None = None) -> str:
    if request.footage is not None:  # footage is not made from its parent: the report measures the hand-off
        return footage_key(request, digests)
    return take_key(request, backend_identity, digests, parent_key,
                    {keyframe.request.position: keyframe.key for keyframe in keyframes}, together)


def alternative_keys(plan: RenderPlan, lock: LockFile, alternatives: dict[str, list[TakeChoice]]) -> dict[tuple[str, int], str]:
    """The key each listed take of a shot has for the screenplay as it is now, its parent as the plan has it:
    the takes a person may pick. One resolve per rank of alternatives, not one plan per take."""
    backend_identity = _identity(plan.backend)
    digests = ReferenceDigests()
    keys: dict[tuple[str, int], str] = {}
    for rank in range(max((len(takes) for takes in alternatives.values()), default=0)):
        ranked = {shot: takes[rank] for shot, takes in alternatives.items() if rank < len(takes)}
        requests = resolve(plan.screenplay, plan.graph, {**lock.choices(), **ranked})
        for shot, choice in ranked.items():
            planned = plan.shots[shot]  # at the plan's size, which may be a draft's (--size)
            request = dataclasses.replace(requests[shot], width=planned.request.width, height=planned.request.height)
            sized = {member: dataclasses.replace(requests[member], width=request.width, height=request.height)
                     for member in planned.one_take}
            keys[(shot, choice.take)] = _key(request, backend_identity, digests, planned.parent_key, planned.keyframes,
                                             _together(planned.one_take, sized, digests))
    return keys


def segment_count(frames: int, limit: int) -> int:
    from .segments import seam_frames

    if frames <= limit:
        return 1
    step = limit - seam_frames(limit) - 1
    return 1 + -(-(frames - limit) // step)


def take_key(request: ShotRequest, backend: dict, digests: ReferenceDigests, parent_key: str | None,
             keyframes: dict[str, str] | None = None, together: list | None = None) -> str:
    payload = {
        "version": KEY_VERSION,
        "request": request_fingerprint(request, digests),
        "backend": backend,
        "encoding": ENCODING,
        "parent": parent_key,
    }
    if keyframes:  # left out when none: films without a keyframe stage keep their keys
        payload["keyframes"] = keyframes
    if together:  # made in one generation with its chain (one_take): left out otherwise
        payload["one_take"] = together
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=_json_default)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def footage_key(request: ShotRequest, digests: ReferenceDigests) -> str:
    """Footage is keyed by the file's bytes and what is taken of it, never by the prompt, seed or backend: a
    new file re-cuts exactly that shot."""
    footage = request.footage
    assert footage is not None
    payload = {
        "version": FOOTAGE_KEY_VERSION,
        "file": digests.of(footage.path),
        "start": footage.start,
        "fit": footage.fit,
        "size": [request.width, request.height],
        "fps": request.fps,
        "frames": request.frames,
        "encoding": ENCODING,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=_json_default)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def request_fingerprint(request: ShotRequest, digests: ReferenceDigests) -> dict:
    """The request as plain data, with reference paths replaced by their content digests.

    Left out: the editorial position and the parent's id (the parent's key stands for its frames),
    so moving a shot or renaming the one it continues from does not re-render it by itself.
    """
    data = dataclasses.asdict(request)
    data.pop("index")
    data.pop("starts_on")
    data.pop("style")  # in `prompt` already: keyed there
    data.pop("start")  # the author's pictures are keyframes: keyed by their bytes there (engine.render.keyframes)
    data.pop("end")
    for added in ("card", "footage"):  # fields added later stay out at their default: existing takes keep their keys
        if data[added] is None:
            data.pop(added)
    data["fps"] = f"{request.fps.numerator}/{request.fps.denominator}"
    for cue in data["dialogue"]:  # who speaks is their voice's business, not the picture's (engine.render.voices)
        cue.pop("character")
    for look in data["characters"]:
        look["references"] = [digests.of(Path(path)) for path in look["references"]]
    if data["location"]:
        data["location"]["references"] = [digests.of(Path(path)) for path in data["location"]["references"]]
    return data


def _json_default(value):
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot key a {type(value).__name__}")


class ReferenceDigests:
    """sha256 of reference images, read once per file (and again only when it changes)."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, int, int], str] = {}

    def of(self, path: Path) -> str:
        stat = os.stat(path)
        token = (str(path), stat.st_mtime_ns, stat.st_size)
        if token not in self._known:
            digest = hashlib.sha256()
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            self._known[token] = "sha256:" + digest.hexdigest()
        return self._known[token]
