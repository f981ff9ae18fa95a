"""Peak memory of the cut against the film's length (issue: memory flat in the film's length).

Two films alike but for their length, 24 and 96 shots (the second four times as long), rendered with the
animatic (not measured), then cut from nothing cached: the cut's peak resident memory (longcut and every ffmpeg it
runs, together, sampled every 20 ms) for each, and their ratio. Flat means the longer film's peak is within 10% of
the shorter's. The takes and the spoken lines are made first (as a render makes them, and a re-cut finds them);
the cut's own memory is measured. Each film has a generated score under all of it, cross-fades, and a line of dialogue every fourth
shot (spoken by the scratch voice where it is installed), so every part of the cut that could grow with the film
is there.

Run: python bench/scale.py [--quick]   (--quick: 3 s shots at 320x180; default 6 s shots at 640x360)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.render_animatic import peak_memory_mb  # noqa: E402

LENGTHS = (24, 96)
# the takes and the spoken lines (made once, as `longcut render` makes them), and nothing of the cut
RENDER_ONLY = ("import sys\nfrom longcut.engine.app.project import Project\nfrom longcut.engine.render import render\n"
               "from longcut.engine.render.voices import speak_lines\n"
               "project = Project.open(sys.argv[1])\nplan = project.plan()\n"
               "render(plan, project.store, project.lock)\nspeak_lines(project.plan(), project.store)")


def write_film(folder: Path, shots: int, seconds: float, size: str) -> Path:
    lines = []
    for number in range(shots):
        transition = "" if number == 0 else ", transition: {type: crossfade, duration: 0.5s}"
        move = ["push-in", "pan-left", "static", "tilt-up"][number % 4]
        chain = f", continues: s{number - 1:03d}" if number % 3 == 1 else ""
        spoken = ", dialogue: [{ada: 'The light is still on.'}]" if number % 4 == 2 else ""
        lines.append(f"      - {{id: s{number:03d}, prompt: '@ada by the sea, shot {number}', duration: {seconds}s, "
                     f"camera: {{size: wide, move: {move}}}{transition}{chain}{spoken}}}")
    film = folder / "film.yaml"
    film.write_text(f"title: Scale\nsize: {size}\nfps: 24\nbackend: {{name: animatic, captions: false}}\n"
                    "characters: {ada: {name: Ada, description: 'a keeper in a navy coat'}}\n"
                    "locations: {sea: {description: 'the sea at dusk'}}\n"
                    "music: [{id: bed, generate: {mood: calm, key: D minor, bpm: 70}, gain: -16dB, fade_in: 2s, "
                    "fade_out: 4s}]\n"
                    "scenes:\n  - id: s\n    location: sea\n    shots:\n" + "\n".join(lines) + "\n")
    return film


def main() -> None:
    quick = "--quick" in sys.argv
    seconds, size = (3, "320x180") if quick else (6, "640x360")
    peaks, times = {}, {}
    with tempfile.TemporaryDirectory() as folder:
        for shots in LENGTHS:
            work = Path(folder) / f"film-{shots}"
            work.mkdir()
            film = write_film(work, shots, seconds, size)
            print(f"rendering {shots} shots of {seconds}s at {size} (not measured) ...", flush=True)
            subprocess.run([sys.executable, "-c", RENDER_ONLY, str(film)], check=True, cwd=ROOT)
            for made in ("pieces", "audio", "outputs"):  # the cut from nothing but the takes and the lines
                shutil.rmtree(work / ".longcut" / made, ignore_errors=True)
            started = time.perf_counter()
            peaks[shots] = peak_memory_mb(["cut", str(film), "--no-titles"])
            times[shots] = time.perf_counter() - started
    short, long = LENGTHS
    print(f"cut from nothing cached, {size}, {seconds}s shots, a score, cross-fades, a line every fourth shot")
    for shots in LENGTHS:
        print(f"  {shots:>3} shots ({shots * seconds / 60:5.1f} min): peak {peaks[shots]:6.0f} MB, "
              f"cut {times[shots]:6.1f} s ({times[shots] / (shots * seconds) * 100:4.1f}% of the running time)")
    ratio = peaks[long] / peaks[short]
    print(f"  peak memory, {long} shots against {short}: {ratio:.2f}x "
          f"({'flat' if ratio <= 1.10 else 'not flat'}: the target is within 10%)")


if __name__ == "__main__":
    main()
