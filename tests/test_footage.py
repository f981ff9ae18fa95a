"""Footage shots: clips made elsewhere conformed into takes, exactly, through the CLI, with ffmpeg-made clips."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from longcut.engine.media.ffmpeg import decode_frames, probe_frames
from longcut.engine.store import TakeStore

from .cli import run
from .media import ffmpeg, make_clip, small_film


def takes(film: Path) -> dict[str, str]:
    lock = json.loads(film.with_name("film.lock.json").read_text())
    return {shot: entry["key"] for shot, entry in lock["shots"].items()}


def clip_of(film: Path, shot: str) -> Path:
    return TakeStore(film.parent / ".longcut").clip(takes(film)[shot])


def numbered(path: Path, rate: str, seconds: float, setpts: str | None = None) -> Path:
    """A 320x180 clip that shows its own frame number (counted before any retiming) as 8 black or white stripes,
    one bit each: a frame's number can be read back after it is encoded, conformed and decoded again."""
    draw = "geq=lum='16+219*mod(floor(N/pow(2,floor(X/40))),2)':cb=128:cr=128"
    ffmpeg("-f", "lavfi", "-i", f"color=c=black:size=320x180:rate={rate}:duration={seconds}",
           "-vf", draw + (f",setpts='{setpts}'" if setpts else ""), *(("-fps_mode", "vfr") if setpts else ()),
           "-c:v", "libx264", "-pix_fmt", "yuv420p", str(path))
    return path


def frame_numbers(clip: Path) -> list[int]:
    return [sum(1 << bit for bit in range(8) if frame[:, bit * 40 + 8:bit * 40 + 32].mean() > 128)
            for frame in decode_frames(clip, 320, 180)]


@pytest.mark.parametrize("rate", ["25", "30000/1001", "60", "12"])
def test_footage_at_another_rate_conforms_to_exact_frames_at_the_right_moments(tmp_path, rate):
    numbered(tmp_path / "clock.mp4", rate, 4)
    film = small_film(tmp_path, "      - {id: a, footage: {file: clock.mp4, in: 0.5s, out: 2.5s}}")
    run("render", film, "--no-titles")
    clip = clip_of(film, "a")
    assert probe_frames(clip) == 48  # 2 s at 24 fps, exactly
    # ffmpeg's fps filter (round=near): each of the file's frames lands on the film frame nearest its own time;
    # a film frame shows the last that landed on or before it (two on one: the later; none: the one before kept)
    per_second = Fraction(rate)
    lands = {number: math.floor((number / per_second - Fraction(1, 2)) * 24 + Fraction(1, 2))
             for number in range(int(4 * per_second))}
    expected = [max(number for number, tick in lands.items() if tick <= index) for index in range(48)]
    assert frame_numbers(clip) == expected


def test_a_variable_frame_rate_clip_is_timed_by_its_frames_own_times(tmp_path):
    # 30 fps for 2 s, then 10 fps: every frame keeps its own time
    numbered(tmp_path / "vfr.mp4", "30", 4, setpts="if(lt(N,60),N/30,2+(N-60)/10)/TB")
    film = small_film(tmp_path, "      - {id: a, footage: {file: vfr.mp4, in: 1s}, duration: 3s}")
    run("check", film)
    run("render", film, "--no-titles")
    shown = frame_numbers(clip_of(film, "a"))
    assert len(shown) == 72
    assert shown[0] == 30 and shown[24] == 60  # 1 s and 2 s into the file, where its rate changes
    assert shown[48] == 70 and shown[71] == 79  # 3 s: its frame 70; 3.96 s: frame 79 (3.9 s; 80 lands on 4.0 s)


def test_a_rotated_phone_clip_is_shown_upright_and_fitted(tmp_path):
    make_clip(tmp_path / "flat.mp4", seconds=2, size="320x180", sound=False)
    ffmpeg("-display_rotation", "90", "-i", str(tmp_path / "flat.mp4"), "-c", "copy", str(tmp_path / "phone.mp4"))
    film = small_film(tmp_path, "      - {id: a, footage: {file: phone.mp4, fit: pad}, duration: 1s}")
    run("render", film, "--no-titles")
    frame = next(iter(decode_frames(clip_of(film, "a"), 320, 180))).astype(int)
    # upright (portrait, 180x320 shown) padded into 320x180: black bars left and right, picture in the middle
    assert frame[:, :100].mean() < 20 and frame[:, 220:].mean() < 20 and frame[:, 130:190].mean() > 60


def test_ten_bit_footage_of_an_odd_size_and_non_square_pixels_is_converted(tmp_path):
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=321x183:rate=30:duration=1", "-vf", "setsar=4/3", "-c:v", "libx264",
           "-pix_fmt", "yuv444p10le", str(tmp_path / "odd.mp4"))
    film = small_film(tmp_path, "      - {id: a, footage: odd.mp4, duration: 20f}")
    output = run("check", film).output
    assert "error" not in output
    run("render", film, "--no-titles")
    clip = clip_of(film, "a")
    assert probe_frames(clip) == 20
    frame = next(iter(decode_frames(clip, 320, 180)))
    assert frame.std() > 30  # a picture, not a blank


def test_footage_is_keyed_by_its_bytes_and_a_new_file_recuts_exactly_that_shot(tmp_path):
    make_clip(tmp_path / "one.mp4", seconds=2, size="320x180")
    make_clip(tmp_path / "two.mp4", seconds=2, size="320x180", sound=False)
    film = small_film(tmp_path, "      - {id: a, footage: one.mp4, duration: 1s}\n"
                               "      - {id: b, footage: two.mp4, duration: 1s}\n"
                               "      - {id: c, prompt: the pier, duration: 1s, continues: b}")
    run("render", film, "--no-titles")
    before = takes(film)
    # the prompt of a footage shot is no model's: changing it changes nothing
    film.write_text(film.read_text().replace("{id: a, footage", "{id: a, prompt: the opening, footage"))
    assert "rendered 0 shot(s), 3 cached" in run("render", film, "--no-titles").output
    make_clip(tmp_path / "two.mp4", seconds=2, size="320x180", sound=False, video_filter="hue=s=0")
    result = run("render", film, "--no-titles")
    assert "rendered 2 shot(s), 1 cached" in result.output  # b and the shot that continues it
    after = takes(film)
    assert after["a"] == before["a"] and after["b"] != before["b"] and after["c"] != before["c"]
    store = TakeStore(tmp_path / ".longcut")
    assert np.array_equal(store.first_frame(after["c"]), store.last_frame(after["b"]))  # c starts on b's last frame
    assert store.record(after["b"]).backend == "footage"
    assert store.record(after["b"]).model == "two.mp4 (320x180, 30 fps, yuv420p)"


def test_footage_sound_is_the_shots_sound_from_its_in_point(tmp_path):
    make_clip(tmp_path / "talk.mp4", seconds=3, size="320x180")
    film = small_film(tmp_path, "      - {id: a, footage: {file: talk.mp4, in: 1s}, duration: 1s}\n"
                               "      - {id: b, footage: {file: talk.mp4, sound: false}, duration: 1s}")
    run("render", film, "--no-titles")
    cut = json.loads(film.with_suffix(".cut.json").read_text())
    first, second = (item["clip"] for item in cut["timeline"]["items"])
    assert first["audio"]["file"] == "talk.mp4" and first["audio"]["start"] == 1.0 and second["audio"] is None
    from longcut.engine.editor.audio import measure_loudness

    assert measure_loudness(film.with_suffix(".mp4")) > -30  # the tone is in the film


def test_footage_problems_are_clear_at_check(tmp_path):
    make_clip(tmp_path / "short.mp4", seconds=1, size="320x180")
    ffmpeg("-f", "lavfi", "-i", "sine=duration=2", str(tmp_path / "voice.m4a"))
    (tmp_path / "voice.mp4").write_bytes((tmp_path / "voice.m4a").read_bytes())
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24:duration=2", "-c:v", "libx264",
           "-pix_fmt", "yuv420p10le", "-x264-params", "colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc",
           str(tmp_path / "hdr.mp4"))
    (tmp_path / "broken.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(200))
    film = small_film(tmp_path, "      - {id: e, footage: {file: short.mp4, in: 0.5s, out: 0.25s}}\n"
                               "      - {id: f, footage: clip.txt, duration: 1s}")
    output = run("check", film, code=2).output
    assert "film.yaml:7:59: error: shot `e`: footage `out: 0.25s` is not after `in: 0.5s`" in output
    assert "film.yaml:8:26: error: footage of shot `f`: `clip.txt` is not a known file type" in output
    assert output.count("error:") == 2
    # what only decoding the files can tell, once the screenplay itself is right
    film = small_film(tmp_path, "      - {id: a, footage: short.mp4, duration: 2s}\n"
                               "      - {id: b, footage: voice.mp4, duration: 1s}\n"
                               "      - {id: c, footage: hdr.mp4, duration: 1s}\n"
                               "      - {id: d, footage: broken.mp4, duration: 1s}")
    output = run("check", film, code=2).output
    assert "film.yaml:7:26: error: footage of shot `a`: `short.mp4` has 1.000 s from `in:` 0.000 s, and the shot " \
           "needs 2.000 s (48 frames at 24/1 fps)" in output
    assert "film.yaml:8:26: error: footage of shot `b`: `voice.mp4` has no picture in it" in output
    assert "film.yaml:9:26: error: footage of shot `c`: `hdr.mp4` is HDR (PQ (SMPTE ST 2084)" in output
    assert "export an SDR" in output
    assert "film.yaml:10:26: error: footage of shot `d`: `broken.mp4` cannot be read as video" in output
    assert "Traceback" not in output
    assert not (tmp_path / ".longcut").exists()  # nothing made


def test_footage_cannot_also_be_a_card_or_a_loop(tmp_path):
    make_clip(tmp_path / "clip.mp4", seconds=1, size="320x180")
    film = small_film(tmp_path, "      - {id: a, footage: clip.mp4, duration: 1s, loop: true}")
    output = run("check", film, code=2).output
    assert "shot `a` has both `footage:` and `loop:`" in output


def test_in_counts_from_the_files_first_frame_when_its_timestamps_do_not_start_at_zero(tmp_path):
    numbered(tmp_path / "zero.mp4", "30", 3)
    ffmpeg("-i", str(tmp_path / "zero.mp4"), "-c", "copy", "-output_ts_offset", "5", str(tmp_path / "late.mp4"))
    film = small_film(tmp_path, "      - {id: a, footage: {file: late.mp4, in: 1s}, duration: 12f}")
    run("render", film, "--no-titles")
    assert frame_numbers(clip_of(film, "a"))[0] == 30  # 1 s into the file, not 1 s after its timestamp zero
