from fractions import Fraction

from longcut import storyboard
from longcut.continuity import TakeChoice, resolve, shot_seed
from longcut.storyboard import ShotGraph

from .films import TINY, tiny_film


def requests(folder, text=TINY, choices=None):
    sp = storyboard.load(tiny_film(folder, text=text))
    return resolve(sp, ShotGraph(sp), choices)


def test_prompt_carries_characters_location_and_style(tmp_path):
    request = requests(tmp_path)["d"]
    assert request.prompt == ("Ada (a keeper in her sixties, grey hair, navy coat, red scarf) and Jun (a boy of ten, "
                              "yellow raincoat) by the lamp. Setting: the lamp room at night, rain on the windows. "
                              "flat storyboard style")
    assert [look.id for look in request.characters] == ["ada", "jun"]
    assert request.characters[0].references[0].name == "ada.png"
    assert (request.width, request.height, request.fps, request.frames) == (128, 72, Fraction(12), 36)


def test_frame_conditioning(tmp_path):
    found = requests(tmp_path)
    assert found["b"].starts_on == "a" and found["a"].starts_on is None
    assert found["e"].loop and not found["d"].loop
    assert found["b"].exterior is True and found["d"].exterior is False


def test_dialogue_is_timed_in_frames(tmp_path):
    cue, = requests(tmp_path)["b"].dialogue
    assert (cue.start, cue.end, cue.speaker, cue.line) == (0, 18, "Ada", "Still standing.")


def test_seeds_derive_from_film_shot_and_take(tmp_path):
    found = requests(tmp_path)
    assert found["a"].seed == shot_seed(7, "a", 1)
    assert len({request.seed for request in found.values()}) == len(found)
    again = requests(tmp_path / "again", choices={"a": TakeChoice(2)})
    assert again["a"].seed == shot_seed(7, "a", 2) != found["a"].seed
    assert requests(tmp_path / "pinned", choices={"a": TakeChoice(3, seed=42)})["a"].seed == 42


def test_adding_removing_and_reordering_shots_never_moves_another_shots_seed(tmp_path):
    before = requests(tmp_path)
    edited = TINY.replace("      - {id: c,", "      - {id: new, prompt: \"gulls\", duration: 1s}\n      - {id: c,")
    edited = edited.replace("  - id: two", "  - id: two").replace(
        "      - {id: e, prompt", "      - {id: e2, prompt: \"x\", duration: 1s}\n      - {id: e, prompt")
    after = requests(tmp_path / "edited", text=edited)
    for shot in before:
        assert after[shot].seed == before[shot].seed


def test_a_pinned_seed_holds_for_the_take_the_screenplay_names(tmp_path):
    text = TINY.replace("{id: e, prompt", "{id: e, seed: 9001, take: 2, prompt")
    found = requests(tmp_path, text=text)
    assert (found["e"].seed, found["e"].take) == (9001, 2)
    other = requests(tmp_path / "other", text=text, choices={"e": TakeChoice(3)})
    assert other["e"].seed == shot_seed(7, "e", 3)
