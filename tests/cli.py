"""The command line as the tests drive it: in process, wide enough that messages are not wrapped."""

from __future__ import annotations

from typer.testing import CliRunner

from longcut.engine.cli import app


def run(*args, code=0):
    """Run `longcut ARGS...`; assert its exit status; return the result (output, stderr)."""
    result = CliRunner().invoke(app, [str(arg) for arg in args], terminal_width=200)
    assert result.exit_code == code, result.output + (repr(result.exception) if result.exception else "")
    return result
