"""Scratch voices: the dialogue spoken offline by Piper (longcut[voices]), placed, measured in the delivered
film, a voice per character, the score ducked under it, subtitles on the speech; silent without the extra."""

from __future__ import annotations

import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from longcut.engine.render import voices
from longcut.engine.editor.score import RATE
from longcut.engine.media.ffmpeg import ffmpeg_exe
from longcut.engine.timeline import Cut
from longcut.storyboard.schema import Voice

from .cli import run
from .films import tiny_film
from .test_shot_audio import db, level, tone

FILM = """title: Voices
fps: 12
size: 160x90
characters:
  ada: {name: Ada, description: "a lighthouse keeper in her sixties"}
  tom: {name: Tom, description: "a fisherman, a man of fifty"}
MUSIC
scenes:
  - id: s
    shots:
      - {id: a, prompt: the sea, duration: 2s}
      - {id: b, prompt: the keeper, duration: 3s, dialogue: [{ada: "Still standing, old friend."}]}
      - {id: c, prompt: the boat, duration: 3s, dialogue: [{tom: "The light is out tonight."}]}
      - {id: d, prompt: the lamp, duration: 2s}
"""
HUM_HZ = 50.0  # the test's music: below any voice's pitch, so the speech never reaches its FFT bin


def make_film(folder: Path, music: str = "", text: str = FILM) -> Path:
    film = folder / "film.yaml"
    film.write_text(text.replace("MUSIC", music), encoding="utf-8")
    return film


def film_audio(film: Path) -> np.ndarray:
    """The film's sound, its two channels averaged (as wav() does: ffmpeg's own downmix is 3 dB hotter)."""
    done = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(film.with_suffix(".mp4")),
                           "-map", "0:a:0", "-ac", "2", "-ar", str(RATE), "-f", "f32le", "-"], capture_output=True,
                          check=True)
    return np.frombuffer(done.stdout, np.float32).reshape(-1, 2).mean(axis=1)


@pytest.fixture(scope="module")
def spoken(tmp_path_factory):
    if not voices.voices_available():
        pytest.fail("the voices tests need the extra: pip install -e '.[voices]' (the README's test command has it)")
    film = make_film(tmp_path_factory.mktemp("voices"))
    run("render", film, "--no-titles")
    return film


def test_each_line_is_heard_inside_its_shot_and_nowhere_else(spoken):
    audio = film_audio(spoken)
    cut = Cut.load(Cut.beside(spoken.with_suffix(".mp4")))
    assert [(cue.shot_id, cue.character) for cue in cut.timeline.speech] == [("b", "ada"), ("c", "tom")]
    window = RATE // 100
    rms = np.sqrt(np.mean(audio[:audio.size // window * window].reshape(-1, window) ** 2, axis=1))
    loud = rms > 10 ** (-40 / 20)
    spans = [(cue.start / 12, (cue.start + cue.frames) / 12) for cue in cut.timeline.speech]
    inside = np.zeros_like(loud)
    for start, end in spans:
        inside[int(start * 100) - 2:int(end * 100) + 2] = True  # 20 ms either side: the fades
    assert loud.any() and not (loud & ~inside).any()  # nothing heard outside the lines
    for start, end in spans:
        assert loud[int(start * 100):int(end * 100)].mean() > 0.5  # and each line is mostly sound
    assert spans[0][0] == pytest.approx(2.0) and spans[1][0] == pytest.approx(5.0)  # where the dialogue puts them


def test_the_subtitles_follow_the_spoken_times(spoken):
    from .test_timed_text import assert_timed_text

    cut = Cut.load(Cut.beside(spoken.with_suffix(".mp4")))
    for cue, subtitle in zip(cut.timeline.speech, cut.timeline.subtitles):
        # from the line's first word, and at least as long as it is spoken (longer where it is short to read)
        assert subtitle.start == cue.start and subtitle.end >= cue.start + cue.frames
        with wave.open(str(cue.file)) as reading:
            assert cue.frames == -(-reading.getnframes() * 12 // reading.getframerate())
    assert "00:00:02,000 --> 00:00:0" in spoken.with_suffix(".srt").read_text()
    assert_timed_text(cut.timeline.subtitles, cut.timeline.fps, cut.timeline.total_frames)


def test_two_characters_sound_different(spoken):
    cut = Cut.load(Cut.beside(spoken.with_suffix(".mp4")))
    ada, tom = (voices.pitch_of(cue.file) for cue in cut.timeline.speech)
    assert 60 < tom < ada < 400
    assert 12 * np.log2(ada / tom) > 3  # more than three semitones apart
    assert "voice" in run("check", spoken).output  # the cast table shows each character's voice


def test_the_score_ducks_under_speech(tmp_path):
    tone(tmp_path / "hum.wav", HUM_HZ, 10.0, level=0.2)
    film = make_film(tmp_path, "music:\n  - {id: hum, file: hum.wav}")
    run("render", film, "--no-titles")
    audio = film_audio(film)
    cut = Cut.load(Cut.beside(film.with_suffix(".mp4")))
    first = cut.timeline.speech[0]
    start, end = first.start / 12, (first.start + first.frames) / 12
    before = level(audio, HUM_HZ, 0.3, 1.7)
    under = level(audio, HUM_HZ, start + 0.3, end - 0.1)
    assert db(under / before) == pytest.approx(-12, abs=2)


def test_a_line_longer_than_its_slot_is_spoken_whole_and_said(tmp_path):
    long_line = FILM.replace('{tom: "The light is out tonight."}', '{tom: "The light is out tonight, and the boats '
                             'are still at sea, all of them, every last one."}').replace(
        "the boat, duration: 3s", "the boat, duration: 1s")
    film = make_film(tmp_path, text=long_line)
    result = run("render", film, "--no-titles")
    assert "shot `c`: Tom's line \"The light is out tonight, and the boats…\" is spoken in" in result.stderr
    assert "longer than its 1.0s slot" in result.stderr


def test_the_same_line_is_the_same_samples(tmp_path):
    one = voices.speak("Still standing.", Voice(pitch=3, pace=1.1), tmp_path / "one")
    two = voices.speak("Still standing.", Voice(pitch=3, pace=1.1), tmp_path / "two")
    assert one.file.read_bytes() == two.file.read_bytes() and one.seconds == two.seconds > 0.3
    faster = voices.speak("Still standing.", Voice(pitch=3, pace=1.5), tmp_path / "one")
    assert faster.seconds < one.seconds * 0.8


def test_the_voice_model_is_let_go_once_the_lines_are_spoken(tmp_path):
    from longcut.engine.app.project import Project

    film = tiny_film(tmp_path)
    project = Project.open(film)
    voices._piper()  # loaded, as a line to speak loads it
    assert voices._piper.cache_info().currsize == 1
    lines = voices.speak_lines(project.plan(), project.store)
    assert lines.lines and voices._piper.cache_info().currsize == 0  # not held through the cut (about 280 MB)


def test_registers_and_presets_give_every_character_a_voice_of_their_own():
    assert voices.register("a lighthouse keeper in her sixties") == 5
    assert voices.register("her grandson, a boy of ten") == 4  # a noun says more than a pronoun
    assert voices.register("a girl of eight") == 9 and voices.register("a fisherman, a man of fifty") == 0
    from longcut.storyboard.schema import Film

    film = Film.model_validate({"title": "t", "seed": 3, "scenes": [{"id": "s", "shots": [{"id": "a", "duration": 1}]}],
                                "characters": {f"c{n}": {"description": "a man"} for n in range(8)}})
    chosen = voices.character_voices(film)
    assert len({(voice.pitch, voice.pace) for voice in chosen.values()}) == 8


def test_without_the_voices_extra_the_dialogue_is_silent_and_check_says_how(tmp_path):
    """A Python where piper cannot be imported (sys.modules["piper"] = None is how Python marks a missing
    module): the film still renders, silent, and both check and the cut name the extra."""
    film = make_film(tmp_path)
    script = ("import sys; sys.modules['piper'] = None; from longcut.engine.cli import main; sys.argv = ['longcut'] + "
              "sys.argv[1:]; main()")
    check = subprocess.run([sys.executable, "-c", script, "check", str(film)], capture_output=True, text=True)
    assert check.returncode == 0 and "pip install 'longcut[voices]'" in check.stdout
    rendered = subprocess.run([sys.executable, "-c", script, "render", str(film), "--no-titles"], capture_output=True,
                              text=True)
    assert rendered.returncode == 0, rendered.stderr
    assert "the dialogue is silent" in rendered.stderr
    assert np.abs(film_audio(film)).max() < 1e-3


def wav(path: Path) -> np.ndarray:
    """A 24-bit stereo WAV as float, mixed to mono as the film's audio is decoded here."""
    with wave.open(str(path)) as reading:
        assert (reading.getsampwidth(), reading.getnchannels(), reading.getframerate()) == (3, 2, RATE)
        raw = np.frombuffer(reading.readframes(reading.getnframes()), np.uint8).reshape(-1, 3)
    padded = np.zeros((raw.shape[0], 4), np.uint8)
    padded[:, 1:] = raw  # little-endian: the three bytes as the top of an int32
    return (padded.view("<i4").ravel() / 2 ** 31).reshape(-1, 2).mean(axis=1)


def test_the_stems_add_up_to_the_films_sound_and_go_out_on_tracks_of_their_own(tmp_path):
    from .test_shot_audio import VOICE_HZ

    tone(tmp_path / "hum.wav", HUM_HZ, 12.0, level=0.2)
    tone(tmp_path / "bell.wav", VOICE_HZ, 1.0, level=0.2)
    film = make_film(tmp_path, "music:\n  - {id: hum, file: hum.wav}", FILM.replace(
        "{id: d, prompt: the lamp, duration: 2s}", "{id: d, prompt: the lamp, duration: 2s, audio: bell.wav}"))
    run("render", film)  # with titles: the stems run from the film's first frame, the title card's
    out = tmp_path / "stems"
    run("export", film, "--format", "stems", "--out", out)
    stems = {name: wav(out / f"{name}.wav") for name in ("dialogue", "effects", "music")}
    mix = film_audio(film)
    assert all(abs(stem.size - mix.size) < RATE // 10 for stem in stems.values())  # the film's length, from frame 0
    timeline = Cut.load(Cut.beside(film.with_suffix(".mp4"))).timeline
    first = timeline.speech[0]
    speech_starts = first.start / 12
    shots = {clip.shot_id: clip.record_in / 12 for clip in timeline.clips}
    # each sound in its own stem, where the cut puts it
    assert np.abs(stems["dialogue"][:int((speech_starts - 0.05) * RATE)]).max() < 1e-4
    assert np.abs(stems["dialogue"]).max() > 0.05
    bell = shots["d"]
    assert level(stems["effects"], VOICE_HZ, bell + 0.1, bell + 0.9) > 100 * level(stems["effects"], VOICE_HZ, 0.5, 3)
    assert level(stems["music"], HUM_HZ, shots["a"] + 0.5, shots["a"] + 1.5) > 0.01
    assert level(stems["music"], VOICE_HZ, bell + 0.1, bell + 0.9) < 1e-4
    together = stems["dialogue"] + stems["effects"] + stems["music"]
    size = min(together.size, mix.size)

    def rms(signal: np.ndarray) -> float:
        return float(np.sqrt(np.mean(np.square(signal[:size], dtype=np.float64))))

    assert abs(db(rms(together) / rms(mix))) < 0.5  # they add up to the delivered mix, within 0.5 dB
    assert rms(together[:size] - mix[:size]) < 0.1 * rms(mix)  # sample by sample too, but for the AAC's coding
    run("export", film, "--format", "otio")
    import opentimelineio as otio

    read = otio.adapters.read_from_file(str(film.with_suffix(".otio")))
    assert [track.name for track in read.audio_tracks()] == ["A1 dialogue", "A2 effects", "A3 music"]
