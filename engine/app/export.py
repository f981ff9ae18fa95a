"""`export`: the film as it was last cut, for an editing suite (engine.export), every clip linked to its take; and
`report`: the continuity report of the last cut, as written beside the film."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..analysis.report import load_report, report_path
from ..errors import LongcutError
from ..export import formats, planned_files, write_files
from ..outputs import output_path
from ..timeline import Cut
from .project import Project

DEFAULT_START = "01:00:00:00"


@dataclass
class Exported:
    files: list[Path]
    warnings: list[str] = field(default_factory=list)  # the cut is behind the lock file; a take is gone


def export_cut(project: Project, fmt: str, output: Path | None = None, start: str = DEFAULT_START,
               cut_of: Path | None = None) -> Exported:
    """Write the last cut (of the film beside the film file, or `cut_of`) as `fmt`; nothing is re-cut."""
    film = project.screenplay.path.name
    if fmt not in formats():
        raise LongcutError(f"unknown export format `{fmt}`", hint=f"use one of {', '.join(formats())}")
    the_cut = project.last_cut(cut_of)
    if the_cut is None:
        made = cut_of or project.default_output()
        raise LongcutError(f"{made} has not been cut yet (no {Cut.beside(made).name} beside it)",
                           hint=f"cut the film first: longcut cut {film}" + (f" --out {cut_of}" if cut_of else ""))
    warnings = []
    behind = project.cut_is_behind(the_cut)
    if behind:
        warnings.append(f"the film was cut before the lock file last changed: shot(s) {', '.join(behind)} now use "
                        f"other takes than this export shows; cut it again to export them: longcut cut {film}")
    for item in the_cut.timeline.items:
        if not the_cut.media(item).is_file():
            warnings.append(f"{the_cut.media(item)} is no longer there; the export links to it all the same (cut the "
                            "film again)")
    inputs = {**project.inputs(), Cut.beside(the_cut.film).resolve(): "the cut record"}
    files = planned_files(fmt, the_cut, output or project.screenplay.path.with_suffix(f".{fmt}"), start)
    for path in files:
        output_path(path, inputs)
    return Exported(write_files(files), warnings)


def read_report(film: Path, cut_of: Path | None = None) -> tuple[dict, Path]:
    """The report beside the film as last cut (or `cut_of`), checked to belong to it; and its path."""
    made = cut_of or Path(film).with_suffix(".mp4")
    path = report_path(made)
    hint = f"cut the film again: longcut cut {film}" + (f" --out {cut_of}" if cut_of else "")
    return load_report(path, hint=hint, film=made), path
