"""What scratch voices cost (issue: dialogue people can hear).

1. Text to speech: every line of the long example spoken anew (Piper on the CPU, noise off), as seconds of
   compute per minute of speech, against the speech's own length.
2. The editor: a full cut of the short example (pieces, sound and film made anew) with its four lines spoken
   (the speech kept from a first cut, as after any render) against the same cut with the dialogue silent.
   Target: under 10% more.

Run: python bench/voices.py [--quick]   (--quick: one run each)
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import copy_example, report  # noqa: E402
from longcut.engine.render import voices  # noqa: E402
from longcut.engine.app.cut import CutRequest, cut_film  # noqa: E402
from longcut.engine.app.project import Project  # noqa: E402
from longcut.engine.render import render as render_shots  # noqa: E402


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def speak_everything(film: Path, store: Path) -> tuple[float, float]:
    """Seconds to speak every line of the film afresh, and the seconds of speech made."""
    project = Project.open(film)
    chosen = voices.character_voices(project.screenplay.film)
    lines = [(cue.line, chosen.get(cue.character)) for planned in project.plan().shots.values()
             for cue in planned.request.dialogue]
    voices._piper()  # the model is loaded once a process: not part of the cost of a line
    shutil.rmtree(store, ignore_errors=True)
    started = time.perf_counter()
    spoken = sum(voices.speak(line, voice or voices.Voice(), store).seconds for line, voice in lines)
    return time.perf_counter() - started, spoken


def full_cut(film: Path, spoken: bool) -> float:
    """A cut with nothing of the last one kept; spoken False: as on a machine without the voices extra (the
    lines are not spoken, as when piper is not installed)."""
    store = film.parent / ".longcut"
    for cache in ("pieces", "audio", "outputs"):
        shutil.rmtree(store / cache, ignore_errors=True)
    film.with_suffix(".mp4").unlink(missing_ok=True)
    available = voices.voices_available
    voices.voices_available = available if spoken else (lambda: False)
    try:
        project = Project.open(film)
        started = time.perf_counter()
        cut_film(project, CutRequest(output=film.with_suffix(".mp4")), project.plan())
        return time.perf_counter() - started
    finally:
        voices.voices_available = available


def main() -> None:
    repeat = 1 if "--quick" in sys.argv else 3
    with tempfile.TemporaryDirectory() as folder:
        long_film = copy_example("long", Path(folder))
        runs = [speak_everything(long_film, Path(folder) / "speech") for _ in range(repeat)]
        seconds, speech = median([run[0] for run in runs]), runs[0][1]
        print(f"Text to speech, the long example's lines: {speech:.1f}s of speech in {seconds:.2f}s "
              f"({60 * seconds / speech:.1f}s of compute per minute of dialogue, {speech / seconds:.0f}x real time)")
        film = copy_example("short", Path(folder))
        project = Project.open(film)
        render_shots(project.plan(), project.store, project.lock)
        full_cut(film, spoken=True)  # the lines spoken once, as the first cut after a render does
        silent, spoken = [], []
        for _ in range(repeat):  # interleaved: the machine's load falls on both alike
            silent.append(full_cut(film, spoken=False))
            spoken.append(full_cut(film, spoken=True))
        report("\nA full cut of the short example (8 shots, 4 lines)", ("dialogue silent", median(silent)),
               [("dialogue spoken (speech kept)", median(spoken))])


if __name__ == "__main__":
    main()
