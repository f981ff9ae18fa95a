"""The editor against a single ffmpeg filter graph (issue: stitch, cross-fade and score, touching only what changed).

The film of the reference measurement: 24 shots of 10 s at 1280x720, 24 fps, 23 half-second cross-fades,
a generated score under all of it. The takes are rendered first (not timed). Then, side by side:

* baseline: one ffmpeg process, one filter graph (xfade chain, the same score, single-pass loudnorm),
  encoding with the same x264 settings as longcut;
* longcut cut, from nothing cached (pieces and sound);
* longcut cut after one shot changed (its take re-rendered first, not timed).

Peak memory is the largest resident size of the process and of any child it ran. moviepy is not
installed by longcut; its reference figure (about 228 s, 3.9 GB) is quoted from shared/notes.

Run: python bench/editor.py [--quick]   (--quick: 640x360, one run each)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import report  # noqa: E402

LONGCUT = [sys.executable, "-m", "engine.cli"]
SHOTS, SECONDS, FADE = 24, 10, 0.5


def write_film(folder: Path, size: str) -> Path:
    shots = []
    for number in range(SHOTS):
        transition = "" if number == 0 else f", transition: {{type: crossfade, duration: {FADE}s}}"
        move = ["push-in", "pan-left", "static", "tilt-up"][number % 4]
        shots.append(f"      - {{id: s{number:02d}, prompt: 'the sea, shot {number}', duration: {SECONDS}s, "
                     f"camera: {{size: wide, move: {move}}}{transition}}}")
    film = folder / "film.yaml"
    film.write_text(f"title: Bench\nsize: {size}\nfps: 24\nlocations: {{sea: {{description: 'the sea at dusk'}}}}\n"
                    "music: [{id: bed, generate: {mood: calm, key: D minor, bpm: 70}, gain: -16dB, fade_in: 2s, "
                    "fade_out: 4s}]\n"
                    "scenes:\n  - id: s\n    location: sea\n    shots:\n" + "\n".join(shots) + "\n")
    return film


def timed(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of a command and its children."""
    code = ("import resource, subprocess, sys, time\nstarted = time.perf_counter()\n"
            "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
            "print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    result = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True, cwd=ROOT)
    seconds, peak = result.stdout.split()
    return float(seconds), int(peak) / 1024


def filter_graph_args(film: Path, output: Path) -> list[str]:
    """The whole cut as one ffmpeg filter graph, from the same takes and the same score."""
    sys_path = str(ROOT)
    sys.path.insert(0, sys_path)
    from engine.editor.audio import _mix, _source
    from engine.editor.timeline import build_timeline
    from engine.ffmpeg import encoder_output_options, ffmpeg_exe
    from engine.project import Project

    project = Project.open(film)
    timeline = build_timeline(project.plan(), project.store, titles=False)
    total = round(timeline.total_frames / 24 * 48000)
    mix = output.with_suffix(".f32")
    _mix(timeline, {index: _source(cue, output.parent) for index, cue in enumerate(timeline.music)}, total, mix)
    args = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y"]
    for clip in timeline.clips:
        args += ["-i", str(clip.path)]
    args += ["-f", "f32le", "-ar", "48000", "-ac", "2", "-i", str(mix)]
    parts, last = [], "[0:v]settb=AVTB,fps=24,format=yuv420p,setsar=1[v0]"
    parts.append(last)
    offset = 0.0
    label = "v0"
    for number, clip in enumerate(timeline.clips[1:], start=1):
        parts.append(f"[{number}:v]settb=AVTB,fps=24,format=yuv420p,setsar=1[n{number}]")
        offset += SECONDS - FADE
        parts.append(f"[{label}][n{number}]xfade=transition=fade:duration={FADE}:offset={offset}[x{number}]")
        label = f"x{number}"
    parts.append(f"[{len(timeline.clips)}:a]loudnorm=I=-14:TP=-1:LRA=20,aresample=48000[a]")
    args += ["-filter_complex", ";".join(parts), "-map", f"[{label}]", "-map", "[a]", "-c:a", "aac", "-b:a", "192k"]
    for key, value in encoder_output_options(timeline.fps).items():
        args += [f"-{key}", str(value)]
    return args + [str(output)]


def main() -> None:
    quick = "--quick" in sys.argv
    size = "640x360" if quick else "1280x720"
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        film = write_film(work, size)
        print(f"rendering the takes of {SHOTS} shots of {SECONDS}s at {size} (not timed) ...", flush=True)
        subprocess.run([*LONGCUT, "render", str(film), "--no-titles"], check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        shutil.rmtree(work / ".longcut" / "pieces")
        shutil.rmtree(work / ".longcut" / "audio")
        shutil.rmtree(work / ".longcut" / "outputs")
        graph_s, graph_mb = timed(filter_graph_args(film, work / "graph.mp4"))
        full_s, full_mb = timed([*LONGCUT, "cut", str(film), "--no-titles"])
        film.write_text(film.read_text().replace("the sea, shot 12", "the sea, shot 12, changed"))
        subprocess.run([*LONGCUT, "shot", str(film), "s12"], check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        shutil.rmtree(work / ".longcut" / "outputs")  # `shot` cut already (with titles); time the cut itself
        changed_s, changed_mb = timed([*LONGCUT, "cut", str(film), "--no-titles"])
    report(f"cut {SHOTS} x {SECONDS}s at {size}, {SHOTS - 1} cross-fades of {FADE}s, a generated score",
           ("one ffmpeg filter graph", graph_s),
           [("longcut cut, nothing cached", full_s), ("longcut cut after one shot changed", changed_s)])
    print(f"  peak memory: filter graph {graph_mb:.0f} MB, longcut cut {full_mb:.0f} MB, "
          f"after a change {changed_mb:.0f} MB (target: under 300 MB)")
    print("  moviepy 2.2.1, the same film (shared/notes, not run here): about 228 s and 3.9 GB")


if __name__ == "__main__":
    main()
