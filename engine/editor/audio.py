"""The soundtrack: music cues and the shots' own sound mixed block by block, normalised to a loudness target.

1. every cue is read as a source (the built-in score, or an audio file decoded once to 48 kHz float),
   and so is every shot's sound (placed at its clip, trimmed with it, cross-faded at its transitions), and
   every line of dialogue spoken by a scratch voice (engine.editor.dialogue);
2. where a shot's sound or a line is heard, the music is ducked under it: its level per 10 ms decides, the
   music starts down a little ahead and comes back slowly, as a mixer's sidechain would;
3. cues and shots are shaped by their gains and fades and summed into a raw float mix, a few
   seconds at a time;
4. the mix is measured (EBU R128, true peak) as it is written, by an ffmpeg fed block by block; then a
   second pass applies the correction linearly into 48 kHz AAC;
5. beside it, the three stems an editor rebalances (dialogue: the spoken lines; effects: the shots' own
   sound; music: the score, ducked), written as they were mixed, at the mix's gain, as 24-bit WAVs from
   the film's first frame: they add up to the mix (but for what the limiter took from its peaks).

The result is cached under a key of the cue and shot-sound layout, the sources and the target, so
changing a shot's picture (not its length) leaves the sound alone.
"""

from __future__ import annotations

import hashlib
import json
import re
import wave
from abc import ABC, abstractmethod
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path

import ffmpeg as ffmpeg_python
import numpy as np

from ..atomic import atomic_path
from ..errors import LongcutError, StepFailed
from ..media.aac import encode_aac
from ..media.ffmpeg import Fed, ffmpeg_args, ffmpeg_exe, run
from ..render.plan import ReferenceDigests
from ..store import scratch_folder
from .score import RATE, Score
from .timeline import ClipAudio, MusicPlacement, MusicSource, Timeline

AUDIO_VERSION = "longcut-audio-v2"  # v2: the score repeats one cycle of chords; a limiter, not loudnorm
WINDOW = RATE // 100  # ducking follows a shot's sound in steps of 10 ms
HEARD_DB = -45.0  # a shot's sound is heard where its level over 10 ms is above this (dBFS, after its gain)
DUCK_AHEAD = 0.08  # seconds: the music starts down this far ahead of the sound
DUCK_ATTACK = 0.08  # seconds to go most of the way down
DUCK_RELEASE = 0.6  # seconds to come most of the way back
DUCK_STRETCH = 6000  # windows (a minute) of the ducking's follower taken at a time
DECLICK = RATE // 200  # 5 ms fades where a shot's sound starts or stops on a cut
BLOCK = RATE * 4
TRUE_PEAK = -1.0
# ffmpeg's native AAC encoder with its default coder, twoloop. Its `fast` coder takes a quarter of the CPU (the
# encode is most of a cut's sound), but ffmpeg made twoloop the default again in 2021 for how it sounds
# (commit 660d1d8e3b), after three years of `fast`. Keys are ffmpeg's own option names: the filter graph of
# bench/editor.py passes them as they are.
AAC = {"c:a": "aac", "b:a": "192k"}
LIMITER_ROOM = 1.0  # dB between the limiter's sample ceiling and the true-peak ceiling
LIMITER_PASSES = 3  # at most this many measurements of the limited mix, each making up the loudness the limiter took


def samples(frames: int, fps: Fraction) -> int:
    return round(Fraction(frames) * RATE / fps)


def audio_key(timeline: Timeline, loudness: float, digests: ReferenceDigests) -> str:
    cues = []
    for cue in timeline.music:
        spec = asdict(cue)
        spec["file"] = digests.of(cue.file) if cue.file else None
        cues.append(spec)
    voices = [[digests.of(voice.audio.file), voice.begin, voice.end, voice.offset, voice.fade_in, voice.fade_out,
               voice.audio.gain_db, voice.audio.duck_db] for voice in all_voices(timeline)]
    payload = {"version": AUDIO_VERSION, "samples": samples(timeline.total_frames, timeline.fps), "cues": cues,
               "fps": str(timeline.fps), "loudness": loudness, "true_peak": TRUE_PEAK}
    if voices:  # films without shot sound keep the keys they had
        payload["voices"] = voices
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


STEMS = ("dialogue", "effects", "music")


def soundtrack_path(store_root: Path, key: str) -> Path:
    """Where the soundtrack of audio key `key` is kept."""
    return store_root / "audio" / f"{key}.m4a"


def stem_paths(store_root: Path, key: str) -> dict[str, Path]:
    """Where the stems of audio key `key` are kept, by name."""
    return {name: store_root / "audio" / f"{key}.stems" / f"{name}.wav" for name in STEMS}


def make_soundtrack(timeline: Timeline, loudness: float, store_root: Path) -> tuple[Path, bool]:
    """The film's audio as AAC in an .m4a, and its stems, made or taken from the cache; returns (path, made_now)."""
    key = audio_key(timeline, loudness, ReferenceDigests())
    target, stems = soundtrack_path(store_root, key), stem_paths(store_root, key)
    if target.is_file() and all(path.is_file() for path in stems.values()):
        return target, False
    total = samples(timeline.total_frames, timeline.fps)
    with scratch_folder(store_root, "audio") as folder:
        mix = Path(folder) / "mix.f32"
        raw_stems = {name: Path(folder) / f"{name}.f32" for name in STEMS}
        sources = music_sources(timeline, Path(folder))
        voices = all_voices(timeline)
        # each sound decoded only as far as the film plays it: a long file under a short shot is not read whole
        voice_sources = [_decoded(voice.audio.file, Path(folder) / f"shot-{number}.f32", f"the sound of shot "
                                  f"`{voice.shot_id}`", voice.offset + voice.end - voice.begin)
                         for number, voice in enumerate(voices)]
        with LoudnessMeter() as meter:
            peak = _mix(timeline, sources, total, mix, list(zip(voices, voice_sources)), meter, raw_stems)
        with atomic_path(target) as temporary:
            if peak == 0.0:
                _silence(total, temporary)
                gain = 0.0
            else:
                gain = _normalise(mix, total, meter.measured, loudness, temporary)
        _write_stems(raw_stems, gain, stems)
    return target, True


def _write_stems(raw: dict[str, Path], gain_db: float, stems: dict[str, Path]) -> None:
    """Each raw stem at the mix's gain as a 24-bit stereo WAV (clipped at full scale: only the limiter's peaks
    can reach it, and the limiter acts on the mix, not on a stem)."""
    gain = np.float32(10 ** (gain_db / 20))
    for name, source in raw.items():
        with open(source, "rb") as data, atomic_path(stems[name]) as temporary, \
                wave.open(str(temporary), "wb") as out:  # read a block at a time, never mapped (DecodedSound)
            out.setnchannels(2)
            out.setsampwidth(3)
            out.setframerate(RATE)
            while chunk := data.read(BLOCK * 8):
                block = np.clip(np.frombuffer(chunk, np.float32) * gain, -1.0, 1.0 - 2 ** -23)
                as_int = np.round(block * 2 ** 23).astype("<i4")
                out.writeframes(as_int.view(np.uint8).reshape(-1, 4)[:, :3].tobytes())


def music_sources(timeline: Timeline, folder: Path) -> dict[int, Score | np.ndarray]:
    """Each music cue's sound, by its index: one Score per mood, key and tempo (cues alike share their chords), and
    each file decoded into `folder` as far as its cue plays."""
    scores: dict[tuple, Score] = {}
    return {index: _source(cue, folder, scores, end - begin)
            for index, (cue, begin, end, _, _) in enumerate(_spans(timeline))}


def _source(cue: MusicPlacement, folder: Path, scores: dict[tuple, Score], played: int):
    """A cue's sound: the built-in score (shared by the cues of one mood, key and tempo), or its file decoded as
    far as the cue plays (`played` samples)."""
    if cue.source is MusicSource.GENERATE:
        made = (cue.mood, cue.key, cue.bpm)
        if made not in scores:
            scores[made] = Score(*made)
        return scores[made]
    assert cue.file is not None
    return _decoded(cue.file, folder / f"{cue.cue_id}.f32", f"the music file {cue.file.name}", played)


class FileSound(ABC):
    """A sound in a file, read a block at a time with plain reads, as 48 kHz stereo float. Never memory-mapped:
    pages of a mapped file stay in the process while it is mapped, so a mix read through maps grows with the film
    (bench/scale.py measured 1.12x the peak for a film four times as long)."""

    def __init__(self, path: Path, frames: int) -> None:
        self.path, self.frames = path, frames

    @property
    def shape(self) -> tuple[int, int]:
        return (self.frames, 2)

    def __len__(self) -> int:
        return self.frames

    def block(self, offset: int, count: int) -> np.ndarray:
        """Samples [offset, offset + count), zero past the end."""
        block = np.zeros((count, 2), np.float32)
        start, stop = max(0, offset), min(self.frames, offset + count)
        if stop > start:
            read = self._samples(start, stop)
            block[start - offset:start - offset + len(read)] = read
        return block

    @abstractmethod
    def _samples(self, start: int, stop: int) -> np.ndarray:
        """Samples [start, stop) of the file, within it, as (n, 2) float32."""


class DecodedSound(FileSound):
    """A sound ffmpeg decoded to disk as raw 48 kHz stereo float."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, path.stat().st_size // 8)

    def _samples(self, start: int, stop: int) -> np.ndarray:
        with open(self.path, "rb") as handle:
            handle.seek(start * 8)
            return np.frombuffer(handle.read((stop - start) * 8), np.float32).reshape(-1, 2)


class PcmWav(FileSound):
    """A 16-bit 48 kHz WAV (every spoken line is one) read as it is, as the very floats ffmpeg decodes it to: a
    sample over 32768, and a mono sample times float32(1/sqrt 2) on each side (ffmpeg's mono-to-stereo matrix;
    tests/test_shot_audio.py compares the two bit for bit). No ffmpeg is started and nothing is written: a film's
    lines were a process and a scratch file each, most of what spoken dialogue added to a cut."""

    MONO_TO_STEREO = np.float32(np.sqrt(0.5))

    def __init__(self, path: Path, channels: int, frames: int) -> None:
        super().__init__(path, frames)
        self.channels = channels

    @classmethod
    def of(cls, path: Path) -> PcmWav | None:
        """The file as a PcmWav, or None where it is something else (ffmpeg decodes those)."""
        try:
            with wave.open(str(path), "rb") as found:
                if found.getsampwidth() != 2 or found.getframerate() != RATE or found.getnchannels() not in (1, 2):
                    return None
                return cls(path, found.getnchannels(), found.getnframes())
        except (wave.Error, EOFError, OSError):
            return None

    def _samples(self, start: int, stop: int) -> np.ndarray:
        with wave.open(str(self.path), "rb") as found:
            found.setpos(start)
            pcm = np.frombuffer(found.readframes(stop - start), "<i2").reshape(-1, self.channels)
        read = pcm.astype(np.float32) / np.float32(32768)
        return np.repeat(read * self.MONO_TO_STEREO, 2, axis=1) if self.channels == 1 else read


def _decoded(file: Path, decoded: Path, what: str, needed: int) -> FileSound:
    """The first `needed` samples of an audio file as 48 kHz stereo float, decoded once to disk (what lies past them
    is never decoded: an hour of music under a minute of film costs a minute); a 16-bit 48 kHz WAV is read as it
    is (PcmWav)."""
    wav = PcmWav.of(file)
    if wav is not None:
        return wav
    seconds = f"{(needed + RATE // 10) / RATE:.6f}"  # a tenth of a second to spare: the resampler's latency
    stream = ffmpeg_python.output(ffmpeg_python.input(str(file), t=seconds).audio, str(decoded), format="f32le", ac=2,
                                  ar=RATE)
    args = ffmpeg_args(stream, overwrite=True)
    run(args, f"decode {what}", hint="check that it is an audio file ffmpeg can read")
    return DecodedSound(decoded)


@dataclass(frozen=True)
class Voice:
    """A shot's own sound, or a spoken line, on the timeline, in samples: [begin, end), starting at source sample
    `offset`; `stem` is the stem it goes to."""

    shot_id: str
    audio: ClipAudio
    begin: int
    end: int
    offset: int
    fade_in: int
    fade_out: int
    stem: str = "effects"


def shot_voices(timeline: Timeline) -> list[Voice]:
    """Every clip's own sound (its `audio:` or footage's, and what its model made with it), cross-faded over the
    transitions its picture is cross-faded over."""
    fps, clips = timeline.fps, timeline.clips
    voices = []
    for number, clip in enumerate(clips):
        leaving = clips[number + 1].transition.frames if number + 1 < len(clips) else 0
        for audio in (clip.audio, clip.take_sound):
            if audio is None:
                continue
            voices.append(Voice(clip.shot_id, audio, samples(clip.record_in, fps), samples(clip.record_out, fps),
                                samples(clip.source_in, fps) + round(audio.start * RATE),
                                max(DECLICK, samples(clip.transition.frames, fps)),
                                max(DECLICK, samples(leaving, fps))))
    return voices


SPEECH_DUCK_DB = -12.0  # the music under a spoken line, as under a shot's sound by default
SPEECH_GAIN_DB = -6.0  # the lines come limited to -6 dBFS peaks (engine.render.voices); 6 dB less sits them over the ducked score


def speech_voices(timeline: Timeline) -> list[Voice]:
    """Every spoken line as a sound on the timeline: whole, with short fades against clicks."""
    fps, total = timeline.fps, samples(timeline.total_frames, timeline.fps)
    return [Voice(cue.shot_id, ClipAudio(cue.file, SPEECH_GAIN_DB, SPEECH_DUCK_DB), samples(cue.start, fps),
                  min(total, samples(cue.start + cue.frames, fps)), 0, DECLICK, DECLICK, "dialogue")
            for cue in timeline.speech]


def all_voices(timeline: Timeline) -> list[Voice]:
    return shot_voices(timeline) + speech_voices(timeline)


def _envelope(lo: int, hi: int, begin: int, end: int, gain_db: float, fade_in: int, fade_out: int) -> np.ndarray:
    """Gain for samples [lo, hi) of something that plays over [begin, end) with linear fades at both ends."""
    position = np.arange(lo, hi, dtype=np.float64)
    envelope = np.full(hi - lo, 10 ** (gain_db / 20), np.float64)
    if fade_in:
        envelope *= np.clip((position - begin) / fade_in, 0.0, 1.0)
    if fade_out:
        envelope *= np.clip((end - position) / fade_out, 0.0, 1.0)
    return envelope


def _voice_block(voice: Voice, source: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Samples [lo, hi) of the timeline of one shot's sound, shaped (lo, hi within the voice)."""
    chunk = _read(source, voice.offset + lo - voice.begin, hi - lo)
    envelope = _envelope(lo, hi, voice.begin, voice.end, voice.audio.gain_db, voice.fade_in, voice.fade_out)
    return chunk * envelope[:, None].astype(np.float32)


def duck_gains(voices: list[tuple[Voice, np.ndarray]], total: int) -> np.ndarray | None:
    """The music's gain in dB per 10 ms window of the film, or None where nothing ducks it.

    A window where a shot's sound is heard asks for that shot's `duck` (the deepest, where several are);
    the ask is moved DUCK_AHEAD earlier, then followed with a fast attack and a slow release.
    """
    windows = total // WINDOW + 1
    target = np.zeros(windows)
    for voice, source in voices:
        if voice.audio.duck_db >= 0:
            continue
        first = voice.begin // WINDOW
        energy = np.zeros(voice.end // WINDOW - first + 1)
        for lo in range(voice.begin, voice.end, BLOCK):
            hi = min(lo + BLOCK, voice.end)
            block = _voice_block(voice, source, lo, hi)
            index = np.arange(lo, hi) // WINDOW - first
            energy += np.bincount(index, weights=np.square(block, dtype=np.float64).mean(axis=1), minlength=energy.size)
        heard = 10 * np.log10(energy / WINDOW + 1e-12) > HEARD_DB
        span = target[first:first + energy.size]
        span[:] = np.minimum(span, np.where(heard, voice.audio.duck_db, 0.0))
    if not target.any():
        return None
    asked = target.copy()
    for step in range(1, round(DUCK_AHEAD * RATE / WINDOW) + 1):
        asked[:-step] = np.minimum(asked[:-step], target[step:])
    attack = 1 - np.exp(-WINDOW / (DUCK_ATTACK * RATE))
    release = 1 - np.exp(-WINDOW / (DUCK_RELEASE * RATE))
    gains = np.empty(windows)
    level = 0.0
    # one step per 10 ms, 6,000 a minute, on Python floats (a numpy scalar a step is several times slower), taken a
    # stretch at a time: the whole film's as one list was 23 MB for two hours, the cut's peak where it ran
    for first in range(0, windows, DUCK_STRETCH):
        for index, want in enumerate(asked[first:first + DUCK_STRETCH].tolist(), start=first):
            level += (want - level) * (attack if want < level else release)
            gains[index] = level
    return gains


def _ducking_block(ducking: np.ndarray, start: int, count: int) -> np.ndarray:
    """The music's linear gain for samples [start, start + count): the ducking's gains (one a window, at the
    window's centre) interpolated linearly, from the windows around the block alone (the same numbers as from all
    of them: each sample's value depends only on the two centres around it)."""
    first = max(0, start // WINDOW - 1)
    end = min(ducking.size, (start + count) // WINDOW + 2)
    centres = (np.arange(first, end) + 0.5) * WINDOW
    position = np.arange(start, start + count, dtype=np.float64)
    return (10 ** (np.interp(position, centres, ducking[first:end]) / 20)).astype(np.float32)


def _read(source, offset: int, count: int) -> np.ndarray:
    if isinstance(source, (Score, FileSound)):
        return source.block(offset, count)
    block = np.zeros((count, 2), np.float32)  # samples in memory (a test's, a bench's)
    available = source[offset:offset + count]
    block[:len(available)] = available
    return block


def _spans(timeline: Timeline) -> list[tuple[MusicPlacement, int, int, int, int]]:
    """Each cue's (cue, first sample, end sample, fade-in samples, fade-out samples).

    A cue that ends where the next begins plays on under the next one's fade-in: a crossfade.
    """
    fps = timeline.fps
    starts = {samples(cue.start, fps) for cue in timeline.music}
    spans = []
    for cue in timeline.music:
        begin, end = samples(cue.start, fps), samples(cue.end, fps)
        fade_out = samples(cue.fade_out, fps)
        following = [other for other in timeline.music if samples(other.start, fps) == end and other is not cue]
        if end in starts and following:
            end += samples(following[0].fade_in, fps)
        end = min(end, samples(timeline.total_frames, fps))
        spans.append((cue, begin, end, samples(cue.fade_in, fps), fade_out))
    return spans


def _mix(timeline: Timeline, sources: dict, total: int, target: Path,
         voices: list[tuple[Voice, np.ndarray]] | None = None, meter: LoudnessMeter | None = None,
         stems: dict[str, Path] | None = None) -> float:
    """Write the mix to `target` (raw 48 kHz stereo float), and to `meter` as it goes, and each stem to its file
    in `stems`; return the mix's sample peak."""
    spans = _spans(timeline)
    voices = voices or []
    ducking = duck_gains(voices, total)
    peak = 0.0
    with open(target, "wb") as out, ExitStack() as files:
        stem_files = {name: files.enter_context(open(path, "wb")) for name, path in (stems or {}).items()}
        for block_start in range(0, total, BLOCK):
            count = min(BLOCK, total - block_start)
            music = np.zeros((count, 2), np.float32)
            for index, (cue, begin, end, fade_in, fade_out) in enumerate(spans):
                lo, hi = max(begin, block_start), min(end, block_start + count)
                if hi <= lo:
                    continue
                envelope = _envelope(lo, hi, begin, end, cue.gain_db, fade_in, fade_out)
                chunk = _read(sources[index], lo - begin, hi - lo)
                music[lo - block_start:hi - block_start] += chunk * envelope[:, None].astype(np.float32)
            if ducking is not None:
                music *= _ducking_block(ducking, block_start, count)[:, None]
            parts = {"music": music} if stem_files else {}
            mixed = music.copy() if stem_files else music
            for voice, source in voices:
                lo, hi = max(voice.begin, block_start), min(voice.end, block_start + count)
                if hi > lo:
                    sound = _voice_block(voice, source, lo, hi)
                    mixed[lo - block_start:hi - block_start] += sound
                    if stem_files:
                        part = parts.setdefault(voice.stem, np.zeros((count, 2), np.float32))
                        part[lo - block_start:hi - block_start] += sound
            peak = max(peak, float(np.abs(mixed).max(initial=0.0)))
            out.write(mixed.tobytes())
            for name, handle in stem_files.items():
                handle.write((parts[name] if name in parts else np.zeros((count, 2), np.float32)).tobytes())
            if meter is not None:
                meter.write(mixed)
    return peak


def _raw_input(path: Path):
    return ffmpeg_python.input(str(path), format="f32le", ar=RATE, ac=2)


def _normalise(mix: Path, total: int, measured: dict, loudness: float, target: Path) -> float:
    """Two passes: measure (EBU R128 with true peak), then apply the one linear gain that meets the target.

    The measurement uses ffmpeg's ebur128 rather than loudnorm's first pass: the same numbers, ten times
    faster (loudnorm analyses at 192 kHz). The gain is what loudnorm's linear mode applies. When the
    true peak would then pass -1 dBTP, a limiter holds the peaks down; it takes a little loudness with
    them, so what it leaves is measured and made up (loudnorm's dynamic mode, which it falls back to
    there, missed the target by over 2 LU on a film whose shot sound is much louder than its score).
    Returns the gain applied (dB), which the stems are written at.
    """
    if measured["I"] is None:
        _silence_like(mix, target)
        return 0.0
    gain = loudness - measured["I"]
    limit = measured["TP"] + gain > TRUE_PEAK
    slope = 1.0  # loudness gained per dB of gain: less than 1 where the limiter takes part of it
    previous: tuple[float, float] | None = None
    for _ in range(LIMITER_PASSES if limit else 0):
        found = _measure(_gained(_raw_input(mix), gain, limit), "measure the limited soundtrack")["I"]
        if found is None or abs(loudness - found) < 0.2:
            break
        if previous is not None and gain != previous[0]:
            slope = min(1.0, max(0.2, (found - previous[1]) / (gain - previous[0])))
        previous = (gain, found)
        gain += min(3.0, (loudness - found) / slope)  # a secant step, at most 3 dB further into the limiter
    encode_aac(mix, total, target, lambda audio: _gained(audio, gain, limit), RATE, AAC)  # on every core
    return gain


def _gained(audio, gain: float, limit: bool):
    """The mix (an ffmpeg-python stream of it) at this gain; with `limit`, through a look-ahead limiter a dB under
    the true-peak ceiling (its ceiling is on samples; the dB is room for the peaks between them), delay
    compensated so every sound stays on its frames."""
    audio = audio.filter("volume", f"{gain:.3f}dB")
    if limit:
        ceiling = 10 ** ((TRUE_PEAK - LIMITER_ROOM) / 20)
        audio = audio.filter("alimiter", limit=f"{ceiling:.4f}", attack=5, release=50, level="false", latency="true")
    return audio


def measure_mix(mix: Path) -> dict:
    return _measure(_raw_input(mix), "measure the soundtrack's loudness")


def _measure(audio, what: str) -> dict:
    return _ebur128_summary(run(_meter_args(audio), what).stderr.decode("utf-8", errors="replace"))


def _meter_args(audio) -> list[str]:
    stream = ffmpeg_python.output(audio.filter("ebur128", peak="true", framelog="quiet"), "-", format="null")
    return ffmpeg_args(stream, log=("-hide_banner", "-nostats"))


class LoudnessMeter:
    """ffmpeg's ebur128 measuring the mix while it is written, fed block by block through a pipe: it runs beside
    the mix instead of reading the whole mix again after it (four minutes alone: 0.84 s instead of 0.57 + 0.55 s;
    little gained when the pieces already fill the cores)."""

    def __init__(self) -> None:
        self.measured: dict = {}
        self._process = Fed(_meter_args(_raw_input("pipe:")))  # its summary comes in its error output

    def write(self, block: np.ndarray) -> None:
        self._process.write(memoryview(np.ascontiguousarray(block, np.float32)).cast("B"))  # a stop: __exit__ says

    def __enter__(self) -> LoudnessMeter:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is not None:
            self._process.kill()
            return
        code, said = self._process.finish()
        text = said.decode("utf-8", errors="replace")
        if kind is None and code != 0:
            raise StepFailed(f"ffmpeg failed to measure the soundtrack's loudness: {text.strip()[-400:]}")
        if kind is None:
            self.measured = _ebur128_summary(text)


def _ebur128_summary(text: str) -> dict:
    """Integrated loudness, its gate threshold, loudness range and true peak from ebur128's summary."""
    summary = text[text.rfind("Summary:"):]
    number = r"(-?[\d.]+|-inf|nan)"

    def find(pattern: str) -> float | None:
        match = re.search(pattern, summary, re.S)
        if not match or match.group(1) in ("-inf", "nan"):
            return None
        return float(match.group(1))

    loudness = find(rf"Integrated loudness:\s+I:\s+{number} LUFS")
    return {"I": loudness, "threshold": find(rf"Integrated loudness:.*?Threshold:\s+{number} LUFS") or -70.0,
            "LRA": find(rf"LRA:\s+{number} LU") or 0.0, "TP": find(rf"Peak:\s+{number} dBFS") or -96.0}


def _silence(total: int, target: Path) -> None:
    stream = ffmpeg_python.input(f"anullsrc=r={RATE}:cl=stereo", format="lavfi")
    stream = ffmpeg_python.output(stream, str(target), acodec="aac", audio_bitrate="128k",
                                  t=f"{total / RATE:.6f}")
    args = ffmpeg_args(stream, overwrite=True)
    run(args, "make a silent soundtrack")


def _silence_like(mix: Path, target: Path) -> None:
    _silence(mix.stat().st_size // 8, target)


def measure_loudness(path: Path) -> float:
    """Integrated loudness (LUFS) of a file's audio, as ebur128 measures it."""
    args = [ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(path), "-map", "0:a:0", "-af", "ebur128=framelog=quiet",
            "-f", "null", "-"]
    found = _ebur128_summary(run(args, f"measure the loudness of {path.name}").stderr.decode("utf-8", errors="replace"))
    if found["I"] is None:
        raise LongcutError(f"could not measure the loudness of {path.name} (silent?)", exit_code=1)
    return found["I"]
