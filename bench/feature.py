"""A feature-length film, the case longcut exists for (issue: the cut at a tenth of one ffmpeg graph, memory flat).

Writes a coherent film of 120 one-minute shots (two hours): twelve scenes in four locations, `continues:` chains,
cross-fades between scenes, a line of dialogue in every other shot, a music cue per act. Renders it with the
animatic at 480p, then cuts it, each as its own `longcut` process, and prints against the running time: the render
time (target: at least 3x faster than real time), the cut time (target: under 5% of the running time), the peak
memory of each (longcut and every ffmpeg it runs, together; target: under 300 MB), and what the continuity report
flagged that the film did not ask for (target: nothing).

Run: python bench/feature.py [--minutes N] [--size WxH]   (defaults: 120 shots of one minute, 854x480; fewer
minutes make a shorter film of the same shape, e.g. --minutes 10 for a first look)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.render_animatic import LONGCUT, tree_pss_mb, tree_rss_mb  # noqa: E402
from bench.scale import RENDER_ONLY  # noqa: E402

LOCATIONS = {
    "cliff": "a lighthouse on a cliff above a grey sea, wind in the grass",
    "lamp": "the lamp room at night, brass and glass, rain on the windows",
    "harbour": "a small harbour at dawn, fishing boats, gulls",
    "kitchen": "a warm cottage kitchen, a kettle on the stove",
}
HEADINGS = {"cliff": "EXT. CLIFF PATH - DUSK", "lamp": "INT. LAMP ROOM - NIGHT", "harbour": "EXT. HARBOUR - DAWN",
            "kitchen": "INT. COTTAGE KITCHEN - DAY"}
ACTIONS = ["@ada climbs toward the light", "@jun runs along the path", "@ada and @jun look out to sea",
           "@ada polishes the great lens", "@jun watches the beam turn", "the boats come home in a line",
           "@ada pours tea for @jun", "@jun reads the log book aloud"]
LINES = [("ada", "The light has never once gone out."), ("jun", "Will it go out when you are gone?"),
         ("ada", "Not while someone climbs these stairs."), ("jun", "Then I will climb them.")]
MOVES = ["push-in", "pan-left", "static", "tilt-up", "pan-right", "pull-out"]
SIZES = ["wide", "medium", "two-shot", "close-up", "medium-wide"]


def write_film(folder: Path, shots: int, size: str) -> Path:
    """The film: scenes of ten shots, every third shot continuing the one before, a line every other shot."""
    scenes, per_scene = [], 10
    for scene in range(-(-shots // per_scene)):
        place = list(LOCATIONS)[scene % len(LOCATIONS)]
        lines = [f"  - id: scene{scene:02d}", f"    heading: {HEADINGS[place]}", f"    location: {place}",
                 "    shots:"]
        for number in range(scene * per_scene, min(shots, (scene + 1) * per_scene)):
            parts = [f"id: s{number:03d}", f"prompt: '{ACTIONS[number % len(ACTIONS)]}'", "duration: 60s",
                     f"camera: {{size: {SIZES[number % len(SIZES)]}, move: {MOVES[number % len(MOVES)]}}}"]
            if number % per_scene == 0 and number:
                parts.append("transition: {type: crossfade, duration: 1s}")
            elif number % 3 == 1:
                parts.append(f"continues: s{number - 1:03d}")
            if number % 2 == 0:
                speaker, line = LINES[(number // 2) % len(LINES)]
                parts.append(f"dialogue: [{{{speaker}: \"{line}\"}}]")
            lines.append(f"      - {{{', '.join(parts)}}}")
        scenes.append("\n".join(lines))
    acts = max(1, shots // 30)
    music = [f"  - {{id: act{act}, generate: {{mood: {['calm', 'tense', 'warm', 'calm'][act % 4]}, key: D minor, "
             f"bpm: 70}}, from: s{act * 30:03d}, gain: -18dB, fade_in: 3s, fade_out: 3s}}" for act in range(acts)]
    film = folder / "film.yaml"
    film.write_text(
        f"title: The Keeper\nsize: {size}\nfps: 24\nseed: 11\nbackend: {{name: animatic, captions: false}}\n"
        "characters:\n  ada: {name: Ada, description: 'a keeper in her sixties, grey hair, navy coat, red scarf'}\n"
        "  jun: {name: Jun, description: 'a boy of ten in a yellow raincoat'}\n"
        "locations:\n" + "".join(f"  {name}: {{description: '{text}'}}\n" for name, text in LOCATIONS.items())
        + "music:\n" + "\n".join(music) + "\nscenes:\n" + "\n".join(scenes) + "\n")
    return film


def measured(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, peak resident MB (longcut and its ffmpegs together, sampled every 50 ms) and peak proportional
    MB (PSS: pages shared between them counted once in all) of a command."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    peak = peak_pss = 0.0
    while process.poll() is None:
        peak = max(peak, tree_rss_mb(process.pid))
        peak_pss = max(peak_pss, tree_pss_mb(process.pid))
        time.sleep(0.05)
    assert process.returncode == 0, process.returncode
    return time.perf_counter() - started, peak, peak_pss


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=int, default=120, help="shots of one minute (default 120: two hours)")
    parser.add_argument("--size", default="854x480")
    options = parser.parse_args()
    running = options.minutes * 60
    with tempfile.TemporaryDirectory() as folder:
        film = write_film(Path(folder), options.minutes, options.size)
        print(f"a film of {options.minutes} one-minute shots at {options.size} ({running / 3600:.2f} h)", flush=True)
        # the render alone (keyframes, takes, the lines spoken: what `longcut render` does before it cuts), then the
        # cut alone, each a process of its own
        render_s, render_mb, render_pss = measured([sys.executable, "-c", RENDER_ONLY, str(film)])
        print(f"  render: {render_s:8.1f} s  {running / render_s:5.2f}x real time (target at least 3x)  "
              f"peak {render_mb:5.0f} MB (PSS {render_pss:4.0f} MB)", flush=True)
        cut_s, cut_mb, cut_pss = measured([*LONGCUT, "cut", str(film), "--no-titles"])
        print(f"  cut:    {cut_s:8.1f} s  {cut_s / running * 100:5.2f}% of the running time (target under 5%)  "
              f"peak {cut_mb:5.0f} MB (target under 300 MB; PSS {cut_pss:4.0f} MB)", flush=True)
        flagged = json.loads(film.with_name("film.continuity.json").read_text())["flagged"]
        print(f"  the continuity report flagged {flagged} thing(s) the film did not ask for (target: none)")
        if flagged:
            said = subprocess.run([*LONGCUT, "report", str(film)], cwd=ROOT, capture_output=True, text=True).stdout
            print("\n".join(f"    {line}" for line in said.splitlines()[-12:]))


if __name__ == "__main__":
    main()
