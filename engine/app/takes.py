"""Take numbers as a person gives them (`--take new|N`, `--seed`), read in one place, and `takes`: a shot's takes
listed with what each was made for, and their contact sheet."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from longcut.storyboard.schema import MAX_TAKE

from ..errors import LongcutError
from ..outputs import output_path
from ..render.plan import PlannedShot
from ..stills.sheets import contact_sheet
from ..store import SHOT, TakeRecord
from .project import Project

NEW = "new"


def take_number(project: Project, shot_id: str, take: str | None, seed: int | None = None, kind: str = SHOT) -> int:
    """The take `--take` names: `new` (or a seed without a take) is one more than any the shot has, a number is
    itself; none at all is the take in use. Refused past MAX_TAKE, with what to do instead."""
    what = "takes" if kind == SHOT else "keyframe takes"
    if take == NEW or (take is None and seed is not None):
        number = project.next_take(shot_id, kind)
        if number > MAX_TAKE:
            again = (f"longcut shot {project.screenplay.path.name} {shot_id} --take N" if kind == SHOT else
                     f"longcut board {project.screenplay.path.name} {shot_id} --take N")
            raise LongcutError(f"shot `{shot_id}` has {MAX_TAKE} {what} already, the most a shot may have",
                               hint=f"redo one of them: {again}")
        return number
    if take is None:
        return (project.current_choice(shot_id) if kind == SHOT else project.current_keyframe(shot_id)).take
    if take.isdigit() and 1 <= int(take) <= MAX_TAKE:
        return int(take)
    raise LongcutError(f"--take {take!r} is not `new` or a take number from 1 to {MAX_TAKE}",
                       hint="e.g. --take new, --take 2")



@dataclass(frozen=True)
class TakeRow:
    record: TakeRecord
    in_cut: bool  # the take the cut uses
    made_for: str  # now | draft | earlier


@dataclass(frozen=True)
class TakesListing:
    shot: str
    rows: list[TakeRow]
    sheet: Path  # the contact sheet written
    planned: PlannedShot  # the shot as the screenplay is now

    @property
    def one_prompt(self) -> str | None:
        prompts = {row.record.prompt for row in self.rows}
        return self.rows[0].record.prompt if len(prompts) == 1 else None

    @property
    def in_cut(self) -> bool:
        return any(row.in_cut for row in self.rows)


def list_takes(project: Project, shot_id: str, sheet: Path | None = None) -> TakesListing:
    """A shot's takes and a contact sheet of their first, middle and last frames (default: in the store)."""
    shot_id = project.shot(shot_id)
    records = project.takes(shot_id)
    if not records:
        raise LongcutError(f"shot `{shot_id}` has no takes yet",
                           hint=f"render it: longcut shot {project.screenplay.path.name} {shot_id}")
    # the take the cut uses is the one the plan keys now: after a pick upstream, a dependent shot's old take is not
    plan = project.plan()
    planned = plan.shots[shot_id]
    in_cut = planned.key if planned.cached else None
    current = project.current_keys(plan, shot_id, records)  # the takes made for the screenplay as it is now
    rows = [TakeRow(record, record.key == in_cut, _made_for(record, current, planned)) for record in records]
    target = output_path(sheet, project.inputs()) if sheet else project.store.root / "sheets" / f"{shot_id}.png"
    contact_sheet(project.store, records, target)
    return TakesListing(shot_id, rows, target, planned)


def _made_for(record: TakeRecord, current: set[str], planned: PlannedShot) -> str:
    """What a take was made for: the screenplay as it is now, a draft at another size, or an earlier version."""
    if record.key in current:
        return "now"
    if (record.width, record.height) != (planned.request.width, planned.request.height):
        return "draft"
    return "earlier"
