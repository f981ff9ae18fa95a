"""What measuring who is on screen costs (issue: identity in the continuity report).

The long example (60 shots, 12.5 min) at 640x360, with the animatic:
1. the render, with the faces of each take measured as it is made and without (interleaved: the machine's load
   falls on both alike);
2. the cut, with nothing of the last cut kept (pieces, sound, film): with `continuity: {identity: off}` (the
   baseline), with identity from the faces kept at render (the normal case), and with identity measured from
   nothing (takes made before the feature: their keyframes decoded). Target: identity under 15% of the cut.

Run: python bench/identity.py [--quick]   (--quick: one run each)
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import copy_example, report  # noqa: E402
from longcut.engine.app.cut import CutRequest, cut_film  # noqa: E402
from longcut.engine.analysis.identity import available as identity_available  # noqa: E402
from longcut.engine.analysis.identity import missing  # noqa: E402
from longcut.engine.app.project import Project  # noqa: E402
from longcut.engine.render import render, take  # noqa: E402

SIZE = (640, 360)


def with_identity(film: Path, on: bool) -> None:
    text = film.read_text().replace("continuity: {identity: off}\n", "")
    film.write_text(text if on else "continuity: {identity: off}\n" + text)


def full_cut(film: Path, identity: bool, kept: bool = True) -> float:
    """A cut with nothing of the last one kept; with identity, from the faces the render kept, or (kept False)
    measured anew from the takes."""
    with_identity(film, identity)
    store = film.parent / ".longcut"
    for cache in ("pieces", "audio", "outputs", *(() if kept else ("identity",))):
        shutil.rmtree(store / cache, ignore_errors=True)
    output = film.with_suffix(f".{SIZE[0]}x{SIZE[1]}.mp4")
    output.unlink(missing_ok=True)
    project = Project.open(film)
    started = time.perf_counter()
    cut_film(project, CutRequest(output=output), project.plan(size=SIZE))
    return time.perf_counter() - started


def render_all(film: Path, faces: bool) -> float:
    """The film rendered from an empty store, its takes' faces measured on the way or not."""
    shutil.rmtree(film.parent / ".longcut", ignore_errors=True)
    take.identity_available = (lambda: True) if faces else (lambda: False)
    try:
        project = Project.open(film)
        started = time.perf_counter()
        render(project.plan(size=SIZE), project.store, project.lock)
        return time.perf_counter() - started
    finally:
        take.identity_available = identity_available


def main() -> None:
    if missing():
        sys.exit(missing())
    repeat = 1 if "--quick" in sys.argv else 3
    with tempfile.TemporaryDirectory() as folder:
        film = copy_example("long", Path(folder))
        plain, measured = [], []
        for _ in range(1 if repeat == 1 else 2):  # interleaved; the last render leaves the faces kept
            plain.append(render_all(film, faces=False))
            measured.append(render_all(film, faces=True))
        report("the long example's render at 640x360", ("render, no faces", statistics.median(plain)),
               [("render, each take's faces measured", statistics.median(measured))])
        off, on, fresh = [], [], []
        for _ in range(repeat):  # interleaved
            off.append(full_cut(film, identity=False))
            on.append(full_cut(film, identity=True))
        for _ in range(repeat):
            fresh.append(full_cut(film, identity=True, kept=False))
        base = statistics.median(off)
        report("the long example's cut, with and without identity", ("cut, identity off", base),
               [("cut, identity from the faces kept at render", statistics.median(on)),
                ("cut, identity measured from nothing", statistics.median(fresh))])
        share = (statistics.median(on) - base) / base
        print(f"  identity costs {share:.0%} of the cut (off {min(off):.2f}-{max(off):.2f}s, on {min(on):.2f}-"
              f"{max(on):.2f}s); target under 15% -> {'ok' if share < 0.15 else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
