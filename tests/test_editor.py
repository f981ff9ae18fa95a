"""The editor end to end: real takes, real ffmpeg; every cut frame-exact, every transition at its frame."""

from __future__ import annotations

import json
import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from longcut.engine.editor.audio import measure_loudness
from longcut.engine.editor.pieces import piece_paths, pieces_to_make, plan_pieces
from longcut.engine.editor.subtitles import BurnIn
from longcut.engine.editor.timeline import SubtitleCue, Timeline, build_timeline
from longcut.engine.media.ffmpeg import (Encoder, Stretch, decode_frames, ffmpeg_exe, gop_frames, input_flags, probe_frames, timescale,
                           write_concat_listing)
from longcut.engine.app.project import Project

from .cli import run
from .films import TINY, tiny_film

# the tiny film: a 24, b 18, c 12, d 36 (enters with a 6-frame crossfade), e 24; at 12 fps
RUNNING = 24 + 18 + 12 + 36 + 24 - 6


def streams(path: Path) -> dict:
    """Duration of each stream, read by ffmpeg itself."""
    probe = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True)
    return {"video": "Video:" in probe.stderr, "audio": "Audio:" in probe.stderr, "text": probe.stderr}


def audio_seconds(path: Path) -> float:
    result = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path), "-map", "0:a:0", "-f", "s16le", "-ac", "1",
                             "-ar", "48000", "-"], capture_output=True)
    return len(result.stdout) / 2 / 48000


# the editor's own path: takes copied where they can be, so no captions over them (test_render draws them)
PLAIN = TINY.replace("max_seconds: MAX", "max_seconds: MAX, captions: false")
MUSIC = PLAIN.replace("scenes:\n", "music:\n  - {id: theme, generate: {mood: calm, key: D minor, bpm: 70}, from: one, "
                     "gain: -16dB, fade_in: 1s, fade_out: 2s}\nscenes:\n", 1)


@pytest.fixture(scope="module")
def cut_film(tmp_path_factory):
    film = tiny_film(tmp_path_factory.mktemp("cut"), text=MUSIC)
    run("render", film)  # render ends with the cut
    return film


def test_render_ends_with_a_frame_exact_cut(cut_film):
    project = Project.open(cut_film)
    timeline = build_timeline(project.plan(), project.store)
    film = cut_film.with_suffix(".mp4")
    assert timeline.total_frames == 48 + RUNNING + 72  # title card, the shots, the credits
    assert probe_frames(film) == timeline.total_frames
    assert abs(audio_seconds(film) - timeline.total_frames / 12) <= 1 / 12


def test_the_cut_shows_each_shot_where_the_timeline_puts_it(cut_film):
    project = Project.open(cut_film)
    timeline = build_timeline(project.plan(), project.store)
    frames = list(decode_frames(cut_film.with_suffix(".mp4"), 128, 72))
    for clip in timeline.clips:
        takes = list(decode_frames(clip.path, 128, 72))
        # a frame well inside each clip's untouched stretch is that take's frame (copied, not re-encoded)
        middle = clip.frames // 4 if clip.shot_id != "d" else 20  # d re-encodes up to its first keyframe, 12
        assert np.array_equal(frames[clip.record_in + middle], takes[middle]), clip.shot_id
    d = next(clip for clip in timeline.clips if clip.shot_id == "d")
    c_takes = list(decode_frames(timeline.clips[2].path, 128, 72))
    d_takes = list(decode_frames(d.path, 128, 72))
    # the crossfade into d: its 6 frames mix c's last 6 and d's first 6
    for offset in range(1, 5):
        mixed = frames[d.record_in + offset].astype(float)
        c_frame, d_frame = c_takes[12 - 6 + offset].astype(float), d_takes[offset].astype(float)
        assert np.abs(mixed - c_frame).mean() > 0.5 and np.abs(mixed - d_frame).mean() > 0.5
        weight = offset / 6
        assert np.abs(mixed - (c_frame * (1 - weight) + d_frame * weight)).mean() < 4


def test_loudness_is_on_target(cut_film):
    assert abs(measure_loudness(cut_film.with_suffix(".mp4")) - -14.0) <= 1.0


def test_subtitles_are_written_beside_the_film(cut_film):
    srt = cut_film.with_suffix(".srt").read_text()
    vtt = cut_film.with_suffix(".vtt").read_text()
    assert "ADA: Still standing." in srt
    assert "<v Ada>Still standing.</v>" in vtt
    assert "00:00:06,000 -->" in srt  # b starts after the 4 s title and a's 2 s


def test_provenance_tags(cut_film):
    text = streams(cut_film.with_suffix(".mp4"))["text"]
    assert "ai_generated" in text and "longcut" in text and "animatic" in text


def test_one_changed_shot_redoes_only_its_pieces(cut_film, tmp_path):
    project = Project.open(cut_film)
    before = {piece.cache_key(build_timeline(project.plan(), project.store)) for piece in
              plan_pieces(build_timeline(project.plan(), project.store))}
    cut_film.write_text(cut_film.read_text().replace("@jun runs up", "@jun runs up the path"))
    result = run("render", cut_film)
    assert "rendered 1 shot(s)" in result.stdout
    project = Project.open(cut_film)
    timeline = build_timeline(project.plan(), project.store)
    after = [piece.cache_key(timeline) for piece in plan_pieces(timeline)]
    changed = [piece for piece, key in zip(plan_pieces(timeline), after) if key not in before]
    assert {piece.span.key for piece in changed} <= {project.plan().shots["c"].key, project.plan().shots["d"].key}
    assert "sound reused" in result.stdout
    assert probe_frames(cut_film.with_suffix(".mp4")) == timeline.total_frames


@pytest.mark.parametrize("kind", ["crossfade", "fade-black", "fade-white", "wipe", "dip"])
def test_every_transition_is_frame_exact(tmp_path, kind):
    text = PLAIN.replace("transition: {type: crossfade, duration: 0.5s}",
                        "transition: {type: " + kind + ", duration: 0.5s, color: red}" if kind == "dip" else
                        "transition: {type: " + kind + ", duration: 0.5s}")
    film = tiny_film(tmp_path, text=text)
    run("render", film, "--no-titles")
    assert probe_frames(film.with_suffix(".mp4")) == RUNNING
    frames = list(decode_frames(film.with_suffix(".mp4"), 128, 72))
    d_in = 24 + 18 + 12 - 6
    middle = frames[d_in + 3].astype(int)
    if kind == "fade-black":
        assert middle.mean() < frames[d_in - 1].mean() and middle.mean() < frames[d_in + 7].mean()
    if kind == "fade-white":
        assert middle.mean() > frames[d_in - 1].mean() and middle.mean() > frames[d_in + 7].mean()
    if kind == "dip":
        red = middle[..., 0].mean() - middle[..., 2].mean()
        assert red > 60, red


def test_titles_off_and_a_vertical_delivery(tmp_path):
    film = tiny_film(tmp_path, text=MUSIC)
    run("render", film, "--no-titles")
    out = tmp_path / "vertical.mp4"
    run("cut", film, "--preset", "vertical", "--fit", "crop", "--out", out, "--no-titles", "--burn-subtitles")
    assert probe_frames(out) == RUNNING
    assert "1080x1920" in streams(out)["text"]


def test_a_cut_before_rendering_says_what_is_missing(tmp_path):
    film = tiny_film(tmp_path)
    result = run("cut", film, code=2)
    assert "5 shot(s) have no take" in result.stderr and "longcut render" in result.stderr


def test_hostile_dialogue_is_harmless(tmp_path):
    nasty = "It's 50%: \\ 'quoted' \"x\" %{pts} ; [out] , -> <b> \\n:"
    text = MUSIC.replace('"Still standing."', json.dumps(nasty))  # a JSON string is a YAML string
    film = tiny_film(tmp_path, text=text)
    run("render", film, "--no-titles")
    run("cut", film, "--no-titles", "--burn-subtitles", "--out", tmp_path / "burned.mp4")
    assert probe_frames(tmp_path / "burned.mp4") == RUNNING
    vtt = film.with_suffix(".vtt").read_text()
    assert "&lt;b&gt;" in vtt and "%{pts}" in vtt


def test_a_signed_film_carries_content_credentials(cut_film, tmp_path):
    c2pa = pytest.importorskip("c2pa")
    from .certs import make_signing_certificate

    chain, key = make_signing_certificate(tmp_path)
    out = tmp_path / "signed.mp4"
    run("cut", cut_film, "--out", out, "--sign", chain, key)
    report = json.loads(c2pa.Reader(str(out)).json())
    manifest = report["manifests"][report["active_manifest"]]
    actions = next(a for a in manifest["assertions"] if a["label"].startswith("c2pa.actions"))["data"]["actions"]
    assert actions[0]["digitalSourceType"].endswith("trainedAlgorithmicMedia")
    assert report["validation_state"] in ("Valid", "Trusted")
    assert probe_frames(out) == 48 + RUNNING + 72


def test_a_self_signed_certificate_is_refused_clearly(cut_film, tmp_path):
    pytest.importorskip("c2pa")
    from .certs import make_signing_certificate

    chain, key = make_signing_certificate(tmp_path)
    leaf_only = tmp_path / "leaf.pem"
    leaf_only.write_text(chain.read_text().split("-----END CERTIFICATE-----")[1] + "-----END CERTIFICATE-----\n")
    result = run("cut", cut_film, "--out", tmp_path / "x.mp4", "--sign", leaf_only, key, code=2)
    assert "C2PA signing failed" in result.stderr and "issued by a CA" in result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["chain.pem", "key.pem", "leaf.pem"]  # no unsigned film


def test_ntsc_rate_music_files_and_timecodes(tmp_path):
    import wave

    tone = tmp_path / "music" / "tone.wav"
    tone.parent.mkdir()
    with wave.open(str(tone), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(44100)
        t = np.arange(44100 * 3) / 44100
        handle.writeframes((np.sin(2 * np.pi * 330 * t) * 8000).astype("<i2").tobytes())
    text = PLAIN.replace("fps: 12", "fps: 23.976").replace("scenes:\n", (
        "music:\n  - {id: one, file: music/tone.wav, from: one, to: two, gain: -6dB, fade_out: 1s}\n"
        "  - {id: two, generate: {mood: tense, key: C minor, bpm: 110}, from: two, fade_in: 1s}\n"
        "  - {id: late, generate: {mood: hopeful, key: G major, bpm: 90}, from: '00:00:07:00', gain: -20dB}\n"
        "scenes:\n"), 1)
    film = tiny_film(tmp_path, text=text)
    run("render", film, "--no-titles", "--loudness", "-23")
    project = Project.open(film)
    timeline = build_timeline(project.plan(), project.store, titles=False)
    assert timeline.fps == Fraction(24000, 1001)
    scene_two = next(clip for clip in timeline.clips if clip.shot_id == "d").record_in
    # from a scene, from a scene, and from a timecode (non-drop: 7 s of 24 nominal frames)
    assert [(cue.cue_id, cue.start) for cue in timeline.music] == [("one", 0), ("two", scene_two), ("late", 168)]
    out = film.with_suffix(".mp4")
    assert probe_frames(out) == timeline.total_frames
    assert abs(audio_seconds(out) - float(timeline.total_frames / timeline.fps)) <= 1 / 24
    assert abs(measure_loudness(out) - -23.0) <= 1.0


def test_burned_subtitles_show_on_exactly_their_frames():
    cues = [SubtitleCue(5, 9, "ada", "one", "a"), SubtitleCue(8, 12, "jun", "two", "b"),  # overlapping in a fade
            SubtitleCue(20, 21, "ada", "three", "c")]
    timeline = Timeline("t", Fraction(24), 160, 90, [], subtitles=cues)
    burn = BurnIn(timeline, 160, 90)
    black = np.zeros((90, 160, 3), np.uint8)
    drawn = [bool(burn.apply(black, index).any()) for index in range(25)]
    assert drawn == [any(cue.start <= index < cue.end for cue in cues) for index in range(25)]


@pytest.mark.parametrize("fps", [Fraction(12), Fraction(25), Fraction(24000, 1001), Fraction(30000, 1001)])
def test_stretches_of_takes_join_frame_exact_on_even_times(tmp_path, fps):
    # A take whose every frame shows its number as a grey level; stretches start on keyframes and end anywhere,
    # and sixty one- to three-frame stretches would show any rounding of times that piled up along the listing.
    gop = gop_frames(fps)
    take = tmp_path / "take.mp4"
    with Encoder(take, 64, 32, fps) as encoder:
        for number in range(4 * gop):
            encoder.write(np.full((32, 64, 3), 10 + 3 * number, np.uint8))
    stretches = [Stretch(take, gop, 5), Stretch(take, 0, gop + 3), Stretch(take, 2 * gop, 2 * gop)]
    stretches += [Stretch(take, gop * (1 + k % 3), 1 + k % 3) for k in range(60)]
    listing = tmp_path / "picture.ffconcat"
    write_concat_listing(stretches, fps, listing)
    joined = tmp_path / "joined.mp4"
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", *input_flags(listing), "-i", str(listing),
                    "-c", "copy", str(joined)], check=True)

    shown = [round((frame.mean() - 10) / 3) for frame in decode_frames(joined, 64, 32)]
    assert shown == [number for stretch in stretches for number in range(stretch.first, stretch.first + stretch.frames)]
    packets = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(joined), "-map", "0:v",
                              "-c", "copy", "-f", "framemd5", "-"], capture_output=True, text=True, check=True).stdout
    times = [int(line.split(",")[1]) for line in packets.splitlines() if not line.startswith("#")]
    tick = timescale(fps) / fps
    assert times == [round(number * tick) for number in range(len(shown))]  # no frame early, late or doubled


def test_captioned_stretches_are_made_within_the_pieces_memory_budget():
    """A captioned stretch holds a decoder, frames and an encoder: one at a time from 720p, where two took the
    short example's cut from 470 MB to 720 MB; junctions alone are smaller and go two at once there."""
    import os

    from longcut.engine.editor.pieces import parallel_encoders

    cores = min(4, os.cpu_count() or 2)
    assert parallel_encoders(1280 * 720, captioned=True) == 1
    assert parallel_encoders(1920 * 1080) == 1
    assert parallel_encoders(1280 * 720) == min(cores, 2)
    assert parallel_encoders(640 * 360, captioned=True) == min(cores, 4)


def test_few_pieces_are_made_before_the_sound_and_the_film_is_the_same(cut_film, tmp_path, monkeypatch):
    """Pieces that are a small share of the film's frames are made before the sound instead of beside it (their
    encoders no longer sit on the mix's memory): the same pieces and the same sound, either way."""
    import hashlib
    import shutil

    import longcut.engine.editor as editor
    from longcut.engine.app.cut import CutRequest, cut_film as cut_the_film

    from .films import film_copy

    film = film_copy(cut_film, tmp_path)
    project = Project.open(film)
    timeline = build_timeline(project.plan(), project.store, titles=False)
    pieces = plan_pieces(timeline)
    paths = piece_paths(project.store.root, pieces, [piece.cache_key(timeline) for piece in pieces])
    assert any(piece.encoded for piece in pieces)  # junctions to make
    assert editor._pieces_first(pieces_to_make(pieces, paths), timeline)  # all made: nothing to overlap
    store = film.parent / ".longcut"
    made = {}
    for share in (0.0, 1.0):  # beside the sound, then first
        for folder in ("pieces", "audio", "outputs"):
            shutil.rmtree(store / folder, ignore_errors=True)
        monkeypatch.setattr(editor, "PIECES_FIRST_SHARE", share)
        assert editor._pieces_first(pieces_to_make(pieces, paths), timeline) is (share == 1.0)
        cut_the_film(Project.open(film), CutRequest(titles=False))
        made[share] = {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
                       for folder in ("pieces", "audio") for path in (store / folder).rglob("*") if path.is_file()}
    assert made[0.0] == made[1.0]
    assert any(name.endswith(".m4a") for name in made[0.0]) and any(name.endswith(".mp4") for name in made[0.0])
