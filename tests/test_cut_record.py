"""The Cut: the film as delivered (its Timeline and the media made for it), saved beside the film; exports read
it and nothing else, so they make no media and always describe the film that was cut."""

from __future__ import annotations

import json
import shutil

import opentimelineio as otio

from longcut.engine.media.ffmpeg import count_packets
from longcut.engine.app.project import Project
from longcut.engine.timeline import Cut

from .cli import run
from .films import tiny_film

SHOTS_FRAMES = 24 + 18 + 12 + 36 + 24 - 6  # the tiny film's shots at 12 fps, less d's crossfade


def store_files(film) -> set:
    return {path for path in (film.parent / ".longcut").rglob("*") if path.is_file()
            and "verified" not in path.parts and "locks" not in path.parts}


def test_the_cut_is_saved_beside_the_film_and_reads_back_equal(rendered):
    record = Cut.beside(rendered.with_suffix(".mp4"))
    cut = Cut.load(record)
    assert cut.film == rendered.with_suffix(".mp4") and cut.soundtrack.is_file()
    assert all(cut.media(item).is_file() for item in cut.timeline.items)
    assert cut.timeline.total_frames == count_packets(cut.film)
    assert Cut.from_json(cut.to_json(rendered.parent), rendered.parent) == cut
    assert str(rendered.parent) not in record.read_text()  # the folder can move: paths in it are relative
    assert json.loads(record.read_text())["settings"] == {"titles": True, "loudness": -14.0, "preset": None,
                                                          "fit": "blur", "burn_subtitles": False, "watermark": None}


def test_the_export_links_the_sound_of_the_film_as_it_was_cut(rendered):
    loud = Project.open(rendered).last_cut()
    run("cut", rendered, "--loudness", "-23")
    quiet = Project.open(rendered).last_cut()
    assert quiet.soundtrack != loud.soundtrack and quiet.soundtrack.is_file()
    assert set(quiet.stems.values()).isdisjoint(loud.stems.values()) and all(p.is_file() for p in quiet.stems.values())
    run("export", rendered, "--format", "otio")
    timeline = otio.adapters.read_from_file(str(rendered.with_suffix(".otio")))
    linked = {clip.media_reference.target_url for track in timeline.audio_tracks() for clip in track
              if isinstance(clip, otio.schema.Clip)}
    assert linked and linked <= {path.as_uri() for path in quiet.stems.values()}  # the quiet cut's stems


def test_exports_make_no_media(rendered):
    shutil.rmtree(rendered.parent / ".longcut" / "pieces")  # the title and credits cards the cut made
    before = store_files(rendered)
    for fmt in ("otio", "edl", "xml", "fcpxml", "srt", "vtt"):
        result = run("export", rendered, "--format", fmt)
        assert "is no longer there" in result.stderr or fmt in ("srt", "vtt")
    assert store_files(rendered) == before


def test_an_export_before_any_cut_says_to_cut_first(tmp_path):
    film = tiny_film(tmp_path)
    result = run("export", film, "--format", "edl", code=2)
    assert "has not been cut yet" in result.stderr and "longcut cut" in result.stderr
    assert not (tmp_path / ".longcut" / "pieces").exists() and not (tmp_path / ".longcut" / "audio").exists()


def test_a_cut_to_another_file_is_exported_with_cut(rendered, tmp_path):
    draft = tmp_path / "draft.mp4"
    run("cut", rendered, "--out", draft, "--no-titles")
    run("export", rendered, "--format", "edl", "--cut", draft, "--out", tmp_path / "draft.edl")
    first = next(line for line in (tmp_path / "draft.edl").read_text().splitlines() if line.startswith("001"))
    assert " A " in first  # the draft has no title card: its first event is shot a


def test_a_new_take_is_cut_as_the_film_was_last_cut(rendered):
    run("cut", rendered, "--no-titles", "--loudness", "-23")
    assert "a made and uses take 2" in run("shot", rendered, "a", "--take", "new").output  # it says which take
    cut = Project.open(rendered).last_cut()
    assert cut.settings.titles is False and cut.settings.loudness == -23.0
    assert count_packets(rendered.with_suffix(".mp4")) == SHOTS_FRAMES
