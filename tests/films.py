"""Small real films for render tests: tiny frames, short shots, every feature the engine has to honour."""

from __future__ import annotations

import shutil
from pathlib import Path

from .conftest import EXAMPLES

TINY = """title: Tiny
fps: 12
size: 128x72
seed: 7
style: "flat storyboard style"
backend: {name: animatic, max_seconds: MAX}
characters:
  ada: {name: Ada, description: "a keeper in her sixties, grey hair, navy coat, red scarf", reference: refs/ada.png}
  jun: {name: Jun, description: "a boy of ten, yellow raincoat"}
locations:
  cliff: {description: "a lighthouse on a cliff above the sea at dusk"}
  room: {description: "the lamp room at night, rain on the windows"}
scenes:
  - id: one
    heading: EXT. CLIFF - DUSK
    location: cliff
    shots:
      - {id: a, prompt: "@ada climbs the path", duration: 2s, camera: {size: wide, move: push-in}}
      - {id: b, continues: a, prompt: "@ada looks up", duration: 1.5s, camera: {size: medium, move: tilt-up},
         dialogue: [{ada: "Still standing."}]}
      - {id: c, continues: b, prompt: "@jun runs up", duration: 1s, camera: {size: two-shot, move: pan-right}}
  - id: two
    heading: INT. LAMP ROOM - NIGHT
    location: room
    shots:
      - {id: d, prompt: "@ada and @jun by the lamp", duration: 3s, transition: {type: crossfade, duration: 0.5s}}
      - {id: e, prompt: "the beam sweeps", duration: 2s, loop: true, camera: {size: wide, move: pan-left}}
"""


def tiny_film(folder: Path, max_seconds: float = 20.0, text: str | None = None) -> Path:
    (folder / "refs").mkdir(parents=True, exist_ok=True)
    shutil.copy(EXAMPLES / "short" / "refs" / "ada.png", folder / "refs" / "ada.png")
    film = folder / "film.yaml"
    film.write_text((text or TINY).replace("MAX", str(max_seconds)))
    return film


def film_copy(film: Path, root: Path) -> Path:
    """A film folder copied whole (takes, lock, film and all) into root/film, for a test to change; its film file."""
    shutil.copytree(film.parent, root / "film")
    return root / "film" / film.name


def example_copy(root: Path, name: str = "short") -> Path:
    """An example film copied into root without anything a render left beside it; returns its film file."""
    shutil.copytree(EXAMPLES / name, root / name, ignore=shutil.ignore_patterns(".longcut", "*.lock.json", "*.mp4",
                                                                                 "*.srt", "*.vtt"))
    return root / name / "film.yaml"
