"""Importing screenplays: every Fountain element, the cases parsers get wrong, and a script that renders."""

from __future__ import annotations

from pathlib import Path

import pytest

from longcut import storyboard
from longcut.engine.media.ffmpeg import probe_frames
from longcut.storyboard.fountain import ShotDraft, duration_of, location_of, read_script

from .cli import run

SCRIPTS = Path(__file__).parent / "data" / "scripts"


def script_of(tmp_path, text: str, suffix: str = ".fountain"):
    path = tmp_path / f"script{suffix}"
    path.write_text(text)
    return read_script(path)


def imported(tmp_path, text: str) -> tuple[storyboard.Screenplay, str]:
    path = tmp_path / "script.fountain"
    path.write_text(text)
    run("import", path, tmp_path / "film")
    film = tmp_path / "film" / "film.yaml"
    yaml_text = film.read_text() + "".join(p.read_text() for p in sorted((tmp_path / "film" / "scenes").iterdir()))
    return storyboard.load(film), yaml_text


def test_a_real_screenplay_imports_checks_and_renders(tmp_path):
    out = tmp_path / "keeper"
    result = run("import", SCRIPTS / "keeper.fountain", out)
    assert "4 scene files" in result.stdout
    check = run("check", out / "film.yaml")
    assert check.stdout.rstrip().endswith("ok") or "warnings" in check.stdout
    sp = storyboard.load(out / "film.yaml")
    assert sp.film.title == "The Keeper's Light" and sp.film.author == "M. Okafor"
    assert sorted(sp.film.characters) == ["ada", "jun"]
    run("render", out / "film.yaml", "--size", "128x72", "--no-titles")
    assert probe_frames(out / "film.128x72.mp4") == sp.running_frames()


def test_fade_in_on_the_first_line_is_a_transition_not_a_scene(tmp_path):
    sp, text = imported(tmp_path, "FADE IN:\n\nEXT. BEACH - DAY\n\nWaves roll in.\n")
    assert [scene.heading for scene in sp.film.scenes] == ["EXT. BEACH - DAY"]
    first = sp.entries[0].shot
    assert first.transition.type.value == "fade-black"


def test_boneyard_across_lines_and_notes_stay_out_of_prompts(tmp_path):
    sp, text = imported(tmp_path, "INT. ROOM - NIGHT\n\nA lamp [[check the colour]] flickers.\n\n"
                                  "/* a cut line\nacross two lines */\n\nThe door opens.\n")
    prompts = " ".join(entry.shot.prompt for entry in sp.entries)
    assert "check the colour" not in prompts and "cut line" not in prompts
    assert "# note: check the colour" in text and "# boneyard: a cut line across two lines" in text
    assert [entry.shot.prompt for entry in sp.entries] == ["A lamp flickers.", "The door opens."]


def test_characters_fold_extensions_and_dual_dialogue(tmp_path):
    sp, text = imported(tmp_path, "INT. KITCHEN - DAY\n\nMARA cooks.\n\nMARA (V.O.)\nHungry?\n\nTOM (O.S.)\n(calling)\n"
                                  "Always!\n\nMARA (CONT'D)\nGood.\n\nTOM ^\nGood!\n")
    assert sorted(sp.film.characters) == ["mara", "tom"]
    lines = [(line.character, line.line) for line in sp.entries[0].shot.dialogue]
    assert lines == [("mara", "Hungry?"), ("tom", "Always!"), ("mara", "Good."), ("tom", "Good!")]
    assert sp.entries[0].shot.prompt == "@mara cooks."
    assert "# (calling)" in text and "# dual dialogue" in text


@pytest.mark.parametrize(("written", "kind"), [("DISSOLVE TO:", "crossfade"), ("FADE TO WHITE.", "fade-white"),
                                               ("WIPE TO:", "wipe"), ("FADE OUT.", "fade-black"), ("CUT TO:", "cut"),
                                               ("SMASH CUT TO:", "cut")])
def test_transitions_map_to_longcut_transitions(tmp_path, written, kind):
    sp, _ = imported(tmp_path, f"EXT. A - DAY\n\nOne.\n\n{written}\n\nEXT. B - DAY\n\nTwo.\n")
    assert sp.entries[1].shot.transition.type.value == kind


def test_forced_headings_scene_numbers_and_centred_titles(tmp_path):
    sp, text = imported(tmp_path, ".INSIDE THE WHALE #7#\n\nDarkness.\n\n> THE END <\n")
    assert sp.film.scenes[0].heading == "INSIDE THE WHALE"
    assert "# scene 7 in the script" in text and "# a forced scene heading" in text
    assert sp.entries[1].shot.card == "THE END"


def test_sections_synopses_and_title_page_are_kept_as_comments(tmp_path):
    sp, text = imported(tmp_path, "Title: Whale\nDraft date: today\n\n# ACT ONE\n\n= Jonah is swallowed.\n\n"
                                  "EXT. SEA - DAY\n\nA whale.\n")
    assert sp.film.title == "Whale"
    assert "# title page: Draft Date: today" in text and "# section: ACT ONE" in text
    assert "# synopsis: Jonah is swallowed." in text


def test_durations_follow_the_stated_rules():
    assert duration_of(ShotDraft(prompt="one two three four five six seven eight nine ten")) == 5.5
    assert duration_of(ShotDraft(prompt="x")) == 3.0  # at least 3 s of action
    assert duration_of(ShotDraft(prompt=" ".join(["w"] * 200))) == 20.0  # at most 20 s
    from longcut.storyboard.fountain import Line

    talk = ShotDraft(prompt="@ada speaks", spoken_only=True, dialogue=[Line("ada", "one two three four five")])
    # 2 s of reading at 150 words a minute, + 0.5 s for the line
    assert duration_of(talk) == 2.5


def test_locations_come_from_headings():
    assert location_of("EXT. CLIFF PATH - DUSK") == ("cliff-path", "cliff path at dusk, outside")
    assert location_of("INT./EXT. CAR - MOVING") == ("car", "car at moving")


def test_final_draft_imports_through_the_same_path(tmp_path):
    run("import", SCRIPTS / "keeper.fdx", tmp_path / "fdx")
    sp = storyboard.load(tmp_path / "fdx" / "film.yaml")
    assert [scene.heading for scene in sp.film.scenes] == ["EXT. CLIFF PATH - DUSK", "INT. LAMP ROOM - NIGHT"]
    assert sp.entries[-1].shot.card == "THE END" and sorted(sp.film.characters) == ["ada", "jun"]


def test_an_existing_film_is_not_overwritten(tmp_path):
    run("import", SCRIPTS / "keeper.fdx", tmp_path)
    result = run("import", SCRIPTS / "keeper.fdx", tmp_path, code=2)
    assert "already exists" in result.stderr and "--force" in result.stderr
    run("import", SCRIPTS / "keeper.fdx", tmp_path, "--force")


def test_a_script_without_scenes_is_refused_and_leaves_nothing(tmp_path):
    script = tmp_path / "empty.fountain"
    script.write_text("Title: Nothing\n\n")
    result = run("import", script, tmp_path / "out", code=2)
    assert "no scenes" in result.stderr
    assert not (tmp_path / "out" / "film.yaml").exists()
