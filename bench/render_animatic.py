"""Render benchmarks for the animatic (issue: render every shot with continuity).

1. The short example at 720p, against the encoder's floor: ffmpeg encoding the same number of frames of
   its own test source with the same settings. Also as a multiple of real time.
2. Peak memory (the render process plus ffmpeg) of a one-minute 1080p shot and of the ten-minute example.
3. `longcut render` on a fully cached 100-shot film (the whole command, Python start-up included).

Run: python bench/render_animatic.py [--quick]   (--quick: one run each, the long film at 320x180)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import copy_example, median_seconds, report  # noqa: E402
from longcut.engine.media.ffmpeg import ENCODING, ffmpeg_exe, gop_frames  # noqa: E402

LONGCUT = [sys.executable, "-m", "longcut.engine.cli"]


def longcut(*args: str, cwd: Path | None = None) -> None:
    subprocess.run([*LONGCUT, *args], check=True, stdout=subprocess.DEVNULL, cwd=cwd or ROOT)


def encoder_floor(frames: int, size: str, fps: int, out: Path) -> None:
    gop = gop_frames(fps)
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc2=size={size}:rate={fps}", "-frames:v", str(frames), "-c:v", ENCODING["codec"],
                    "-preset", ENCODING["preset"], "-crf", str(ENCODING["crf"]), "-pix_fmt", "yuv420p",
                    "-x264-params", f"keyint={gop}:min-keyint={gop}:scenecut=0", str(out)], check=True)


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, from /proc (Linux)."""
    return _tree_mb(pid, Path("status"), "VmRSS:")


def tree_pss_mb(pid: int) -> float:
    """Proportional memory (PSS) of a process and all its descendants: each page shared by n processes counts 1/n
    in each, so the sum is what the tree holds of the machine's memory. tree_rss_mb counts a shared page once per
    process: the ffmpeg binary's pages (about 20 MB) once for every ffmpeg running, for one. The goals are judged
    on tree_rss_mb, the larger."""
    return _tree_mb(pid, Path("smaps_rollup"), "Pss:")


def _tree_mb(pid: int, table: Path, field: str) -> float:
    """A field in kB of /proc/<pid>/<table>, summed over a process and its descendants, in MB.

    A child that still runs its parent's program is the moment between fork (or vfork) and exec, sharing or
    copying the parent's pages: counting it would count the parent twice (a sampling artifact that grows with the
    number of ffmpegs a cut starts), so it is left out; its program's own memory is counted once it has one.
    """
    total, pending = 0, [(pid, None)]
    while pending:
        current, parent_exe = pending.pop()
        try:
            exe = os.readlink(f"/proc/{current}/exe")
            if exe != parent_exe:
                lines = (Path(f"/proc/{current}") / table).read_text().splitlines()
                total += int(next(line.split()[1] for line in lines if line.startswith(field)))
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend((int(child), exe) for child in (task / "children").read_text().split())
        except (OSError, StopIteration, ValueError):
            continue
    return total / 1024


def peak_memory_mb(args: list[str]) -> float:
    """The largest resident memory of the longcut process and every ffmpeg it runs, together, sampled every 20 ms."""
    process = subprocess.Popen([*LONGCUT, *args], cwd=ROOT, stdout=subprocess.DEVNULL)
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, tree_rss_mb(process.pid))
        time.sleep(0.02)
    assert process.returncode == 0, process.returncode
    return peak


def main() -> None:
    quick = "--quick" in sys.argv
    repeat = 1 if quick else 3
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        # 1. short example at 720p vs the encoder floor
        film = copy_example("short", work)
        frames = 1464  # every shot in full: transitions overlap only in the cut

        def render_short() -> None:
            shutil.rmtree(film.parent / ".longcut", ignore_errors=True)
            film.with_name("film.lock.json").unlink(missing_ok=True)
            longcut("render", str(film))

        ours = median_seconds(render_short, repeat)
        floor = median_seconds(lambda: encoder_floor(frames, "1280x720", 24, work / "floor.mp4"), repeat)
        report(f"render the short example, {frames} frames at 1280x720 (61 s of shots)",
               ("ffmpeg encoding testsrc2, same settings (the floor)", floor),
               [("longcut render (animatic, encoding, store)", ours)])
        print(f"  speed: {61 / ours:.2f}x real time (target: at least 2x)")

        # 2. peak memory
        minute = work / "minute" / "film.yaml"
        minute.parent.mkdir()
        minute.write_text("title: One minute\nsize: 1080p\nlocations: {sea: {description: 'a harbour at dusk, boats'}}\n"
                          "characters: {ana: {description: a woman in a red coat}}\n"
                          "scenes: [{id: s, location: sea, shots: [{id: long, prompt: '@ana waits', duration: 1m, "
                          "camera: {size: medium, move: push-in}}]}]\n")
        long_film = copy_example("long", work)
        long_size = ["--size", "320x180"] if quick else []
        started = time.perf_counter()
        minute_mb = peak_memory_mb(["render", str(minute)])
        minute_s = time.perf_counter() - started
        started = time.perf_counter()
        long_mb = peak_memory_mb(["render", str(long_film), *long_size])
        long_s = time.perf_counter() - started
        print("peak memory (longcut and its ffmpeg processes together, resident, sampled every 20 ms)")
        print(f"  one-minute 1080p shot: {minute_mb:.0f} MB in {minute_s:.0f}s")
        print(f"  the 12.5-minute long example{' at 320x180' if quick else ' at 720p'}: {long_mb:.0f} MB in {long_s:.0f}s"
              " (target for both: under 500 MB)")

        # 3. a fully cached 100-shot film
        cached = work / "hundred" / "film.yaml"
        cached.parent.mkdir()
        shots = ",".join(f"{{id: s{i}, duration: 1s, prompt: 'shot {i}'}}" for i in range(100))
        cached.write_text("title: Hundred\nsize: 128x72\nlocations: {room: {description: a room}}\n"
                          f"scenes: [{{id: s, location: room, shots: [{shots}]}}]\n")
        longcut("render", str(cached))
        startup = median_seconds(lambda: subprocess.run([*LONGCUT, "--help"], check=True, stdout=subprocess.DEVNULL,
                                                        cwd=ROOT), 3)
        again = median_seconds(lambda: longcut("render", str(cached)), 3)
        report("longcut render on a fully cached 100-shot film", ("python -m longcut.engine.cli --help (start-up)", startup),
               [("longcut render, nothing to do", again)])
        print(f"  target: under 1 s -> {'ok' if again < 1 else 'TOO SLOW'}")
        json.dump({"short_render_s": ours, "floor_s": floor, "minute_1080p_mb": minute_mb, "long_mb": long_mb,
                   "cached_100_s": again}, sys.stderr)


if __name__ == "__main__":
    main()
