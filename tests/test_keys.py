"""Golden cache keys: a key changes exactly when something that shapes the picture changes."""

from PIL import Image

from continuity import shot_seed
from engine.project import Project

from .films import TINY, tiny_film

GOLDEN = {
    "a": "555e9b5fbf7c8564d90dfb155cc546c2718c8310a93bb9c913d6769d3fb29701",
    "b": "eccdacf56f4f5b0333a969f98937d28191359022f25d4c2f41c142c99b758552",
    "c": "506de5350d72b32715c2b887bbf4119c3ee2ae81b39959dad49657b620244462",
    "d": "04e8929d97176b4bcee7d9e91bad7cd7048e820a8eee595ff9f344f8e9ca11d9",
    "e": "45b464b0ff30bb03758e3fc7a4ba89ba1c65007b84679fb3af06e7cdca8a57c0",
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
