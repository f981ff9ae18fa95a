"""`check`: the screenplay checked in full (schema, cross-references, files, backend, executor), summarised."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from longcut import storyboard
from longcut.continuity import gives_pictures, keyframe_requests, keyframe_stage, one_take_chains, resolve
from longcut.storyboard import Problem, Screenplay, ScreenplayError, ShotGraph
from longcut.storyboard.screenplay import Warning_

from ..backends import create_backend, create_keyframe_backend
from ..media.check import check_media
from ..render.executors import check_executor
from ..render.voices import INSTALL_HINT, character_voices, voices_available


@dataclass(frozen=True)
class Checked:
    screenplay: Screenplay
    graph: ShotGraph


def check_film(film: Path) -> Checked:
    """The screenplay, checked in full: the schema and cross-references, its files, backend and executor, and what
    its backend's model cannot take (warnings at the shot's line)."""
    screenplay = storyboard.load(film)
    graph = ShotGraph(screenplay)
    check_media(screenplay)  # every picture and sound file the film names can be read
    backend = create_backend(screenplay)  # the backend's and executor's settings are part of the screenplay too
    create_keyframe_backend(screenplay)  # and the keyframe stage's: an unknown one is said here, not at render
    check_executor(screenplay)
    for where, message in [*backend.warnings(screenplay), *_one_take_warnings(screenplay, graph, backend)]:
        path = where if isinstance(where, tuple) else screenplay.by_id[where].path  # a shot, or a place in the film
        screenplay.warnings.append(Warning_(message, screenplay.source.value(path)))
    return Checked(screenplay, graph)


def _one_take_warnings(screenplay: Screenplay, graph: ShotGraph, backend) -> list[tuple[tuple, str]]:
    """A one_take scene whose backend makes shots one at a time, or that has no chain to make in one generation."""
    chained = {shot for chain in one_take_chains(screenplay, graph) for shot in chain}
    found = []
    for index, scene in enumerate(screenplay.film.scenes):
        if not scene.one_take:
            continue
        where = ("scenes", index, "one_take")
        if not any(shot.id in chained for shot in scene.shots):
            found.append((where, f"scene `{scene.id}` is one_take, and none of its shots continues another of it: "
                                 "there is no chain to make in one generation (link them with continues:)"))
        elif not backend.one_pass:
            found.append((where, f"scene `{scene.id}` is one_take, and backend `{backend.name}` makes shots one at a "
                                 "time: each of its chained shots continues the one before as usual (the diffusers "
                                 "families ltx-long and skyreels-df make a chain in one generation)"))
    return found


@dataclass(frozen=True)
class Diagnostics:
    """Every problem (failed) or warning, each as the JSON object an editor or CI reads."""

    items: list[dict]
    failed: bool


def diagnostics(film: Path) -> Diagnostics:
    try:
        checked = check_film(film)
    except ScreenplayError as error:
        return Diagnostics([problem.as_json("error") for problem in error.problems], failed=True)
    return Diagnostics([Problem(warning.message, warning.mark).as_json("warning")
                        for warning in checked.screenplay.warnings], failed=False)


@dataclass(frozen=True)
class SceneRow:
    number: int
    id: str
    heading: str
    location: str | None
    shots: int
    frames: int


@dataclass(frozen=True)
class CastRow:
    character: str
    name: str
    pitch: float
    pace: float
    shots: list[str]


@dataclass(frozen=True)
class KeyframeSummary:
    backend: str | None  # None: the film has no keyframe stage
    first: int = 0  # shots that start on a keyframe
    last: int = 0  # shots that end on one too
    given: int = 0  # of them, the author's own pictures (start:, end:)


@dataclass(frozen=True)
class FilmSummary:
    screenplay: Screenplay
    scenes: list[SceneRow]
    groups: int  # independent render groups
    chains: int  # of them, continuity chains
    keyframes: KeyframeSummary
    cast: list[CastRow]
    silent_dialogue: str | None  # why the dialogue is silent, where it is
    warnings: list[Warning_] = field(default_factory=list)


def summarise(checked: Checked) -> FilmSummary:
    sp, graph = checked.screenplay, checked.graph
    scenes = [SceneRow(number, scene.id, scene.heading, scene.location, len(scene.shots),
                       sum(sp.frames(shot) for shot in scene.shots))
              for number, scene in enumerate(sp.film.scenes, start=1)]
    groups = graph.groups()
    voices = character_voices(sp.film) if sp.film.characters else {}
    cast = [CastRow(ident, character.name or "", voices[ident].pitch, voices[ident].pace,
                    [entry.shot.id for entry in sp.entries if ident in sp.characters_in(entry.shot)])
            for ident, character in sp.film.characters.items()]
    speaks = any(entry.shot.dialogue for entry in sp.entries)
    return FilmSummary(sp, scenes, len(groups), sum(1 for group in groups if len(group) > 1),
                       keyframe_summary(sp, graph), cast,
                       INSTALL_HINT if speaks and not voices_available() else None, list(sp.warnings))


def keyframe_summary(sp: Screenplay, graph: ShotGraph) -> KeyframeSummary:
    spec = keyframe_stage(sp.film)
    if spec is None and not gives_pictures(sp):
        return KeyframeSummary(None)
    requests = [request for requests in keyframe_requests(sp, resolve(sp, graph)).values() for request in requests]
    positions = [request.position for request in requests]
    given = sum(1 for request in requests if request.given is not None)
    return KeyframeSummary(spec.name if spec else None, positions.count("first"), positions.count("last"), given)
