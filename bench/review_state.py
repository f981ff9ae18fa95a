"""The review page's state request, before and after the server kept one Project (issue 27).

Before, every request opened the film again (read and checked the YAML, ran the content rules, made the backend)
and planned it; now the server keeps one Project and opens the film again only when a file it was read from
changed (engine.review.server.stamp), so a request plans and reads the store and the review file only.

The film is the long example (12.5 minutes, 60 shots), rendered and cut first at 320x180 (not timed; the state's
work does not depend on the picture's size): the state is the plan, every shot's takes, status and review, the
cut and its report. With --unrendered, its takes are not made. Side by side, interleaved, medians of N runs:
* baseline: a request as before (Project.open, then the state);
* now: ReviewServer.state() on a server that has opened the film once;
* now, after a save of the film file (its time changed): the server opens it again, as the baseline does.

Run: python bench/review_state.py [--runs N] [--unrendered]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import copy_example, report  # noqa: E402
from longcut.engine.app.project import Project  # noqa: E402
from longcut.engine.review.decisions import Review  # noqa: E402
from longcut.engine.review.server import ReviewServer  # noqa: E402
from longcut.engine.review.state import page_state  # noqa: E402


def reopened_state(film: Path) -> dict:
    """The state as every request made it before: the film opened again."""
    project = Project.open(film)
    return page_state(project, project.plan(), Review.beside(film), project.last_cut())


def timed(run) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def main() -> None:
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 7
    with tempfile.TemporaryDirectory() as folder:
        film = copy_example("long", Path(folder))
        if "--unrendered" not in sys.argv:
            film.write_text(film.read_text(encoding="utf-8").replace("size: 1280x720", "size: 320x180"),
                            encoding="utf-8")
            subprocess.run([sys.executable, "-m", "longcut.engine.cli", "render", str(film)], check=True,
                           capture_output=True)
        server = ReviewServer(film)
        threading.Thread(target=server.serve_forever, daemon=True).start()  # shutdown() waits for it
        shots = len(server.project().screenplay.entries)
        try:
            assert reopened_state(film)["shots"] == server.state()["shots"]  # the same page, both ways
            before, kept, saved = [], [], []
            for _ in range(runs):
                before.append(timed(lambda: reopened_state(film)))
                kept.append(timed(server.state))
                os.utime(film)  # a save: the next request opens the film again
                saved.append(timed(server.state))
        finally:
            server.shutdown()
    made = "not rendered" if "--unrendered" in sys.argv else "rendered and cut"
    report(f"the review page's state, long example ({shots} shots, {made}), median of {runs}",
           ("reopened on every request (before)", statistics.median(before)),
           [("one Project kept (now)", statistics.median(kept)),
            ("after a save of the film file (opened again)", statistics.median(saved))])
    print(f"  spread: before {min(before):.3f}-{max(before):.3f}s, now {min(kept):.3f}-{max(kept):.3f}s")


if __name__ == "__main__":
    main()
