"""Render benchmarks for the animatic (issue: render every shot with continuity).

1. The short example at 720p, against the encoder's floor: ffmpeg encoding the same number of frames of
   its own test source with the same settings. Also as a multiple of real time.
2. Peak memory (the render process plus ffmpeg) of a one-minute 1080p shot and of the ten-minute example.
3. `longcut render` on a fully cached 100-shot film (the whole command, Python start-up included).

Run: python bench/render_animatic.py [--quick]   (--quick: one run each, the long film at 320x180)
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import median_seconds, report  # noqa: E402
from engine.ffmpeg import ENCODING, ffmpeg_exe, gop_frames  # noqa: E402

LONGCUT = [sys.executable, "-m", "engine.cli"]


def longcut(*args: str, cwd: Path | None = None) -> None:
    subprocess.run([*LONGCUT, *args], check=True, stdout=subprocess.DEVNULL, cwd=cwd or ROOT)


def copy_example(name: str, into: Path) -> Path:
    target = into / name
    shutil.copytree(ROOT / "examples" / name, target, ignore=shutil.ignore_patterns(".longcut", "*.mp4", "*.lock.json"))
    return target / "film.yaml"


def encoder_floor(frames: int, size: str, fps: int, out: Path) -> None:
    gop = gop_frames(fps)
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc2=size={size}:rate={fps}", "-frames:v", str(frames), "-c:v", ENCODING["codec"],
                    "-preset", ENCODING["preset"], "-crf", str(ENCODING["crf"]), "-pix_fmt", "yuv420p",
                    "-x264-params", f"keyint={gop}:min-keyint={gop}:scenecut=0", str(out)], check=True)


def peak_memory_mb(args: list[str]) -> float:
    """Peak resident memory of a longcut process and, separately, of the largest ffmpeg it ran."""
    code = ("import resource, runpy, sys; sys.argv = ['longcut'] + sys.argv[1:]\n"
            "try:\n    runpy.run_module('engine.cli', run_name='__main__')\nexcept SystemExit as done:\n"
            "    assert not done.code, done.code\n"
            "me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
            "print('PEAK', me, kids)")
    result = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True, cwd=ROOT)
    me, kids = (int(value) for value in result.stdout.strip().splitlines()[-1].split()[1:])
    return (me + kids) / 1024


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
        print("peak memory (longcut + ffmpeg, resident)")
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
        report("longcut render on a fully cached 100-shot film", ("python -m engine.cli --help (start-up)", startup),
               [("longcut render, nothing to do", again)])
        print(f"  target: under 1 s -> {'ok' if again < 1 else 'TOO SLOW'}")
        json.dump({"short_render_s": ours, "floor_s": floor, "minute_1080p_mb": minute_mb, "long_mb": long_mb,
                   "cached_100_s": again}, sys.stderr)


if __name__ == "__main__":
    main()
