"""What measuring who is on screen costs the cut (issue: identity in the continuity report).

The long example is rendered once (640x360, the animatic), then cut again and again with nothing of the last cut
kept (pieces, sound, film): with `continuity: {identity: off}` (the baseline) and with identity measured from
nothing (its faces of every take found anew), interleaved, and the report alone with the faces kept (a re-cut).
Target: identity under 15% of the cut.

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
from engine.editor import CutOptions  # noqa: E402
from engine.identity import cast_of, missing  # noqa: E402
from engine.project import Project  # noqa: E402
from engine.render import render  # noqa: E402
from engine.report import continuity_report  # noqa: E402
from engine.timeline import Cut  # noqa: E402

SIZE = (640, 360)


def with_identity(film: Path, on: bool) -> None:
    text = film.read_text()
    text = text.replace("continuity: {identity: off}\n", "")
    film.write_text(text if on else "continuity: {identity: off}\n" + text)


def full_cut(film: Path, identity: bool) -> float:
    """A cut with nothing of the last one kept; with identity, its faces found anew too."""
    with_identity(film, identity)
    store = film.parent / ".longcut"
    for cache in ("pieces", "audio", "outputs", "identity"):
        shutil.rmtree(store / cache, ignore_errors=True)
    output = film.with_suffix(f".{SIZE[0]}x{SIZE[1]}.mp4")
    output.unlink(missing_ok=True)
    project = Project.open(film)
    started = time.perf_counter()
    project.cut(project.plan(size=SIZE), CutOptions(output=output))
    return time.perf_counter() - started


def report_alone(film: Path) -> float:
    """The report of the last cut again, with each take's faces kept (what a re-cut pays)."""
    with_identity(film, True)
    project = Project.open(film)
    cut = Cut.load(Cut.beside(film.with_suffix(f".{SIZE[0]}x{SIZE[1]}.mp4")))
    started = time.perf_counter()
    continuity_report(cut.timeline, project.screenplay.film.continuity, project.store, cast_of(project.screenplay))
    return time.perf_counter() - started


def main() -> None:
    if missing():
        sys.exit(missing())
    repeat = 1 if "--quick" in sys.argv else 3
    with tempfile.TemporaryDirectory() as folder:
        film = copy_example("long", Path(folder))
        project = Project.open(film)
        started = time.perf_counter()
        render(project.plan(size=SIZE), project.store, project.lock)
        print(f"rendered the long example at {SIZE[0]}x{SIZE[1]} in {time.perf_counter() - started:.1f}s")
        off, on = [], []
        for _ in range(repeat):  # interleaved: the machine's load falls on both alike
            off.append(full_cut(film, identity=False))
            on.append(full_cut(film, identity=True))
        kept = [report_alone(film) for _ in range(repeat)]
        base, measured = statistics.median(off), statistics.median(on)
        report("the long example's cut, with and without identity", ("cut, identity off", base),
               [("cut, identity measured from nothing", measured), ("identity's report again, faces kept", 
                                                                     statistics.median(kept))])
        share = (measured - base) / base
        print(f"  identity costs {share:.0%} of the cut (spread off {min(off):.2f}-{max(off):.2f}s, "
              f"on {min(on):.2f}-{max(on):.2f}s); target under 15% -> {'ok' if share < 0.15 else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
