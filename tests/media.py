"""Clips for the tests, made by the ffmpeg longcut runs (lavfi sources: nothing is shipped or downloaded), and
the small films that use them."""

from __future__ import annotations

import subprocess
from pathlib import Path

from longcut.engine.media.ffmpeg import ffmpeg_exe


def ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args], check=True,
                   stdin=subprocess.DEVNULL)


def make_clip(path: Path, seconds: float = 3, rate: int = 30, size: str = "640x360", sound: bool = True,
              video_filter: str | None = None, extra: tuple[str, ...] = ()) -> Path:
    """testsrc2 (a moving pattern with its own clock), with a tone, H.264."""
    args = ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}:duration={seconds}"]
    if sound:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
    if video_filter:
        args += ["-vf", video_filter]
    args += ["-c:v", "libx264", "-pix_fmt", "yuv420p", *extra]
    if sound:
        args += ["-c:a", "aac", "-shortest"]
    ffmpeg(*args, str(path))
    return path


def joined_clip(path: Path, parts: list[str], rate: int = 24, size: str = "320x180") -> Path:
    """lavfi sources (each with its duration) one after another: `testsrc2`, `color=black`, ... make a clip with a
    hard cut, a black stretch or a freeze exactly where the parts meet."""
    args = []
    for part in parts:
        args += ["-f", "lavfi", "-i", f"{part}:size={size}:rate={rate}"]
    chain = "".join(f"[{index}:v]" for index in range(len(parts))) + f"concat=n={len(parts)}:v=1:a=0[v]"
    ffmpeg(*args, "-filter_complex", chain, "-map", "[v]", "-c:v", "libx264", "-pix_fmt", "yuv420p", str(path))
    return path


SMALL_FILM = """title: Small
fps: 24
size: 320x180
{extra}scenes:
  - id: s
    shots:
{shots}
"""


def small_film(folder: Path, shots: str, extra: str = "") -> Path:
    """A 320x180 film at 24 fps with one scene of these shots (YAML lines at its indentation); extra: film fields."""
    film = folder / "film.yaml"
    film.write_text(SMALL_FILM.format(shots=shots, extra=extra), encoding="utf-8")
    return film
