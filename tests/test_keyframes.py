"""The keyframe stage: keyframes as takes, keyed by their references, drawn before the video; `longcut board`."""

from __future__ import annotations

import json

import numpy as np
from PIL import Image

from longcut.continuity import FIRST, LAST
from longcut.engine.app.project import Project
from longcut.engine.store import KEYFRAME, KEYFRAME_KIND, read_png

from .cli import run
from .films import TINY, tiny_film


def keys(film):
    plan = Project.open(film).plan()
    return ({shot: planned.key for shot, planned in plan.shots.items()},
            {f"{shot}:{keyframe.request.position}": keyframe.key
             for shot, planned in plan.shots.items() for keyframe in planned.keyframes})


def with_jun_reference(folder):
    film = tiny_film(folder, text=TINY.replace('yellow raincoat"}', 'yellow raincoat", reference: [refs/jun.png, '
                                                                   'refs/jun-side.png]}'))
    Image.new("RGB", (48, 96), (230, 200, 40)).save(folder / "refs" / "jun.png")
    Image.new("RGB", (96, 48), (40, 60, 200)).save(folder / "refs" / "jun-side.png")
    return film


def test_continuity_decides_which_shots_get_keyframes(tmp_path):
    plan = Project.open(tiny_film(tmp_path)).plan()
    drawn = {shot: [keyframe.request.position for keyframe in planned.keyframes] for shot, planned in plan.shots.items()}
    # b and c continue the shot before (they start on its last frame); e loops: no last keyframe asked anyway
    assert drawn == {"a": [FIRST], "b": [], "c": [], "d": [FIRST], "e": [FIRST]}
    a = plan.shots["a"].keyframes[0].request
    assert a.seed == plan.shots["a"].request.seed  # take 1 of a keyframe and of its shot share the seed
    assert a.prompt.endswith("flat storyboard style. Wide shot") and "Ada (a keeper" in a.prompt
    from longcut.continuity.keyframes import framing

    assert framing("medium-close-up", "push-in", LAST) == "Medium close-up shot, at the end of a push-in"
    assert framing("two-shot", "static", LAST) == "Two shot"


def test_one_reference_image_rekeys_exactly_the_keyframes_and_shots_it_shapes(tmp_path):
    film = with_jun_reference(tmp_path)
    shots, keyframes = keys(film)
    Image.new("RGB", (96, 48), (200, 60, 40)).save(tmp_path / "refs" / "jun-side.png")  # one of Jun's two images
    shots_after, keyframes_after = keys(film)
    assert {name for name in keyframes if keyframes[name] != keyframes_after[name]} == {"d:first"}  # Jun is in d
    # d (Jun, and its keyframe) and c (Jun, starting on b's last frame); a, b and e do not show him
    assert {shot for shot in shots if shots[shot] != shots_after[shot]} == {"c", "d"}


def test_render_draws_keyframes_first_and_each_shot_starts_on_its_own(tmp_path):
    film = tiny_film(tmp_path, text=TINY.replace('id: d, prompt', 'id: d, keyframes: {last: true}, prompt'))
    assert "keyframes: animatic; 3 shots start on one, 1 end on one too" in run("check", film).output
    result = run("render", film, "--no-titles")
    assert "drew 4 keyframe(s) first" in result.output
    project = Project.open(film)
    plan = project.plan()
    store = project.store
    for shot, planned in plan.shots.items():
        record = store.record(planned.key)
        first = store.first_frame(planned.key)
        if planned.parent:  # continues: its first frame is its parent's last, untouched by any keyframe
            assert np.array_equal(first, store.last_frame(plan.shots[planned.parent].key))
            assert record.keyframes is None
        else:  # the animatic's take 1 starts exactly on its keyframe
            assert np.array_equal(first, store.keyframe(planned.keyframe_key(FIRST)))
            assert record.keyframes["first"] == planned.keyframe_key(FIRST)
    d = plan.shots["d"]
    assert np.array_equal(store.last_frame(d.key), store.keyframe(d.keyframe_key(LAST)))  # and d ends on its last
    drawn = list(store.records(KEYFRAME_KIND))
    assert sorted((record.shot, record.position) for record in drawn) == [("a", "first"), ("d", "first"),
                                                                          ("d", "last"), ("e", "first")]
    assert all(record.files == {KEYFRAME: record.files[KEYFRAME]} for record in drawn)
    assert {record.shot for record in store.records()} == set(plan.shots)  # keyframes are not listed as shots' takes


def test_board_end_to_end(tmp_path):
    film = tiny_film(tmp_path)
    first = run("board", film)
    assert "drew 3 keyframe(s), 0 cached" in first.output
    sheet = film.with_name("film.board.png")
    with Image.open(sheet) as image:
        assert image.width > 240 and image.height > 2 * 135  # two scenes, a row each
    folder = film.with_name("film.keyframes")
    assert sorted(path.name for path in folder.glob("*.png")) == ["a.png", "d.png", "e.png"]
    assert "the board is up to date" in run("board", film).output  # all cached, the sheet as written: nothing done
    (folder / "e.png").unlink()
    assert "drew 0 keyframe(s), 3 cached" in run("board", film).output  # a keyframe file gone: written again
    assert (folder / "e.png").is_file()
    assert "drew" not in run("render", film, "--no-titles").output  # render uses the board's keyframes
    # a new keyframe take of a: drawn with its own seed, picked in the lock file, and the video of a and of the
    # shots that continue it are due again (b and c start on a's frames)
    again = run("board", film, "a", "--take", "new")
    assert "keyframe take 2" in again.output and "3 shot(s) to render" in again.output
    lock = json.loads(film.with_name("film.lock.json").read_text())
    assert lock["keyframes"]["a"]["take"] == 2 and lock["keyframes"]["a"]["picked"]
    project = Project.open(film)
    takes = sorted((record.take, record.seed) for record in project.store.records(KEYFRAME_KIND) if record.shot == "a")
    assert [take for take, _ in takes] == [1, 2] and takes[0][1] != takes[1][1]
    assert not np.array_equal(read_png(folder / "a.png"), project.store.keyframe(
        next(record.key for record in project.store.records(KEYFRAME_KIND) if record.shot == "a" and record.take == 1)))
    assert "rendered 3 shot(s), 2 cached" in run("render", film, "--no-titles").output
    # back to take 1: already drawn, nothing to draw
    assert "drew 0 keyframe(s)" in run("board", film, "a", "--take", "1").output


def test_board_refuses_what_it_cannot_do(tmp_path):
    film = tiny_film(tmp_path)
    assert "starts on a's last frame" in run("board", film, "b", "--take", "new", code=2).output
    assert "name the shot" in run("board", film, "--take", "new", code=2).output
    off = tiny_film(tmp_path / "off", text=TINY.replace("backend:", "keyframes: off\nbackend:"))
    assert "no keyframe stage" in run("board", off, code=2).output
    assert not Project.open(off).plan().shots["a"].keyframes
    mine = film.with_name("film.keyframes")
    mine.mkdir()
    (mine / "notes.txt").write_text("someone's")
    assert "longcut did not write" in run("board", film, code=2).output
    assert (mine / "notes.txt").is_file()


def test_every_reference_image_is_checked_where_it_is_written(tmp_path):
    film = with_jun_reference(tmp_path)
    (tmp_path / "refs" / "jun-side.png").write_bytes(b"not a picture")
    result = run("check", film, code=2)
    assert "reference image of character `jun`: `refs/jun-side.png` is not an image" in result.output
    line = next(number for number, text in enumerate(film.read_text().splitlines(), 1) if "jun-side" in text)
    assert f"film.yaml:{line}:" in result.output


def test_the_keyframe_fields_pass_the_schema_and_the_loader(tmp_path):
    import jsonschema
    import yaml

    from longcut.storyboard.json_schema import film_schema

    for spelling in ("keyframes: off", "keyframes: animatic", "keyframes: {name: diffusers, model: m, last: true}"):
        text = TINY.replace("backend:", f"{spelling}\nbackend:").replace("id: d, prompt", "id: d, keyframes: "
                                                                          "{last: false}, prompt")
        film = tiny_film(tmp_path / str(len(spelling)), text=text.replace("MAX", "20"))
        data = yaml.safe_load(film.read_text())
        assert not list(jsonschema.Draft202012Validator(film_schema()).iter_errors(data)), spelling
        if "diffusers" not in spelling:
            Project.open(film).plan()


def test_a_damaged_keyframe_is_drawn_again(tmp_path):
    film = tiny_film(tmp_path)
    run("board", film)
    project = Project.open(film)
    key = project.plan().shots["a"].keyframe_key(FIRST)
    path = project.store.folder(key) / KEYFRAME
    path.write_bytes(path.read_bytes()[:-1] + b"\0")  # the same size, another byte: only its hash can tell
    result = run("board", film)
    assert "was damaged" in result.stderr and "drew 1 keyframe(s), 2 cached" in result.output
    assert Project.open(film).store.verify(key, full=True) is None


def test_the_board_has_no_holes_before_or_after_the_render(tmp_path):
    """A shot that continues another shows a picture: before the render, the keyframe its chain starts on (marked);
    after, its take's first frame; and a render since redraws the board."""
    from longcut.engine.stills.board import CELL, THUMB_W, board_keys, start_picture

    film = tiny_film(tmp_path)
    run("board", film)
    project = Project.open(film)
    plan = project.plan()
    before = {shot: start_picture(plan, project.store, planned) for shot, planned in plan.shots.items()}
    assert [shot for shot, found in before.items() if found] == ["b", "c"]  # they continue a
    assert all(label == "a's keyframe, until rendered" for _, _, label in (before["b"], before["c"]))
    with Image.open(film.with_name("film.board.png")) as image:  # b's cell is a picture, not the empty grey
        cell = np.asarray(image.convert("RGB"))[10 + 30 + 40:10 + 30 + 60, 10 + THUMB_W + 10 + 40:10 + 2 * THUMB_W]
        assert not (cell == np.array(CELL)).all(axis=-1).mean() > 0.9
    run("render", film, "--no-titles")
    plan = Project.open(film).plan()
    after = {shot: start_picture(plan, project.store, planned) for shot, planned in plan.shots.items()}
    assert after["b"][2] == "its take" and after["b"][1].name == "first.png"
    assert board_keys(plan, project.store) != board_keys(plan)  # what each shot starts on is part of the board
    assert "the board is up to date" not in run("board", film).output  # redrawn with the takes' first frames
