"""Helpers shared by the benchmarks: medians of repeated runs, a table with ratios to a baseline, example copies."""

from __future__ import annotations

import shutil
import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def median_seconds(run: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def report(title: str, baseline: tuple[str, float], rows: list[tuple[str, float]]) -> None:
    name, base = baseline
    print(title)
    print(f"  {'what':<48} {'median':>10} {'ratio':>8}")
    print(f"  {name + ' (baseline)':<48} {base:>9.3f}s {1.0:>7.2f}x")
    for label, seconds in rows:
        print(f"  {label:<48} {seconds:>9.3f}s {seconds / base:>7.2f}x")


def copy_example(name: str, into: Path) -> Path:
    """An example film copied without its takes, lock file and film: a render from nothing."""
    target = into / name
    shutil.copytree(ROOT / "examples" / name, target, ignore=shutil.ignore_patterns(".longcut", "*.mp4", "*.lock.json"))
    return target / "film.yaml"
