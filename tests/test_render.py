"""Rendering end to end through the CLI and the engine: real animatic frames, real ffmpeg, real files."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from longcut.engine import plugins
from longcut.engine.media.ffmpeg import decode_frames, probe_frames
from longcut.engine.app.project import Project
from longcut.engine.render import render

from longcut.engine.store import KEYFRAME_KIND, TakeStore

from .backends import CountingAnimatic
from .cli import run
from .films import TINY, tiny_film

SHOTS = ["a", "b", "c", "d", "e"]
FRAMES = {"a": 24, "b": 18, "c": 12, "d": 36, "e": 24}
# the cut: a 4 s title card, the shots less the 0.5 s crossfade into d, 6 s of credits (12 fps)
CUT_FRAMES = 48 + sum(FRAMES.values()) - 6 + 72


def records(film: Path) -> dict[str, dict]:
    found = {}
    for path in (film.parent / ".longcut" / "takes").glob("*/*/take.json"):
        record = json.loads(path.read_text())
        if record.get("kind") == KEYFRAME_KIND:
            continue  # a shot's keyframe, drawn before its video
        found.setdefault(record["shot"], []).append(record)
    return found


def frame_hashes(film: Path) -> dict[str, str]:
    lock = json.loads(film.with_name("film.lock.json").read_text())
    store = TakeStore(film.parent / ".longcut")
    return {shot: store.record(entry["key"]).frames_sha256 for shot, entry in lock["shots"].items()}


@pytest.fixture
def rendered(tmp_path_factory):
    film = tiny_film(tmp_path_factory.mktemp("film"))
    run("render", film)
    return film


def test_render_makes_every_take_and_a_watchable_film(rendered):
    found = records(rendered)
    assert sorted(found) == SHOTS and all(len(takes) == 1 for takes in found.values())
    store = TakeStore(rendered.parent / ".longcut")
    for shot, (record,) in found.items():
        assert record["frames"] == FRAMES[shot]
        assert probe_frames(store.clip(record["key"])) == FRAMES[shot]
        assert record["backend"] == "animatic" and record["seed"] and record["prompt"]
    film = rendered.with_suffix(".mp4")
    assert probe_frames(film) == CUT_FRAMES
    lock = json.loads(rendered.with_name("film.lock.json").read_text())
    assert sorted(lock["shots"]) == SHOTS and all(entry["take"] == 1 for entry in lock["shots"].values())
    assert not list((rendered.parent / ".longcut" / "tmp").iterdir())


def test_the_clip_holds_the_frames_the_backend_made_and_no_captions(rendered):
    store = TakeStore(rendered.parent / ".longcut")
    record = store.record(json.loads(rendered.with_name("film.lock.json").read_text())["shots"]["a"]["key"])
    decoded = list(decode_frames(store.clip(record.key), 128, 72))
    first = store.first_frame(record.key)
    assert len(decoded) == 24
    # lossy, but the same picture (a take is clean: the captions are the cut's, engine.editor.captions)
    assert np.abs(decoded[0].astype(int) - first.astype(int)).mean() < 3


def test_the_captions_are_drawn_over_the_finished_picture_one_shot_at_a_time(rendered):
    """The film is the plain cut with each shot's captions over it; over the cross-fade into d, c's captions hold
    until the midpoint and d's from there, so no two sets ever dissolve into each other."""
    from longcut.engine.editor import caption_texts
    from longcut.engine.editor.captions import FilmCaptions, caption_spans

    captioned = list(decode_frames(rendered.with_suffix(".mp4"), 128, 72))
    project = Project.open(rendered)
    plan = project.plan()
    the_cut = project.last_cut()
    texts = caption_texts(plan, the_cut.timeline)
    assert set(texts) == set(SHOTS)
    spans = caption_spans(the_cut.timeline, texts)
    drawer = FilmCaptions(spans, 128, 72)
    into_d = next(clip for clip in the_cut.timeline.clips if clip.shot_id == "d")
    assert into_d.transition.frames == 6
    c_span, d_span = (next(span for span in spans if span.caption.detail.startswith(shot)) for shot in "cd")
    assert c_span.end == d_span.start == into_d.record_in + 3  # the midpoint of the 6-frame cross-fade
    # the same cut without captions (they are not in the takes: nothing is rendered again), captions drawn over it
    text = rendered.read_text()
    rendered.write_text(text.replace("max_seconds:", "captions: false, max_seconds:"))
    assert "rendered 0 shot(s)" in run("render", rendered, "--out", rendered.parent / "plain.mp4").stdout
    plain = list(decode_frames(rendered.parent / "plain.mp4", 128, 72))
    assert len(plain) == len(captioned) == CUT_FRAMES
    swapped = FilmCaptions([dataclasses.replace(c_span, caption=d_span.caption),
                            dataclasses.replace(d_span, caption=c_span.caption)], 128, 72)
    for frame in range(into_d.record_in - 2, into_d.record_in + 8):  # across the cross-fade and after it
        error = np.abs(captioned[frame].astype(int) - drawer.apply(plain[frame], frame).astype(int)).mean()
        other = np.abs(captioned[frame].astype(int) - swapped.apply(plain[frame], frame).astype(int)).mean()
        assert error < 4 and other > 2 * error, frame  # c's captions, then d's: never the other's, never both
        assert np.abs(captioned[frame].astype(int) - plain[frame].astype(int)).mean() > 6  # there are captions
    assert np.abs(captioned[10].astype(int) - plain[10].astype(int)).mean() < 3  # none on the title card


def test_continuity_hands_the_last_frame_on_losslessly(rendered):
    store = TakeStore(rendered.parent / ".longcut")
    keys = {shot: entry["key"] for shot, entry in json.loads(rendered.with_name("film.lock.json").read_text())["shots"].items()}
    assert np.array_equal(store.first_frame(keys["b"]), store.last_frame(keys["a"]))
    assert np.array_equal(store.first_frame(keys["c"]), store.last_frame(keys["b"]))
    assert not np.array_equal(store.first_frame(keys["d"]), store.last_frame(keys["c"]))
    assert np.array_equal(store.first_frame(keys["e"]), store.last_frame(keys["e"]))  # the loop


def test_a_second_render_renders_nothing_and_two_renders_agree(rendered, tmp_path):
    again = run("render", rendered)
    assert "rendered 0 shot(s), 5 cached" in again.stdout
    other = tiny_film(tmp_path / "other")
    run("render", other)
    assert frame_hashes(other) == frame_hashes(rendered)


def test_long_shots_are_made_in_segments_with_exact_seams(rendered, tmp_path):
    segmented = tiny_film(tmp_path / "segmented", max_seconds=0.5)  # 6 frames a call
    plan = Project.open(segmented).plan()
    assert plan.shots["d"].segments > 3
    run("render", segmented)
    # the animatic's seams are exact, so the segmented film is the same film
    assert frame_hashes(segmented) == frame_hashes(rendered)


def test_editing_one_prompt_rerenders_that_shot_and_what_continues_from_it(tmp_path, monkeypatch):
    monkeypatch.setitem(plugins.registry(plugins.BACKENDS), "counting", "tests.backends:CountingAnimatic")
    text = TINY.replace("name: animatic, ", "name: counting, ")
    film = tiny_film(tmp_path, text=text)
    project = Project.open(film)
    CountingAnimatic.calls.clear()
    render(project.plan(), project.store, project.lock)
    assert sorted({shot for shot, _, _ in CountingAnimatic.calls}) == SHOTS
    film.write_text(film.read_text().replace("@ada looks up", "@ada looks up at the lamp"))
    project = Project.open(film)
    CountingAnimatic.calls.clear()
    result = render(project.plan(), project.store, project.lock)
    assert result.rendered == ["b", "c"] and sorted(result.cached) == ["a", "d", "e"]
    assert [shot for shot, _, _ in CountingAnimatic.calls] == ["b", "c"]


def test_a_backend_that_leaves_out_a_required_method_is_refused_when_the_film_is_checked(tmp_path, monkeypatch):
    monkeypatch.setitem(plugins.registry(plugins.BACKENDS), "unfinished", "tests.backends:Unfinished")
    film = tiny_film(tmp_path, text=TINY.replace("name: animatic, ", "name: unfinished, "))
    said = run("check", film, code=2).output
    assert "the backend `unfinished` (tests.backends:Unfinished) does not implement generate" in said


def test_a_failing_backend_names_the_shot_and_keeps_finished_takes(tmp_path, monkeypatch):
    monkeypatch.setitem(plugins.registry(plugins.BACKENDS), "flaky", "tests.backends:FlakyAnimatic")
    film = tiny_film(tmp_path, text=TINY.replace("name: animatic, ", "name: flaky, fail_on: d, "))
    result = run("render", film, code=1)
    assert "shot `d`: backend `flaky` failed: RuntimeError: CUDA out of memory (simulated)" in result.stderr
    assert "Traceback" not in result.output
    assert sorted(records(film)) == ["a", "b", "c"]  # d failed; e was never reached
    assert not list((tmp_path / ".longcut" / "tmp").iterdir())
    assert sorted(json.loads(film.with_name("film.lock.json").read_text())["shots"]) == ["a", "b", "c"]


def test_a_killed_render_resumes_to_the_same_frames(tmp_path, rendered):
    film = tiny_film(tmp_path, text=TINY.replace("size: 128x72", "size: 256x144"))
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "longcut.engine.cli", "render", str(film)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    scratch, takes = tmp_path / ".longcut" / "tmp", tmp_path / ".longcut" / "takes"
    deadline = time.monotonic() + 60
    # wait until one take is finished and the next is half-written, then kill without warning
    while time.monotonic() < deadline and process.poll() is None:
        if list(takes.glob("*/*/clip.mp4")) and scratch.is_dir() and any(
                (folder / "clip.mp4").exists() for folder in scratch.iterdir()):
            break
        time.sleep(0.005)
    assert process.poll() is None, "the render finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    finished = [path for path in takes.glob("*/*/take.json") if (path.parent / "clip.mp4").is_file()]
    assert 1 <= len(finished) < 5
    for record in finished:  # whatever is in the store is whole
        data = json.loads(record.read_text())
        assert probe_frames(record.parent / "clip.mp4") == data["frames"]
    run("render", film)
    assert not list(scratch.iterdir())  # the dead process's half take was swept
    reference = tiny_film(tmp_path / "uninterrupted", text=TINY.replace("size: 128x72", "size: 256x144"))
    run("render", reference)
    assert frame_hashes(film) == frame_hashes(reference)


def test_unknown_backend_lists_the_known_ones(tmp_path):
    film = tiny_film(tmp_path, text=TINY.replace("name: animatic, ", "name: wan, "))
    result = run("render", film, code=2)
    assert "unknown backend `wan`" in result.stderr and "animatic" in result.stderr
    assert "film.yaml:6:17:" in result.stderr


def test_a_bad_backend_setting_points_at_its_line(tmp_path):
    film = tiny_film(tmp_path, text=TINY.replace("max_seconds: MAX", "max_secs: 2"))
    result = run("check", film, code=2)
    assert "film.yaml:6:" in result.stderr and "unknown setting `max_secs`" in result.stderr
    assert "did you mean `max_seconds`" in result.stderr


def test_new_take_pick_and_status(rendered):
    before = frame_hashes(rendered)
    result = run("shot", rendered, "a", "--take", "new")
    assert "rendered 3 shot(s)" in result.stdout  # a, and b and c which start on its last frame
    lock = json.loads(rendered.with_name("film.lock.json").read_text())["shots"]
    assert lock["a"]["take"] == 2 and lock["a"]["picked"]
    after = frame_hashes(rendered)
    assert after["a"] != before["a"] and after["b"] != before["b"] and after["d"] == before["d"]
    takes = run("takes", rendered, "a", "--out", rendered.parent / "sheet.png")
    assert "▶" in takes.stdout
    with Image.open(rendered.parent / "sheet.png") as sheet:
        assert sheet.height > 2 * 72 and sheet.width > 3 * 320
    run("pick", rendered, "a", "--take", "1")
    assert "rendered 0 shot(s), 5 cached" in run("render", rendered).stdout  # back to take 1: all cached
    assert frame_hashes(rendered) == before
    status = run("status", rendered).stdout
    assert "5 cached" in status and "1 (picked)" in status


def test_a_seed_makes_a_new_take_with_that_seed(rendered):
    run("shot", rendered, "e", "--seed", "1234")
    entry = json.loads(rendered.with_name("film.lock.json").read_text())["shots"]["e"]
    assert entry["seed"] == 1234 and entry["take"] == 2
    store = TakeStore(rendered.parent / ".longcut")
    assert store.record(entry["key"]).seed == 1234


def test_status_shows_stale_shots_after_an_edit(rendered):
    rendered.write_text(rendered.read_text().replace("the beam sweeps", "the beam sweeps slowly"))
    status = run("status", rendered).stdout
    assert "stale" in status and "4 cached, 1 stale" in status


def test_picking_a_take_that_was_never_made_is_refused(rendered):
    result = run("pick", rendered, "a", "--take", "7", code=2)
    assert "take 7 of shot `a` is not rendered" in result.stderr and "--take 7" in result.stderr


def test_an_unknown_shot_is_refused_with_a_suggestion(rendered):
    result = run("shot", rendered, "aa", code=2)
    assert "no shot `aa`" in result.stderr


def test_dry_run_renders_nothing(tmp_path):
    film = tiny_film(tmp_path)
    result = run("render", film, "--dry-run")
    assert "5 of 5 shots to render (114 frames)" in result.stdout
    assert "time: no estimate yet (no take of animatic in this store" in result.stdout
    assert not (tmp_path / ".longcut").exists() and not film.with_suffix(".mp4").exists()


def test_a_dry_run_fits_80_columns_with_whole_ids_and_says_how_long(rendered):
    film = rendered.with_name("film.yaml")
    film.write_text(film.read_text().replace("id: e,", "id: the-beam-sweeps-the-sea,"))  # a long id, to be made
    done = subprocess.run([sys.executable, "-m", "longcut.engine.cli", "render", str(film), "--dry-run"], capture_output=True,
                          text=True, env={**os.environ, "COLUMNS": "80"}, cwd=Path(__file__).parents[1], timeout=60)
    lines = done.stdout.splitlines()
    assert done.returncode == 0 and all(len(line) <= 80 for line in lines), done.stdout
    assert any("the-beam-sweeps-the-sea" in line for line in lines)  # whole, not cut with …
    assert "time: about " in done.stdout and "animatic take(s) in this store" in done.stdout


def test_a_draft_size_keeps_its_takes_apart(rendered):
    result = run("render", rendered, "--size", "160x90", "--out", rendered.parent / "draft.mp4")
    assert "rendered 5 shot(s)" in result.stdout
    assert probe_frames(rendered.parent / "draft.mp4") == CUT_FRAMES
    assert "rendered 0 shot(s), 5 cached" in run("render", rendered).stdout


def test_a_continued_shot_starts_on_its_parents_last_picture(rendered):
    plan = Project.open(rendered).plan()
    store = TakeStore(rendered.parent / ".longcut")
    child = next(planned for planned in plan.shots.values() if planned.parent_key)
    handed = store.last_frame(child.parent_key)
    parent_clip_last = list(decode_frames(store.clip(plan.shots[child.parent].key), 128, 72))[-1]
    child_first = next(iter(decode_frames(store.clip(child.key), 128, 72)))
    assert np.abs(parent_clip_last.astype(int) - handed.astype(int)).mean() < 3
    assert np.abs(child_first.astype(int) - handed.astype(int)).mean() < 3


def test_takes_says_what_each_take_was_made_for_and_the_prompt_once(rendered):
    result = run("takes", rendered, "e")
    assert "prompt: " in result.stdout and result.stdout.count("the beam sweeps") == 1  # once, above the table
    film = rendered.with_name("film.yaml")
    film.write_text(film.read_text().replace("the beam sweeps", "the beam sweeps slowly"))
    run("render", rendered)
    lines = run("takes", rendered, "e").stdout.splitlines()
    assert any("now" in line and line.startswith("▶") for line in lines)
    assert any("earlier" in line for line in lines)
    assert any("made for `earlier`: for the screenplay" in line for line in lines)
