"""The Ray executor (issue: render a film across many GPU machines on a Ray cluster).

1. Speed-up of 2 Ray workers over 1 on the long example (60 shots, 12.5 minutes) with the animatic:
   as written (17 shots continue another: some must wait) and with every `continues:` removed
   (independent shots). Each run renders into a fresh store; the in-process executor runs beside them.
2. The executor's overhead per shot: 100 one-frame shots, in process against one Ray worker.

Ray is started once, before the timed runs (its start-up is reported on its own); each timed run
starts its workers, so their start is counted. Runs are interleaved and repeated: medians.

Run: python bench/ray_workers.py [--quick] [--overhead]   (--quick: one run each; --overhead: part 2 only)
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import copy_example  # noqa: E402
from longcut.engine.render.executors import ExecutorOptions, LocalExecutor, create_executor  # noqa: E402
from longcut.engine.app.project import Project  # noqa: E402
from longcut.engine.render import render  # noqa: E402

SIZE = (320, 180)  # the scheduling is what is measured; small frames keep a run under a minute


def independent_copy(film: Path) -> Path:
    for scene in (film.parent / "scenes").glob("*.yaml"):
        scene.write_text(re.sub(r"^\s*continues:.*\n", "", scene.read_text(), flags=re.M))
    return film


def many_tiny_shots(into: Path, count: int) -> Path:
    shots = "\n".join(f"      - {{id: s{n}, prompt: 'a lighthouse, view {n}', duration: 1f}}" for n in range(count))
    film = into / "tiny.yaml"
    film.write_text(f"title: Overhead\nfps: 24\nsize: 64x64\nseed: 3\nscenes:\n  - id: one\n    shots:\n{shots}\n")
    return film


def timed_render(film: Path, executor, size=SIZE) -> float:
    project = Project.open(film)
    shutil.rmtree(project.store.root, ignore_errors=True)
    project.lock.path.unlink(missing_ok=True)
    project = Project.open(film)
    plan = project.plan(size=size)
    started = time.perf_counter()
    result = render(plan, project.store, project.lock, executor=executor)
    seconds = time.perf_counter() - started
    assert len(result.rendered) == len(plan.shots)
    return seconds


def main() -> None:
    import ray

    repeat = 1 if "--quick" in sys.argv else 3
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    started = time.perf_counter()
    ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    print(f"Ray start-up (once per render, not in the runs below): {time.perf_counter() - started:.2f}s "
          f"on {os.cpu_count()} cores")
    executors = {"in process": LocalExecutor(),
                 "ray, 1 worker": create_executor(ExecutorOptions("ray", workers=1)),
                 "ray, 2 workers": create_executor(ExecutorOptions("ray", workers=2))}
    with tempfile.TemporaryDirectory() as folder:
        films = {"long example, as written": copy_example("long", Path(folder) / "chained"),
                 "long example, independent shots": independent_copy(copy_example("long", Path(folder) / "free"))}
        for title, film in films.items() if "--overhead" not in sys.argv else []:
            times: dict[str, list[float]] = {name: [] for name in executors}
            for _ in range(repeat):
                for name, executor in executors.items():
                    times[name].append(timed_render(film, executor))
                    print(f"  run: {name}: {times[name][-1]:.2f}s", flush=True)
            medians = {name: statistics.median(values) for name, values in times.items()}
            base = medians["ray, 1 worker"]
            print(f"\n{title} ({len(Project.open(film).screenplay.by_id)} shots, {SIZE[0]}x{SIZE[1]}):")
            for name, seconds in medians.items():
                print(f"  {name:<16} {seconds:8.2f}s   speed-up over 1 worker {base / seconds:5.2f}x")
        tiny = many_tiny_shots(Path(folder), 100)
        local = statistics.median(timed_render(tiny, executors["in process"], None) for _ in range(repeat))
        one = statistics.median(timed_render(tiny, executors["ray, 1 worker"], None) for _ in range(repeat))
        print(f"\n100 one-frame shots: in process {local:.2f}s, one Ray worker {one:.2f}s: "
              f"the executor adds {(one - local) / 100 * 1000:.1f} ms a shot (worker start included)")
    ray.shutdown()


if __name__ == "__main__":
    main()
