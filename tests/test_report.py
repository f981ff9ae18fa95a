"""The continuity report, colour matching and their markers: real clips made by ffmpeg, real cuts, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import opentimelineio as otio
import pytest
from PIL import Image

from longcut.engine.analysis.measure import measure_clip
from longcut.engine.analysis.report import flash_frames, hard_cuts, stretches

from .cli import run
from .media import ffmpeg, joined_clip, small_film


def report_of(film: Path) -> dict:
    return json.loads(film.with_suffix(".continuity.json").read_text())


@pytest.fixture(scope="module")
def events(tmp_path_factory) -> Path:
    """A hard cut at frame 24, black 48..59, frozen 72..107 (a still test card), at 24 fps."""
    folder = tmp_path_factory.mktemp("events")
    return joined_clip(folder / "events.mp4", ["testsrc2=duration=1", "rgbtestsrc=duration=1", "color=c=black:duration=0.5",
                                               "testsrc2=duration=0.5", "smptebars=duration=1.5"])


def test_measured_clip_finds_cuts_black_and_frozen_at_their_frames(events, tmp_path):
    measures = measure_clip(events, "events", 320, 180, Fraction(24), tmp_path)
    assert measures.frames == 108
    assert hard_cuts(measures.change, measures.change2, measures.drift, measures.span, 30) == [24, 48, 60, 72]
    assert stretches([dark >= 0.98 for dark in measures.dark], 6) == [[48, 59]]
    assert measures.span == 12
    assert stretches([index >= 12 and drift < 0.1 for index, drift in enumerate(measures.drift)], 12) == \
        [[36, 47], [84, 107]]  # each still for its half a second before too
    assert flash_frames(measures.change, measures.change2, 30) == []
    assert measure_clip(events, "events", 320, 180, Fraction(24), tmp_path) == measures  # kept by key


def test_a_flash_frame_is_a_flash_not_two_cuts(tmp_path):
    clip = joined_clip(tmp_path / "flash.mp4", ["smptebars=duration=1", "color=c=white:duration=0.04",
                                                "smptebars=duration=1"])
    measures = measure_clip(clip, "flash", 320, 180, Fraction(24), tmp_path)
    assert flash_frames(measures.change, measures.change2, 30) == [24]
    assert hard_cuts(measures.change, measures.change2, measures.drift, measures.span, 30) == []


def test_the_report_flags_each_event_with_shot_frame_and_timecode(events, tmp_path):
    (tmp_path / "events.mp4").write_bytes(events.read_bytes())
    film = small_film(tmp_path, "      - {id: a, duration: 1s, prompt: a pier}\n"
                               "      - {id: b, footage: events.mp4, duration: 108f}")
    result = run("render", film, "--no-titles")
    assert "continuity: 7 flag(s)" in result.output
    report = report_of(film)
    shot = report["shots"][1]
    assert shot["cuts"] == [24, 48, 60, 72] and shot["black"] == [[48, 59]] and shot["frozen"] == [[24, 47], [72, 107]]
    assert report["shots"][0]["flags"] == [] and report["flagged"] == 7
    black = next(flag for flag in shot["flags"] if flag["what"] == "black")
    assert black["frame"] == 24 + 48 and black["timecode"] == "00:00:03:00" and "new take" in black["hint"]
    assert report["seams"][0]["continues"] is False and report["seams"][0]["flags"] == []  # a cut between shots
    # the CLI: text, JSON to stdout, --strict for CI
    text = run("report", film).output
    assert "00:00:02:00  cut: a hard cut inside shot `b` at its frame 24" in text and "7 flag(s)" in text
    assert json.loads(run("report", film, "--format", "json").output)["flagged"] == 7
    run("report", film, "--strict", code=1)
    # every flag is a marker on the OTIO timeline
    run("export", film, "-f", "otio")
    markers = otio.adapters.read_from_file(str(film.with_suffix(".otio"))).tracks.markers
    assert sorted(marker.marked_range.start_time.value for marker in markers) == \
        sorted(flag["frame"] for entry in report["shots"] + report["seams"] for flag in entry["flags"])
    assert {marker.name for marker in markers} == {"cut", "black", "frozen"}


def test_thresholds_are_the_films(events, tmp_path):
    (tmp_path / "events.mp4").write_bytes(events.read_bytes())
    film = small_film(tmp_path, "      - {id: b, footage: events.mp4, duration: 108f}",
                     "continuity: {cut_threshold: 200, min_black: 1s, min_frozen: 2s}\n")
    run("render", film, "--no-titles")
    assert report_of(film)["flagged"] == 0
    run("report", film, "--strict")


def test_a_colour_shift_across_a_continues_seam_is_flagged_and_colour_matching_repairs_it(tmp_path):
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24:duration=2", "-c:v", "libx264", "-pix_fmt", "yuv420p",
           str(tmp_path / "whole.mp4"))
    # the second half, warmer and brighter: a continuation whose colour drifted, as a video model's may
    ffmpeg("-ss", "1", "-i", str(tmp_path / "whole.mp4"), "-vf", "colorchannelmixer=rr=1.15:bb=0.8,eq=brightness=0.05",
           "-c:v", "libx264", "-pix_fmt", "yuv420p", str(tmp_path / "drift.mp4"))
    shots = ("      - {id: a, footage: {file: whole.mp4, out: 1s}}\n"
             "      - {id: b, footage: drift.mp4, duration: 1s, continues: a%s}")
    film = small_film(tmp_path, shots % "")
    run("render", film, "--no-titles")
    seam = report_of(film)["seams"][0]
    assert seam["continues"] and [flag["what"] for flag in seam["flags"]] == ["seam-colour"], seam
    assert seam["holds"] is False
    strip = tmp_path / seam["strip"]
    assert strip.is_file() and np.asarray(__import__("PIL.Image").Image.open(strip)).shape == (180, 640, 3)
    film.write_text(film.read_text().replace("continues: a}", "continues: a, color_match: auto}"))
    result = run("cut", film, "--no-titles")
    seam = report_of(film)["seams"][0]
    assert seam["color_match"]["delta_e_before"] > 5 > seam["delta_e"], seam
    assert seam["flags"] == [] and seam["holds"] and "nothing flagged" in result.output
    assert not (tmp_path / "film.continuity").exists()  # no flagged seam, no strips left over
    assert "graded toward a" in run("report", film).output
    graded = list((tmp_path / ".longcut" / "graded").glob("*/*.mp4"))
    assert len(graded) == 1  # the take itself is untouched; the cut plays the graded copy
    cut = json.loads(film.with_suffix(".cut.json").read_text())
    clip = cut["timeline"]["items"][1]["clip"]
    assert clip["color_match"]["toward"] == "a" and clip["path"].startswith(".longcut/graded/")


def test_color_match_names_a_shot_of_the_film(tmp_path):
    film = small_film(tmp_path, "      - {id: a, duration: 1s, prompt: x, color_match: nope}")
    result = run("check", film, code=2)
    assert "film.yaml:7:55" in result.output and "no shot `nope` to match the colour of" in result.output


def test_the_examples_have_nothing_flagged(tmp_path):
    """The short example, cut by the animatic: every continues: seam holds, nothing frozen, black or cut."""
    from .films import example_copy

    film = example_copy(tmp_path)
    run("render", film)
    report = report_of(film)
    assert report["flagged"] == 0, [flag["message"] for entry in report["shots"] + report["seams"]
                                    for flag in entry["flags"]]
    continued = [seam for seam in report["seams"] if seam["continues"]]
    assert continued and all(seam["delta_e"] < 1 and seam["ssim"] > 0.95 for seam in continued)


def test_a_trimmed_clip_is_measured_in_the_frames_the_cut_uses(events, tmp_path):
    """An editor's trim (conform) moves what the report finds: frames are counted from the clip's first frame in
    the cut, and the seam's frames are decoded where the trim puts them."""
    import dataclasses

    from longcut.engine.app.project import Project
    from longcut.engine.analysis.report import continuity_report
    from longcut.engine.timeline import Cut

    (tmp_path / "events.mp4").write_bytes(events.read_bytes())
    film = small_film(tmp_path, "      - {id: a, duration: 1s, prompt: a pier}\n"
                               "      - {id: b, footage: events.mp4, duration: 108f}")
    run("render", film, "--no-titles")
    cut = Cut.load(film.with_suffix(".cut.json"))
    first, second = cut.timeline.clips
    trimmed = dataclasses.replace(second, source_in=30, frames=78)
    timeline = dataclasses.replace(cut.timeline, items=[first, trimmed])
    project = Project.open(film)
    report = continuity_report(timeline, project.screenplay.film.continuity, project.store)
    shot = report.shots[1]
    assert shot["cuts"] == [18, 30, 42] and shot["black"] == [[18, 29]] and shot["frozen"] == [[42, 77]]
    untrimmed = continuity_report(cut.timeline, project.screenplay.film.continuity, project.store)
    assert report.seams[0]["ssim"] != untrimmed.seams[0]["ssim"]  # another frame meets the cut


def test_a_cut_reads_its_seams_from_the_edges_kept_when_the_takes_were_made(tmp_path, monkeypatch):
    """The seams' frames are kept small and raw as each take is made (and a graded copy's when first read), so the
    report decodes no PNG; and they are the very pictures the takes' PNGs give."""
    import shutil

    from longcut.engine.analysis.report import continuity_report
    from longcut.engine.app.project import Project
    from longcut.engine.store import TakeStore
    from longcut.engine.timeline import Cut

    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24:duration=2", "-c:v", "libx264", "-pix_fmt", "yuv420p",
           str(tmp_path / "whole.mp4"))
    shots = ("      - {id: a, footage: {file: whole.mp4, out: 1s}}\n"
             "      - {id: b, footage: {file: whole.mp4, in: 1s}, duration: 1s, continues: a, color_match: auto}\n"
             "      - {id: c, prompt: the sea, duration: 1s}")
    film = small_film(tmp_path, shots)
    run("render", film, "--no-titles")
    project = Project.open(film)
    timeline = Cut.load(Cut.beside(film.with_suffix(".mp4"))).timeline
    edges = tmp_path / ".longcut" / "measures" / "edges"
    assert len(list(edges.glob("*/*.rgb"))) >= 6  # first and last of each of the three takes, and the grade's

    def no_png(self, key):
        raise AssertionError("a PNG was decoded for a seam")

    with monkeypatch.context() as patched:
        patched.setattr(TakeStore, "first_frame", no_png)
        patched.setattr(TakeStore, "last_frame", no_png)
        kept = continuity_report(timeline, project.screenplay.film.continuity, project.store).seams
    shutil.rmtree(edges)
    decoded = continuity_report(timeline, project.screenplay.film.continuity, project.store).seams
    assert [(seam["delta_e"], seam["ssim"]) for seam in kept] == [(seam["delta_e"], seam["ssim"]) for seam in decoded]
    assert "color_match" in kept[0]  # the graded seam is among them


def test_a_kept_edge_frame_is_read_as_an_untrusted_file(tmp_path):
    """A store is untrusted: a FIFO where an edge frame should be is not waited on, a short file is not used."""
    import os

    from longcut.engine.analysis.measure import edge_path, keep_edge, kept_edge

    keep_edge(tmp_path, "kept", False, np.full((180, 320, 3), 7, np.uint8))
    assert (kept_edge(tmp_path, "kept", False, (320, 180)) == 7).all()
    fifo = edge_path(tmp_path, "fifo", True, (320, 180))
    fifo.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(fifo)
    assert kept_edge(tmp_path, "fifo", True, (320, 180)) is None
    short = edge_path(tmp_path, "short", True, (320, 180))
    short.parent.mkdir(parents=True, exist_ok=True)
    short.write_bytes(b"not a picture")
    assert kept_edge(tmp_path, "short", True, (320, 180)) is None


def test_the_seam_distance_is_scikit_images_and_loads_no_scipy(tmp_path):
    """CIEDE2000 and SSIM in numpy (engine.analysis.seam) give scikit-image's numbers: on photographs (scikit-image's
    own test pictures) against a darker, a warmer and a shifted copy of themselves and each other; on noise; on
    greys, where hue is undefined, and saturated blues, where CIEDE2000's rotation term acts; and a cut's process
    that measures a seam loads no SciPy."""
    from skimage import data
    from skimage.color import deltaE_ciede2000, rgb2gray, rgb2lab
    from skimage.metrics import structural_similarity

    from longcut.engine.analysis.seam import seam_distance

    def reference(a, b):
        return (float(deltaE_ciede2000(rgb2lab(a / 255.0), rgb2lab(b / 255.0)).mean()),
                float(structural_similarity(rgb2gray(a), rgb2gray(b), data_range=1.0)))

    def small(picture):
        return np.asarray(Image.fromarray(picture).resize((320, 180), Image.Resampling.BOX))

    astronaut, coffee = small(data.astronaut()), small(data.coffee())
    warmer = np.clip(astronaut * np.array([1.15, 1.0, 0.85]), 0, 255).astype(np.uint8)
    rng = np.random.default_rng(5)
    noise = rng.integers(0, 256, (180, 320, 3), dtype=np.uint8)
    grey = np.full((180, 320, 3), 128, np.uint8)
    blue = np.zeros((180, 320, 3), np.uint8)
    blue[..., 2] = rng.integers(120, 256, (180, 320))
    pairs = [(astronaut, (astronaut * 0.7).astype(np.uint8)), (astronaut, warmer),
             (astronaut, np.roll(astronaut, 9, axis=1)), (astronaut, coffee), (noise, astronaut), (grey, grey),
             (grey, blue), (blue, np.roll(blue, 1, axis=0))]
    for a, b in pairs:
        delta_e, ssim = seam_distance(a, b)
        expected_delta_e, expected_ssim = reference(a, b)
        assert delta_e == pytest.approx(expected_delta_e, rel=1e-12, abs=1e-12)
        assert ssim == pytest.approx(expected_ssim, rel=1e-9, abs=1e-12)
    asked = ("import sys, numpy as np; from longcut.engine.analysis.report import kept_seam_distance; "
             "a = np.zeros((180, 320, 3), np.uint8); "
             "kept_seam_distance(sys.argv[1], a, a + 9); print('scipy' in sys.modules, 'skimage' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", asked, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False"]


def test_a_seam_is_measured_once_and_its_kept_numbers_are_read_as_untrusted(tmp_path, monkeypatch):
    """A cut again after one shot changed measures only the seams that changed: a seam's numbers are kept by its two
    pictures' bytes; a damaged or foreign kept file (a store is untrusted) is measured again, never believed."""
    import longcut.engine.analysis.report as report

    rng = np.random.default_rng(3)
    a, b = (rng.integers(0, 256, (90, 160, 3), dtype=np.uint8) for _ in range(2))
    measured = report.kept_seam_distance(tmp_path, a, b)
    assert measured == report.seam_distance(a, b)
    kept = list((tmp_path / "measures" / "seams").glob("*/*.json"))
    assert len(kept) == 1

    def measuring(*_):
        raise AssertionError("a kept seam was measured again")

    with monkeypatch.context() as patched:
        patched.setattr(report, "seam_distance", measuring)
        assert report.kept_seam_distance(tmp_path, a, b) == measured
    assert report.kept_seam_distance(tmp_path, a, a)[1] == pytest.approx(1.0)  # another pair: its own numbers
    for damage in (b"{not json", b'{"delta_e": "x"}', b"[" * 300):
        kept[0].write_bytes(damage)
        assert report.kept_seam_distance(tmp_path, a, b) == measured
