import shutil
from fractions import Fraction
from pathlib import Path

import pytest

from longcut import storyboard
from longcut.storyboard import ScreenplayError
from longcut.storyboard.schema import CameraMove, ShotSize, TransitionType

from .conftest import EXAMPLES, SHARED_FORMAT


def test_reference_screenplay_loads_unchanged(reference_film):
    sp = storyboard.load(reference_film)
    assert sp.film.title == "The Keeper"
    assert sp.film.size == (1280, 720) and sp.fps == Fraction(24) and sp.film.seed == 2024
    assert [entry.shot.id for entry in sp.entries] == ["arrival-1", "arrival-2", "arrival-3", "storm-1", "storm-2"]
    storm_2 = sp.by_id["storm-2"].shot
    assert storm_2.seed == 9001 and storm_2.take == 2 and storm_2.continues == "storm-1"
    assert sp.frames(sp.by_id["arrival-3"].shot) == 1440
    assert sp.by_id["arrival-1"].shot.camera.move is CameraMove.PUSH_IN
    assert sp.by_id["storm-1"].shot.camera.size is ShotSize.TWO_SHOT
    assert sp.by_id["storm-1"].shot.transition.type is TransitionType.FADE_BLACK
    assert [(line.character, line.line) for line in sp.by_id["storm-1"].shot.dialogue] == [
        ("tom", "Will the light hold?"), ("mara", "It always has.")]
    cue = sp.film.music[0]
    assert (cue.start, cue.end, cue.gain, cue.generate.key) == ("arrival", "storm", -16.0, "D minor")
    assert sp.film.characters["mara"].reference == ["refs/mara.png"]
    # 91 s of shots, minus the 1 s crossfade and the 2 s fade through black
    assert sp.total_frames() == 91 * 24 and sp.running_frames() == 88 * 24


@pytest.mark.skipif(not (SHARED_FORMAT / "film.yaml").exists(), reason="no ../shared/format beside this checkout")
def test_shared_reference_screenplay_is_the_copy_we_test():
    for name in ("film.yaml", "scenes/storm.yaml"):
        assert (SHARED_FORMAT / name).read_bytes() == (Path(__file__).parent / "data/reference" / name).read_bytes()
    assert storyboard.load(SHARED_FORMAT / "film.yaml").film.title == "The Keeper"


@pytest.mark.parametrize("film", ["short/film.yaml", "long/film.yaml"])
def test_examples_load(film):
    sp = storyboard.load(EXAMPLES / film)
    assert not sp.warnings


def test_long_example_is_long():
    sp = storyboard.load(EXAMPLES / "long/film.yaml")
    assert len(sp.entries) >= 60
    assert len(list((EXAMPLES / "long/scenes").glob("*.yaml"))) >= 6
    assert sp.running_frames() / sp.fps >= 600
    assert sum(1 for entry in sp.entries if sp.frames(entry.shot) >= 60 * sp.fps) >= 3


def test_short_example_has_what_it_promises():
    sp = storyboard.load(EXAMPLES / "short/film.yaml")
    assert 50 <= sp.running_frames() / sp.fps <= 75
    assert len(sp.film.characters) == 2 and len(sp.film.scenes) >= 3 and sp.film.music
    assert any(entry.shot.continues for entry in sp.entries)
    assert any(entry.shot.transition.type is TransitionType.CROSSFADE for entry in sp.entries)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


FILM = """title: T
size: 320x180
locations: {here: {description: "a room"}}
scenes:
"""


def test_nested_includes_resolve_relative_to_the_including_file(tmp_path):
    film = write(tmp_path, "film.yaml", FILM + "  - include: acts/act1.yaml\n")
    write(tmp_path, "acts/act1.yaml", "- include: scenes/one.yaml\n- include: scenes/two.yaml\n")
    write(tmp_path, "acts/scenes/one.yaml", "id: one\nlocation: here\nshots: [{id: a, duration: 2s}]\n")
    write(tmp_path, "acts/scenes/two.yaml", "scenes:\n  - {id: two, location: here, shots: [{id: b, duration: 1s}]}\n")
    sp = storyboard.load(film)
    assert [scene.id for scene in sp.film.scenes] == ["one", "two"]
    assert sp.source.value(("scenes", 1, "shots", 0, "id")).file.name == "two.yaml"


def test_errors_in_included_files_point_into_them(tmp_path):
    film = write(tmp_path, "film.yaml", FILM + "  - include: s.yaml\n")
    write(tmp_path, "s.yaml", "id: one\nlocation: here\nshots:\n  - id: a\n    duration: 2s\n    promt: hi\n")
    with pytest.raises(ScreenplayError) as caught:
        storyboard.load(film)
    problem = caught.value.problems[0]
    assert (problem.mark.file.name, problem.mark.line, problem.mark.column) == ("s.yaml", 6, 5)
    assert "did you mean `prompt`" in problem.hint


def test_every_problem_is_reported_at_once(tmp_path):
    film = write(tmp_path, "film.yaml", FILM + "  - id: one\n    location: nowhere\n    shots:\n"
                 "      - {id: a, duration: 2s, prompt: '@ghost waves'}\n      - {id: b, duration: 2s, continues: zz}\n")
    with pytest.raises(ScreenplayError) as caught:
        storyboard.load(film)
    messages = [problem.message for problem in caught.value.problems]
    assert len(messages) == 3
    assert [problem.mark.line for problem in caught.value.problems] == sorted(p.mark.line for p in caught.value.problems)


def test_merge_keys_share_settings(tmp_path):
    film = write(tmp_path, "film.yaml", FILM + "  - id: one\n    location: here\n    shots:\n"
                 "      - &base {id: a, duration: 2s, camera: {size: wide, move: pan-left}}\n"
                 "      - {<<: *base, id: b}\n")
    sp = storyboard.load(film)
    assert sp.by_id["b"].shot.camera.move is CameraMove.PAN_LEFT


def test_keys_are_taken_as_written(tmp_path):
    # YAML 1.1 would read `no:` as false; a character called "no" must stay "no".
    film = write(tmp_path, "film.yaml", FILM.replace("locations:", "characters: {no: {description: x}}\nlocations:")
                 + "  - id: one\n    location: here\n    shots: [{id: a, duration: 2s, prompt: '@no speaks'}]\n")
    assert list(storyboard.load(film).film.characters) == ["no"]


def test_the_reference_loads_from_another_working_directory(tmp_path, monkeypatch, reference_film):
    copy = tmp_path / "copy"
    shutil.copytree(reference_film.parent, copy)
    monkeypatch.chdir(tmp_path)
    assert storyboard.load("copy/film.yaml").film.characters["mara"].reference == ["refs/mara.png"]
