"""The corpus of broken screenplays: each gives exit 2 and one clear message with file:line:column, fast."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from longcut.engine.cli import app

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
    "missing-reference": ("film.yaml", 5, 57, "reference image of character `mara`: `refs/missing.png` not found", "relative to the film"),
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
    # files the film names must be what they claim, and readable, at `check`
    "include-outside": ("film.yaml", 10, 14, "is outside the film's folder", "keep scene files in the film's folder"),
    "include-not-yaml": ("film.yaml", 10, 14, "included file `notes/secret.txt` is not a scene file", "scene files only"),
    "include-folder": ("film.yaml", 10, 14, "included file `scenes` is a folder", "a scene file"),
    "reference-not-image": ("film.yaml", 5, 72, "`refs/mara.png` is not an image Pillow can read", "PNG or JPEG"),
    "reference-truncated": ("film.yaml", 5, 72, "`refs/mara.png` cannot be decoded (OSError: image file is truncated)",
                            "damaged"),
    "reference-bomb": ("film.yaml", 5, 72, "`refs/mara.png` is far larger than a reference may be", "scale it down"),
    "reference-folder": ("film.yaml", 5, 72, "reference image of character `mara`: `refs` is a folder", "the file"),
    "music-empty": ("film.yaml", 20, 23, "music file of cue `theme`: `music/theme.wav` cannot be decoded as sound",
                    "empty"),
    "sound-not-audio": ("film.yaml", 19, 16, "sound file of shot `b`: `sounds/wave.wav` cannot be decoded as sound",
                        "not a sound file"),
    "executor-unknown-setting": ("film.yaml", 3, 23, "executor `ray` has no setting `wokers`", "did you mean `workers`"),
    "executor-bad-workers": ("film.yaml", 3, 32, "executor setting `workers` should be a whole number of at least 1",
                             None),
    "max-seconds-tiny": ("film.yaml", 4, 27, "max_seconds 1e-06 is under 2 frames at 24 fps", "at least 0.0833"),
    # timing: transitions that would overlap, timecodes that name no frame, cues outside the film, one length limit
    "overlapping-transitions": ("film.yaml", 14, 49, "shot `b` (2s) is shorter than its transitions: crossfade 1.5s in "
                                "and wipe 1.5s out", "lengthen the shot"),
    "timecode-frames": ("film.yaml", 20, 47, "timecode 00:00:00:99 has frame 99, but frames run 00-23 at 24 fps", None),
    "music-after-end": ("film.yaml", 20, 47, "music cue `theme` starts at `05:00:00:00`, after the film ends (it runs "
                        "6s)", "start it earlier"),
    "music-ends-before-start": ("film.yaml", 20, 54, "music cue `theme` ends at `a`, not after it starts at `b`",
                                "after `from`"),
    "duration-hours-too-long": ("film.yaml", 18, 19, "shot `b` lasts 10h, over the 4 hours", "split it"),
    "duration-frames-too-long": ("film.yaml", 18, 19, "shot `b` lasts 864000f (10h), over the 4 hours", "split it"),
    "duration-smpte-too-long": ("film.yaml", 18, 19, "shot `b` lasts 10:00:00:00 (10h), over the 4 hours", "split it"),
    "duration-smpte-frames": ("film.yaml", 18, 19, "timecode 00:00:01:30 has frame 30, but frames run 00-23", None),
    "footage-in-frames": ("film.yaml", 13, 45, "footage `in:` timecode 00:00:01:30 has frame 30, but frames run 00-23",
                          "frames run below the film's rate"),
    "footage-under-a-frame": ("film.yaml", 13, 54, "footage from `in: 1s` to `out: 1.02s` is shorter than one frame",
                              "move `out:` later"),
    # a misspelt required field is said as misspelt, not first as missing
    "misspelt-required-field": ("film.yaml", 14, 9, "unknown field `duraton` in shot `a`", "did you mean `duration`"),
    # a film folder is untrusted: it names installed plug-ins only, and nothing outside itself
    "unknown-keyframe-backend": ("film.yaml", 8, 19, "unknown keyframe backend `flux`", "longcut.keyframes"),
    "own-term-punctuation": ("film.yaml", 8, 30, "the film's own policy term `...` holds no word to match",
                             "punctuation alone"),
    "classifier-module-path": ("film.yaml", 8, 23, "classifier 'os:system' is not the name of an entry point", None),
    "reference-outside": ("film.yaml", 5, 72, "`../../data/reference/refs/mara.png` is outside the film's folder",
                          "copy the file into the film's folder"),
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
    assert "root:" not in result.output and "hunter2" not in result.output  # no line of a file that is not a scene


def test_a_film_file_must_be_yaml(tmp_path):
    secret = tmp_path / "notes.txt"
    secret.write_text("password: hunter2\n")
    result = CliRunner().invoke(app, ["check", str(secret)])
    assert result.exit_code == 2 and "a film file is a .yaml (or .yml) file" in result.stderr
    assert "hunter2" not in result.output


@pytest.mark.parametrize("field", ["include", "reference", "sound"])
def test_a_pipe_given_as_a_file_is_named_as_such(tmp_path, field):
    import os
    import shutil

    folder = tmp_path / "film"
    shutil.copytree(BAD / "reference-not-image", folder)
    os.mkfifo(folder / "pipe.yaml")
    os.mkfifo(folder / "pipe.png")
    os.mkfifo(folder / "pipe.wav")
    film = folder / "film.yaml"
    text = film.read_text()
    if field == "include":
        text = text.split("scenes:")[0] + "scenes:\n  - include: pipe.yaml\n"
    elif field == "reference":
        text = text.replace("refs/mara.png", "pipe.png")
    else:
        text = text.replace("        duration: 2s\n", "        duration: 2s\n        audio: pipe.wav\n")
    film.write_text(text)
    result = CliRunner().invoke(app, ["check", str(film)])
    assert result.exit_code == 2, result.output
    assert "is not a regular file" in result.stderr and "not found" not in result.stderr


def test_a_real_process_exits_2_without_a_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "longcut.engine.cli", "check", str(BAD / "unknown-field" / "film.yaml")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "unknown field `camra`" in result.stderr and result.stdout == ""


def test_a_missing_film_file_is_exit_2(tmp_path):
    result = CliRunner().invoke(app, ["check", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2 and "film file not found" in result.stderr


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_json_diagnostics_carry_the_same_positions(case):
    import json

    file_name, line, column, words, hint = CORPUS[case]
    result = CliRunner().invoke(app, ["check", str(BAD / case / "film.yaml"), "--format", "json"])
    assert result.exit_code == 2, result.output
    diagnostics = [json.loads(text) for text in result.stdout.splitlines()]
    assert len(diagnostics) == 1, result.stdout
    (found,) = diagnostics
    assert found["severity"] == "error" and words in found["message"] and found["file"].endswith(file_name)
    if line is not None:  # the same place as the text message, and the end of the value for an editor to underline
        assert (found["line"], found["column"]) == (line, column)
        assert (found["end_line"], found["end_column"]) >= (line, column)
    assert (hint is None) or hint in found["hint"]


def test_json_diagnostics_of_a_sound_film_are_its_warnings(tmp_path):
    import json

    from .films import tiny_film

    film = tiny_film(tmp_path)
    film.write_text(film.read_text().replace("locations:\n", "locations:\n  attic: {description: dusty}\n"))
    result = CliRunner().invoke(app, ["check", str(film), "--format", "json"])
    assert result.exit_code == 0
    (warning,) = [json.loads(text) for text in result.stdout.splitlines()]
    assert warning["severity"] == "warning" and "location `attic` is never used" in warning["message"]
    assert warning["line"] == 11 and warning["column"] == 3  # the key `attic:`, the line after `locations:`
