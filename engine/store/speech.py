"""Spoken lines in the store: each line a scratch voice spoke (engine.render.voices), kept as a WAV by a key of the
text, the voice and the model, and the lines of a film spoken before its cut, which the editor only places."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path


@dataclass(frozen=True)
class Speech:
    """A line spoken: its file and its length."""

    file: Path
    seconds: float

    def frames(self, fps: Fraction) -> int:
        return max(1, int(-(-Fraction(self.seconds) * fps // 1)))  # rounded up: the last syllable is kept


@dataclass(frozen=True)
class SpokenLines:
    """A film's lines, spoken before its cut: by (character id, line). silent: why there are none (no voices
    installed), said as the cut's warning when the film has dialogue."""

    lines: Mapping[tuple[str, str], Speech] = field(default_factory=dict)
    silent: str | None = None


def speech_path(store_root: Path, key: str) -> Path:
    """Where the spoken line of key `key` is kept in the store."""
    return Path(store_root) / "voices" / key[:2] / f"{key}.wav"
