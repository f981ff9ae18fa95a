"""A shot's own sound in the cut: placed at its shot to the frame, cross-faded with its picture, and the
music ducked under it. Pure tones make each part measurable in the delivered film: the score is a
440 Hz tone, the shot's sound a 1 kHz tone, and an FFT tells them apart."""

from __future__ import annotations

import json
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from longcut.engine.editor.audio import measure_loudness
from longcut.engine.media.ffmpeg import ffmpeg_exe

from .cli import run as cli

RATE = 48_000
MUSIC_HZ, VOICE_HZ = 440.0, 1000.0
# 2 s, 2 s and 3 s shots at 24 fps; the third cross-fades in over 0.5 s. No titles: shot b starts at 2.0 s.
FILM = """title: Sound
fps: 24
size: 128x72
music: [{id: bed, file: music.wav}]
scenes:
  - id: s
    shots:
      - {id: a, prompt: "the sea", duration: 2s}
      - {id: b, prompt: "a keeper speaks", duration: 2s, audio: AUDIO}
      - {id: c, prompt: "the lamp", duration: 3s, transition: {type: crossfade, duration: 0.5s}}
"""
VOICE_STARTS, VOICE_ENDS = 2.5, 3.5  # in the film: shot b's start + the tone's place in its file


def tone(path: Path, hz: float, seconds: float, silent_before: float = 0.0, level: float = 0.3,
         clicks: float = 0.0) -> None:
    """A sine (with `clicks`: plus 2 ms bursts of that peak every 100 ms: loud peaks, little loudness)."""
    t = np.arange(round(seconds * RATE)) / RATE
    signal = np.where(t >= silent_before, level * np.sin(2 * np.pi * hz * t), 0.0)
    if clicks:
        burst = (t >= silent_before) & (np.mod(t - silent_before, 0.1) < 0.002)
        signal = np.where(burst, clicks * np.sin(2 * np.pi * 4000 * t), signal)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes((signal * 32767).astype("<i2").tobytes())


def _unlimited_peak(film: Path) -> float:
    """The true peak the film's mix would have at the gain that meets -14 LUFS, were nothing limited."""
    from longcut.engine.editor import audio
    from longcut.engine.editor.timeline import build_timeline
    from longcut.engine.app.project import Project

    project = Project.open(film)
    timeline = build_timeline(project.plan(), project.store, titles=False)
    folder = film.parent
    voices = audio.shot_voices(timeline)
    decoded_voices = [audio._decoded(v.audio.file, folder / f"v{n}.f32", "sound",
                                     v.offset + v.end - v.begin) for n, v in enumerate(voices)]
    audio._mix(timeline, audio.music_sources(timeline, folder),
               audio.samples(timeline.total_frames, timeline.fps), folder / "mix.f32", list(zip(voices, decoded_voices)))
    measured = audio.measure_mix(folder / "mix.f32")
    return measured["TP"] + (-14 - measured["I"])


def film_with_sound(folder: Path, audio: str = "{file: line.wav, duck: -12dB}") -> Path:
    tone(folder / "music.wav", MUSIC_HZ, 10.0)
    tone(folder / "line.wav", VOICE_HZ, 1.5, silent_before=0.5)
    film = folder / "film.yaml"
    film.write_text(FILM.replace("AUDIO", audio))
    return film


def decoded(film: Path) -> np.ndarray:
    done = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(film), "-map", "0:a:0",
                           "-ac", "1", "-ar", str(RATE), "-f", "f32le", "-"], capture_output=True, check=True)
    return np.frombuffer(done.stdout, np.float32)


def level(signal: np.ndarray, hz: float, start: float, end: float) -> float:
    """Amplitude of one frequency over [start, end) seconds (Hann-windowed FFT)."""
    part = signal[round(start * RATE):round(end * RATE)]
    spectrum = np.abs(np.fft.rfft(part * np.hanning(part.size)))
    frequencies = np.fft.rfftfreq(part.size, 1 / RATE)
    return float(spectrum[np.abs(frequencies - hz) < 15].max() / part.size)


def db(ratio: float) -> float:
    return 20 * np.log10(ratio)


@pytest.fixture(scope="module")
def cut(tmp_path_factory):
    film = film_with_sound(tmp_path_factory.mktemp("sound"))
    cli("render", film, "--no-titles")
    return film


def test_the_shots_sound_plays_at_its_shot_to_the_frame(cut):
    audio = decoded(cut.with_suffix(".mp4"))
    heard = level(audio, VOICE_HZ, 2.6, 3.4)
    assert heard > 0.01
    assert level(audio, VOICE_HZ, 0.5, 2.4) < heard / 100  # silent before
    assert level(audio, VOICE_HZ, 3.6, 5.4) < heard / 100  # and after
    # where it starts: the first 5 ms step at half its level, within one frame (42 ms) of 2.5 s
    steps = [level(audio, VOICE_HZ, t, t + 0.02) for t in np.arange(2.3, 2.7, 0.005)]
    onset = 2.3 + 0.005 * next(i for i, value in enumerate(steps) if value > heard / 2)
    assert abs(onset + 0.01 - VOICE_STARTS) < 1 / 24


def test_the_music_ducks_under_it_and_comes_back(cut):
    audio = decoded(cut.with_suffix(".mp4"))
    before = level(audio, MUSIC_HZ, 0.5, 2.0)
    under = level(audio, MUSIC_HZ, 2.7, 3.4)
    after = level(audio, MUSIC_HZ, 5.6, 6.4)  # from 2.1 s after the sound ends: 3.5 release time constants
    assert db(under / before) == pytest.approx(-12, abs=1.5)
    assert db(after / before) == pytest.approx(0, abs=1.0)


def test_the_mix_with_a_shots_sound_is_on_the_loudness_target(cut):
    assert measure_loudness(cut.with_suffix(".mp4")) == pytest.approx(-14, abs=1.0)


def test_a_sound_that_does_not_duck_leaves_the_music_alone(tmp_path):
    film = film_with_sound(tmp_path, "{file: line.wav, duck: 0dB}")
    cli("render", film, "--no-titles")
    audio = decoded(film.with_suffix(".mp4"))
    assert level(audio, VOICE_HZ, 2.6, 3.4) > 0.01
    assert db(level(audio, MUSIC_HZ, 2.7, 3.4) / level(audio, MUSIC_HZ, 0.5, 2.0)) == pytest.approx(0, abs=0.5)


def test_changing_a_shots_sound_remakes_the_sound_and_only_the_sound(cut):  # last of the tests on `cut`: it edits it
    again = cli("cut", cut, "--no-titles")
    assert "up to date" in again.output
    cut.write_text(cut.read_text().replace("duck: -12dB", "duck: -6dB"))
    changed = " ".join(cli("cut", cut, "--no-titles").output.split())
    assert "0 piece(s) made" in changed and "sound made" in changed
    audio = decoded(cut.with_suffix(".mp4"))
    ducked = db(level(audio, MUSIC_HZ, 2.7, 3.4) / level(audio, MUSIC_HZ, 0.5, 2.0))
    assert ducked == pytest.approx(-6, abs=1.5)


def test_a_missing_sound_file_points_at_the_shot(tmp_path):
    film = film_with_sound(tmp_path, "sounds/missing.wav")
    result = cli("check", film, code=2)
    assert "film.yaml:9:65:" in result.stderr  # the path, where it is written
    assert "sound file of shot `b`: `sounds/missing.wav` not found" in result.stderr


def test_a_sound_far_louder_than_the_score_is_limited_not_squashed_off_target(tmp_path):
    # A quiet score and a loud shot sound: the gain that meets -14 LUFS would push the peaks past -1 dBTP,
    # so a limiter holds them, and the loudness it takes is measured and made up.
    film = film_with_sound(tmp_path, "{file: line.wav, duck: 0dB}")
    tone(tmp_path / "music.wav", MUSIC_HZ, 10.0, level=0.05)
    tone(tmp_path / "line.wav", VOICE_HZ, 1.5, silent_before=0.5, level=0.05, clicks=0.95)
    cli("render", film, "--no-titles")
    assert _unlimited_peak(film) > -1.0, "a film that needs limiting: the path under test"
    done = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(film.with_suffix(".mp4")), "-af",
                           "ebur128=peak=true:framelog=quiet", "-f", "null", "-"], capture_output=True, text=True)
    from longcut.engine.editor.audio import _ebur128_summary

    measured = _ebur128_summary(done.stderr)
    assert measured["I"] == pytest.approx(-14, abs=1.0)
    assert measured["TP"] <= -1.0 + 0.3  # the AAC encoder may overshoot by a little
    audio = decoded(film.with_suffix(".mp4"))  # and the limiter's look-ahead did not move the sound
    steps = [level(audio, VOICE_HZ, t, t + 0.02) for t in np.arange(2.3, 2.7, 0.005)]
    onset = 2.3 + 0.005 * next(i for i, value in enumerate(steps) if value > max(steps) / 2)
    assert abs(onset + 0.01 - VOICE_STARTS) < 1 / 24


def test_an_editors_trim_cuts_the_shots_sound_with_its_picture(tmp_path):
    # Trim the first half second off shot b, as `longcut conform` records it: the tone, half a second into
    # the sound file, now starts on b's first frame. Shot b is 1.5 s long now, so b starts at 2.0 s still.
    film = film_with_sound(tmp_path)
    cli("render", film, "--no-titles")
    lock = json.loads(film.with_name("film.lock.json").read_text())
    lock["edit"] = {"order": ["a", "b", "c"], "trims": {"b": [12, 48]}, "transitions": {}, "unmapped": []}
    film.with_name("film.lock.json").write_text(json.dumps(lock))
    cli("cut", film, "--no-titles")
    audio = decoded(film.with_suffix(".mp4"))
    steps = [level(audio, VOICE_HZ, t, t + 0.02) for t in np.arange(1.8, 2.2, 0.005)]
    onset = 1.8 + 0.005 * next(i for i, value in enumerate(steps) if value > max(steps) / 2)
    assert abs(onset + 0.01 - 2.0) < 1 / 24
    assert level(audio, VOICE_HZ, 2.1, 2.9) > 0.01


@pytest.mark.parametrize("channels", [1, 2])
def test_a_16_bit_wav_is_read_as_the_very_floats_ffmpeg_decodes_it_to(tmp_path, channels):
    """Spoken lines (and any 16-bit 48 kHz WAV) are read without an ffmpeg: bit for bit what ffmpeg made of them,
    a mono file spread on both sides as ffmpeg's matrix does, so a cut's sound does not change."""
    from longcut.engine.editor.audio import PcmWav, _decoded

    rng = np.random.default_rng(channels)
    pcm = rng.integers(-32768, 32768, (RATE // 2 + 77, channels), dtype=np.int16)
    path = tmp_path / "line.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())
    read = _decoded(path, tmp_path / "unused.f32", "a line", len(pcm))
    assert isinstance(read, PcmWav) and not (tmp_path / "unused.f32").exists()  # no ffmpeg, no scratch file
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(path), "-f", "f32le", "-ac", "2",
                    "-ar", str(RATE), str(tmp_path / "ffmpeg.f32")], check=True)
    by_ffmpeg = np.fromfile(tmp_path / "ffmpeg.f32", np.float32).reshape(-1, 2)
    for offset, count in ((0, 1000), (12345, RATE // 4), (len(pcm) - 50, 200), (-30, 100)):
        expected = np.zeros((count, 2), np.float32)
        lo, hi = max(0, offset), min(len(pcm), offset + count)
        expected[lo - offset:hi - offset] = by_ffmpeg[lo:hi]
        assert np.array_equal(read.block(offset, count), expected), (offset, count)
    (tmp_path / "odd.wav").write_bytes(path.read_bytes()[:30])  # not a WAV it can read: ffmpeg's to decode (or refuse)
    assert PcmWav.of(tmp_path / "odd.wav") is None


def test_the_ducking_is_the_same_followed_a_stretch_at_a_time(monkeypatch):
    """The ducking's follower runs a minute of windows at a time (a two-hour film's as one list was 23 MB), and a
    block's gains are interpolated from its own windows: the same numbers as in one pass over the whole film."""
    from longcut.engine.editor import audio
    from longcut.engine.timeline import ClipAudio

    rng = np.random.default_rng(4)
    total = audio.RATE * 95
    voices = []
    for number, begin in enumerate(range(audio.RATE, total - 3 * audio.RATE, 7 * audio.RATE)):
        end = begin + int(rng.integers(audio.RATE // 2, 3 * audio.RATE))
        sound = rng.normal(0, 0.2, (end - begin, 2)).astype(np.float32)
        voices.append((audio.Voice(f"s{number}", ClipAudio(Path("x.wav"), 0.0, -12.0 - number % 3), begin, end, 0,
                                   480, 480), sound))
    whole = audio.duck_gains(voices, total)
    monkeypatch.setattr(audio, "DUCK_STRETCH", 7)  # stretches far shorter than a voice, and not dividing the film
    assert np.array_equal(audio.duck_gains(voices, total), whole)
    centres = (np.arange(whole.size) + 0.5) * audio.WINDOW
    for start in [0, 1, audio.BLOCK - 1, *range(0, total, audio.BLOCK)[1:], total - 5]:
        count = min(audio.BLOCK, total - start)
        position = np.arange(start, start + count, dtype=np.float64)
        expected = (10 ** (np.interp(position, centres, whole) / 20)).astype(np.float32)
        assert np.array_equal(audio._ducking_block(whole, start, count), expected), start
