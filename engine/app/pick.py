"""`pick`: the cut uses one take of a shot from now on; the shots that continue from it may need rendering, and
the film may be cut again as it was last cut."""

from __future__ import annotations

from dataclasses import dataclass

from ..editor import CutResult
from .cut import cut_again
from .project import Project


@dataclass
class PickOutcome:
    shot: str
    take: int
    waiting: list[str]  # the shots that continue from it and need rendering
    cut: CutResult | None = None  # when asked to cut again and nothing waits


def pick_take(project: Project, shot_id: str, take: int, cut_after: bool = False) -> PickOutcome:
    shot_id = project.shot(shot_id)
    outcome = PickOutcome(shot_id, take, project.pick(shot_id, take))
    if cut_after and not outcome.waiting:
        outcome.cut = cut_again(project)
    return outcome
