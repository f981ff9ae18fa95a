"""Golden cache keys: a key changes exactly when something that shapes the picture changes."""

from PIL import Image

from continuity import shot_seed
from engine.project import Project

from .films import TINY, tiny_film

GOLDEN = {
    "a": "9ebe18e40a41443e9c259215faf4fba2e04ad3ac573f37e5b19df62823fae7c2",
    "b": "d59065c4521d868507ffc69d518305be796f53b45e2725d9c41bc9e1be872c8c",
    "c": "840f0c21451a8f4a56602dfa8c6d04d09261d51266657d88296d5df88f879fdc",
    "d": "9a93921857d8bda1c55a8e7214eddcc5827edf13c335875010ac2e956b2c5775",
    "e": "c49deb8ef65f1099a4e10f58bd03f26b6f3789c03792626091386225d429a410",
}


def keys(folder, text=TINY, **options):
    return {shot: planned.key for shot, planned in Project.open(tiny_film(folder, text=text, **options)).plan().shots.items()}


def test_golden_keys(tmp_path):
    assert keys(tmp_path) == GOLDEN
    assert shot_seed(7, "a", 1) == 1498390282


def test_keys_do_not_depend_on_where_the_film_lives(tmp_path):
    assert keys(tmp_path / "elsewhere" / "deeper") == GOLDEN


def test_a_prompt_edit_changes_that_shot_and_its_continuity_chain(tmp_path):
    changed = keys(tmp_path, TINY.replace("@ada looks up", "@ada looks up, smiling"))
    assert {shot for shot in GOLDEN if changed[shot] != GOLDEN[shot]} == {"b", "c"}


def test_moving_a_scene_changes_no_key(tmp_path):
    one = TINY[TINY.index("  - id: one"):TINY.index("  - id: two")]
    two = TINY[TINY.index("  - id: two"):]
    swapped = TINY[:TINY.index("  - id: one")] + two.replace("crossfade", "fade-black") + one
    assert keys(tmp_path, swapped) == GOLDEN


def test_backend_settings_that_shape_pictures_change_every_key(tmp_path):
    changed = keys(tmp_path, TINY.replace("max_seconds: MAX", "max_seconds: MAX, captions: false"))
    assert all(changed[shot] != GOLDEN[shot] for shot in GOLDEN)
    assert keys(tmp_path / "segments", max_seconds=0.5) == GOLDEN  # segment length does not shape the animatic


def test_a_reference_image_is_keyed_by_its_content(tmp_path):
    film = tiny_film(tmp_path)
    with Image.open(tmp_path / "refs" / "ada.png") as image:
        image.rotate(180).save(tmp_path / "refs" / "ada.png")
    changed = {shot: planned.key for shot, planned in Project.open(film).plan().shots.items()}
    # every shot Ada is in changes, and c, which starts on b's last frame; e is not hers
    assert {shot for shot in GOLDEN if changed[shot] != GOLDEN[shot]} == {"a", "b", "c", "d"}
