"""Import a screenplay (Fountain, or Final Draft .fdx) as a film file and one scene file per scene heading.

Fountain is parsed by `fountain-parser` (it gets `FADE IN:` on the first line, boneyard across lines,
forced headings, dual dialogue and centred text right, where other parsers on the index do not);
Final Draft XML is read with the standard library. Both become the same stream of script elements,
and that stream becomes YAML a person would want to edit: readable ids, comments where they help,
and nothing from the script dropped without a comment saying so.

Rules, stated here and in the README:

* every action paragraph is a shot; dialogue joins the shot it follows (a scene that opens on
  dialogue gets a shot of its speakers); centred text (> THE END <) is a title card;
* an action shot lasts 2 s plus 0.35 s a word, between 3 s and 20 s; dialogue adds its reading time at
  150 words a minute plus half a second a line; durations round to half seconds;
* CUT TO, SMASH CUT TO, MATCH CUT TO -> cut; DISSOLVE TO -> crossfade 1s; FADE IN / FADE OUT /
  FADE TO BLACK -> fade-black 1s; FADE TO WHITE -> fade-white 1s; WIPE TO -> wipe 1s; a transition
  joins the next shot; FADE IN before the first scene fades the film in;
* character names lose their extensions (V.O., O.S., CONT'D) and the dual-dialogue caret; a name
  written in capitals in action becomes an @mention;
* notes ([[...]]), boneyard (/* ... */), sections and synopses stay out of prompts, as comments.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem, ScreenplayError
from .json_schema import FILM_SCHEMA_LINE, SCENE_SCHEMA_LINE, write_schemas

WORDS_PER_SECOND = 2.5  # 150 words a minute
TRANSITIONS = {"CUT TO": "cut", "SMASH CUT TO": "cut", "MATCH CUT TO": "cut", "JUMP CUT TO": "cut",
               "DISSOLVE TO": "crossfade", "CROSSFADE TO": "crossfade", "FADE IN": "fade-black",
               "FADE OUT": "fade-black", "FADE TO BLACK": "fade-black", "FADE TO WHITE": "fade-white",
               "WIPE TO": "wipe"}
EXTENSION = re.compile(r"\s*\((?:V\.?O\.?|O\.?S\.?|O\.?C\.?|CONT'?D|CONTINUING|[^)]*)\)\s*", re.IGNORECASE)
NOTE = re.compile(r"\[\[(.*?)\]\]", re.DOTALL)


@dataclass
class Line:
    character: str
    text: str
    parenthetical: str = ""
    dual: bool = False


@dataclass
class ShotDraft:
    prompt: str = ""
    card: str | None = None
    dialogue: list[Line] = field(default_factory=list)
    transition: str | None = None
    comments: list[str] = field(default_factory=list)
    spoken_only: bool = False  # no action of its own: the prompt only names who speaks


@dataclass
class SceneDraft:
    heading: str
    number: str | None = None
    forced: bool = False
    shots: list[ShotDraft] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    trailing: list[str] = field(default_factory=list)  # after its last shot


@dataclass
class Script:
    title: str = ""
    author: str = ""
    title_comments: list[str] = field(default_factory=list)
    scenes: list[SceneDraft] = field(default_factory=list)
    characters: dict[str, str] = field(default_factory=dict)  # id -> display name


# -- reading -----------------------------------------------------------------------------------


def read_script(path: Path) -> Script:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ScreenplayError([Problem(f"cannot read the script: {error}", file=path)]) from None
    events = _fdx_events(text, path) if path.suffix.lower() == ".fdx" else _fountain_events(text)
    script = _build(events, path)
    if not script.scenes or not any(scene.shots for scene in script.scenes):
        raise ScreenplayError([Problem("the script has no scenes or action to turn into shots", file=path,
                                       hint="a Fountain scene starts with a heading such as INT. KITCHEN - NIGHT")])
    return script


def _fountain_events(text: str) -> list[tuple]:
    import fountain_parser
    from fountain_parser import ast

    parsed = fountain_parser.parse(text)
    events: list[tuple] = [("title", key, " ".join(values)) for key, values in (parsed.title_page or {}).items()]
    for element in parsed.elements:
        if isinstance(element, ast.SceneHeading):
            events.append(("heading", element.text, element.scene_number, element.is_forced))
        elif isinstance(element, ast.Action):
            events.append(("centered" if element.is_centered else "action", element.text))
        elif isinstance(element, ast.Character):
            events.append(("character", element.name, bool(element.is_dual)))
        elif isinstance(element, ast.Dialogue):
            events.append(("dialogue", element.text))
        elif isinstance(element, ast.Parenthetical):
            events.append(("parenthetical", element.text))
        elif isinstance(element, ast.Transition):
            events.append(("transition", element.text))
        elif isinstance(element, ast.Boneyard):
            events.append(("comment", "boneyard: " + " ".join(element.text.split())))
        elif isinstance(element, ast.SectionHeading):
            events.append(("comment", "section: " + element.text))
        elif isinstance(element, ast.Synopsis):
            events.append(("comment", "synopsis: " + element.text))
    return events


def _fdx_events(text: str, path: Path) -> list[tuple]:
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        raise ScreenplayError([Problem(f"not a readable Final Draft file: {error}", file=path)]) from None
    events: list[tuple] = [("title", "Title", path.stem.replace("_", " ").replace("-", " ").title())]
    kinds = {"Scene Heading": "heading", "Action": "action", "General": "action", "Shot": "action",
             "Character": "character", "Dialogue": "dialogue", "Parenthetical": "parenthetical",
             "Transition": "transition"}
    for paragraph in root.iter("Paragraph"):
        kind = kinds.get(paragraph.get("Type", ""))
        words = "".join("".join(part.itertext()) for part in paragraph.iter("Text")).strip()
        if kind is None or not words:
            continue
        if kind == "heading":
            events.append(("heading", words, paragraph.get("Number"), False))
        elif kind == "character":
            events.append(("character", words, False))
        elif kind == "action" and paragraph.get("Alignment") == "Center":
            events.append(("centered", words))
        else:
            events.append((kind, words))
    return events


# -- turning elements into scenes and shots ---------------------------------------------------------


def _build(events: list[tuple], path: Path) -> Script:
    script = Script()
    scene: SceneDraft | None = None
    shot: ShotDraft | None = None
    speaker: str | None = None
    dual = False
    pending_transition: str | None = None
    pending_comments: list[str] = []
    parenthetical = ""

    def new_shot(**values) -> ShotDraft:
        nonlocal shot, scene, pending_transition, pending_comments
        if scene is None:
            scene = SceneDraft("")
            script.scenes.append(scene)
        shot = ShotDraft(**values, transition=pending_transition, comments=pending_comments)
        pending_transition, pending_comments = None, []
        scene.shots.append(shot)
        return shot

    for event in events:
        kind = event[0]
        if kind == "action" and _is_transition(event[1]):  # FADE TO WHITE. and the like, which Fountain leaves as action
            event, kind = ("transition", event[1]), "transition"
        if kind == "title":
            key, value = event[1].lower(), event[2].strip()
            if key == "title":
                script.title = " ".join(value.split())
            elif key in ("author", "authors", "written by"):
                script.author = value
            else:
                script.title_comments.append(f"{event[1]}: {value}")
        elif kind == "heading":
            if scene is not None:  # what came after the last shot stays with the scene it was written in
                scene.trailing, pending_comments = pending_comments, []
            scene = SceneDraft(event[1].strip(), event[2], event[3])
            scene.comments, pending_comments = pending_comments, []
            script.scenes.append(scene)
            shot, speaker = None, None
        elif kind in ("action", "centered"):
            text, notes = _without_notes(event[1])
            pending_comments.extend(f"note: {note}" for note in notes)
            # '@' would read as a mention in a prompt (an e-mail address, a price): write it out
            text = " ".join(text.replace("@", " at ").split())
            if not text:
                continue
            speaker = None
            if kind == "centered":
                new_shot(card=text.strip("<> ").strip())
            else:
                new_shot(prompt=text)
        elif kind == "character":
            speaker = _character_id(event[1], script)
            dual = event[2]
            parenthetical = ""
        elif kind == "parenthetical":
            parenthetical = event[1].strip()
        elif kind == "dialogue" and speaker is not None:
            text, notes = _without_notes(event[1])
            pending_comments.extend(f"note: {note}" for note in notes)
            if shot is None or shot.card is not None:
                new_shot()
            shot.dialogue.append(Line(speaker, " ".join(text.split()), parenthetical, dual))
            parenthetical = ""
        elif kind == "transition":
            words = event[1].strip().rstrip(":.").upper()
            pending_transition = TRANSITIONS.get(words, pending_transition)
            if words not in TRANSITIONS:
                pending_comments.append(f"transition not mapped (a cut here): {event[1].strip()}")
        elif kind == "comment":
            pending_comments.append(event[1])
    if pending_comments and script.scenes:
        script.scenes[-1].trailing.extend(pending_comments)
    if pending_transition and script.scenes:
        script.scenes[-1].trailing.append(f"the script ends with a {pending_transition}; longcut's credits follow")
    _mention_characters(script)
    return script


def _is_transition(text: str) -> bool:
    words = text.strip()
    return words.isupper() and words.rstrip(":.").upper() in TRANSITIONS


def _without_notes(text: str) -> tuple[str, list[str]]:
    notes = [" ".join(note.split()) for note in NOTE.findall(text)]
    return NOTE.sub("", text), notes


def _character_id(written: str, script: Script) -> str:
    name = EXTENSION.sub(" ", written).replace("^", "").strip()
    ident = slug(name) or "someone"
    script.characters.setdefault(ident, name.title())
    return ident


def _mention_characters(script: Script) -> None:
    """ADA in an action line becomes @ada, so the shot shows her as she is described."""
    names = sorted(((display.upper(), ident) for ident, display in script.characters.items()), key=lambda p: -len(p[0]))
    for scene in script.scenes:
        for shot in scene.shots:
            for upper, ident in names:
                shot.prompt = re.sub(rf"(?<![@\w]){re.escape(upper)}(?!\w)", f"@{ident}", shot.prompt)
            if not shot.prompt and shot.card is None:
                speakers = list(dict.fromkeys(line.character for line in shot.dialogue))
                shot.prompt = " and ".join(f"@{ident}" for ident in speakers) + (" talk" if len(speakers) > 1 else
                                                                                   " speaks")
                shot.spoken_only = True


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48].strip("-")


def location_of(heading: str) -> tuple[str, str]:
    """'EXT. CLIFF PATH - DUSK' -> ('cliff-path', 'cliff path at dusk, outside')."""
    match = re.match(r"^\s*(INT\.?/EXT\.?|EXT\.?/INT\.?|I/E\.?|INT\.?|EXT\.?|EST\.?)\s*", heading, re.IGNORECASE)
    prefix = (match.group(1).upper() if match else "")
    rest = heading[match.end():] if match else heading
    place, _, time = rest.partition(" - ")
    place = place.strip() or heading.strip() or "somewhere"
    inside, outside = "INT" in prefix or prefix.startswith("I/"), "EXT" in prefix or "/E" in prefix
    where = "inside" if inside and not outside else "outside" if outside and not inside else ""
    description = place.lower() + (f" at {time.strip().lower()}" if time.strip() else "") + (f", {where}" if where else "")
    return slug(place) or "somewhere", description


# -- durations ---------------------------------------------------------------------------------


def duration_of(shot: ShotDraft) -> float:
    if shot.card is not None:
        return 3.0
    words = len(shot.prompt.split())
    seconds = min(20.0, max(3.0, 2.0 + 0.35 * words)) if shot.prompt and not shot.spoken_only else 0.0
    spoken = sum(len(line.text.split()) / WORDS_PER_SECOND + 0.5 for line in shot.dialogue)
    return max(2.0, round((seconds + spoken) * 2) / 2)


# -- writing -----------------------------------------------------------------------------------


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML string


def _comment(text: str, indent: str) -> list[str]:
    return [f"{indent}# {line}" for line in text.splitlines() or [""]]


def write_film(script: Script, out: Path, source: Path) -> Path:
    """Write film.yaml and scenes/*.yaml under out; returns the film file."""
    (out / "scenes").mkdir(parents=True, exist_ok=True)
    locations: dict[str, str] = {}
    includes: list[str] = []
    used_ids: set[str] = set()
    for number, scene in enumerate(script.scenes, start=1):
        location, description = location_of(scene.heading) if scene.heading else ("opening", "the opening")
        locations.setdefault(location, description)
        scene_id = _unique(f"{number:02d}-{location}", used_ids)  # film order; the script's number is a comment
        name = f"{scene_id}.yaml"
        (out / "scenes" / name).write_text(SCENE_SCHEMA_LINE + _scene_yaml(scene, scene_id, location, script, number == 1),
                                           encoding="utf-8")
        includes.append(f"  - include: scenes/{name}")
    lines = [FILM_SCHEMA_LINE.rstrip("\n"),
             f"# Imported by `longcut import` from {source.name}. Edit freely: it is yours now.",
             *[f"# title page: {comment}" for comment in script.title_comments],
             f"title: {_q(script.title or source.stem)}"]
    if script.author:
        lines.append(f"author: {_q(script.author)}")
    lines += ["fps: 24", "size: 1280x720", "seed: 1", 'style: "cinematic film still, natural light"', "backend: animatic",
              "", "characters:"]
    for ident, display in script.characters.items():
        lines += [f"  {ident}:", f"    name: {_q(display)}",
                  f'    description: ""   # describe {display}\'s look: age, hair, clothes (every shot uses it)']
    if not script.characters:
        lines[-1] = "characters: {}"
    lines += ["", "locations:"]
    for ident, description in locations.items():
        lines += [f"  {ident}:", f"    description: {_q(description)}"]
    lines += ["", "scenes:", *includes, ""]
    film = out / "film.yaml"
    film.write_text("\n".join(lines), encoding="utf-8")
    write_schemas(out)
    return film


def _unique(ident: str, used: set[str]) -> str:
    candidate, counter = ident, 2
    while candidate in used:
        candidate, counter = f"{ident}-{counter}", counter + 1
    used.add(candidate)
    return candidate


def _scene_yaml(scene: SceneDraft, scene_id: str, location: str, script: Script, first: bool) -> str:
    lines = [*(_comment(comment, "") for comment in scene.comments)]
    lines = [line for group in lines for line in group]
    if scene.number:
        lines.append(f"# scene {scene.number} in the script")
    if scene.forced:
        lines.append("# a forced scene heading in the script")
    lines += [f"id: {scene_id}", f"heading: {_q(scene.heading)}", f"location: {location}", "shots:"]
    for index, shot in enumerate(scene.shots, start=1):
        for comment in shot.comments:
            lines += _comment(comment, "  ")
        lines.append(f"  - id: {scene_id}-{index}")
        if shot.card is not None:
            lines += [f"    card: {_q(shot.card)}   # centred text in the script: a title card"]
        else:
            lines.append(f"    prompt: {_q(shot.prompt)}")
        lines.append(f"    duration: {duration_of(shot):g}s")
        transition = shot.transition
        if transition and transition != "cut":
            if first and index == 1 and transition not in ("fade-black", "fade-white"):
                lines.append(f"    # the script's {transition} here has no shot before it to leave")
            else:
                lines.append(f"    transition: {{type: {transition}, duration: 1s}}")
        if shot.dialogue:
            lines.append("    dialogue:")
            for line in shot.dialogue:
                if line.parenthetical:
                    lines.append(f"      # {line.parenthetical}")
                if line.dual:
                    lines.append("      # dual dialogue: spoken at the same time as the line before")
                lines.append(f"      - {line.character}: {_q(line.text)}")
    for comment in scene.trailing:
        lines += _comment(comment, "  ")
    return "\n".join(lines) + "\n"
