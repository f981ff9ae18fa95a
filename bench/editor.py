"""The editor against a single ffmpeg filter graph (issue: stitch, cross-fade and score, touching only what changed).

The film of the reference measurement: 24 shots of 10 s at 1280x720, 24 fps, 23 half-second cross-fades,
a generated score under all of it. Made twice: from animatic takes (flat drawings, which x264 encodes
several times faster than footage) and from footage-like takes (the animatic with moving grain,
bench/footage.py, so the encoder works harder, as on a camera's or a video model's frames). The takes are
rendered first (not timed). Then, side by side:

* baseline: one ffmpeg process, one filter graph (xfade chain, the same score, single-pass loudnorm),
  encoding with the same x264 settings as longcut;
* longcut cut, from nothing cached (pieces and sound);
* longcut cut after one shot changed (its take re-rendered first, not timed; none of its pieces exist).

Peak memory is the largest resident size of the process and of any child it ran. moviepy is not
installed by longcut; its reference figure (about 228 s, 3.9 GB) is quoted from shared/notes.

Times are medians of three interleaved runs (one with --quick); peak memory is the largest of them.

Run: python bench/editor.py [--quick] [--content animatic|footage]   (--quick: 640x360, one run each;
--content: one of the two films, both by default)
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import report  # noqa: E402
from bench.footage import register  # noqa: E402

SHOTS, SECONDS, FADE = 24, 10, 0.5
# longcut's command line for each kind of take; bench.footage is that command line with its backend added
LONGCUT = {"animatic": [sys.executable, "-m", "longcut.engine.cli"], "footage": [sys.executable, "-m", "bench.footage"]}
REGISTER_FOOTAGE = "from bench.footage import register\nregister()\n"
register()  # this process plans the films too


def write_film(folder: Path, size: str, backend: str = "animatic") -> Path:
    shots = []
    for number in range(SHOTS):
        transition = "" if number == 0 else f", transition: {{type: crossfade, duration: {FADE}s}}"
        move = ["push-in", "pan-left", "static", "tilt-up"][number % 4]
        shots.append(f"      - {{id: s{number:02d}, prompt: 'the sea, shot {number}', duration: {SECONDS}s, "
                     f"camera: {{size: wide, move: {move}}}{transition}}}")
    film = folder / "film.yaml"
    film.write_text(f"title: Bench\nsize: {size}\nfps: 24\nbackend: {{name: {backend}, captions: false}}\n"
                    "locations: {sea: {description: 'the sea at dusk'}}\n"
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
    from longcut.engine.editor.audio import AAC, _mix, music_sources
    from longcut.engine.editor.timeline import build_timeline
    from longcut.engine.media.ffmpeg import encoder_output_options, ffmpeg_exe
    from longcut.engine.app.project import Project

    project = Project.open(film)
    timeline = build_timeline(project.plan(), project.store, titles=False)
    total = round(timeline.total_frames / 24 * 48000)
    mix = output.with_suffix(".f32")
    _mix(timeline, music_sources(timeline, output.parent), total, mix)
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
    args += ["-filter_complex", ";".join(parts), "-map", f"[{label}]", "-map", "[a]"]
    for key, value in {**AAC, **encoder_output_options(timeline.fps)}.items():
        args += [f"-{key}", str(value)]
    return args + [str(output)]


def render_takes(film: Path) -> None:
    """Render what is missing and note it in the lock file, without cutting (`longcut render` would cut too)."""
    code = (REGISTER_FOOTAGE + "import sys\nfrom longcut.engine.app.project import Project\nfrom longcut.engine.render import render\n"
            "project = Project.open(sys.argv[1])\nrender(project.plan(), project.store, project.lock)")
    subprocess.run([sys.executable, "-c", code, str(film)], check=True, cwd=ROOT)


def _median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The median time, and the largest peak memory, of repeated runs."""
    return statistics.median(seconds for seconds, _ in runs), max(peak for _, peak in runs)


def bench(content: str, quick: bool) -> None:
    size = "640x360" if quick else "1280x720"
    longcut = LONGCUT[content]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        film = write_film(work, size, content)
        print(f"rendering the {content} takes of {SHOTS} shots of {SECONDS}s at {size} (not timed) ...", flush=True)
        subprocess.run([*longcut, "render", str(film), "--no-titles"], check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        graph, full, changed = [], [], []
        for _ in range(1 if quick else 3):  # interleaved, so a slow spell of the machine hits both
            graph.append(timed(filter_graph_args(film, work / "graph.mp4")))
            for made in ("pieces", "audio", "outputs"):
                shutil.rmtree(work / ".longcut" / made, ignore_errors=True)
            full.append(timed([*longcut, "cut", str(film), "--no-titles"]))
        for number in range(1 if quick else 3):  # each run changes shot 12 again: one new take, then the cut
            film.write_text(re.sub(r"the sea, shot 12[^']*", f"the sea, shot 12, take {number}", film.read_text()))
            render_takes(film)  # not timed; no cut, so none of the new take's pieces exist yet
            changed.append(timed([*longcut, "cut", str(film), "--no-titles"]))
        graph_s, graph_mb = _median(graph)
        full_s, full_mb = _median(full)
        changed_s, changed_mb = _median(changed)
    report(f"cut {SHOTS} x {SECONDS}s of {content} takes at {size}, {SHOTS - 1} cross-fades of {FADE}s, a generated "
           "score", ("one ffmpeg filter graph", graph_s),
           [("longcut cut, nothing cached", full_s), ("longcut cut after one shot changed", changed_s)])
    print(f"  peak memory: filter graph {graph_mb:.0f} MB, longcut cut {full_mb:.0f} MB, "
          f"after a change {changed_mb:.0f} MB (target: under 300 MB)", flush=True)


def main() -> None:
    quick = "--quick" in sys.argv
    contents = [sys.argv[sys.argv.index("--content") + 1]] if "--content" in sys.argv else list(LONGCUT)
    for content in contents:
        bench(content, quick)
    print("moviepy 2.2.1, the same film (shared/notes, not run here): about 228 s and 3.9 GB")


if __name__ == "__main__":
    main()
