"""The author's own pictures as a shot's first and last frames (`start:`, `end:`), and a clip to continue from: checked
like references, fitted to the frame and never stretched, keyed by their bytes, on the board, animated by the
animatic (a camera move over the picture). The diffusers families are tested in test_diffusers."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from longcut.continuity import FIRST, LAST
from longcut.engine.app.project import Project
from longcut.engine.media.ffmpeg import ffmpeg_exe
from longcut.engine.store import GIVEN, KEYFRAME_KIND, read_png

from .cli import run

FILM = """title: Pictures
fps: 12
size: 128x72
seed: 7
backend: {{name: animatic, captions: false}}
{extra}scenes:
  - id: one
    heading: EXT. CLIFF - DUSK
    shots:
{shots}
"""
SHOTS = """      - {id: a, prompt: "the lighthouse", duration: 2s, start: boards/a.png, end: boards/a-end.png,
         camera: {size: wide, move: push-in}}
      - {id: b, prompt: "the sea", duration: 1s, start: {file: boards/tall.png, fit: pad}, camera: {move: pan-left}}
      - {id: c, continues: b, prompt: "the sea again", duration: 1s}
"""


def picture(width: int, height: int, seed: int) -> np.ndarray:
    """A picture no model or fit could make by chance: noise, so any shift, stretch or resample shows."""
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)


def write_film(folder: Path, shots: str = SHOTS, extra: str = "") -> Path:
    (folder / "boards").mkdir(parents=True, exist_ok=True)
    Image.fromarray(picture(128, 72, 1)).save(folder / "boards" / "a.png")  # the frame's own size: fitted as it is
    Image.fromarray(picture(128, 72, 2)).save(folder / "boards" / "a-end.png")
    tall = np.zeros((144, 64, 3), np.uint8)  # 4:9, half the frame's height each way: padded, never stretched
    tall[:, :] = (250, 200, 20)
    Image.fromarray(tall).save(folder / "boards" / "tall.png")
    film = folder / "film.yaml"
    film.write_text(FILM.format(shots=shots, extra=extra), encoding="utf-8")
    return film


def test_a_shot_starts_and_ends_exactly_on_the_authors_pictures(tmp_path):
    film = write_film(tmp_path)
    said = " ".join(run("check", film).output.split())
    assert "3 of them the author's own pictures (start:, end:)" in said
    result = run("render", film, "--no-titles")
    assert "rendered 3 shot(s)" in result.output
    project = Project.open(film)
    plan, store = project.plan(), project.store
    a, b, c = (plan.shots[shot] for shot in "abc")
    # a: its first frame is the picture, pixel for pixel; it ends on the other
    assert np.array_equal(store.first_frame(a.key), picture(128, 72, 1))
    assert np.array_equal(store.last_frame(a.key), picture(128, 72, 2))
    records = {(record.shot, record.position): record for record in store.records(KEYFRAME_KIND)}
    assert set(records) == {("a", FIRST), ("a", LAST), ("b", FIRST)}  # given, not drawn (nor drawn besides)
    assert all(record.backend == GIVEN and record.model for record in records.values())
    # b: 64x144 padded into 128x72: scaled to 32x72 (never stretched), on black either side
    first = store.first_frame(b.key).astype(int)
    assert np.array_equal(first, store.keyframe(b.keyframe_key(FIRST)))
    middle = first[:, 50:78]
    assert np.abs(middle - (250, 200, 20)).max() <= 2
    assert first[:, :46].max() <= 2 and first[:, 82:].max() <= 2  # the bars: (128 - 32) / 2 = 48 each side
    assert not np.array_equal(store.last_frame(b.key), first)  # b's pan moved on from its picture
    # c continues b as any shot does: from b's last frame
    assert np.array_equal(store.first_frame(c.key), store.last_frame(b.key))


def test_the_animatic_moves_its_camera_over_the_picture(tmp_path):
    film = write_film(tmp_path, SHOTS.replace(", end: boards/a-end.png", ""))
    run("render", film, "--no-titles")
    project = Project.open(film)
    a = project.plan().shots["a"]
    clip = project.store.clip(a.key)
    decoded = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(clip), "-f", "rawvideo", "-pix_fmt", "rgb24",
                              "pipe:"], capture_output=True, check=True).stdout
    frames = np.frombuffer(decoded, np.uint8).reshape(-1, 72, 128, 3).astype(float)
    source = picture(128, 72, 1).astype(float)
    # the last frame is the picture's middle, magnified (a push-in): compare with the middle scaled up by hand
    inner = np.asarray(Image.fromarray(picture(128, 72, 1)).resize((128, 72), Image.Resampling.BILINEAR,
                                                                   box=(11.5, 6.5, 116.5, 65.5))).astype(float)
    assert np.abs(frames[-1] - source).mean() > 40  # not the picture held still
    assert np.abs(frames[-1] - inner).mean() < np.abs(frames[-1] - source).mean() / 2


def test_the_pictures_are_keyed_by_their_bytes_not_where_they_live(tmp_path):
    film = write_film(tmp_path)
    before = {shot: planned.key for shot, planned in Project.open(film).plan().shots.items()}
    (tmp_path / "boards" / "a.png").rename(tmp_path / "boards" / "moved.png")
    film.write_text(film.read_text().replace("start: boards/a.png", "start: boards/moved.png"))
    assert {shot: planned.key for shot, planned in Project.open(film).plan().shots.items()} == before
    Image.fromarray(picture(128, 72, 3)).save(tmp_path / "boards" / "moved.png")  # a new drawing: a alone again
    after = {shot: planned.key for shot, planned in Project.open(film).plan().shots.items()}
    assert {shot for shot in before if before[shot] != after[shot]} == {"a"}
    Image.new("RGB", (64, 144), (20, 200, 250)).save(tmp_path / "boards" / "tall.png")
    changed = {shot: planned.key for shot, planned in Project.open(film).plan().shots.items()}
    assert {shot for shot in after if after[shot] != changed[shot]} == {"b", "c"}  # and c, which continues b


def test_the_board_shows_them_without_a_keyframe_stage(tmp_path):
    film = write_film(tmp_path, extra="keyframes: off\n")
    said = " ".join(run("check", film).output.split())
    assert "shots start on the author's picture" in said
    assert "drew 3 keyframe(s)" in run("board", film).output
    folder = film.with_name("film.keyframes")
    assert sorted(path.name for path in folder.glob("*.png")) == ["a.last.png", "a.png", "b.png"]
    assert np.array_equal(read_png(folder / "a.png"), picture(128, 72, 1))
    refused = run("board", film, "a", "--take", "new", code=2).output
    assert "the author's own picture" in refused


@pytest.mark.parametrize(("shot", "expected"), [
    ('{id: x, prompt: p, duration: 1s, start: boards/a.png, continues: y}',
     "has both `start:` and `continues:`"),
    ('{id: x, prompt: p, duration: 1s, end: boards/a.png, loop: true}', "has both `end:` and `loop:`"),
    ('{id: x, duration: 1s, card: "THE END", start: boards/a.png}', "has both `start:` and `card:`"),
    ('{id: x, prompt: p, duration: 1s, start: ../outside.png}', "is outside the film's folder"),
    ('{id: x, prompt: p, duration: 1s, start: boards/none.png}', "start picture of shot `x`: `boards/none.png` not found"),
    ('{id: x, prompt: p, duration: 1s, end: boards/clip.mp4}', "end picture of shot `x`: `boards/clip.mp4` is not a known"),
    ('{id: x, prompt: p, duration: 1s, start: boards/notes.txt}', ".mp4"),  # the hint lists pictures and clips
    ('{id: x, prompt: p, duration: 1s, start: boards/broken.png}', "cannot be decoded"),
    ('{id: x, prompt: p, duration: 1s, start: {file: boards/a.png, fit: stretch}}', "fit"),
])
def test_bad_pictures_are_refused_at_their_line(tmp_path, shot, expected):
    film = write_film(tmp_path, f"      - {{id: y, prompt: q, duration: 1s}}\n      - {shot}\n")
    (tmp_path / "outside.png").write_bytes((tmp_path / "boards" / "a.png").read_bytes())
    (tmp_path / "boards" / "clip.mp4").write_bytes(b"")
    (tmp_path / "boards" / "notes.txt").write_text("not a picture")
    (tmp_path / "boards" / "broken.png").write_bytes((tmp_path / "boards" / "a.png").read_bytes()[:60])
    said = " ".join(run("check", film, code=2).output.split())
    assert "film.yaml:11:" in said and expected in said
    assert "Traceback" not in said
