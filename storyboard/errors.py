"""Problems found in a screenplay, each tied to the file, line and column it comes from."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Mark:
    """A place in a source file; line and column count from 1, as editors show them. The end, where known, is
    just after the value (for an editor to underline it); it takes no part in comparisons."""

    file: Path
    line: int
    column: int
    end_line: int | None = field(default=None, compare=False)
    end_column: int | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return f"{_display_path(self.file)}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    message: str
    mark: Mark | None = None
    hint: str | None = None
    file: Path | None = None  # for problems with no line, such as a missing film file

    def as_json(self, severity: str = "error") -> dict:
        """The problem as a diagnostic an editor or CI can place: file, line, column, end, severity, message, hint."""
        mark = self.mark
        file = mark.file if mark else self.file
        return {"file": str(file) if file else None, "line": mark.line if mark else None,
                "column": mark.column if mark else None,
                # a place with no extent (a syntax error) ends where it starts
                "end_line": (mark.end_line or mark.line) if mark else None,
                "end_column": (mark.end_column or mark.column) if mark else None,
                "severity": severity, "message": self.message, "hint": self.hint}

    def render(self, with_source: bool = True) -> str:
        where = str(self.mark) if self.mark else (_display_path(self.file) if self.file else "longcut")
        lines = [f"{where}: error: {self.message}"]
        if with_source and self.mark:
            lines.extend(_source_excerpt(self.mark))
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)


class ScreenplayError(Exception):
    """The screenplay cannot be used as written. Carries every problem found, in file order."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=_problem_order)
        super().__init__("\n".join(problem.render(with_source=False) for problem in self.problems))

    def render(self) -> str:
        return "\n".join(problem.render() for problem in self.problems)


def _problem_order(problem: Problem) -> tuple:
    if problem.mark is None:
        return (0, "", 0, 0)
    return (1, str(problem.mark.file), problem.mark.line, problem.mark.column)


def did_you_mean(value: str, choices: Iterable[str], what: str) -> str:
    """'did you mean `camera`?' when a choice is close, else the list of what is known."""
    known = sorted(choices)
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
    if close:
        return f"did you mean `{close[0]}`?"
    if not known:
        return f"no {what} are defined"
    shown = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
    return f"known {what}: {shown}"


def _display_path(path: Path) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return relative if not relative.startswith("..") else str(path)


def _source_excerpt(mark: Mark) -> list[str]:
    """The offending line with a caret under the column, as compilers show it."""
    try:
        with open(mark.file, encoding="utf-8", errors="replace") as handle:
            for number, text in enumerate(handle, start=1):
                if number == mark.line:
                    text = text.rstrip("\n")
                    if len(text) > 200:
                        return []
                    return [f"  {mark.line:>4} | {text}", "       | " + " " * (mark.column - 1) + "^"]
    except OSError:
        pass
    return []
