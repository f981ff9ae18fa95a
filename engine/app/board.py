"""`board`: the storyboard before any video: every missing keyframe drawn, then FILM.board.png and FILM.keyframes/;
with a shot and a take (or a seed), that shot's keyframe redone and used from now on."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

from longcut.continuity import TakeChoice, gives_pictures

from ..errors import LongcutError
from ..render.keyframes import PlannedKeyframe, draw_missing
from ..stills.board import BoardPaths, board_is_current, board_paths, check_board_paths, write_board
from ..store import KEYFRAME_KIND, TakeRecord
from .project import Project
from .takes import take_number


class KeyframeProgress:
    """What the front end is told while keyframes are drawn; by default, nothing."""

    def drawn(self, planned: PlannedKeyframe, record: TakeRecord) -> None:
        pass

    def step(self, planned: PlannedKeyframe, done: int, steps: int) -> None:
        pass


@dataclass
class BoardOutcome:
    paths: BoardPaths
    up_to_date: bool = False
    drawn: int = 0
    cached: int = 0
    seconds: float = 0.0
    picked: tuple[str, TakeChoice] | None = None  # the shot whose keyframe take is now used
    to_render: list[str] = field(default_factory=list)  # the shots whose video that pick makes stale


def keyframe_choice(project: Project, shot_id: str | None, take: str | None, seed: int | None) -> dict[str, TakeChoice]:
    """The keyframe take a shot, --take and --seed ask for, checked: {} when none is asked."""
    if shot_id is None:
        if take is not None or seed is not None:
            raise LongcutError("--take and --seed choose a keyframe of one shot", hint="name the shot: board FILM SHOT")
        return {}
    shot_id = project.shot(shot_id)
    planned = project.plan().shots[shot_id]
    if planned.keyframes and all(keyframe.request.given is not None for keyframe in planned.keyframes):
        raise LongcutError(f"shot `{shot_id}` starts (or ends) on the author's own picture, which has no takes",
                           hint="change the picture, or its start:/end: in the screenplay")
    if not planned.keyframes:
        why = f"it starts on {planned.parent}'s last frame" if planned.parent else "it is a title card or footage"
        raise LongcutError(f"shot `{shot_id}` has no keyframe: {why}",
                           hint=f"redo its video instead: longcut shot {project.screenplay.path.name} {shot_id} "
                                "--take new")
    return {shot_id: TakeChoice(take_number(project, shot_id, take, seed, KEYFRAME_KIND), seed)}


def draw_board(project: Project, shot_id: str | None = None, take: str | None = None, seed: int | None = None,
               size: tuple[int, int] | None = None,
               progress_for: Callable[[int], AbstractContextManager[KeyframeProgress]] | None = None) -> BoardOutcome:
    """progress_for(count): the front end's progress while `count` keyframes are drawn."""
    started = time.perf_counter()
    if project.keyframe_backend is None and not gives_pictures(project.screenplay):  # a board of the author's alone
        raise LongcutError(f"{project.screenplay.path.name} has no keyframe stage, so there is no board to draw",
                           hint="name a keyframe backend in the film, e.g. keyframes: {name: diffusers, model: "
                                "black-forest-labs/FLUX.2-dev}, or keyframes: animatic for a sketch")
    paths = check_board_paths(board_paths(project.screenplay.path), project.inputs())
    choices = keyframe_choice(project, shot_id, take, seed)
    plan = project.plan(keyframe_choices=choices, size=size)
    todo = plan.keyframes_to_draw()
    outcome = BoardOutcome(paths)
    if not todo and not choices and board_is_current(plan, project.store, paths):
        outcome.up_to_date = True
        return outcome
    if todo:
        count = len({keyframe.key for keyframe in todo})
        with (progress_for(count) if progress_for else nullcontext(KeyframeProgress())) as progress:
            outcome.drawn = len(draw_missing(todo, plan.keyframe_backend, project.store, progress.drawn,
                                             progress.step))
        if plan.keyframe_backend is not None:
            plan.keyframe_backend.release()  # the model's memory back, as render does before its video model
    if choices:
        (shot, choice), = choices.items()
        outcome.picked = (shot, choice)
        outcome.to_render = project.pick_keyframe(shot, choice, plan, size)
    write_board(plan, project.store, paths)
    outcome.cached = sum(len(planned.keyframes) for planned in plan.shots.values()) - outcome.drawn
    outcome.seconds = time.perf_counter() - started
    return outcome
