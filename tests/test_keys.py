"""Golden cache keys: a key changes exactly when something that shapes the picture changes."""

from PIL import Image

from longcut.continuity import shot_seed
from longcut.engine.app.project import Project

from .films import TINY, tiny_film

GOLDEN = {  # animatic version 4 (clean takes: the captions moved to the cut), each shot that continues none
           # starting on its animatic keyframe (keyframes kept at version 3: their pictures did not change)
    "a": "2271a3ece552f40f3327ffa10f31c7cd6339f9779a9e6284c844a80c9b3520b3",
    "b": "eaa98e54a49f1719bdf7643cb8500df89b6f8567a4d76d4a86b18a7cff14c4b3",
    "c": "d6a5e99de585bae79d2f5cd1a27d0def5d889e75fca1dd14785d8a26471771d0",
    "d": "02c01e48eb235f9659f5bd3242da8e996b9a39dd3b02fbccc574341c1a04de39",
    "e": "b1f96d6641f80d4656ef0f6b97c8be46605976e3392284e574180863167f9f91",
}
WITHOUT_KEYFRAMES = {  # `keyframes: off`
    "a": "5beb99a555c3d9f568e1a56249f28857d2f2737ee116fa5e381166e01713eb61",
    "b": "8c25b78da8d90af561bcedf2e50f63745162600f705ae01d23acbd60aa90c087",
    "c": "249c75ab5c05e2e9671d7712c1b77557e779199ef63e3a102cad20c0bffb2520",
    "d": "1ca105166bb3892c287878b1328d40c55d52cb886cc2cb50674d22ef98a79483",
    "e": "5dcda554ec38c95795187158c89290ff647455ac1ac9310ae275694951b35fde",
}


def keys(folder, text=TINY, **options):
    return {shot: planned.key for shot, planned in Project.open(tiny_film(folder, text=text, **options)).plan().shots.items()}


def test_golden_keys(tmp_path):
    assert keys(tmp_path) == GOLDEN
    assert shot_seed(7, "a", 1) == 1498390282


def test_golden_keyframe_keys_and_keys_without_keyframes(tmp_path):
    plan = Project.open(tiny_film(tmp_path)).plan()
    drawn = {shot: [keyframe.key for keyframe in planned.keyframes] for shot, planned in plan.shots.items()}
    assert drawn == {"a": ["7a0bb75192aa51b6e0702277f9371cded5fef2122271b05b202b419a6fcbaf69"], "b": [], "c": [],
                     "d": ["3a6d167349fd0454d13ac22a85f87ae7b8080db7c33c422213ee4171343a3114"],
                     "e": ["d180076331d4580bda80e1e8be2f157a576ff56b2b15efbb9a02318fab1d868f"]}
    assert keys(tmp_path / "off", TINY.replace("backend:", "keyframes: off\nbackend:")) == WITHOUT_KEYFRAMES


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
    changed = keys(tmp_path, TINY.replace("max_seconds: MAX", "max_seconds: MAX, weather: false"))
    assert all(changed[shot] != GOLDEN[shot] for shot in GOLDEN)
    assert keys(tmp_path / "segments", max_seconds=0.5) == GOLDEN  # segment length does not shape the animatic
    # the captions are drawn over the cut, not into the takes: turning them off re-cuts, it renders nothing
    assert keys(tmp_path / "plain", TINY.replace("max_seconds: MAX", "max_seconds: MAX, captions: false")) == GOLDEN


def test_a_reference_image_is_keyed_by_its_content(tmp_path):
    film = tiny_film(tmp_path)
    with Image.open(tmp_path / "refs" / "ada.png") as image:
        image.rotate(180).save(tmp_path / "refs" / "ada.png")
    changed = {shot: planned.key for shot, planned in Project.open(film).plan().shots.items()}
    # every shot Ada is in changes, and c, which starts on b's last frame; e is not hers
    assert {shot for shot in GOLDEN if changed[shot] != GOLDEN[shot]} == {"a", "b", "c", "d"}


def test_golden_footage_key_is_the_files_bytes_and_what_is_taken_of_them(tmp_path):
    """Footage is keyed by its bytes (never decoded for the key), `in:`, fit, size, rate and length; not by the
    prompt, the seed or the backend."""
    film = tmp_path / "film.yaml"
    (tmp_path / "clip.mp4").write_bytes(b"not decoded to key it" * 64)

    def key(shot: str) -> str:
        film.write_text("title: F\nsize: 320x180\nscenes:\n  - id: s\n    shots:\n" + shot)
        return Project.open(film, media=False).plan().shots["a"].key

    golden = key("      - {id: a, footage: {file: clip.mp4, in: 1s}, duration: 2s}\n")
    assert golden == "4f32255f6bd189a23c96b876dc457e60bcc675c6479cb40eaae1b808752ddb60"
    assert key("      - {id: a, footage: {file: clip.mp4, in: 1s}, duration: 2s, prompt: x, seed: 3}\n") == golden
    assert key("      - {id: a, footage: {file: clip.mp4, in: 1s, out: 3s}}\n") == golden
    assert key("      - {id: a, footage: {file: clip.mp4, in: 2s}, duration: 2s}\n") != golden
    assert key("      - {id: a, footage: {file: clip.mp4, in: 1s, fit: crop}, duration: 2s}\n") != golden
    (tmp_path / "clip.mp4").write_bytes(b"other bytes" * 64)
    assert key("      - {id: a, footage: {file: clip.mp4, in: 1s}, duration: 2s}\n") != golden
