"""Memory at the largest frame longcut allows (DCI 4K, 4096x2160): a render and its cut, for a short and a four
times longer shot, against the same at 1080p. Frames stream from the backend to the encoder and the editor
re-encodes only junctions, so the peak must follow the frame's size, not the film's length.

Run: python bench/largest_size.py   (about three minutes on two cores)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.render_animatic import peak_memory_mb  # noqa: E402
from longcut.storyboard.units import MAX_PIXELS  # noqa: E402

FILM = """title: Largest
fps: 24
size: {size}
seed: 3
characters:
  ada: {{name: Ada, description: "a keeper in her sixties, navy coat, red scarf"}}
locations:
  cliff: {{description: "a lighthouse on a cliff above the sea at dusk"}}
scenes:
  - id: one
    heading: EXT. CLIFF - DUSK
    location: cliff
    shots:
      - {{id: a, prompt: "@ada climbs the path", duration: {seconds}s, camera: {{size: close-up, move: push-in}},
         dialogue: [{{ada: "Still standing."}}]}}
      - {{id: b, prompt: "the beam sweeps", duration: 1s, transition: {{type: crossfade, duration: 0.5s}}}}
"""


def measure(folder: Path, size: str, seconds: int) -> tuple[float, float]:
    film = folder / f"{size}-{seconds}s" / "film.yaml"
    film.parent.mkdir()
    film.write_text(FILM.format(size=size, seconds=seconds))
    started = time.perf_counter()
    peak = peak_memory_mb(["render", str(film)])
    return peak, time.perf_counter() - started


def main() -> None:
    assert 4096 * 2160 == MAX_PIXELS, "the bench measures the largest size the screenplay allows"
    with tempfile.TemporaryDirectory() as folder:
        rows = [(size, seconds, *measure(Path(folder), size, seconds))
                for size in ("1920x1080", "4096x2160") for seconds in (1, 4)]
    base = rows[0][2]
    print("peak resident memory of `longcut render` (its ffmpeg processes included), a shot and a 1 s shot after "
          "it, title and credits")
    print(f"  {'size':<10} {'first shot':>10} {'peak':>10} {'ratio':>7} {'time':>8}")
    for size, seconds, peak, taken in rows:
        print(f"  {size:<10} {seconds:>9}s {peak:>8.0f}MB {peak / base:>6.2f}x {taken:>7.1f}s")


if __name__ == "__main__":
    main()
