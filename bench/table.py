"""Every row of the performance table in one run (issue: the cut at a tenth of one ffmpeg graph, memory flat).

Each row is a pair measured side by side, a baseline and longcut, in rounds: every round measures every row once,
baseline and longcut in turn (which goes first alternates), so a slow spell of this noisy machine falls on both.
The table prints the median of each side, the median of the rounds' ratios and their spread (lowest-highest),
and the row's goal. Peak memory is one run (its largest sample).

Rows (the issue's table):
- full cut: 24 x 10 s footage-like takes at 720p, 23 cross-fades, a score, against one ffmpeg filter graph;
- re-cut after one shot changed, against the same graph (which has nothing to keep);
- the continuity report's share of that full cut;
- render of the short example at 720p, against the encoder's floor (and as real time);
- peak memory of rendering the long example (12.5 min) at 720p;
- a full cut of the short example with its lines spoken, against the same cut with the dialogue silent;
- load and shot graph of a 10,000-shot film, against libyaml parsing the same files.

Run: python bench/table.py [--rounds N] [--quick]   (--quick: one round, 640x360 and the long example at
320x180, for a first look; the README's figures are from a full run)
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import editor, load_plan, voices  # noqa: E402
from bench.common import copy_example  # noqa: E402
from bench.continuity import report_only  # noqa: E402
from bench.render_animatic import LONGCUT, encoder_floor, peak_memory_mb  # noqa: E402

SHORT_FRAMES, SHORT_SECONDS = 1464, 61  # the short example's shots in full, and its running time


@dataclass
class Row:
    name: str
    baseline: str
    goal: str
    met: Callable[[float], bool]  # given the median ratio
    share: bool = False  # the ratio is longcut's part of the baseline (a percentage), not a multiple
    pairs: list[tuple[float, float]] = field(default_factory=list)  # (baseline, longcut) seconds, a round each

    def ratios(self) -> list[float]:
        return [ours / base for base, ours in self.pairs]


def in_turn(round_number: int, first: Callable[[], float], second: Callable[[], float]) -> tuple[float, float]:
    """(first(), second()), the one run first alternating by round."""
    if round_number % 2:
        b = second()
        return first(), b
    a = first()
    return a, second()


def seconds_of(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


class Films:
    """The films the rows measure, made once (not timed)."""

    def __init__(self, work: Path, quick: bool) -> None:
        size = "640x360" if quick else "1280x720"
        (work / "cut").mkdir()
        self.cut = editor.write_film(work / "cut", size, "footage")
        print(f"rendering the footage-like takes of {editor.SHOTS} shots at {size} (not timed) ...", flush=True)
        subprocess.run([*editor.LONGCUT["footage"], "render", str(self.cut), "--no-titles"], check=True,
                       stdout=subprocess.DEVNULL, cwd=ROOT)
        self.short = copy_example("short", work / "short-render")
        self.spoken = copy_example("short", work / "short-cut")
        print("rendering the short example's takes, its lines spoken (not timed) ...", flush=True)
        subprocess.run([*LONGCUT, "render", str(self.spoken)], check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        (work / "load").mkdir()
        self.load_folder = work / "load"
        self.load = load_plan.write_film(self.load_folder)
        self.long = copy_example("long", work / "long")
        self.work = work
        self.changes = 0


def full_cut_pair(films: Films, round_number: int) -> tuple[tuple[float, float], float]:
    """The filter graph and longcut's full cut; and the report's seconds on that cut (its share)."""
    film = films.cut

    def graph() -> float:
        return editor.timed(editor.filter_graph_args(film, films.work / "graph.mp4"))[0]

    def ours() -> float:
        for made in ("pieces", "audio", "outputs"):
            shutil.rmtree(film.parent / ".longcut" / made, ignore_errors=True)
        return editor.timed([*editor.LONGCUT["footage"], "cut", str(film), "--no-titles"])[0]

    pair = in_turn(round_number, graph, ours)
    return pair, report_only(film, kept=True)


def recut(films: Films) -> float:
    """One shot changed (its take rendered, not timed; none of its pieces exist), then the cut."""
    film = films.cut
    films.changes += 1
    film.write_text(re.sub(r"the sea, shot 12[^']*", f"the sea, shot 12, change {films.changes}", film.read_text()))
    editor.render_takes(film)
    return editor.timed([*editor.LONGCUT["footage"], "cut", str(film), "--no-titles"])[0]


def render_short(films: Films) -> float:
    film = films.short

    def run() -> None:
        shutil.rmtree(film.parent / ".longcut", ignore_errors=True)
        film.with_name("film.lock.json").unlink(missing_ok=True)
        subprocess.run([*LONGCUT, "render", str(film)], check=True, stdout=subprocess.DEVNULL, cwd=ROOT)

    return seconds_of(run)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args()
    rounds = 1 if options.quick else options.rounds
    rows = {
        "cut": Row("full cut, 24 x 10 s footage-like takes, 23 cross-fades, a score", "one ffmpeg filter graph",
                   "<= 0.1x", lambda r: r <= 0.1),
        "recut": Row("the cut again after one shot changed", "the same filter graph", "<= 0.04x",
                     lambda r: r <= 0.04),
        "report": Row("the continuity report, inside that full cut", "the full cut", "<= 8%", lambda r: r <= 0.08,
                      share=True),
        "render": Row("render of the short example at 720p, empty store", "the encoder's floor", "<= 2x",
                      lambda r: r <= 2),
        "spoken": Row("full cut of the short example, its lines spoken", "the same cut, dialogue silent",
                      "<= 1.05x", lambda r: r <= 1.05),
        "load": Row("load + shot graph, 10,000 shots in 100 scene files", "libyaml parsing the same files",
                    "<= 3x", lambda r: r <= 3),
    }
    with tempfile.TemporaryDirectory() as folder:
        films = Films(Path(folder), options.quick)
        for number in range(rounds):
            print(f"round {number + 1} of {rounds} ...", flush=True)
            (graph_s, cut_s), report_s = full_cut_pair(films, number)
            rows["cut"].pairs.append((graph_s, cut_s))
            rows["report"].pairs.append((cut_s, report_s))
            rows["recut"].pairs.append((graph_s, recut(films)))  # the graph has nothing to keep: its time again
            rows["render"].pairs.append(in_turn(number, lambda: seconds_of(
                lambda: encoder_floor(SHORT_FRAMES, "1280x720", 24, films.work / "floor.mp4")),
                lambda: render_short(films)))
            rows["spoken"].pairs.append(in_turn(number, lambda: voices.full_cut(films.spoken, spoken=False),
                                                lambda: voices.full_cut(films.spoken, spoken=True)))
            rows["load"].pairs.append(in_turn(number, lambda: seconds_of(lambda: load_plan.parse_only(films.load_folder)),
                                              lambda: seconds_of(lambda: load_plan.load_and_plan(films.load))))
        print("peak memory of rendering the long example (one run) ...", flush=True)
        long_size = ["--size", "320x180"] if options.quick else []
        long_mb = peak_memory_mb(["render", str(films.long), *long_size])
    print_table(list(rows.values()), rounds)
    render_s = statistics.median(ours for _, ours in rows["render"].pairs)
    print(f"\nrender of the short example: {SHORT_SECONDS / render_s:.2f}x real time (goal: at least 3x)")
    print(f"peak memory, the long example at {'320x180' if options.quick else '720p'}: {long_mb:.0f} MB "
          "(longcut and its ffmpegs together; goal: at most 300 MB)")


def print_table(rows: list[Row], rounds: int) -> None:
    print(f"\n{'row':<62} {'baseline':>9} {'longcut':>9} {'ratio':>8} {'spread':>15}  goal")
    for row in rows:
        base = statistics.median(base for base, _ in row.pairs)
        ours = statistics.median(ours for _, ours in row.pairs)
        ratios = row.ratios()
        ratio = statistics.median(ratios)
        shown = (lambda value: f"{value * 100:.1f}%") if row.share else (lambda value: f"{value:.3f}x")
        spread = f"{shown(min(ratios))}-{shown(max(ratios))}" if rounds > 1 else "-"
        print(f"{row.name:<62} {base:>8.2f}s {ours:>8.2f}s {shown(ratio):>8} {spread:>15}  {row.goal} "
              f"{'met' if row.met(ratio) else 'NOT MET'}")
        print(f"  {'(baseline: ' + row.baseline + ')':<60}")


if __name__ == "__main__":
    main()
