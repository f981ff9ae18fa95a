"""`longcut new`: a small film to start from, that renders as it is.

A film file, one scene file, a character whose reference image the animatic draws from her description
(as it would draw her without one), a location, a music cue from the built-in score; each YAML file starts
with the line that points an editor at longcut's JSON Schema, which is written beside them.
"""

from __future__ import annotations

import json
from pathlib import Path

from longcut.continuity.seeds import character_seed
from longcut.storyboard.json_schema import FILM_SCHEMA_LINE, SCENE_SCHEMA_LINE, write_schemas

from ..backends.animatic.drawing import portrait
from ..backends.animatic.look import figure_look

SEED = 1
KEEPER = "a lighthouse keeper in her sixties, short grey hair, navy wool coat, red scarf"

FILM = """{schema}title: {title}
fps: 24
size: 1280x720
seed: {seed}
style: "storyboard drawing, soft evening light"
backend: animatic          # the built-in previz; later {{name: diffusers, model: ...}}

characters:
  ada:
    name: Ada
    description: "{keeper}"
    reference: refs/ada.png   # drawn by the animatic from the description; replace it with your own

locations:
  cliff:
    description: "a white lighthouse on a rocky cliff above a grey sea at dusk"

music:
  - id: theme
    generate: {{mood: calm, key: D minor, bpm: 70}}
    gain: -16dB
    fade_in: 1s
    fade_out: 2s

scenes:
  - include: scenes/opening.yaml
"""

SCENE = """{schema}id: opening
heading: EXT. CLIFF PATH - DUSK
location: cliff
shots:
  - id: opening-1
    prompt: "@ada climbs the cliff path towards the lighthouse"
    duration: 4s
    camera: {{size: wide, move: push-in}}
    transition: fade-black
  - id: opening-2
    continues: opening-1       # starts on the last frame of opening-1
    prompt: "@ada stops at the door and looks up at the lamp"
    duration: 3s
    camera: {{size: medium, move: tilt-up}}
    dialogue:
      - ada: "Still standing."
"""


def write_starter(folder: Path, title: str) -> Path:
    """The starter film in folder (made if missing; the caller refuses a folder that holds a film); its film file."""
    (folder / "scenes").mkdir(parents=True, exist_ok=True)
    (folder / "refs").mkdir(exist_ok=True)
    look = figure_look(KEEPER, character_seed(SEED, "ada"))
    portrait(look, 512, 768).save(folder / "refs" / "ada.png")
    (folder / "scenes" / "opening.yaml").write_text(SCENE.format(schema=SCENE_SCHEMA_LINE), encoding="utf-8")
    film = folder / "film.yaml"
    film.write_text(FILM.format(schema=FILM_SCHEMA_LINE, title=json.dumps(title), seed=SEED, keeper=KEEPER),
                    encoding="utf-8")
    write_schemas(folder)
    return film
