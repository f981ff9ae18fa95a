"""The keyframe stage: the animatic board of the long example, a board with nothing to do, and what longcut adds
around a keyframe model's calls.

1. `longcut board` of the long example (60 shots) from an empty store, with the animatic, against loading and
   planning the film alone (the baseline every command pays); target under 5 s in all.
2. The same board again, every keyframe made and the sheet as written: target under 1 s.
3. Keyframes of 20 shots from a tiny random FLUX.2 pipeline (three reference images each) through the keyframe
   stage, against the same pipeline calls made directly with the same arguments; target: longcut's share under 5%.

Run: python bench/keyframes.py [--steps N] [--repeat N]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import copy_example, report  # noqa: E402

SHOTS = 20


def board_seconds(film: Path) -> float:
    from typer.testing import CliRunner

    from longcut.engine.cli import app

    started = time.perf_counter()
    result = CliRunner().invoke(app, ["board", str(film)], terminal_width=200)
    assert result.exit_code == 0, result.output
    return time.perf_counter() - started


def plan_seconds(film: Path) -> float:
    from longcut.engine.app.project import Project

    started = time.perf_counter()
    Project.open(film, media=True).plan()
    return time.perf_counter() - started


def animatic_board(repeat: int) -> None:
    fresh, cached, baseline = [], [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as folder:
            film = copy_example("long", Path(folder))
            baseline.append(plan_seconds(film))
            fresh.append(board_seconds(film))
            cached.append(board_seconds(film))
    report("the long example (60 shots, 1280x720), animatic keyframes, medians of "
           f"{repeat}", ("load, check and plan the film", statistics.median(baseline)),
           [("longcut board, empty store (target < 5 s)", statistics.median(fresh)),
            ("longcut board, all made (target < 1 s)", statistics.median(cached))])


def film_text(model: Path, steps: int) -> str:
    shots = "\n".join(f"      - {{id: s{number}, prompt: '@ada by the sea, wave {number}', duration: 1s}}"
                      for number in range(SHOTS))
    return (f"title: Overhead\nfps: 8\nsize: 96x64\nseed: 1\nbackend: animatic\n"
            f"keyframes: {{name: diffusers, model: '{model}', steps: {steps}, "
            "call: {text_encoder_out_layers: [1], max_sequence_length: 32}}\n"
            "characters: {ada: {description: a keeper, reference: [refs/a.png, refs/b.png]}}\n"
            "locations: {sea: {description: the sea, reference: refs/sea.png}}\n"
            "scenes:\n  - id: s\n    location: sea\n    shots:\n" + shots + "\n")


class TimedCalls:
    """A pipeline whose calls are timed."""

    def __init__(self, pipe) -> None:
        self.pipe, self.seconds = pipe, 0.0

    def __call__(self, **arguments):
        began = time.perf_counter()
        try:
            return self.pipe(**arguments)
        finally:
            self.seconds += time.perf_counter() - began


def model_keyframes(steps: int) -> None:
    import torch
    from PIL import Image

    from longcut.engine.backends.diffusers.keyframes import fit_reference
    from longcut.engine.app.project import Project
    from longcut.engine.render.keyframes import draw_missing
    from tests import tiny_models

    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "refs").mkdir()
        # small references: the tiny model's VAE does not downsample, so its attention grows with their pixels
        for name, size, colour in (("a", (64, 64), (200, 30, 30)), ("b", (64, 64), (30, 30, 200)),
                                   ("sea", (64, 64), (30, 160, 30))):
            Image.new("RGB", size, colour).save(work / "refs" / f"{name}.png")
        model = tiny_models.flux2(work / "flux2")
        film = work / "film.yaml"
        film.write_text(film_text(model, steps))
        started = time.perf_counter()
        project = Project.open(film)
        keyframes = project.keyframe_backend
        pipe = keyframes._pipeline()  # loaded before timing
        startup = time.perf_counter() - started
        todo = project.plan().keyframes_to_draw()
        assert len(todo) == SHOTS

        first = todo[0].request  # one call before timing: the first call of a process pays for warming up
        pipe(**keyframes.arguments(first, [fit_reference(path, 64) for path in first.references]))
        timed = TimedCalls(pipe)  # the stage's own calls timed too: what it adds, measured without the noise
        keyframes._pipeline = lambda: timed
        direct = ours = 0.0  # side by side, keyframe by keyframe, so the machine's noise falls on both alike
        for planned in todo:
            # the baseline: the same call, with the references fitted beforehand
            references = [fit_reference(path, 64) for path in planned.request.references]
            arguments = keyframes.arguments(planned.request, references)
            began = time.perf_counter()
            pipe(**arguments)
            direct += time.perf_counter() - began
            began = time.perf_counter()
            made = draw_missing([planned], keyframes, project.store)
            ours += time.perf_counter() - began
            assert len(made) == 1
    report(f"{SHOTS} keyframes at 96x64, tiny FLUX.2, three references each, {steps} steps, CPU, one thread",
           ("the same pipeline calls, made directly", direct), [("the keyframe stage (calls + everything else)", ours)])
    print(f"  side by side: {ours - direct:+.2f}s = {(ours - direct) / direct * 100:+.1f}% (the machine's noise is about "
          "as large)")
    own = ours - timed.seconds
    print(f"  the stage's own work around its calls: {own:.3f}s = {own / timed.seconds * 100:.2f}% of its pipeline time, "
          f"{own / SHOTS * 1000:.0f} ms a keyframe (target: under 5%); start-up apart: {startup:.1f}s")


def main() -> None:
    steps = int(sys.argv[sys.argv.index("--steps") + 1]) if "--steps" in sys.argv else 4
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
    animatic_board(repeat)
    model_keyframes(steps)


if __name__ == "__main__":
    main()
