"""The JSON Schemas an editor reads agree with the loader: every good film passes both, every broken one that
the schema can see is refused by both, and what only the loader can check is listed here, case by case."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from longcut import storyboard
from longcut.storyboard.json_schema import film_schema, scene_schema, schema_text

from .cli import run
from .conftest import DATA, EXAMPLES, SHARED_FORMAT
from .test_bad_input import BAD, CORPUS

SCHEMAS = Path(storyboard.__file__).parent / "schemas"
GOOD = [EXAMPLES / "short" / "film.yaml", EXAMPLES / "long" / "film.yaml", DATA / "reference" / "film.yaml"]
# Broken screenplays whose fault the schema sees too (a field, a value's spelling or range)
SCHEMA_SEES = {"unknown-field", "bad-camera-move", "missing-duration", "absurd-size", "absurd-fps",
               "misspelt-required-field", "negative-duration", "unparseable-duration", "empty-file", "top-level-list"}
# What only the loader can check, and why
LOADER_ONLY = {
    # YAML itself: the text must be read before a schema can look at it
    "syntax-error", "tab-indent", "python-tag", "alias-bomb", "recursive-alias", "duplicate-key",
    # references between ids
    "unknown-character", "unknown-location", "duplicate-id", "continues-missing", "cycle",
    # files: includes, references, sounds
    "missing-include", "missing-reference", "include-loop", "include-outside", "include-not-yaml", "include-folder",
    "reference-not-image", "reference-truncated", "reference-bomb", "reference-folder", "music-empty",
    "sound-not-audio", "reference-outside",
    # timing that needs the frame rate and the order of the shots
    "transition-too-long", "overlapping-transitions", "timecode-frames", "music-after-end", "music-ends-before-start",
    "duration-hours-too-long", "duration-frames-too-long", "duration-smpte-too-long", "duration-smpte-frames",
    "footage-in-frames", "footage-under-a-frame",
    # what is installed (plug-ins) and what a term must hold: a schema cannot know them
    "unknown-keyframe-backend", "classifier-module-path", "own-term-punctuation",
    # the backend's and the executor's own settings
    "max-seconds-tiny", "executor-unknown-setting", "executor-bad-workers",
}
YAML_LEVEL = {"syntax-error", "tab-indent", "python-tag", "alias-bomb", "recursive-alias"}


def schema_errors(path: Path, schema: dict) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [error.message for error in jsonschema.Draft202012Validator(schema).iter_errors(data)]


def scene_files(film: Path) -> list[Path]:
    """The scene files a film includes, read from its text (the loader is what is being compared)."""
    found = []
    for item in (yaml.safe_load(film.read_text(encoding="utf-8")) or {}).get("scenes", []) or []:
        if isinstance(item, dict) and set(item) == {"include"}:
            path = film.parent / item["include"]
            if path.is_file() and path.suffix == ".yaml":
                found.append(path)
    return found


def test_the_shipped_schemas_are_the_models_schemas():
    assert (SCHEMAS / "film.schema.json").read_text() == schema_text("film")
    assert (SCHEMAS / "scene.schema.json").read_text() == schema_text("scene")
    for schema in (film_schema(), scene_schema()):
        jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("film", GOOD + [SHARED_FORMAT / "film.yaml"], ids=lambda path: path.parent.name)
def test_every_good_film_passes_the_schema_and_the_loader(film):
    if not film.exists():
        pytest.skip("no ../shared/format beside this checkout")
    run("check", film)
    assert schema_errors(film, film_schema()) == []
    for scene in scene_files(film):
        assert schema_errors(scene, scene_schema()) == [], scene


def test_every_broken_case_is_listed_once():
    assert SCHEMA_SEES | LOADER_ONLY == set(CORPUS) and not SCHEMA_SEES & LOADER_ONLY


@pytest.mark.parametrize("case", sorted(SCHEMA_SEES | (LOADER_ONLY - YAML_LEVEL)))
def test_the_schema_and_the_loader_agree_on_every_broken_case(case):
    film = BAD / case / "film.yaml"
    run("check", film, code=2)  # longcut's verdict: the loader, the shot graph, the files, the settings
    seen = bool(schema_errors(film, film_schema())) or any(schema_errors(scene, scene_schema())
                                                           for scene in scene_files(film))
    assert seen is (case in SCHEMA_SEES), case


def test_longcut_schema_prints_what_ships(tmp_path):
    assert json.loads(run("schema", "scene").stdout) == scene_schema()
    run("schema", "film", "--out", tmp_path / "film.schema.json")
    assert (tmp_path / "film.schema.json").read_text() == schema_text("film")
    assert "no schema `shot`" in run("schema", "shot", code=2).stderr


def test_new_writes_a_film_an_editor_can_check_and_longcut_renders(tmp_path):
    folder = tmp_path / "first"
    run("new", folder, "--title", 'The "First" Light')
    film = folder / "film.yaml"
    scene = folder / "scenes" / "opening.yaml"
    assert film.read_text().startswith("# yaml-language-server: $schema=schemas/film.schema.json\n")
    assert scene.read_text().startswith("# yaml-language-server: $schema=../schemas/scene.schema.json\n")
    film_schema_file = json.loads((folder / "schemas" / "film.schema.json").read_text())
    scene_schema_file = json.loads((film.parent / "scenes" / "../schemas/scene.schema.json").read_text())
    assert schema_errors(film, film_schema_file) == [] and schema_errors(scene, scene_schema_file) == []
    assert "ok" in run("check", film).stdout
    result = run("render", film, "--size", "320x180")
    assert "rendered 2 shot(s)" in result.stdout and (folder / "film.320x180.mp4").is_file()
    assert "already exists" in run("new", folder, code=2).stderr


def test_an_imported_screenplay_points_an_editor_at_the_schema(tmp_path):
    run("import", DATA / "scripts" / "keeper.fountain", tmp_path / "keeper")
    film = tmp_path / "keeper" / "film.yaml"
    assert film.read_text().startswith("# yaml-language-server: $schema=schemas/film.schema.json\n")
    scenes = sorted((tmp_path / "keeper" / "scenes").glob("*.yaml"))
    assert scenes and all(path.read_text().startswith("# yaml-language-server: $schema=../schemas/scene.schema.json")
                          for path in scenes)
    assert schema_errors(film, film_schema()) == []
    assert all(schema_errors(path, scene_schema()) == [] for path in scenes)
    # a script names its people, but says nothing of how they look: check says so, for each of them
    said = " ".join(run("check", film).stdout.split())
    assert said.count("has neither a description nor a reference image, so every shot draws someone new") == 2
