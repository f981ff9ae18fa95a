"""What the schema cannot check: ids that refer to each other, files on disk, timing.

Errors are collected (every one is reported at once); warnings go on the screenplay for
``longcut check`` to show.
"""

from __future__ import annotations

from collections import Counter

from .errors import Mark, Problem, ScreenplayError, did_you_mean
from .schema import MENTION, TransitionType
from .screenplay import Screenplay, Warning_
from .units import parse_timecode

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff"}
AUDIO_SUFFIXES = {".wav", ".mp3", ".flac", ".ogg", ".m4a", ".aac", ".opus"}


def run(screenplay: Screenplay) -> None:
    problems: list[Problem] = []
    for check in (_ids, _locations, _characters, _continues, _references, _timing, _music, _shot_audio):
        problems.extend(check(screenplay))
    if problems:
        raise ScreenplayError(problems)
    screenplay.warnings.extend(_warnings(screenplay))


def _ids(sp: Screenplay) -> list[Problem]:
    problems = []
    scene_ids = Counter(scene.id for scene in sp.film.scenes)
    shot_ids = Counter(entry.shot.id for entry in sp.entries)
    seen: set[str] = set()
    for index, scene in enumerate(sp.film.scenes):
        if scene_ids[scene.id] > 1 and scene.id in seen:
            problems.append(Problem(f"duplicate scene id `{scene.id}`", sp.source.value(("scenes", index, "id")),
                                    hint="scene ids must be unique in the film; rename one"))
        seen.add(scene.id)
    first_use: dict[str, tuple] = {}
    for entry in sp.entries:
        if shot_ids[entry.shot.id] > 1 and entry.shot.id in first_use:
            first = sp.source.value(first_use[entry.shot.id] + ("id",))
            problems.append(Problem(f"duplicate shot id `{entry.shot.id}`", sp.source.value(entry.path + ("id",)),
                                    hint=f"shot ids must be unique across the whole film; first used at {first}"))
        first_use.setdefault(entry.shot.id, entry.path)
    cue_ids = Counter(cue.id for cue in sp.film.music)
    for index, cue in enumerate(sp.film.music):
        if cue_ids[cue.id] > 1:
            problems.append(Problem(f"duplicate music cue id `{cue.id}`", sp.source.value(("music", index, "id"))))
            cue_ids[cue.id] = 1
    return problems


def _locations(sp: Screenplay) -> list[Problem]:
    problems = []
    known = sp.film.locations
    for index, scene in enumerate(sp.film.scenes):
        if scene.location is not None and scene.location not in known:
            problems.append(Problem(f"scene `{scene.id}` is set in unknown location `{scene.location}`",
                                    sp.source.value(("scenes", index, "location")),
                                    hint=did_you_mean(scene.location, known, "locations")))
    for entry in sp.entries:
        if entry.shot.location is not None and entry.shot.location not in known:
            problems.append(Problem(f"shot `{entry.shot.id}` is set in unknown location `{entry.shot.location}`",
                                    sp.source.value(entry.path + ("location",)),
                                    hint=did_you_mean(entry.shot.location, known, "locations")))
    return problems


def _characters(sp: Screenplay) -> list[Problem]:
    problems = []
    known = sp.film.characters
    for entry in sp.entries:
        shot = entry.shot
        for match in MENTION.finditer(shot.prompt):
            name = match.group(1)
            if name not in known:
                mark = mark_of_text(sp.source.value(entry.path + ("prompt",)), match.group(0))
                problems.append(Problem(f"shot `{shot.id}` mentions unknown character `@{name}`", mark,
                                        hint=did_you_mean(name, known, "characters")))
        for index, line in enumerate(shot.dialogue):
            if line.character not in known:
                problems.append(Problem(f"unknown character `{line.character}` speaks in shot `{shot.id}`",
                                        sp.source.key(entry.path + ("dialogue", index, line.character)),
                                        hint=did_you_mean(line.character, known, "characters")))
    return problems


def _continues(sp: Screenplay) -> list[Problem]:
    problems = []
    for entry in sp.entries:
        target = entry.shot.continues
        if target is None:
            continue
        mark = sp.source.value(entry.path + ("continues",))
        if target == entry.shot.id:
            problems.append(Problem(f"shot `{target}` continues itself", mark,
                                    hint="`continues:` names the shot whose last frame this shot starts on; "
                                    "for a shot that ends on its own first frame use `loop: true`"))
        elif target not in sp.by_id:
            problems.append(Problem(f"shot `{entry.shot.id}` continues unknown shot `{target}`", mark,
                                    hint=did_you_mean(target, sp.by_id, "shots")))
    return problems


def _references(sp: Screenplay) -> list[Problem]:
    problems = []
    for kind, table in (("characters", sp.film.characters), ("locations", sp.film.locations)):
        for ident, item in table.items():
            for index, reference in enumerate(item.reference):
                path = (kind, ident, "reference") + ((index,) if len(item.reference) > 1 else ())
                problems.extend(_file_problem(sp, reference, path, IMAGE_SUFFIXES, "reference image"))
    return problems


def _shot_audio(sp: Screenplay) -> list[Problem]:
    problems = []
    for entry in sp.entries:
        audio = entry.shot.audio
        if audio is not None:
            path = entry.path + ("audio", "file")
            if sp.source.value(path) is None:  # written as a plain path
                path = entry.path + ("audio",)
            problems.extend(_file_problem(sp, audio.file, path, AUDIO_SUFFIXES, f"shot `{entry.shot.id}`'s sound file"))
    return problems


def _file_problem(sp: Screenplay, written: str, path: tuple, suffixes: set[str], what: str) -> list[Problem]:
    mark = sp.source.value(path)
    resolved = (sp.root / written).resolve()
    if resolved.suffix.lower() not in suffixes:
        return [Problem(f"{what} `{written}` is not a known file type", mark,
                        hint="use one of " + ", ".join(sorted(suffixes)))]
    if not resolved.is_file():
        return [Problem(f"{what} `{written}` not found (looked for {resolved})", mark,
                        hint="paths are relative to the film file")]
    return []


def _timing(sp: Screenplay) -> list[Problem]:
    """Overlapping transitions must fit inside both shots they join."""
    problems = []
    previous = None
    for entry in sp.entries:
        shot = entry.shot
        transition = shot.transition
        mark = sp.source.value(entry.path + ("transition",))
        if transition.duration is not None and transition.type is TransitionType.CUT and not transition.duration.is_zero():
            problems.append(Problem(f"a cut has no duration (shot `{shot.id}` gives {transition.duration})", mark,
                                    hint="remove the duration, or use crossfade, fade-black, wipe or dip"))
        overlap = sp.transition_frames(shot)
        if transition.overlaps and overlap == 0:
            problems.append(Problem(f"the {transition.type.value} into shot `{shot.id}` lasts no frames", mark,
                                    hint="give it a duration such as 0.5s or 12f, or use `cut`"))
        if transition.overlaps and previous is None and transition.type is not TransitionType.FADE_BLACK \
                and transition.type is not TransitionType.FADE_WHITE:
            problems.append(Problem(f"the first shot `{shot.id}` has a {transition.type.value} but no shot before it",
                                    mark, hint="use fade-black to fade the film in, or remove the transition"))
        frames = sp.frames(shot)
        if overlap > frames:
            problems.append(Problem(f"the {transition.type.value} into shot `{shot.id}` ({transition.length()}) is longer "
                                    f"than the shot ({shot.duration})", mark,
                                    hint="shorten the transition or lengthen the shot"))
        elif previous is not None and overlap > sp.frames(previous):
            problems.append(Problem(f"the {transition.type.value} into shot `{shot.id}` ({transition.length()}) is longer "
                                    f"than the shot before it, `{previous.id}` ({previous.duration})", mark,
                                    hint="shorten the transition or lengthen the shot before it"))
        if frames < 1:
            problems.append(Problem(f"shot `{shot.id}` lasts {shot.duration}, less than one frame at {sp.fps} fps",
                                    sp.source.value(entry.path + ("duration",))))
        previous = shot
    return problems


def _music(sp: Screenplay) -> list[Problem]:
    problems = []
    anchors = {scene.id for scene in sp.film.scenes} | set(sp.by_id)
    for index, cue in enumerate(sp.film.music):
        if cue.file is not None:
            problems.extend(_file_problem(sp, cue.file, ("music", index, "file"), AUDIO_SUFFIXES, "music file"))
        for field, value in (("from", cue.start), ("to", cue.end)):
            if value is None or value in anchors or parse_timecode(value) is not None:
                continue
            problems.append(Problem(f"music cue `{cue.id}` starts or ends at `{value}`, which is not a scene, shot or "
                                    "timecode", sp.source.value(("music", index, field)),
                                    hint=did_you_mean(value, anchors, "scenes and shots") + "; or write a timecode "
                                    "such as 00:01:30:00"))
    return problems


def _warnings(sp: Screenplay) -> list[Warning_]:
    warnings = []
    used_characters: set[str] = set()
    used_locations: set[str] = set()
    for entry in sp.entries:
        used_characters.update(sp.characters_in(entry.shot))
        located = sp.location_of(entry)
        if located:
            used_locations.add(located[0])
        if not entry.shot.prompt.strip() and entry.shot.card is None:
            warnings.append(Warning_(f"shot `{entry.shot.id}` has no prompt", sp.source.value(entry.path)))
        if located is None:
            warnings.append(Warning_(f"shot `{entry.shot.id}` has no location (neither the shot nor scene "
                                     f"`{entry.scene.id}` names one)", sp.source.value(entry.path)))
    for ident in sp.film.characters:
        if ident not in used_characters:
            warnings.append(Warning_(f"character `{ident}` never appears (no @{ident} in a prompt, no dialogue)",
                                     sp.source.key(("characters", ident))))
    for ident in sp.film.locations:
        if ident not in used_locations:
            warnings.append(Warning_(f"location `{ident}` is never used", sp.source.key(("locations", ident))))
    return warnings


def mark_of_text(mark: Mark | None, needle: str) -> Mark | None:
    """Point at needle inside the value at mark when the value sits on that one line (a plain or quoted scalar)."""
    if mark is None:
        return None
    try:
        with open(mark.file, encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                if number == mark.line:
                    found = line.find(needle, mark.column - 1)
                    return Mark(mark.file, mark.line, found + 1) if found >= 0 else mark
    except OSError:
        pass
    return mark
