"""The corpus of broken screenplays: each gives exit 2 and one clear message with file:line:column, fast."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.cli import app

BAD = Path(__file__).parent / "bad"

# case -> (file the message points into, line, column, words the message must hold, words the hint must hold)
CORPUS = {
    "syntax-error": ("film.yaml", 14, 17, "YAML syntax error", "never closed"),
    "unknown-field": ("film.yaml", 16, 9, "unknown field `camra` in shot `a`", "did you mean `camera`"),
    "unknown-character": ("film.yaml", 14, 18, "unknown character `@marra`", "did you mean `mara`"),
    "unknown-location": ("film.yaml", 11, 15, "unknown location `clif`", "did you mean `cliff`"),
    "duplicate-id": ("two.yaml", 4, 9, "duplicate shot id `a`", "first used at"),
    "continues-missing": ("film.yaml", 17, 20, "continues unknown shot `c`", "known shots: a, b"),
    "cycle": ("film.yaml", 18, 20, "continuity cycle: `a` -> `b` -> `a`", "remove one `continues:`"),
    "missing-include": ("film.yaml", 10, 14, "included file `scenes/nowhere.yaml` not found", "relative"),
    "missing-reference": ("film.yaml", 5, 57, "reference image `refs/missing.png` not found", "relative to the film"),
    "include-loop": ("b.yaml", 1, 12, "include loop: a.yaml -> b.yaml -> a.yaml", "includes it"),
    "negative-duration": ("film.yaml", 15, 19, "'-3s' is negative", None),
    "unparseable-duration": ("film.yaml", 15, 19, "cannot read '8 seconds' as a duration", None),
    "transition-too-long": ("film.yaml", 19, 21, "crossfade into shot `b` (3s) is longer than the shot (2s)",
                            "shorten the transition"),
    "absurd-size": ("film.yaml", 3, 7, "frame size 100000x20 is outside", None),
    "absurd-fps": ("film.yaml", 2, 6, "frame rate 1000 is outside", None),
    "python-tag": ("film.yaml", 9, 8, "YAML tag `!!python/object/apply:os.system` is not allowed", "plain data"),
    "empty-file": ("film.yaml", None, None, "the film file is empty", "title"),
    "top-level-list": ("film.yaml", 1, 1, "expected a mapping at the top of the film file, found a list", None),
    "alias-bomb": ("film.yaml", None, None, "alias bomb", None),
    "duplicate-key": ("film.yaml", 9, 1, "duplicate key `fps`", None),
    "tab-indent": ("film.yaml", 12, 1, "YAML syntax error", None),
    "missing-duration": ("film.yaml", 13, 9, "shot `a` is missing required field `duration`", "8s"),
    "recursive-alias": ("film.yaml", 2, 9, "refers to the mapping or list that contains it", None),
    "bad-camera-move": ("film.yaml", 16, 36, "is 'push_in'", "did you mean `push-in`"),
}


def test_the_corpus_has_a_case_for_every_folder():
    assert sorted(CORPUS) == sorted(path.name for path in BAD.iterdir() if path.is_dir())


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_broken_screenplay_gives_one_clear_error(case):
    file_name, line, column, words, hint = CORPUS[case]
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["check", str(BAD / case / "film.yaml")])
    elapsed = time.perf_counter() - started
    assert result.exit_code == 2, result.output
    output = result.stderr
    assert "Traceback" not in output and result.exception is None or isinstance(result.exception, SystemExit)
    errors = [text for text in output.splitlines() if ": error: " in text]
    assert len(errors) == 1, output
    where = re.match(r"^(?P<file>[^:]+)(?::(?P<line>\d+):(?P<column>\d+))?: error: ", errors[0])
    assert where and where["file"].endswith(file_name), errors[0]
    if line is not None:
        assert (int(where["line"]), int(where["column"])) == (line, column), errors[0]
    assert words in errors[0]
    if hint:
        assert "hint: " in output and hint in output.split("hint: ", 1)[1], output
    assert elapsed < 1.0, f"{case} took {elapsed:.2f}s"


def test_a_real_process_exits_2_without_a_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "engine.cli", "check", str(BAD / "unknown-field" / "film.yaml")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "unknown field `camra`" in result.stderr and result.stdout == ""


def test_a_missing_film_file_is_exit_2(tmp_path):
    result = CliRunner().invoke(app, ["check", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2 and "film file not found" in result.stderr
