"""The content rules: a corpus both ways (what must be found, whatever the disguise; what must not), and the
rules at `longcut check` with file:line:column, the film's own choices, its own terms and a classifier."""

from __future__ import annotations

from pathlib import Path

import pytest

from longcut.storyboard.policy import MINORS, rules

from .cli import run

FLAGGED = {  # text -> the category that must be found in it
    # sexual, plain and disguised
    "a pornographic scene": "sexual", "porn on a screen": "sexual", "P0RN on a screen": "sexual",
    "p.o.r.n": "sexual", "p o r n o": "sexual", "pörn": "sexual", "РORN in cyrillic": "sexual",
    "two people having sex": "sexual", "they have sex in the car": "sexual", "an explicit sex scene": "sexual",
    "a s3x scene": "sexual", "a sex-scene": "sexual", "naked on the beach": "sexual", "NAKED": "sexual",
    "n4ked": "sexual", "n@ked": "sexual", "nakeeed": "sexual", "n a k e d": "sexual", "n-a-k-e-d": "sexual",
    "nаkеd with cyrillic vowels": "sexual", "pοrn with a greek omicron": "sexual", "ｎａｋｅｄ in full width": "sexual",
    "a topless woman": "sexual", "nudity throughout": "sexual", "full nudity": "sexual", "erotic dance": "sexual",
    "an erotica cover": "sexual", "hentai style": "sexual", "nsfw": "sexual",
    "masturbating": "sexual", "masturbation": "sexual", "exposed genitals": "sexual", "genitalia": "sexual",
    "bare breasts": "sexual", "nipples showing": "sexual", "an orgy": "sexual", "bdsm gear": "sexual",
    "a striptease": "sexual", "lingerie model posing": "sexual", "onlyfans shoot": "sexual",
    "a seductive pose": "sexual", "sexy pose on the bed": "sexual", "s e x y pose": "sexual",
    "an orgasm": "sexual", "a dildo": "sexual", "sex toys on the table": "sexual", "a threesome": "sexual",
    "a prostitute on the corner": "sexual", "undressed in the bath": "sexual", "unclothed figures": "sexual",
    "ejaculation": "sexual", "a blowjob": "sexual", "gangbang": "sexual", "sexual intercourse": "sexual",
    # sexual content with a minor: always refused
    "a naked child": MINORS, "nude teens": MINORS, "a teenager having sex": MINORS,
    "schoolgirl in an erotic pose": MINORS, "p0rn with a kid": MINORS, "a 14 year old, naked": MINORS,
    "a fourteen year old, topless": MINORS, "underage and nude": MINORS,
    # graphic violence
    "gore everywhere": "graphic-violence", "a gory death": "graphic-violence", "g0re": "graphic-violence",
    "goooore": "graphic-violence", "a dismembered body": "graphic-violence", "dismemberment": "graphic-violence",
    "decapitated": "graphic-violence", "a decapitation": "graphic-violence", "d3c4pitated": "graphic-violence",
    "d e c a p i t a t e d": "graphic-violence", "the beheading": "graphic-violence",
    "disembowelled": "graphic-violence", "eviscerated": "graphic-violence", "a mutilated corpse": "graphic-violence",
    "entrails on the floor": "graphic-violence", "a severed head": "graphic-violence",
    "severed limbs": "graphic-violence", "flayed alive": "graphic-violence", "skinned alive": "graphic-violence",
    "impaled on a spike": "graphic-violence", "a torture chamber": "graphic-violence",
    "tortured prisoners": "graphic-violence", "a bloodbath": "graphic-violence", "blood-soaked walls": "graphic-violence",
    "blood soaked walls": "graphic-violence", "a pool of blood": "graphic-violence",
    "blood spatter on glass": "graphic-violence", "brain matter on the wall": "graphic-violence",
    "a crushed skull": "graphic-violence", "the massacre": "graphic-violence", "a school shooting": "graphic-violence",
    "cannibals at dinner": "graphic-violence", "cannibalism": "graphic-violence", "a snuff film": "graphic-violence",
    "DÉCAPITATED": "graphic-violence", "a splatter film": "graphic-violence",
    # real people
    "Taylor Swift on stage": "real-people", "taylor swift": "real-people", "TAYLOR  SWIFT": "real-people",
    "taylor-swift": "real-people", "T4ylor Sw1ft": "real-people", "Elon Musk": "real-people",
    "Donald Trump waves": "real-people", "Joe Biden": "real-people", "Barack Obama": "real-people",
    "Vladimir Putin": "real-people", "Volodymyr Zelensky": "real-people", "Xi Jinping": "real-people",
    "Mark Zuckerberg": "real-people", "Tom Cruise running": "real-people", "Scarlett Johansson": "real-people",
    "Beyoncé": "real-people", "Kim Kardashian": "real-people", "Keanu Reeves": "real-people",
    "Leonardo DiCaprio": "real-people", "Greta Thunberg": "real-people", "Lionel Messi": "real-people",
    "Timothée Chalamet": "real-people",
    # living artists
    "in the style of Greg Rutkowski": "living-artists", "greg rutkowski": "living-artists",
    "Hayao Miyazaki style": "living-artists", "studio ghibli style": "living-artists",
    "like Beeple": "living-artists", "a Banksy mural": "living-artists", "Yayoi Kusama dots": "living-artists",
    "by Makoto Shinkai": "living-artists", "Wes Anderson symmetry": "living-artists",
    "Simon Stålenhag": "living-artists", "Artgerm": "living-artists", "by WLOP": "living-artists",
}

INNOCENT = [
    "an old lighthouse keeper climbs the stairs", "the storm breaks over the harbour", "Essex in the rain",
    "Sussex downs at dawn", "Middlesex hospital", "a sextant on the chart table", "sextet playing jazz",
    "the naked eye can see the comet", "a naked flame in the lamp", "the naked truth", "skillful hands",
    "the killer whale surfaces", "a killjoy", "cocktail hour", "Scunthorpe United", "a therapist listens",
    "the assassin's creed", "grapes on the vine", "a classic car", "shitake mushrooms", "a cumulus cloud",
    "summa cum laude", "a scumbag", "documents", "accumulate", "the pen is mightier", "penistone station",
    "a sussex spaniel", "the nude colour lipstick", "gorgeous sunset", "gorges and canyons", "a gorilla",
    "Al Gore's speech", "the goalkeeper", "therapists", "butterfly", "shiitake", "a hoe in the garden",
    "the dickens novel", "a cock crows at dawn", "Moby Dick", "a tit bird on a branch", "pussy willow",
    "the screw turns", "a bang on the door", "ball game", "balls of yarn", "sexagenarian neighbour",
    "Analysis of the data", "an analyst", "the canal", "Cannes film festival", "a cannibalized engine for parts",
    "torturous road", "the tortoise crawls", "impala in the savanna", "a flayer? no, a player", "decaf coffee",
    "capital city", "the decade", "severe weather", "a several hour drive", "bloody mary cocktail",
    "blood orange", "the massage parlour", "mass transit", "a school trip", "a shooting star",
    "the photo shoot", "a snuffbox", "snuffed candle", "the splatter of rain", "spatter of paint",
    "a swift river", "Taylor the tailor", "a musk ox", "trumpet solo", "the musk of the forest",
    "a biden? no, a bidet", "Obama-era policies are not named", "put in the oven", "a messy desk",
    "a musket", "the dove", "kim chi", "reeves and dicaprio are words", "a gates of hell gate",
    "Miyazaki prefecture", "a studio apartment", "the anderson shelter", "a banks note", "the bee plex",
    "the kid flies a kite", "a teenager skateboards", "children playing in the park", "a baby sleeps",
    "a schoolgirl reads", "a young boy fishes", "an infant in a cot", "the minor key", "a minor character",
    "babies crying", "toddler steps", "kids eat ice cream", "1920s harbour", "35mm film still",
    "24 fps", "a 12 year old boy fishing", "a 16 year old driver", "room 101", "007 style spy",
    "h2o in a glass", "she said hi", "I am fine", "a b c d", "e.g. the pier", "U.S.A. flag",
    "the nudge", "a nun prays", "the breastplate", "breaststroke swimmer", "chicken breast",
    "naval officer", "a sextant and a compass", "hello world", "assess the damage",
]


# The classes of evasion that passed before (issue 26), each several ways: invisible format characters inside a
# word, look-alike letters outside the first tables (IPA, Armenian, small capitals), mixed spacing, inflections,
# names joined, reversed or by surname, ages as digits and compounds.
EVASIONS = {
    "na\u200bked on the beach": "sexual", "nu\u200dde figures": "sexual", "p\u00adorn on a screen": "sexual",
    "nak\u2060ed": "sexual", "ero\u200btic dance": "sexual", "g\u200bore everywhere": "graphic-violence",
    "dis\u00admembered": "graphic-violence", "be\u200cheading": "graphic-violence",
    "\u202enaked\u202c": "sexual", "to\ufeffpless": "sexual",
    "nɑked (IPA alpha)": "sexual", "ɴᴀᴋᴇᴅ in small capitals": "sexual", "nսde with an Armenian u": "sexual",
    "pօrn with an Armenian o": "sexual", "ɡore with a script g": "graphic-violence", "ᴘᴏʀɴ": "sexual",
    "𝐧𝐚𝐤𝐞𝐝 in bold maths letters": "sexual", "ⓝⓐⓚⓔⓓ in circles": "sexual", "ｇｏｒｅ in full width": "graphic-violence",
    "n a-k.e d": "sexual", "p-o r.n": "sexual", "g.o r-e": "graphic-violence", "n_a k-e.d woman": "sexual",
    "t o-p.l e s s": "sexual", "d-e c.a p i t a t e d": "graphic-violence",
    "the king beheads him": "graphic-violence", "torturers at work": "graphic-violence",
    "two torturing guards": "graphic-violence", "orgasms": "sexual", "stripteases": "sexual",
    "masturbates": "sexual", "prostitutes on the corner": "sexual", "cannibals feast": "graphic-violence",
    "massacres in the valley": "graphic-violence", "impalements": "graphic-violence",
    "a hentais poster": "sexual", "dildos on a shelf": "sexual", "threesomes": "sexual",
    "taylorswift on stage": "real-people", "swift taylor on stage": "real-people", "elonmusk tweets": "real-people",
    "musk elon in a rocket": "real-people", "Obama waves": "real-people", "Putin at a desk": "real-people",
    "Zuckerberg in a hoodie": "real-people", "a Kardashian selfie": "real-people",
    "miyazaki hayao style": "living-artists", "rutkowski style": "living-artists",
    "gregrutkowski": "living-artists", "Kusama dots": "living-artists",
    "a 14-year-old, naked": MINORS, "a fourteen-year-old, nude": MINORS, "a 13yo in lingerie model pose": MINORS,
    "naked, aged 15": MINORS, "nude and 16 years old": MINORS, "a tween, topless": MINORS,
    "jailbait, naked": MINORS, "adolescents having sex": MINORS, "an erotic pose, age 12": MINORS,
    "a n\u200baked schoolgirl": MINORS, "nսde teens": MINORS, "under eighteen and naked": MINORS,
    # run together with another word
    "a nakedwoman on the bed": "sexual", "pornstar in a hotel": "sexual", "sexscene in the car": "sexual",
    "havingsex": "sexual", "gorevideo": "graphic-violence", "a nudebeach": "sexual", "teenporn": MINORS,
    "nakedteen": MINORS, "hotnaked": "sexual",
}

# Film language the rules must leave alone: animals, colours, surnames that are words, history, music.
INNOCENT_FILM_LANGUAGE = [
    "a tit flits between the branches", "blue-footed boobies on the rocks", "a woodcock in the reeds",
    "a cock pheasant struts", "the male seal hauls out", "two peacocks display", "a swallow dives",
    "a bullfinch on the fence", "the kingfisher strikes", "a great tit sings", "the shrew hides",
    "a lion cub plays", "the killdeer's broken-wing act", "a hare boxes in spring", "mating season of the elk",
    "a nude-coloured dress", "a flesh-tone palette", "the red scarf and the navy coat", "a beige trench coat",
    "skin-toned tights for the dancers", "a scarlet sash", "her coat is crimson", "a pale peach wall",
    "Mr Gates the grocer", "Mrs Swift runs the inn", "old Mr Cruise at the harbour", "the Harris family farm",
    "Tom West the fisherman", "Captain James", "the Johnson twins", "young Jones on the dock",
    "Mara Trump, no relation, plays the piano", "Ada Musk, the keeper's cousin",
    "the Battle of Hastings", "the storming of the Bastille", "the sinking of the Titanic",
    "the fall of the Berlin Wall", "the Great Fire of London", "the moon landing of 1969",
    "the Boston Tea Party", "the Spanish flu of 1918", "D-Day landings on Omaha beach",
    "the Sex Pistols on the radio", "Dead Kennedys poster", "a Killers song plays", "Guns N' Roses t-shirt",
    "Nirvana's Nevermind on vinyl", "the Slits on a mixtape", "Massive Attack at the festival",
    "Rage Against the Machine", "Bloodhound Gang on the jukebox",
    "she strips the wallpaper", "he goes for the kill shot on goal", "a cutthroat razor on the sink",
    "the butcher's shop window", "a naked mole-rat colony", "the baby elephant bathes",
    "a teen band rehearses", "the kids build a sandcastle",
    "a Gore-Tex jacket in the rain", "Penistone station at dusk", "the showman bows", "a hotel chain",
    "the manhole cover", "starboard side", "a beachcomber", "the partygoers leave", "a bodyguard waits",
]


def test_the_new_corpus_is_large_both_ways():
    assert len(EVASIONS) >= 50 and len(INNOCENT_FILM_LANGUAGE) >= 50


def test_a_sexual_style_and_a_minor_in_a_prompt_are_one_text_to_the_model(tmp_path):
    """The model gets the film's style and the shot's prompt in one text: split between them, a sexual term and a
    minor are still refused, at the prompt's line."""
    film = film_with(tmp_path, "style: \"erotic photography\"\npolicy: {sexual: allow}\n",
                     "a schoolgirl on the pier")
    output = run("check", film, code=2).output
    assert "sexual content involving a minor" in output and "it can never be allowed" in output


@pytest.fixture(scope="module")
def defaults():
    return rules({"graphic-violence": "refuse", "real-people": "refuse", "living-artists": "refuse"})


def test_the_corpus_is_large_both_ways():
    assert len(FLAGGED) >= 100 and len(INNOCENT) >= 100


@pytest.mark.parametrize("text", [*FLAGGED, *EVASIONS])
def test_each_flagged_text_is_found_whatever_its_disguise(defaults, text):
    categories = {finding.category for finding in defaults.check(text)}
    assert {**FLAGGED, **EVASIONS}[text] in categories, (text, categories)


@pytest.mark.parametrize("text", [*INNOCENT, *INNOCENT_FILM_LANGUAGE])
def test_each_innocent_text_is_left_alone(defaults, text):
    assert defaults.check(text) == [], text


def test_no_shipped_term_holds_a_letter_three_times():
    """Text is read with such runs collapsed (gooore is gore), so a term with one could never match."""
    import re

    from longcut.storyboard.policy import default_categories

    for spec in default_categories().values():
        for written in [*spec.get("terms", ()), *spec.get("except", ()), *spec.get("minors", ())]:
            assert not re.search(r"([a-z])\1\1", written), written


def test_a_finding_quotes_the_text_as_written(defaults):
    finding, = defaults.check("a room, then D E C A P I T A T E D statues")
    assert finding.matched == "D E C A P I T A T E D" and finding.rule == "decapitat*"


def film_with(folder: Path, policy: str, prompt: str, extra: str = "") -> Path:
    film = folder / "film.yaml"
    film.write_text(f"title: Policy\n{policy}{extra}scenes:\n  - id: s\n    shots:\n"
                    f"      - {{id: a, duration: 1s, prompt: \"{prompt}\"}}\n", encoding="utf-8")
    return film


def test_a_refusal_stops_check_with_file_line_column_and_how_to_allow_it(tmp_path):
    film = film_with(tmp_path, "", "two figures having sex in the lamp room")
    output = run("check", film, code=2).output
    assert "film.yaml:5:39: error: shot `a`: `having sex` is sexual content (category sexual, rule `having sex`)" \
        in output
    assert "allow it: `policy: {sexual: allow}` in the film" in output
    run("render", film, code=2)  # nothing is rendered
    assert not (tmp_path / ".longcut").exists()


def test_a_warning_is_said_and_the_film_goes_on(tmp_path):
    film = film_with(tmp_path, "", "the keeper finds a severed head in the nets")
    output = run("check", film).output
    assert "warning: shot `a`: `severed head` is graphic violence" in output


def test_the_author_chooses_per_category(tmp_path):
    film = film_with(tmp_path, "policy: {graphic-violence: allow, real-people: refuse}\n",
                     "a severed head, and Keanu Reeves")
    output = run("check", film, code=2).output
    assert "`Keanu Reeves` is a real person" in output and "is graphic violence" not in output
    film = film_with(tmp_path, "policy: {sexual: allow}\n", "a naked swimmer at dawn")
    assert "naked" not in run("check", film).output


def test_sexual_content_with_a_minor_is_refused_even_when_sexual_content_is_allowed(tmp_path):
    film = film_with(tmp_path, "policy: {sexual: allow}\n", "@girl swims naked",
                     "characters:\n  girl: {description: a 13 year old girl}\n")
    output = run("check", film, code=2).output
    assert "is sexual content involving a minor" in output and "it can never be allowed" in output
    film = film_with(tmp_path, "policy: {sexual-minors: allow}\n", "a pier")
    output = run("check", film, code=2).output
    assert "`sexual-minors` cannot be set to allow" in output


def test_the_films_own_terms_written_and_in_a_file(tmp_path):
    (tmp_path / "names.txt").write_text("# the client's competitors\nGlobex\nInitech Labs\n", encoding="utf-8")
    film = film_with(tmp_path, "policy: {own: {terms: [acme], file: names.txt}}\n",
                     "an Initech-Labs van passes an ACME truck")
    output = run("check", film, code=2).output
    assert "`Initech-Labs` is on the film's list" in output and "`ACME` is on the film's list" in output
    film = film_with(tmp_path, "policy: {own: {file: missing.txt}}\n", "a pier")
    assert "the film's own policy terms `missing.txt` cannot be read" in run("check", film, code=2).output


@pytest.fixture
def installed_classifier(tmp_path, monkeypatch):
    """tests.policy_classifier installed as a package installs it: an entry point `test-weapons` in the group
    `longcut.policies`, in a distribution's metadata on the path (what pip writes, without a build)."""
    site = tmp_path / "site"
    info = site / "longcut_test_classifier-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: longcut-test-classifier\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[longcut.policies]\ntest-weapons = tests.policy_classifier:check\n")
    monkeypatch.syspath_prepend(str(site))
    return "test-weapons"


def test_a_classifier_sees_every_text(tmp_path, installed_classifier):
    film = film_with(tmp_path, f"policy: {{classifiers: [{installed_classifier}]}}\n",
                     "the keeper aims a rifle and fires")
    output = run("check", film).output
    assert "warning: shot `a`: `rifle` is weapons (category weapons, rule `classifier " in output
    film = film_with(tmp_path, "policy: {classifiers: [no-such-classifier]}\n", "a pier")
    output = run("check", film, code=2).output
    assert "no content classifier `no-such-classifier`; installed: " in output and "test-weapons" in output


@pytest.mark.parametrize("named", ["os:system", "tests.policy_classifier:check", "subprocess", "../evil.py"])
def test_a_film_never_names_code_to_import(tmp_path, named, monkeypatch):
    """A film folder is untrusted: `classifiers:` chooses among installed entry points, and a module path is
    refused at its line before anything is imported."""
    import sys

    monkeypatch.delitem(sys.modules, "tests.policy_classifier", raising=False)
    film = film_with(tmp_path, f"policy: {{classifiers: ['{named}']}}\n", "a pier")
    output = run("check", film, code=2).output
    if ":" in named or "/" in named:
        assert f"classifier {named!r} is not the name of an entry point" in output
        assert "film.yaml:" in output
    else:
        assert f"no content classifier `{named}`" in output
    assert "tests.policy_classifier" not in sys.modules  # nothing of the film's choosing was imported


def test_an_imported_script_is_written_as_it_is_and_its_refused_texts_are_named(tmp_path):
    script = tmp_path / "beach.fountain"
    script.write_text("Title: Beach\n\nEXT. BEACH - DAY\n\nTwo lovers having sex in the dunes.\n\nMARA\n"
                      "What a bloodbath.\n", encoding="utf-8")
    result = run("import", script, tmp_path / "film")
    assert (tmp_path / "film" / "film.yaml").is_file()
    assert "`having sex` is sexual content" in result.stderr and "`bloodbath` is graphic violence" in result.stderr
    assert "break the film's content rules" in result.stderr
    assert "`having sex` is sexual content" in run("check", tmp_path / "film" / "film.yaml", code=2).output
