"""How a command's failure is told: a screenplay's problem at its file, line and column (exit 2), longcut's own
error with its hint (exit 2 for bad input, 1 for a failed step), a refused file, the file system's no; never a
traceback. Ctrl-C keeps every finished take (exit 130)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

import typer
from rich.text import Text

from longcut.storyboard import ScreenplayError
from longcut.storyboard.files import FileRefused

from ..errors import LongcutError, refused
from . import err

F = TypeVar("F", bound=Callable)


def reports_errors(command: F) -> F:
    """Turn known failures into a clear message and exit status 2 (bad input) or 1 (a failed step)."""

    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (ScreenplayError, LongcutError) as error:
            raise typer.Exit(report_failure(error)) from None
        except FileRefused as error:  # a file of the film folder's that longcut will not read (storyboard.files)
            raise typer.Exit(report_failure(refused(error))) from None
        except KeyboardInterrupt:
            err.print("interrupted; every finished take is kept")
            raise typer.Exit(130) from None
        except OSError as error:  # the file system said no: which file, and why, without a traceback
            where = f" {error.filename}" if error.filename else ""
            err.print(Text(f"error: cannot use{where}: {error.strerror or error}", style="red"))
            err.print(Text("  hint: check the path, its permissions and the free disk space; every finished take "
                           "is kept"))
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def report_failure(error: ScreenplayError | LongcutError) -> int:
    """Print a known failure (its place, message and hint); returns the exit status it calls for."""
    if isinstance(error, ScreenplayError):
        err.print(Text(error.render(), style="red"))
        return 2
    err.print(Text(f"error: {error}", style="red"))
    if error.hint:
        err.print(Text(f"  hint: {error.hint}"))
    return error.exit_code
