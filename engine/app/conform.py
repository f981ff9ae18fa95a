"""`conform`: an edited cut taken back: its order, trims and transitions go into the lock file as an Edit, which
the next cut follows; nothing is re-rendered and the screenplay is unchanged."""

from __future__ import annotations

from pathlib import Path

from ..editor.conform import Conformed, conform, read_edited
from ..errors import LongcutError
from .project import Project

LISTED = 12  # the unmapped clips named in the error


def conform_edit(project: Project, edited: Path) -> Conformed:
    plan = project.plan()
    result = conform(read_edited(edited, project.screenplay.fps),
                     {shot: planned.request.frames for shot, planned in plan.shots.items()})
    if not result.order:
        listed = "; ".join(result.unmapped[:LISTED]) + (f"; and {len(result.unmapped) - LISTED} more"
                                                         if len(result.unmapped) > LISTED else "")
        raise LongcutError(f"no clip of `{edited.name}` is a shot of this film ({listed or 'it has no clips'})",
                           hint="conform takes back a cut exported by longcut (its clips are named after the shots)")
    project.lock.edit = result.as_edit()
    project.lock.save()
    return result
