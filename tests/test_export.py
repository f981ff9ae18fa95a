"""Exports read back by OpenTimelineIO and an independent CMX 3600 parser, matched against the Timeline frame by frame."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pycmx
import pytest

from longcut.engine.editor.timeline import build_timeline
from longcut.engine.timeline import Clip
from longcut.engine.export.common import centred_events, reel_names
from longcut.storyboard.units import format_timecode as timecode
from longcut.storyboard.units import timecode_frames
from longcut.engine.media.ffmpeg import probe_frames
from longcut.engine.app.project import Project

from .cli import run
from .films import TINY, tiny_film

GOLDEN = Path(__file__).parent / "golden"
FILM_24 = TINY.replace("fps: 12", "fps: 24").replace("scenes:\n", (
    "music:\n  - {id: theme, generate: {mood: calm, key: D minor, bpm: 70}, from: one, to: two, fade_out: 1s}\n"
    "  - {id: storm, generate: {mood: tense, key: C minor, bpm: 110}, from: two}\nscenes:\n"), 1)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export")
    film = tiny_film(folder, text=FILM_24)
    run("render", film)
    for fmt in ("otio", "edl", "xml", "fcpxml", "srt", "vtt"):
        run("export", film, "--format", fmt)
    cut = Project.open(film).last_cut()
    return film, cut.timeline, cut


def frames_of(code: str, rate: int = 24, start: int = 24 * 3600) -> int:
    hh, mm, ss, ff = (int(part) for part in re.split("[:;]", code))
    return ((hh * 60 + mm) * 60 + ss) * rate + ff - start


def test_otio_reads_back_as_the_film(exported):
    film, timeline, cut = exported
    read = otio.adapters.read_from_file(str(film.with_suffix(".otio")))
    track = read.video_tracks()[0]
    events = centred_events(cut)
    clips = [(index, child) for index, child in enumerate(track) if isinstance(child, otio.schema.Clip)]
    assert [child.name for _, child in clips] == [event.name for event in events]
    for (index, child), event in zip(clips, events):
        placed = track.range_of_child_at_index(index)
        assert (placed.start_time.value, placed.duration.value) == (event.record_in, event.record_out - event.record_in)
        assert Path(child.media_reference.target_url.removeprefix("file://")).is_file()
    transitions = [child for child in track if isinstance(child, otio.schema.Transition)]
    assert [(t.in_offset.value + t.out_offset.value) for t in transitions] == [12]  # the 0.5 s crossfade into d
    assert track.duration().value == timeline.total_frames == probe_frames(film.with_suffix(".mp4"))
    d = next(child for _, child in clips if child.name == "d")
    assert d.metadata["longcut"]["shot"] == "d" and d.metadata["longcut"]["key"] and d.metadata["longcut"]["seed"]
    assert read.global_start_time.value == 24 * 3600
    assert [track.name for track in read.audio_tracks()] == ["A1 dialogue", "A2 music"]  # the stems, a track each
    dialogue, music = read.audio_tracks()
    cues = [child for child in music if isinstance(child, otio.schema.Clip)]
    assert [cue.name for cue in cues] == ["theme", "storm"]
    assert cues[0].source_range.start_time.value == timeline.music[0].start
    assert cues[0].media_reference.target_url.endswith("music.wav")
    line = next(child for child in dialogue if isinstance(child, otio.schema.Clip))
    assert line.name == "b Ada" and line.metadata["longcut"]["line"] == "Still standing."
    assert dialogue.range_of_child_at_index(list(dialogue).index(line)).start_time.value == timeline.speech[0].start


def test_the_edl_has_the_films_events_to_the_frame(exported):
    film, timeline, cut = exported
    with open(film.with_suffix(".edl")) as handle:
        edl = pycmx.parse_cmx3600(handle)
    edits = [edit for event in edl.events for edit in event.edits if edit.record_in != edit.record_out]
    items = timeline.items
    assert len(edits) == len(items)
    for index, (edit, item) in enumerate(zip(edits, items)):
        following = items[index + 1] if index + 1 < len(items) else None
        seen_until = following.record_in if following and following.record_in < item.record_out else item.record_out
        assert (frames_of(edit.record_in), frames_of(edit.record_out)) == (item.record_in, seen_until)
        if isinstance(item, Clip) and item.shot_id == "d":
            assert edit.transition.kind == pycmx.Transition.Dissolve and edit.transition.effect_duration == 12
    reels = [edit.source for edit in edits]
    assert len(set(reels)) == len(reels) and all(len(reel) <= 8 for reel in reels)
    # the dissolve's event: its first line is the outgoing clip's, its second the incoming one's
    assert "* FROM CLIP NAME: c\n* TO CLIP NAME: d\n" in film.with_suffix(".edl").read_text()


def test_opentimelineio_reads_the_edl_and_the_xml_with_the_same_cuts(exported):
    film, timeline, cut = exported
    expected = [(event.name, event.record_in) for event in centred_events(cut)]
    from_xml = otio.adapters.read_from_file(str(film.with_suffix(".xml")), adapter_name="fcp_xml").video_tracks()[0]
    placed = [(child.name, from_xml.range_of_child_at_index(index).start_time.value)
              for index, child in enumerate(from_xml) if isinstance(child, otio.schema.Clip)]
    assert placed == expected
    from_edl = otio.adapters.read_from_file(str(film.with_suffix(".edl")), adapter_name="cmx_3600", rate=24)
    track = from_edl.video_tracks()[0]
    names = [child.name for child in track if isinstance(child, otio.schema.Clip)]
    assert names == [event.name for event in centred_events(cut)]
    dissolve = next(child for child in track if isinstance(child, otio.schema.Transition))
    assert dissolve.in_offset.value + dissolve.out_offset.value == 12


def test_final_cut_reads_the_fcpxml_with_the_same_cuts(exported):
    import xml.etree.ElementTree as ElementTree

    from longcut.engine.export.fcpx import _time

    film, timeline, cut = exported
    expected = [(event.name, event.record_in) for event in centred_events(cut)]
    read = otio.adapters.read_from_file(str(film.with_suffix(".fcpxml")), adapter_name="fcpx_xml")
    read = read if isinstance(read, otio.schema.Timeline) else read[0]
    track = read.video_tracks()[0]
    placed = [(child.name, track.range_of_child_at_index(index).start_time.value)
              for index, child in enumerate(track) if isinstance(child, otio.schema.Clip)]
    assert placed == expected
    # the adapter's reader does not keep transitions; the file does, centred on the cut into d
    transition = ElementTree.parse(film.with_suffix(".fcpxml")).getroot().find(".//spine/transition")
    d = next(event for event in centred_events(cut) if event.name == "d")
    assert transition.get("offset") == _time(d.record_in - 6, Fraction(24)) and transition.get("duration") == "1/2s"
    assert _time(24, Fraction(24000, 1001)) == "1001/1000s"  # exact at 23.976


def test_subtitles_are_timed_on_the_cut(exported):
    film, timeline, _ = exported
    srt = film.with_suffix(".srt").read_text()
    b = next(clip for clip in timeline.clips if clip.shot_id == "b")
    seconds = b.record_in / 24
    assert f"00:00:{int(seconds):02d},{round((seconds % 1) * 1000):03d} -->" in srt


def normalised(text: str) -> str:
    """Export text without what changes from run to run: keys (they follow the encoder) and the test's folder."""
    text = re.sub(r"(takes|pieces|audio)/([0-9a-f]{2}/)?[0-9a-f]{64}", r"\1/<key>", text)
    text = re.sub(r"file://[^\"<]*?/(takes|pieces|audio)/", r"file://<store>/\1/", text)
    text = re.sub(r"KEY [0-9a-f]{12}", "KEY <key>", text)
    text = re.sub(r'"key": "[0-9a-f]{64}"', '"key": "<key>"', text)
    text = re.sub(r"[0-9a-f]{64}", "<key>", text)
    return re.sub(r"file-[0-9a-f]{12}", "file-<id>", text)


@pytest.mark.parametrize("fmt", ["edl", "audio.edl", "otio", "xml", "fcpxml", "srt", "vtt"])
def test_every_export_matches_its_golden_file(exported, fmt):
    film, _, _ = exported
    text = normalised(film.with_suffix(f".{fmt}").read_text())
    golden = GOLDEN / f"tiny.{fmt}"
    if not golden.exists():  # a new format: its golden file is written once, to be read and committed
        golden.write_text(text)
        pytest.fail(f"wrote {golden}: read it, then commit it")
    assert text == golden.read_text()


def test_drop_frame_timecode_only_at_29_97():
    ntsc = Fraction(30000, 1001)
    assert timecode(1800, ntsc) == "00:01:00;02" and timecode(17982, ntsc) == "00:10:00;00"
    assert timecode(1800, Fraction(24000, 1001)) == "00:01:15:00"


def test_reel_names_are_unique_and_short():
    names = reel_names(["arrival-1", "arrival-10", "arrival 1", "", "storm"])
    assert len(set(names)) == 5 and all(len(name) <= 8 and name.isalnum() for name in names)


def test_an_unknown_format_is_refused(exported):
    film, _, _ = exported
    result = run("export", film, "--format", "aaf", code=2)
    assert "unknown export format" in result.stderr


def test_a_round_trip_through_an_editor_conforms_without_rendering(exported, tmp_path):
    film, timeline, cut = exported
    edited = otio.adapters.read_from_file(str(film.with_suffix(".otio")))
    track = edited.video_tracks()[0]
    clips = {child.name: child for child in track if isinstance(child, otio.schema.Clip)}

    def trim(name, head, tail):
        source = clips[name].source_range
        clips[name].source_range = otio.opentime.TimeRange(
            source.start_time + otio.opentime.RationalTime(head, 24),
            source.duration - otio.opentime.RationalTime(head + tail, 24))

    trim("a", 6, 4)  # trim two shots
    trim("e", 0, 10)
    order = list(track)
    swap = [index for index, child in enumerate(order) if getattr(child, "name", "") in ("a", "b")]
    order[swap[0]], order[swap[1]] = order[swap[1]], order[swap[0]]  # swap two
    del track[:]
    for child in order:
        track.append(child)
    path = tmp_path / "edited.otio"
    otio.adapters.write_to_file(edited, str(path))

    result = run("conform", film, path)
    assert "conformed 5 shots" in result.stdout and "2 trimmed" in result.stdout
    cut = run("cut", film)
    assert "rendered" not in cut.stdout  # nothing re-rendered, only cut again
    project = Project.open(film)
    after = project.last_cut().timeline
    assert [clip.shot_id for clip in after.clips] == ["b", "a", "c", "d", "e"]
    expected = [(child.name, track.range_of_child_at_index(index).start_time.value)
                for index, child in enumerate(track) if isinstance(child, otio.schema.Clip)]
    assert [(event.name, event.record_in) for event in centred_events(project.last_cut())] == expected
    assert probe_frames(film.with_suffix(".mp4")) == after.total_frames == track.duration().value


def test_what_cannot_be_mapped_is_listed(exported, tmp_path):
    film, _, _ = exported
    edited = otio.adapters.read_from_file(str(film.with_suffix(".otio")))
    track = edited.video_tracks()[0]
    track.append(otio.schema.Clip(name="stock-footage", source_range=otio.opentime.TimeRange(
        otio.opentime.RationalTime(0, 24), otio.opentime.RationalTime(24, 24))))
    path = tmp_path / "edited.otio"
    otio.adapters.write_to_file(edited, str(path))
    result = run("conform", film, path)
    assert "not mapped: clip `stock-footage` at record 01:00:19:00: not a shot of this film" in result.stdout


@pytest.mark.parametrize("fmt", ["edl", "xml", "otio"])
def test_an_untouched_export_conforms_to_the_same_cut(exported, fmt):
    film, timeline, cut = exported  # exported before any edit: the cut as longcut made it
    result = run("conform", film, film.with_suffix(f".{fmt}"))
    assert "conformed 5 shots" in result.stdout and "0 trimmed" in result.stdout
    project = Project.open(film)
    after = build_timeline(project.plan(), project.store)
    assert [(clip.shot_id, clip.record_in, clip.frames) for clip in after.clips] == \
        [(clip.shot_id, clip.record_in, clip.frames) for clip in timeline.clips]


@pytest.mark.parametrize("example", ["short", "long"])
def test_both_examples_export_and_read_back(tmp_path, example):
    from .films import example_copy

    film = example_copy(tmp_path, example)
    run("render", film, "--size", "128x72", "--no-titles")
    draft = film.with_suffix(".128x72.mp4")  # a draft at another size goes to its own file
    cut = Project.open(film).last_cut(draft)
    timeline = cut.timeline
    expected = [(event.name, event.record_in) for event in centred_events(cut)]
    for fmt, adapter in (("otio", "otio_json"), ("xml", "fcp_xml"), ("fcpxml", "fcpx_xml")):
        run("export", film, "--format", fmt, "--cut", draft)
        read = otio.adapters.read_from_file(str(film.with_suffix(f".{fmt}")), adapter_name=adapter)
        track = (read if isinstance(read, otio.schema.Timeline) else read[0]).video_tracks()[0]
        assert [(child.name, track.range_of_child_at_index(index).start_time.value)
                for index, child in enumerate(track) if isinstance(child, otio.schema.Clip)] == expected
    run("export", film, "--format", "edl", "--cut", draft)
    with open(film.with_suffix(".edl")) as handle:
        edits = [edit for event in pycmx.parse_cmx3600(handle).events for edit in event.edits
                 if edit.record_in != edit.record_out]
    assert [frames_of(edit.record_in) for edit in edits] == [item.record_in for item in timeline.items]
    overlaps = [item.transition.frames for index, item in enumerate(timeline.items)
                if index and timeline.items[index - 1].record_out > item.record_in]
    dissolves = [edit.transition.effect_duration for edit in edits
                 if edit.transition.kind in (pycmx.Transition.Dissolve, pycmx.Transition.Wipe)]
    assert dissolves == overlaps and overlaps  # every overlap is a dissolve of its length, to the frame
    for fmt in ("srt", "vtt"):
        run("export", film, "--format", fmt, "--cut", draft)
        assert film.with_suffix(f".{fmt}").read_text().count("-->") == len(timeline.subtitles)
    from .test_timed_text import assert_timed_text

    assert_timed_text(timeline.subtitles, timeline.fps, timeline.total_frames)  # the silent cut's subtitles


WIPE_FILM = FILM_24.replace("transition: {type: crossfade, duration: 0.5s}", "transition: {type: wipe, duration: 0.5s, "
                            "direction: right}")


def test_a_wipe_reads_back_with_its_source_and_both_clip_names(tmp_path):
    film = tiny_film(tmp_path, text=WIPE_FILM)
    run("render", film, "--no-titles")
    run("export", film, "--format", "edl")
    text = film.with_suffix(".edl").read_text()
    line = next(line for line in text.splitlines() if " W002 " in line)
    assert re.match(r"^\d{3}  D        V     W002 012 \d\d:", line), line  # the CMX columns, as for a dissolve
    assert "* FROM CLIP NAME: c\n* TO CLIP NAME: d\n" in text
    with open(film.with_suffix(".edl")) as handle:
        event = next(event for event in pycmx.parse_cmx3600(handle).events if len(event.edits) == 2)
    outgoing, incoming = event.edits
    assert (outgoing.source, incoming.source) == ("C", "D")
    assert incoming.transition.kind == pycmx.Transition.Wipe and incoming.transition.effect_duration == 12
    assert (outgoing.clip_name, incoming.clip_name) == ("c", "d")
    track = otio.adapters.read_from_file(str(film.with_suffix(".edl")), adapter_name="cmx_3600",
                                         rate=24).video_tracks()[0]
    assert [child.name for child in track if isinstance(child, otio.schema.Clip)] == ["a", "b", "c", "d", "e"]


def test_the_start_timecode_wraps_at_midnight_as_editing_suites_do(exported, tmp_path):
    film, timeline, _ = exported
    target = tmp_path / "late.edl"
    run("export", film, "--format", "edl", "--start", "23:59:59:23", "--out", target)
    first = next(line for line in target.read_text().splitlines() if line.startswith("001"))
    assert first.split()[-2:] == ["23:59:59:23", "00:00:03:23"]  # the 4 s title card runs past midnight


def test_at_29_97_the_start_is_read_and_written_drop_frame(tmp_path):
    film = tiny_film(tmp_path, text=TINY.replace("fps: 12", "fps: 29.97"))
    run("render", film, "--no-titles")
    for fmt in ("edl", "xml"):
        run("export", film, "--format", fmt, "--start", "01:00:00:00")
    edl = film.with_suffix(".edl").read_text()
    assert "FCM: DROP FRAME" in edl
    first = next(line for line in edl.splitlines() if line.startswith("001"))
    assert first.split()[-2] == "01:00:00;00"  # not 01:00:03;18, 3.6 s late
    xml = film.with_suffix(".xml").read_text()
    assert "<string>01:00:00;00</string>" in xml and "<displayformat>DF</displayformat>" in xml
    read = otio.adapters.read_from_file(str(film.with_suffix(".edl")), adapter_name="cmx_3600", rate=30000 / 1001)
    first_clip = next(child for child in read.video_tracks()[0] if isinstance(child, otio.schema.Clip))
    assert first_clip.name == "a"


def test_an_edit_list_from_another_tool_names_every_clip_it_could_not_map(exported, tmp_path):
    film, _, _ = exported
    foreign = tmp_path / "other_tool.edl"
    foreign.write_text("TITLE: OTHER\nFCM: NON-DROP FRAME\n\n"
                       "001  TAPE01   V     C        00:00:10:00 00:00:12:00 01:00:00:00 01:00:02:00\n"
                       "* FROM CLIP NAME: beach.mov\n\n"
                       "002  TAPE02   V     C        00:00:20:00 00:00:21:00 01:00:02:00 01:00:03:00\n"
                       "* FROM CLIP NAME: sunset.mov\n")
    result = run("conform", film, foreign, code=2)
    assert "no clip of `other_tool.edl` is a shot of this film" in result.stderr
    assert "clip `beach.mov` (reel TAPE01) at record 01:00:00:00" in result.stderr
    assert "clip `sunset.mov` (reel TAPE02) at record 01:00:02:00" in result.stderr


def test_a_trim_past_the_end_of_a_take_is_said(exported, tmp_path):
    film, _, _ = exported
    edited = otio.adapters.read_from_file(str(film.with_suffix(".otio")))
    clip = next(child for child in edited.video_tracks()[0] if getattr(child, "name", "") == "e")
    clip.source_range = otio.opentime.TimeRange(clip.source_range.start_time,
                                                clip.source_range.duration + otio.opentime.RationalTime(30, 24))
    path = tmp_path / "longer.otio"
    otio.adapters.write_to_file(edited, str(path))
    result = run("conform", film, path)
    assert "not mapped: clip `e`: frames 0-78 reach past its take's 48 frames" in result.stdout
    run("conform", film, film.with_suffix(".otio"))  # back to the cut as longcut made it, for the other tests


@pytest.mark.parametrize("rate, drop", [("23.976", False), ("25", False), ("29.97", True), ("30", False)])
def test_exports_at_every_broadcast_rate_read_back_to_the_frame(tmp_path, rate, drop):
    film = tiny_film(tmp_path, text=TINY.replace("fps: 12", f"fps: {rate}").replace("size: 128x72", "size: 64x64"))
    run("render", film, "--no-titles")
    cut = Project.open(film).last_cut()
    fps = cut.timeline.fps
    expected = [(event.name, event.record_in) for event in centred_events(cut)]
    for fmt, adapter in (("otio", "otio_json"), ("xml", "fcp_xml")):
        run("export", film, "--format", fmt, "--start", "01:00:00:00")
        track = otio.adapters.read_from_file(str(film.with_suffix(f".{fmt}")), adapter_name=adapter).video_tracks()[0]
        assert [(child.name, track.range_of_child_at_index(index).start_time.value)
                for index, child in enumerate(track) if isinstance(child, otio.schema.Clip)] == expected
    # the fcpx adapter reads 1001/30000s frames as 29 fps (its own rounding), so the times are read here, exactly
    import xml.etree.ElementTree as ElementTree

    from longcut.engine.export.fcpx import _time

    run("export", film, "--format", "fcpxml", "--start", "01:00:00:00")
    spine = ElementTree.parse(film.with_suffix(".fcpxml")).find(".//spine")
    assert [(clip.get("name"), clip.get("offset")) for clip in spine.iter("asset-clip")] == \
        [(name, _time(record_in, fps)) for name, record_in in expected]
    assert otio.adapters.read_from_file(str(film.with_suffix(".fcpxml")), adapter_name="fcpx_xml") is not None
    run("export", film, "--format", "edl", "--start", "01:00:00:00")
    edl = film.with_suffix(".edl").read_text()
    assert ("FCM: DROP FRAME" in edl) is drop
    with open(film.with_suffix(".edl")) as handle:
        edits = [edit for event in pycmx.parse_cmx3600(handle).events for edit in event.edits
                 if edit.record_in != edit.record_out]
    hour = timecode_frames("01:00:00:00", fps)
    assert [timecode_frames(edit.record_in, fps) - hour for edit in edits] == [item.record_in for item in cut.timeline.items]
    golden = GOLDEN / f"tiny-{rate}.edl"
    text = normalised(edl)
    if not golden.exists():  # written once, read, then committed
        golden.write_text(text)
        pytest.fail(f"wrote {golden}: read it, then commit it")
    assert text == golden.read_text()
