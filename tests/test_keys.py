"""Golden cache keys: a key changes exactly when something that shapes the picture changes."""

from PIL import Image

from continuity import shot_seed
from engine.project import Project

from .films import TINY, tiny_film

GOLDEN = {
    "a": "29bf85150607873641d6d8d1dba63e918733d43a06befc202140ede0998b5acc",
    "b": "dd583057a85534815674b93e72df35889995e324bcfd068892b89a26de540794",
    "c": "ff8a95845ec987e6ee6ce365ae8e3630e78204e81c4372254c65e2e4d752ceee",
    "d": "97f2450f19f3ca4dcf8784aa7299bf3251a26b045eb1058758ee22a1a7b3229b",
    "e": "b43eff55a88a68364a9974ee7f157e3faf0f0f0551925c90531105984dc743d8",
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
