"""A stand-in for a video model's footage, for benchmarks: the animatic with moving grain.

Animatic frames are flat drawings that x264 encodes several times faster than camera footage or a video
model's output, which makes every encode in a benchmark cheaper than it would be on a real film. This
backend adds temporal grain (a different pattern on every frame, as a sensor's or a film stock's), so the
encoder works harder, as on footage. Measured with the editor benchmark's film, its single filter graph:
36 s on animatic takes, 47 s with this grain (sigma 2), 109 s with sigma 4; the reference measurement's
real clips: 73 s.

Benchmarks run longcut through this module so the backend is known: python -m bench.footage render FILM
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import numpy as np

from longcut.engine.backends.animatic import AnimaticBackend

GRAIN_SIGMA = 2.0  # in 8-bit levels: light grain
PATTERNS = 16  # grain patterns drawn once and cycled: no two frames in a row share one


class FootageBackend(AnimaticBackend):
    name = "footage"

    def generate(self, request, segment) -> Iterator[np.ndarray]:
        grain: np.ndarray | None = None
        rng = np.random.default_rng(request.seed)
        for number, frame in enumerate(super().generate(request, segment)):
            if grain is None:
                grain = rng.normal(0, GRAIN_SIGMA, (PATTERNS, *frame.shape)).round().astype(np.int16)
            noisy = frame.astype(np.int16) + grain[(segment.start + number) % PATTERNS]
            yield np.clip(noisy, 0, 255).astype(np.uint8)


def register() -> None:
    """Make `backend: footage` known to longcut in this process."""
    from longcut.engine.plugins import BACKENDS, registry

    registry(BACKENDS)[FootageBackend.name] = "bench.footage:FootageBackend"


def main() -> None:
    from longcut.engine.cli import app

    register()
    sys.argv[0] = "longcut"
    app()


if __name__ == "__main__":
    main()
