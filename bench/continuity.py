"""What the continuity report costs (issue: measure continuity on every cut).

1. A full cut of the short example (every piece and the sound made anew) against the report it now writes:
   with the takes' measures kept from their render (the normal case), and with none kept (takes made by an
   older longcut, measured by decoding them). Target: the report under 10% of the full cut.
2. What measuring costs the render: the short example rendered with the frame meter and with it switched
   off, interleaved.

Run: python bench/continuity.py [--quick]   (--quick: one run each)
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import copy_example, report  # noqa: E402
from longcut.engine.analysis import measure  # noqa: E402
from longcut.engine.app.cut import CutRequest, cut_film  # noqa: E402
from longcut.engine.app.project import Project  # noqa: E402
from longcut.engine.analysis.report import continuity_report, write_report  # noqa: E402
from longcut.engine.timeline import Cut  # noqa: E402


def full_cut(film: Path) -> float:
    """A cut with nothing of the last one kept: pieces, sound and film made again (the report included)."""
    store = film.parent / ".longcut"
    for cache in ("pieces", "audio", "outputs"):
        shutil.rmtree(store / cache, ignore_errors=True)
    film.with_suffix(".mp4").unlink(missing_ok=True)
    project = Project.open(film)
    started = time.perf_counter()
    cut_film(project, CutRequest(output=film.with_suffix(".mp4")), project.plan())
    return time.perf_counter() - started


def report_only(film: Path, kept: bool) -> float:
    project = Project.open(film)
    cut = Cut.load(Cut.beside(film.with_suffix(".mp4")))
    if not kept:
        shutil.rmtree(film.parent / ".longcut" / "measures", ignore_errors=True)
    started = time.perf_counter()
    write_report(continuity_report(cut.timeline, project.screenplay.film.continuity, project.store),
                 film.with_suffix(".mp4"))
    return time.perf_counter() - started


def render(film: Path, metered: bool) -> float:
    shutil.rmtree(film.parent / ".longcut", ignore_errors=True)
    original = measure.FrameMeter.add
    if not metered:
        measure.FrameMeter.add = lambda self, frame: None
    try:
        project = Project.open(film)
        started = time.perf_counter()
        from longcut.engine.render import render as render_shots

        render_shots(project.plan(), project.store, project.lock)
        return time.perf_counter() - started
    finally:
        measure.FrameMeter.add = original
        shutil.rmtree(film.parent / ".longcut" / "measures", ignore_errors=True)


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def main() -> None:
    repeat = 1 if "--quick" in sys.argv else 3
    with tempfile.TemporaryDirectory() as folder:
        film = copy_example("short", Path(folder))
        with_meter, without = [], []
        for _ in range(repeat):  # interleaved: the machine's load falls on both alike
            without.append(render(film, metered=False))
            with_meter.append(render(film, metered=True))
        report("Render of the short example (720p, 8 shots), measuring its frames for the report",
               ("render, frame meter off", median(without)), [("render, frame meter on", median(with_meter))])
        cuts, kept, decoded = [], [], []
        for _ in range(repeat):
            cuts.append(full_cut(film))
            kept.append(report_only(film, kept=True))
            decoded.append(report_only(film, kept=False))
        report("\nThe continuity report against a full cut of the short example",
               ("full cut (report included)", median(cuts)),
               [("report, measures kept from the render", median(kept)),
                ("report, takes decoded (older takes)", median(decoded))])


if __name__ == "__main__":
    main()
