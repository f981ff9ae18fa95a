"""What longcut adds around a model's pipeline calls, with a tiny random LTX-Video pipeline on the CPU.

A film of 20 shots (10 of them continuing the shot before, so image-to-video calls too) renders through
the diffusers backend in-process; the baseline calls the same pipelines directly with the same
arguments, side by side. The difference is longcut's part: planning, conversion of frames, encoding,
the store and the lock file. Start-up (importing torch, loading the pipeline) is reported apart.

Run: python bench/diffusers_overhead.py [--steps N]
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from bench.common import report  # noqa: E402

SHOTS = 20


def film_text(model: Path, steps: int) -> str:
    shots = []
    for number in range(SHOTS):
        continues = f", continues: s{number - 1}" if number % 2 else ""
        shots.append(f"      - {{id: s{number}, prompt: 'the sea, wave {number}', duration: 2s{continues}}}")
    return (f"title: Overhead\nfps: 8\nsize: 128x96\nseed: 1\n"
            f"backend: {{name: diffusers, model: '{model}', steps: {steps}}}\n"
            "locations: {sea: {description: the sea}}\nscenes:\n  - id: s\n    location: sea\n    shots:\n"
            + "\n".join(shots) + "\n")


def main() -> None:
    steps = int(sys.argv[sys.argv.index("--steps") + 1]) if "--steps" in sys.argv else 12
    torch.set_num_threads(1)
    importlib.import_module("longcut.engine.backends.diffusers")  # import before timing
    from longcut.engine.app.project import Project
    from longcut.engine.render import render
    from tests import tiny_models

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        model = tiny_models.ltx(work / "ltx")
        film = work / "film.yaml"
        film.write_text(film_text(model, steps))
        started = time.perf_counter()
        project = Project.open(film)
        plan = project.plan()
        backend = project.backend
        for mode in ("text", "image"):  # load (and derive) the pipelines before timing
            backend._pipeline(mode)
        startup = time.perf_counter() - started

        # the baseline: the same pipeline calls, made directly
        direct = 0.0
        last_frame = None
        for shot_id in plan.order:
            request = plan.shots[shot_id].request
            mode = "image" if request.starts_on else "text"
            pipe = backend._pipeline(mode)
            arguments = dict(prompt=request.prompt, negative_prompt=request.negative or None, height=96, width=128,
                             num_frames=backend.family.frames_for(request.frames), num_inference_steps=steps,
                             guidance_scale=backend.guidance, output_type="np",
                             generator=torch.Generator().manual_seed(request.seed))
            if mode == "image":
                from PIL import Image

                arguments["image"] = Image.fromarray(last_frame)
            began = time.perf_counter()
            frames = pipe(**arguments).frames[0]
            direct += time.perf_counter() - began
            last_frame = (np.clip(frames[-1], 0, 1) * 255).round().astype(np.uint8)

        began = time.perf_counter()
        result = render(plan, project.store, project.lock)
        ours = time.perf_counter() - began
        assert len(result.rendered) == SHOTS
    report(f"{SHOTS} shots of 16 frames at 128x96, tiny LTX-Video, {steps} steps, CPU, one thread",
           ("the same pipeline calls, made directly", direct), [("longcut render (pipelines + everything else)", ours)])
    print(f"  longcut's share: {ours - direct:.2f}s = {(ours - direct) / direct * 100:.1f}% of the pipeline time "
          f"(target: under 5%); start-up apart: {startup:.1f}s")


if __name__ == "__main__":
    main()
