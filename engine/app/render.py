"""`render`, `shot` and `render --watch`: the missing takes made in dependency order, then the film cut again.

Progress is the front end's: it passes a factory that makes a progress object (engine.render.take.Progress) for
a plan and the shots to make, used as a context manager while they are made.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from longcut.continuity import TakeChoice
from longcut.storyboard import ScreenplayError

from ..editor import CutResult
from ..errors import LongcutError
from ..render import render
from ..render.executors import ExecutorOptions, create_executor
from ..render.plan import RenderPlan
from ..render.run import RenderResult
from ..render.take import Progress
from ..review.decisions import Review
from .cut import CutRequest, cut_film, film_output
from .project import Project
from .takes import take_number
from .watch import FilmFiles, watch

ProgressFor = Callable[[RenderPlan, "set[str] | None"], AbstractContextManager[Progress]]


@dataclass(frozen=True)
class RenderRequest:
    size: tuple[int, int] | None = None
    executor: str | None = None  # local | ray (default: the film's `executor:`)
    address: str | None = None  # the Ray cluster
    workers: int | None = None
    retakes: bool = False  # first a new take of every shot the review sent back


@dataclass
class RenderOutcome:
    result: RenderResult
    cut: CutResult | None = None
    retakes: dict[str, int] | None = None  # the shots sent back, and the number of the new take each got


def make_takes(project: Project, plan: RenderPlan, progress_for: ProgressFor | None = None,
               only: set[str] | None = None, picked: set[str] | None = None, executor=None) -> RenderResult:
    """Every take the plan lacks (of the shots in `only`), with the front end's progress while there are any."""
    shown = progress_for(plan, only) if progress_for is not None and plan.to_render(only) else nullcontext(None)
    with shown as progress:
        return render(plan, project.store, project.lock, progress, only=only, picked=picked, executor=executor)


def retake_choices(project: Project, size: tuple[int, int] | None = None) -> dict[str, TakeChoice]:
    """A new take of every shot the review sent back that has no new take yet."""
    plan = project.plan(size=size)
    keys = {shot: (planned.key, planned.cached) for shot, planned in plan.shots.items()}
    shots = Review.beside(project.screenplay.path).retakes(keys)
    return {shot: TakeChoice(project.next_take(shot)) for shot in shots}


def render_film(project: Project, request: RenderRequest, cut: CutRequest,
                progress_for: ProgressFor | None = None) -> RenderOutcome:
    """Render every shot that is not cached, then cut the film."""
    film_output(project, cut.output, request.size)  # refused before any shot is rendered, not after
    options = ExecutorOptions.of(project.screenplay, request.executor, request.address, request.workers)
    choices = retake_choices(project, request.size) if request.retakes else {}
    result = make_takes(project, project.plan(choices, size=request.size), progress_for, picked=set(choices),
                        executor=create_executor(options))
    outcome = RenderOutcome(result, retakes={shot: choice.take for shot, choice in choices.items()}
                            if request.retakes else None)
    outcome.cut = cut_film(project, cut)
    return outcome


@dataclass
class ShotOutcome:
    shot: str
    take: int  # the take the shot now uses
    made: bool  # a take was asked for (--take, --seed)
    result: RenderResult
    cut: CutResult | None = None  # cut again, as last cut, when every shot has its take
    waiting: list[str] = field(default_factory=list)


def render_shot(project: Project, shot_id: str, take: str | None = None, seed: int | None = None,
                size: tuple[int, int] | None = None, progress_for: ProgressFor | None = None) -> ShotOutcome:
    """One shot and the shots that continue from it; `take` new (or a seed) makes another take and uses it. The
    film is cut again, as it was last cut, once every shot has its take."""
    shot_id = project.shot(shot_id)
    asked = take is not None or seed is not None
    choice = TakeChoice(take_number(project, shot_id, take, seed), seed) if asked else project.current_choice(shot_id)
    plan = project.plan({shot_id: choice}, size=size)
    only = {shot_id, *project.graph.descendants(shot_id)}
    result = make_takes(project, plan, progress_for, only=only, picked={shot_id} if asked else set())
    outcome = ShotOutcome(shot_id, choice.take, asked, result)
    after = project.plan(size=size)
    outcome.waiting = [shot for shot, planned in after.shots.items() if not planned.cached]
    if not outcome.waiting:
        outcome.cut = cut_film(project, CutRequest.as_last_cut(project, size), after)  # the plan just made
    return outcome


def watch_film(film: Path, store: str | None, again: Callable[[Project], None], first: Project,
               on_changed: Callable[[list[str]], None], on_problem: Callable[[Exception], None],
               ready: Callable[[], None]) -> None:
    """After every batch of saves of the film, a scene file, a reference or a sound: open the film again and call
    again(project) (render and cut); a problem in the screenplay is told to on_problem and the watch goes on."""

    def media_of(project: Project) -> set[Path]:
        return {media.path for media in project.screenplay.media()}

    def rebuild(changed: set[Path]) -> set[Path] | None:
        on_changed(sorted(path.name for path in changed))
        try:
            project = Project.open(film, store, warn=first.store.warn, media=True)
            again(project)
        except (ScreenplayError, LongcutError) as error:
            on_problem(error)
            return None
        return media_of(project)

    watch(FilmFiles(first.screenplay.root, media_of(first)), rebuild, ready=ready)
