"""Golden cache keys: a key changes exactly when something that shapes the picture changes."""

from PIL import Image

from continuity import shot_seed
from engine.project import Project

from .films import TINY, tiny_film

GOLDEN = {  # animatic version 3, each shot that continues none starting on its animatic keyframe
    "a": "48f395027e48c80cbc277e6d37586ac6b467f921a3022cd002c1d193677ef48f",
    "b": "d6e5f2dfa5233b06eea28113f8f16432450b4719570343071dc13559c299d74b",
    "c": "4f65bdbe5effd8807ac2793b9c8704f39d8e53187dcbc4341e3e8ee9d29b5ba4",
    "d": "a5108fef1eeb01afe0a7c63df86250f9c89a1139145c7d727f1283ef2bfdd95d",
    "e": "3da9fb204bc3c743cdb0271a2a1c381ded6a4ff72fe6ce68c4df39e784dee909",
}
WITHOUT_KEYFRAMES = {  # `keyframes: off`: the keys every take had before the keyframe stage, kept
    "a": "348fdc74ac496e93d3c133650332f17e6d12cc98a9656926c0237d80f0ee4adf",
    "b": "6ab2c12554c3267af24ec2160e046efe1b3e5d45994bc87ba0e04e96e40351f9",
    "c": "1563aa2ae74538afc64f55cfdec2db0a305ac02e6a0031a78f1093ad13ab6f72",
    "d": "09baadc734acaef0769e76c612b30b0ce874d02c4aa5ea14d0ec9c36f5ea686f",
    "e": "445e55b1fa59740690d979a9d724d64052a02c8e0585d2b40a7c71001e6b4cd9",
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
