"""Failures of a step after the screenplay was read: a backend, ffmpeg, the store."""

from __future__ import annotations


class LongcutError(Exception):
    """A failure to report to the user as a message, not a traceback.

    exit_code 2 means the input was wrong (settings, a missing take); 1 means a step failed.
    """

    def __init__(self, message: str, hint: str | None = None, exit_code: int = 2) -> None:
        super().__init__(message)
        self.hint = hint
        self.exit_code = exit_code


def refused(error) -> LongcutError:
    """A file of a film folder or a store that longcut will not read (storyboard.files.FileRefused: a FIFO, a file
    over its limit, a path outside), said as the bad input it is."""
    return LongcutError(str(error), hint=error.hint)


class StepFailed(LongcutError):
    """A render or encode step failed; everything finished before it is kept."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint, exit_code=1)
