"""The built-in score: a deterministic ambient piece synthesised in numpy, so a film has music with no assets.

`generate: {mood, key, bpm}` picks a chord progression for the mood in the key, and plays it as a
soft pad (detuned sine partials, slow swells), a low bass note and a bell-like arpeggio on the beat.
Every sample is a pure function of its index, so any stretch can be made on its own, block by
block, and the same cue always sounds the same. Each chord starts afresh and fades through silence
into the next, so the piece is one cycle of its chords repeated: the cycle is made once (about 30 s
of sound), each chord of it when first heard, and the rest is looked up.
"""

from __future__ import annotations

import re
import numpy as np

RATE = 48_000
NOTE_NAMES = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
# Progressions as scale degrees (0-based), per mood; minor moods use the natural minor scale.
PROGRESSIONS = {
    "calm": [0, 5, 2, 6],  # i - VI - III - VII  /  I - vi - iii - vii
    "hopeful": [0, 4, 5, 3],  # I - V - vi - IV
    "tense": [0, 0, 5, 4],
    "sad": [0, 3, 5, 4],
    "warm": [0, 3, 0, 4],
    "mysterious": [0, 1, 0, 6],
}
MAJOR = [0, 2, 4, 5, 7, 9, 11]
MINOR = [0, 2, 3, 5, 7, 8, 10]
STRETCH = RATE  # samples of a chord made at once (see Score._chord_block)
BRIGHTNESS = {"calm": 0.35, "hopeful": 0.6, "tense": 0.25, "sad": 0.3, "warm": 0.45, "mysterious": 0.3}


class KeyError_(ValueError):
    pass


def parse_key(text: str) -> tuple[int, bool]:
    """'D minor' -> (2, True); 'F# major' -> (6, False); 'Bb' -> (10, False)."""
    match = re.fullmatch(r"\s*([A-Ga-g])([#b♯♭]?)\s*(major|minor|maj|min|m)?\s*", text)
    if not match:
        raise KeyError_(f"cannot read the key {text!r}; write it like 'D minor' or 'F# major'")
    pitch = NOTE_NAMES[match.group(1).upper()] + {"#": 1, "♯": 1, "b": -1, "♭": -1}.get(match.group(2), 0)
    minor = (match.group(3) or "major").lower() in ("minor", "min", "m")
    return pitch % 12, minor


class Score:
    """A stereo float32 signal in [-1, 1]; `block(start, count)` gives samples [start, start + count)."""

    def __init__(self, mood: str, key: str, bpm: int) -> None:
        self.root, self.minor = parse_key(key)
        mood = mood.lower() if mood.lower() in PROGRESSIONS else "calm"
        self.progression = PROGRESSIONS[mood]
        self.brightness = BRIGHTNESS[mood]
        self.beat = 60.0 / bpm
        self.chord_samples = round(self.beat * 8 * RATE)  # two bars of 4/4 per chord
        scale = MINOR if self.minor else MAJOR
        self.chords = [self._chord(scale, degree) for degree in self.progression]
        self.tense = mood == "tense"
        self._made: dict[int, np.ndarray] = {}  # chord number -> its samples, made when first heard

    def _chord(self, scale: list[int], degree: int) -> list[float]:
        """A triad with its octave, as frequencies, around the A below middle C."""
        notes = [scale[(degree + step) % 7] + 12 * ((degree + step) // 7) for step in (0, 2, 4, 7)]
        return [220.0 * 2 ** ((self.root - 9 + note) / 12) for note in notes]

    def block(self, start: int, count: int) -> np.ndarray:
        """Samples [start, start + count): copied from the one cycle of chords the piece repeats, a chord's stretch
        at a time, each chord made the first time it is heard (a cue that plays for a moment costs one chord's
        memory, not the cycle's)."""
        out = np.empty((count, 2), np.float32)
        done = 0
        while done < count:
            number, within = divmod((start + done) % self.cycle_samples, self.chord_samples)
            take = min(count - done, self.chord_samples - within)
            out[done:done + take] = self._chord_samples(number)[within:within + take]
            done += take
        return out

    @property
    def cycle_samples(self) -> int:
        return self.chord_samples * len(self.chords)

    @property
    def cycle(self) -> np.ndarray:
        """Every chord once, in order. Each chord is played from its own start and faded to silence at both ends,
        so the piece is this cycle over and over."""
        return np.concatenate([self._chord_samples(number) for number in range(len(self.chords))])

    def _chord_samples(self, number: int) -> np.ndarray:
        if number not in self._made:
            self._made[number] = self._chord_block(self.chords[number])
        return self._made[number]

    def _chord_block(self, chord: list[float]) -> np.ndarray:
        """One chord's samples, made a second at a time: every sample is a function of its own time alone, so the
        stretches are the whole chord's to the last bit, and the arithmetic's scratch arrays are a second's
        (384 KB each) instead of the chord's (a dozen float64 arrays of 2.6 MB at 70 bpm, under glibc's mmap
        threshold, so on a heap that does not shrink: with the lookup by slices in `block`, a 24-shot cut's
        process peaked at 114 MB instead of 153 MB)."""
        out = np.empty((self.chord_samples, 2), np.float32)
        for start in range(0, self.chord_samples, STRETCH):
            stop = min(start + STRETCH, self.chord_samples)
            out[start:stop] = self._chord_stretch(chord, start, stop)
        return out

    def _chord_stretch(self, chord: list[float], start: int, stop: int) -> np.ndarray:
        """Samples [start, stop) of a chord, numbered from the chord's first."""
        tt = np.arange(start, stop, dtype=np.float64) / RATE  # time since the chord began
        length = self.chord_samples / RATE
        swell = 0.55 + 0.45 * np.sin(np.pi * tt / length) ** 2
        pad_l = np.zeros(tt.size)
        pad_r = np.zeros(tt.size)
        for frequency in chord[:3]:
            for detune, gain in ((0.998, 0.5), (1.002, 0.5)):
                phase = 2 * np.pi * frequency * detune * tt
                tone = np.sin(phase) + self.brightness * 0.3 * np.sin(2 * phase)
                pad_l += gain * tone * (1.1 if detune < 1 else 0.9)
                pad_r += gain * tone * (0.9 if detune < 1 else 1.1)
        bass = 0.6 * np.sin(2 * np.pi * chord[0] / 2 * tt)
        if self.tense:  # a pulse on the beat
            bass *= 0.6 + 0.4 * np.exp(-8 * np.mod(tt, self.beat))
        # a bell on each beat, walking up the chord
        beat_number = (tt // self.beat).astype(np.int64)
        since = np.mod(tt, self.beat)
        bell_frequency = np.take(np.array(chord) * 2, beat_number % 4)
        bell = 0.35 * self.brightness * np.sin(2 * np.pi * bell_frequency * since) * np.exp(-3.5 * since)
        left = (pad_l * 0.16 + bass * 0.2) * swell + bell * 0.9
        right = (pad_r * 0.16 + bass * 0.2) * swell + bell * 1.1
        # chords meet through silence for an instant: no click at the change
        edge = np.minimum(tt, length - tt)
        soften = np.clip(edge / 0.05, 0.0, 1.0)
        stereo = np.stack([left * soften, right * soften], axis=1) * 0.5
        return stereo.astype(np.float32)
