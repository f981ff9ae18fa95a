"""JSON Schemas of the film file and of a scene file, generated from the pydantic models, for editors.

An editor's YAML support (the yaml-language-server in VS Code, JetBrains, Neovim...) reads them from the
`# yaml-language-server: $schema=...` line longcut writes at the top of the files it makes, then completes
fields, explains them on hover and underlines mistakes while typing.

pydantic describes what the models hold after the loader has read the text; a person writes more: `8s`
for a duration, `1280x720` for a size, `-16dB` for a gain, `transition: crossfade` for a mapping,
`- mara: "line"` for a dialogue line, `- include: scenes/storm.yaml` for a scene. Those spellings are
put back here, so the schema accepts what the loader accepts.

What only the loader can check (tests/test_json_schema.py lists it): YAML itself (syntax, tags,
duplicate keys, aliases), references between ids (characters, locations, `continues:`, music anchors),
files (includes, references, sounds), timing that needs the frame rate (transitions against shots,
timecode frames, the 4-hour limit, cues inside the film), and the backend's and executor's settings.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from .schema import Film, TransitionType
from .units import SIZE_PRESETS

SCHEMA_ID = "https://longcut.dev/schema/{name}.schema.json"
DURATION = {
    "anyOf": [{"type": "string", "pattern": r"^\s*(\d+(\.\d+)?h)?(\d+(\.\d+)?m)?(\d+(\.\d+)?s)?\s*$|"
                                            r"^\s*\d+f\s*$|^\s*\d{2}:\d{2}:\d{2}[:;]\d{2}\s*$|^\s*\d+(\.\d+)?\s*$"},
              {"type": "number", "minimum": 0}],
    "description": "a length of time: seconds (8s, 1.5s), minutes (1m30s), hours (1h), frames (144f), SMPTE "
                   "(00:00:04:00) or a bare number of seconds",
    "examples": ["8s", "1.5s", "1m30s", "144f", "00:00:04:00"],
}
GAIN = {"anyOf": [{"type": "number", "minimum": -96, "maximum": 24},
                  {"type": "string", "pattern": r"^\s*[+-]?\d+(\.\d+)?\s*[dD][bB]\s*$"}],
        "description": "a gain in decibels, from -96dB to 24dB", "examples": ["-16dB", "3dB"]}
SIZE = {"anyOf": [{"type": "string", "pattern": r"^\s*\d{2,4}\s*[xX×]\s*\d{2,4}\s*$"},
                  {"type": "string", "enum": sorted(SIZE_PRESETS)},
                  {"type": "array", "items": {"type": "integer", "minimum": 64, "maximum": 4096}, "minItems": 2,
                   "maxItems": 2}],
        "description": "the frame size, WIDTHxHEIGHT with even sides from 64 to 4096 (at most DCI 4K in all), or a "
                       "preset", "examples": ["1280x720", "1080p", "vertical-1080"]}
FPS = {"anyOf": [{"type": "number", "minimum": 1, "maximum": 120},
                 {"type": "string", "pattern": r"^\s*\d+(\.\d+)?(\s*/\s*\d+)?\s*$"}],
       "description": "frames a second: 24, 25, 30, 23.976 (= 24000/1001), 29.97, or a ratio such as 24000/1001",
       "examples": [24, 25, 23.976, "24000/1001"]}
REFERENCES = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
              "description": "reference images, relative to the film file: one path or a list"}
INCLUDE = {"type": "object", "properties": {"include": {"type": "string", "description": "a scene file (.yaml), "
                                                         "relative to this file, inside the film's folder"}},
           "required": ["include"], "additionalProperties": False}
SPOKEN = {"type": "object", "minProperties": 1, "maxProperties": 1, "additionalProperties": {"type": "string"},
          "description": "a line as `character: \"what they say\"`"}
SHORTHANDS = {"Transition": {"type": "string", "enum": [kind.value for kind in TransitionType]},
              "ShotAudio": {"type": "string", "description": "the sound file, relative to the film file"},
              "Footage": {"type": "string", "description": "the video file, relative to the film file"},
              "Picture": {"type": "string", "description": "the picture (or, as start:, a clip) relative to the "
                                                           "film file"},
              "BackendSpec": {"type": "string", "description": "the backend's name: animatic, diffusers, ..."},
              "ExecutorSpec": {"type": "string", "enum": ["local", "ray"]},
              "KeyframeSpec": {"type": "string", "description": "the keyframe backend's name (animatic, diffusers), "
                                                                "or off"}}
DESCRIPTIONS = {
    ("Film", "title"): "the film's title, shown on the title card",
    ("Film", "seed"): "every shot's seed derives from it (with the shot's id and take) unless pinned",
    ("Film", "style"): "added to every prompt",
    ("Film", "negative"): "what the model should avoid, for backends that take a negative prompt",
    ("Film", "scenes"): "the film's scenes in order, written here or included from scene files",
    ("Shot", "prompt"): "what the shot shows; @id names a character, whose description is added",
    ("Shot", "duration"): "how long the shot lasts",
    ("Shot", "continues"): "the id of the shot whose last frame this shot starts on",
    ("Shot", "loop"): "the shot ends on its own first frame",
    ("Shot", "location"): "overrides the scene's location",
    ("Shot", "seed"): "pins the seed of the take the screenplay names",
    ("Shot", "take"): "which take the cut uses",
    ("Shot", "card"): "a title card: this text on black, drawn by longcut (no backend)",
    ("Shot", "footage"): "a clip made elsewhere as the shot's take: conformed to the film's size and rate, its "
                         "sound kept",
    ("Shot", "start"): "the author's own first frame: a picture (boards/3.png), or a clip whose last frames the "
                       "shot continues; fitted to the frame (fit: crop, pad, blur), never stretched",
    ("Shot", "end"): "the author's own last frame: a picture, fitted as start: is (for families that end a clip on a "
                     "given frame)",
    ("Shot", "color_match"): "auto (grade toward the shot it continues), off, or a shot id to grade toward",
    ("Scene", "color_match"): "colour matching for the scene's shots that do not say",
    ("Film", "color_match"): "colour matching for every shot whose scene and shot do not say (default off)",
    ("Film", "continuity"): "where the continuity report, written with every cut, flags a problem",
    ("Film", "watermark"): "a visible AI mark on the delivered film: corner (or true), moving (every few seconds), "
                           "off",
    ("Film", "keyframes"): "who draws each shot's first frame (and with last: true its last) before its video: "
                           "animatic, {name: diffusers, model: ...}, or off",
    ("Shot", "keyframes"): "{last: true}: the shot also ends on a keyframe",
    ("Scene", "one_take"): "true: each chain of shots that continue one another is made in one generation with a "
                           "prompt per shot (families ltx-long, skyreels-df), then cut back into a take per shot",
    ("Scene", "heading"): "the scene heading, e.g. EXT. CLIFF PATH - DUSK",
    ("Scene", "location"): "the location (an id under `locations:`) every shot is set in",
    ("MusicCue", "from"): "where the cue starts: a scene id, a shot id or a timecode from the first shot",
    ("MusicCue", "to"): "where it ends (default: the end of the film)",
}


@lru_cache(maxsize=1)
def film_schema() -> dict[str, Any]:
    """The JSON Schema of a film file."""
    schema = Film.model_json_schema()
    defs = schema["$defs"]
    _written_spellings(schema, defs)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID.format(name="film")
    schema["title"] = "longcut film"
    schema["description"] = "A longcut film file: the film's settings, cast, locations, music and scenes."
    return schema


@lru_cache(maxsize=1)
def scene_schema() -> dict[str, Any]:
    """The JSON Schema of a scene file: one scene, a list of scenes (or includes), or {scenes: [...]}."""
    defs = copy.deepcopy(film_schema()["$defs"])
    item = {"anyOf": [{"$ref": "#/$defs/Scene"}, INCLUDE]}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID.format(name="scene"),
            "title": "longcut scene file", "description": "Scenes of a longcut film, included from the film file.",
            "anyOf": [{"$ref": "#/$defs/Scene"}, {"type": "array", "items": item},
                      {"type": "object", "properties": {"scenes": {"type": "array", "items": item}},
                       "required": ["scenes"], "additionalProperties": False}],
            "$defs": defs}


def schema_text(name: str) -> str:
    """The schema `film` or `scene` as the JSON text longcut ships and writes."""
    return json.dumps({"film": film_schema, "scene": scene_schema}[name](), indent=1, sort_keys=True) + "\n"


def schema_line(schema_file: str) -> str:
    """The first line of a YAML file that points an editor's YAML support at its schema."""
    return f"# yaml-language-server: $schema={schema_file}\n"


SCHEMA_FOLDER = "schemas"  # beside film.yaml: the film folder carries its schemas, and works offline


def write_schemas(film_folder: Path) -> None:
    """The film and scene schemas into the film's folder, for the schema lines of the files longcut writes."""
    folder = film_folder / SCHEMA_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("film", "scene"):
        (folder / f"{name}.schema.json").write_text(schema_text(name), encoding="utf-8")


FILM_SCHEMA_LINE = schema_line(f"{SCHEMA_FOLDER}/film.schema.json")
SCENE_SCHEMA_LINE = schema_line(f"../{SCHEMA_FOLDER}/scene.schema.json")  # for scene files in scenes/


def _written_spellings(schema: dict, defs: dict) -> None:
    """Put back what a person may write that pydantic's schema of the read values does not say."""
    defs["Duration"] = DURATION
    for name, one_value in SHORTHANDS.items():
        if name in defs:
            defs[name] = {"anyOf": [one_value, _object(defs[name])], "description": defs[name].get("description", "")}
    defs["DialogueLine"] = {"anyOf": [SPOKEN, _object(defs["DialogueLine"])],
                            "description": defs["DialogueLine"].get("description", "")}
    properties = schema["properties"]
    properties["fps"], properties["size"] = FPS, SIZE
    properties["scenes"]["items"] = {"anyOf": [{"$ref": "#/$defs/Scene"}, INCLUDE]}
    for kind in ("Character", "Location"):
        defs[kind]["properties"]["reference"] = REFERENCES
    defs["MusicCue"]["properties"]["gain"] = GAIN
    for model in ("ShotAudio", "Footage"):
        for field in ("gain", "duck"):
            defs[model]["anyOf"][1]["properties"][field] = GAIN
    footage = defs["Footage"]["anyOf"][1]["properties"]
    footage["in"] = {"$ref": "#/$defs/Duration", "default": "0s"}
    # a footage shot with `out:` may leave out `duration:` (out - in): required only when there is no footage
    # with an `out:`, which JSON Schema says with if/then
    shot = defs["Shot"]
    shot["required"] = [name for name in shot["required"] if name != "duration"]
    shot["if"] = {"required": ["footage"], "properties": {"footage": {"type": "object", "required": ["out"]}}}
    shot["else"] = {"required": ["duration"]}
    defs["KeyframeSpec"]["anyOf"].append({"const": False, "description": "`off`, as YAML 1.1 reads it"})
    # `watermark: true` is the corner mark (and `off` reads as false in YAML 1.1, which the loader speaks)
    properties["watermark"] = {"anyOf": [{"$ref": "#/$defs/Watermark"}, {"type": "boolean"}], "default": "off"}
    defs["ContinuitySpec"]["properties"]["min_black"]["default"] = "0.25s"
    defs["ContinuitySpec"]["properties"]["min_frozen"]["default"] = "1s"
    for (model, field), text in DESCRIPTIONS.items():
        holder = schema if model == "Film" else defs[model]
        holder["properties"][field]["description"] = text


def _object(definition: dict) -> dict:
    """A model's object schema without the title and description it carries at the top."""
    return {key: value for key, value in definition.items() if key not in ("title", "description")}
