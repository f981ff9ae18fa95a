"""What the schema cannot check: ids that refer to each other, files on disk, timing.

Errors are collected (every one is reported at once); warnings go on the screenplay for
``longcut check`` to show.
"""

from __future__ import annotations

from collections import Counter
from functools import partial

from . import policy
from .errors import Mark, Problem, ScreenplayError, did_you_mean
from .files import SCREENPLAY_LIMIT, FileRefused, is_inside, is_symlink_loop, read_text, resolved
from .schema import COLOR_MATCH_WORDS, MENTION, TransitionType
from .screenplay import AUDIO_SUFFIXES, IMAGE_SUFFIXES, VIDEO_SUFFIXES, Screenplay, Warning_
from .units import SmpteDuration, format_seconds, parse_timecode, timecode_problem

MAX_SHOT_SECONDS = 4 * 3600  # one limit however a duration is written: 4h, 345600f or 04:00:00:00 at 24 fps

SUFFIXES = {"image": IMAGE_SUFFIXES, "audio": AUDIO_SUFFIXES, "video": VIDEO_SUFFIXES}


def run(screenplay: Screenplay, content_rules: bool = True) -> None:
    problems: list[Problem] = []
    for check in (_ids, _locations, _characters, _continues, _media_files, _footage_points, _color_match, _timing,
                  _music):
        problems.extend(check(screenplay))
    refused, warned = _policy(screenplay) if content_rules and not problems else ([], [])
    problems.extend(refused)
    if problems:
        raise ScreenplayError(problems)
    screenplay.warnings.extend(_warnings(screenplay))
    screenplay.warnings.extend(warned)


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
    first_use = {}
    for entry in sp.entries:
        if shot_ids[entry.shot.id] > 1 and entry.shot.id in first_use:
            first = sp.source.value(first_use[entry.shot.id].path + ("id",))
            problems.append(Problem(f"duplicate shot id `{entry.shot.id}`", sp.source.value(entry.path + ("id",)),
                                    hint=f"shot ids must be unique across the whole film; first used at {first}"))
        first_use.setdefault(entry.shot.id, entry)
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


def _media_files(sp: Screenplay) -> list[Problem]:
    """Each picture and sound file the film names has a known suffix and is a file (whether it decodes is the
    engine's check: it has the decoders)."""
    problems = []
    folder = sp.root
    for media in sp.media():
        suffixes = SUFFIXES[media.kind]
        if is_symlink_loop(media.path):
            problems.append(Problem(f"{media.what}: `{media.written}` is a symlink loop", media.mark,
                                    hint="point the link at a real file, or remove it"))
        elif not is_inside(media.path, folder):
            problems.append(Problem(f"{media.what}: `{media.written}` is outside the film's folder {folder}",
                                    media.mark, hint="a film folder travels whole and reads nothing outside itself: "
                                                     "copy the file into the film's folder"))
        elif media.path.exists() and not media.path.is_file():
            kind = "a folder" if media.path.is_dir() else "not a regular file (a pipe or a device)"
            problems.append(Problem(f"{media.what}: `{media.written}` is {kind}", media.mark,
                                    hint="give the path of the file itself"))
        elif media.path.suffix.lower() not in suffixes:
            if media.field == "start":  # a picture or a clip to continue from
                suffixes = suffixes | VIDEO_SUFFIXES
            problems.append(Problem(f"{media.what}: `{media.written}` is not a known file type", media.mark,
                                    hint="use one of " + ", ".join(sorted(suffixes))))
        elif not media.path.is_file():
            problems.append(Problem(f"{media.what}: `{media.written}` not found (looked for {media.path})", media.mark,
                                    hint="paths are relative to the film file"))
    return problems


def _footage_points(sp: Screenplay) -> list[Problem]:
    """A footage shot's `out:` comes after its `in:`, and agrees with its `duration:` where both are written.
    Whether the file is long enough is the engine's check (engine.media.check): it reads the file."""
    problems = []
    for entry in sp.entries:
        footage = entry.shot.footage
        if footage is None:
            continue
        bad_timecodes = [(key, point) for key, point in (("in", footage.start), ("out", footage.end))
                         if isinstance(point, SmpteDuration) and timecode_problem(point, sp.fps)]
        for key, point in bad_timecodes:
            problems.append(Problem(f"shot `{entry.shot.id}`: footage `{key}:` {timecode_problem(point, sp.fps)}",
                                    sp.source.value(entry.path + ("footage", key)),
                                    hint="write seconds (2.5s), frames (60f) or a timecode whose frames run below "
                                         "the film's rate"))
        if footage.end is None or bad_timecodes:
            continue
        start, end = footage.start.to_frames(sp.fps), footage.end.to_frames(sp.fps)
        mark = sp.source.value(entry.path + ("footage", "out"))
        if end <= start and footage.end.to_seconds(sp.fps) > footage.start.to_seconds(sp.fps):
            problems.append(Problem(f"shot `{entry.shot.id}`: footage from `in: {footage.start}` to `out: "
                                    f"{footage.end}` is shorter than one frame at {sp.fps} fps "
                                    f"({format_seconds(1 / sp.fps)})", mark,
                                    hint="a shot lasts at least one frame: move `out:` later"))
        elif end <= start:
            problems.append(Problem(f"shot `{entry.shot.id}`: footage `out: {footage.end}` is not after "
                                    f"`in: {footage.start}`", mark, hint="`out:` is where the shot ends in the file"))
        elif sp.source.value(entry.path + ("duration",)) is not None and end - start != sp.frames(entry.shot):
            problems.append(Problem(f"shot `{entry.shot.id}` lasts {entry.shot.duration}, but its footage runs from "
                                    f"`in: {footage.start}` to `out: {footage.end}` ({end - start} frames at {sp.fps} "
                                    "fps)", mark, hint="give one of them: `duration:`, or `out:`"))
    return problems


def _color_match(sp: Screenplay) -> list[Problem]:
    """`color_match:` names `auto`, `off` or another shot of the film."""
    problems = []
    places = [(("color_match",), sp.film.color_match, None)]
    places += [(("scenes", index, "color_match"), scene.color_match, None) for index, scene in enumerate(sp.film.scenes)]
    places += [(entry.path + ("color_match",), entry.shot.color_match, entry.shot.id) for entry in sp.entries]
    for where, value, shot_id in places:
        if value is None or value in COLOR_MATCH_WORDS:
            continue
        if value not in sp.by_id:
            problems.append(Problem(f"color_match: no shot `{value}` to match the colour of", sp.source.value(where),
                                    hint="give auto (toward the shot it continues), off, or a shot id; "
                                         + did_you_mean(value, sp.by_id, "shots")))
        elif value == shot_id:
            problems.append(Problem(f"shot `{shot_id}` cannot match its own colour", sp.source.value(where),
                                    hint="name another shot, or auto"))
    return problems


def content_findings(sp: Screenplay) -> tuple[list[Problem], list[Warning_]]:
    """What the content rules refuse (problems) and warn of in a screenplay read without them (an import)."""
    return _policy(sp)


def _policy(sp: Screenplay) -> tuple[list[Problem], list[Warning_]]:
    """The content rules (storyboard.policy) on every text that reaches a model: refusals, then warnings."""
    spec = sp.film.policy
    own, own_problems = _own_terms(sp)
    if own_problems:
        return own_problems, []
    try:
        rules = policy.rules(spec.actions(), own, spec.own.action.value if spec.own else "refuse", spec.classifiers)
    except ValueError as error:
        return [Problem(str(error), sp.source.value(("policy", "classifiers")),
                        hint="a classifier is an installed package's entry point in the group `longcut.policies`: "
                             "pip install the package that provides it")], []
    refused, warned = [], []
    sexual: dict[str, bool] = {}  # descriptions come back shot after shot: looked at once
    for what, parts, where, only_minors in _model_texts(sp):
        if only_minors and not any(sexual.setdefault(part, rules.may_be_sexual(part)) for part in parts):
            continue  # nothing sexual in any part: the combination cannot involve a minor sexually
        text = ". ".join(parts)
        for finding in rules.check(text):
            if only_minors and finding.category != policy.MINORS:
                continue  # found where it is written (the description), said there
            message = (f"{what}: `{finding.matched}` is {finding.title} (category {finding.category}, "
                       f"rule `{finding.rule}`)")
            if finding.action == "refuse":
                allow = ("it can never be allowed" if finding.category == policy.MINORS else
                         "it is on the film's own list (`policy: {own: ...}`)" if finding.category == policy.OWN else
                         f"if you have the right to it, allow it: `policy: {{{finding.category}: allow}}` in the film")
                refused.append(Problem(message, sp.source.value(where), hint=f"{finding.why}; {allow}"))
            else:
                warned.append(Warning_(message, sp.source.value(where)))
    return refused, warned


def _model_texts(sp: Screenplay):
    """(what, texts, where, only_minors) of every text that reaches a model; a prompt once more with the
    descriptions its @mentions and its location bring in, for what only the combination says."""
    film = sp.film
    yield "the film's title", (film.title,), ("title",), False
    if film.style:
        yield "the film's style", (film.style,), ("style",), False
    for ident, character in film.characters.items():
        for field in ("name", "description"):
            if getattr(character, field):
                yield f"character `{ident}`", (getattr(character, field),), ("characters", ident, field), False
    for ident, place in film.locations.items():
        if place.description:
            yield f"location `{ident}`", (place.description,), ("locations", ident, "description"), False
    for index, scene in enumerate(film.scenes):
        for field in ("heading", "description"):
            if getattr(scene, field):
                yield f"scene `{scene.id}`", (getattr(scene, field),), ("scenes", index, field), False
    for entry in sp.entries:
        shot = entry.shot
        what = f"shot `{shot.id}`"
        if shot.prompt:
            yield what, (shot.prompt,), entry.path + ("prompt",), False
            brought = [film.characters[ident].description for ident in shot.mentions() if ident in film.characters]
            located = sp.location_of(entry)
            if located and located[1].description:
                brought.append(located[1].description)
            if film.style:  # the model gets the style in the same text: a term there and one here are one request
                brought.append(film.style)
            if brought:
                yield what + " (with its @mentions)", (shot.prompt, *brought), entry.path + ("prompt",), True
        if shot.card:
            yield what, (shot.card,), entry.path + ("card",), False
        for index, line in enumerate(shot.dialogue):
            yield f"{what}, a line of `{line.character}`", (line.line,), entry.path + ("dialogue", index), False


def _own_terms(sp: Screenplay) -> tuple[list[str], list[Problem]]:
    """The film's own terms: written in `policy: {own: {terms: [...]}}` and in its file (one a line). The file is
    one of the film folder's (read bounded, a regular file), and every term must hold a word to match."""
    own = sp.film.policy.own
    if own is None:
        return [], []
    terms = [(written, sp.source.value(("policy", "own", "terms", index))) for index, written in enumerate(own.terms)]
    if own.file:
        mark = sp.source.value(("policy", "own", "file"))
        try:
            path = resolved(sp.root / own.file, f"the film's own policy terms `{own.file}`:")
            if not is_inside(path, sp.root):
                return [], [Problem(f"the film's own policy terms `{own.file}` are outside the film's folder {sp.root}",
                                    mark, hint="copy the file into the film's folder")]
            lines = read_text(path, SCREENPLAY_LIMIT, f"the film's own policy terms `{own.file}`:").splitlines()
        except FileRefused as error:
            return [], [Problem(str(error), mark, hint=error.hint)]
        except (OSError, UnicodeDecodeError) as error:
            return [], [Problem(f"the film's own policy terms `{own.file}` cannot be read ({type(error).__name__})",
                                mark, hint="a UTF-8 text file, one name or phrase a line, relative to the film file")]
        terms += [(line.strip(), mark) for line in lines if line.strip() and not line.lstrip().startswith("#")]
    wordless = [(written, mark) for written, mark in terms if not policy.term(written).words]
    if wordless:
        return [], [Problem(f"the film's own policy term `{written}` holds no word to match", mark,
                            hint="write a word or a name, such as `Acme Corp`; punctuation alone matches nothing")
                    for written, mark in wordless]
    return [written for written, _ in terms], []


def _timing(sp: Screenplay) -> list[Problem]:
    """Overlapping transitions must fit inside both shots they join."""
    problems = []
    previous = None
    for entry in sp.entries:
        shot = entry.shot
        transition = shot.transition
        mark = partial(sp.source.value, entry.path + ("transition",))  # looked up for a problem only
        if transition.duration is not None and transition.type is TransitionType.CUT and not transition.duration.is_zero():
            problems.append(Problem(f"a cut has no duration (shot `{shot.id}` gives {transition.duration})", mark(),
                                    hint="remove the duration, or use crossfade, fade-black, wipe or dip"))
        overlap = sp.transition_frames(shot)
        if transition.overlaps and overlap == 0:
            problems.append(Problem(f"the {transition.type.value} into shot `{shot.id}` lasts no frames", mark(),
                                    hint="give it a duration such as 0.5s or 12f, or use `cut`"))
        if transition.overlaps and previous is None and transition.type is not TransitionType.FADE_BLACK \
                and transition.type is not TransitionType.FADE_WHITE:
            problems.append(Problem(f"the first shot `{shot.id}` has a {transition.type.value} but no shot before it",
                                    mark(), hint="use fade-black to fade the film in, or remove the transition"))
        frames = sp.frames(shot)
        if frames < 1 and shot.footage is not None and shot.footage.end is not None:
            previous = shot  # footage that ends before it starts: said once, by _footage_points
            continue
        if overlap > frames:
            problems.append(Problem(f"the {transition.type.value} into shot `{shot.id}` ({transition.length()}) is longer "
                                    f"than the shot ({shot.duration})", mark(),
                                    hint="shorten the transition or lengthen the shot"))
        elif previous is not None and overlap > max(0, sp.frames(previous)):
            problems.append(Problem(f"the {transition.type.value} into shot `{shot.id}` ({transition.length()}) is longer "
                                    f"than the shot before it, `{previous.id}` ({previous.duration})", mark(),
                                    hint="shorten the transition or lengthen the shot before it"))
        duration_mark = partial(sp.source.value, entry.path + ("duration",))
        if frames < 1:
            problems.append(Problem(f"shot `{shot.id}` lasts {shot.duration}, less than one frame at {sp.fps} fps",
                                    duration_mark()))
        problems.extend(_duration_problems(sp, shot.id, shot.duration, frames, duration_mark))
        following = sp.entries[entry.index + 1].shot if entry.index + 1 < len(sp.entries) else None
        leaving = sp.transition_frames(following) if following is not None else 0
        if overlap <= frames and leaving <= frames and overlap + leaving > frames and previous is not None:
            problems.append(Problem(f"shot `{shot.id}` ({shot.duration}) is shorter than its transitions: "
                                    f"{transition.type.value} {transition.length()} in and {following.transition.type.value} "
                                    f"{following.transition.length()} out would overlap", duration_mark(),
                                    hint="lengthen the shot, or shorten one of the transitions"))
        previous = shot
    return problems


def _duration_problems(sp: Screenplay, shot_id: str, duration, frames: int, mark) -> list[Problem]:
    """mark(): where the duration is written, looked up for a problem only."""
    problems = []
    if isinstance(duration, SmpteDuration):
        try:
            duration.timecode.check(sp.fps, time_of_day=False)
        except ValueError as error:
            problems.append(Problem(f"shot `{shot_id}`: {error}", mark()))
    if frames > MAX_SHOT_SECONDS * sp.fps:
        length = format_seconds(frames / sp.fps)
        written = str(duration) + (f" ({length})" if str(duration) != length else "")
        problems.append(Problem(f"shot `{shot_id}` lasts {written}, over the {MAX_SHOT_SECONDS // 3600} hours a shot "
                                "may last", mark(),
                                hint="split it into several shots"))
    return problems


def _music(sp: Screenplay) -> list[Problem]:
    if not sp.film.music:
        return []
    problems = []
    starts = _starts(sp)
    running = sp.running_frames()
    for index, cue in enumerate(sp.film.music):
        frames = {}
        for field, value, default in (("from", cue.start, 0), ("to", cue.end, running)):
            mark = sp.source.value(("music", index, field))
            try:
                frames[field] = default if value is None else _anchor(value, starts, sp.fps)
            except ValueError as error:
                hint = None if parse_timecode(value) else (did_you_mean(value, starts, "scenes and shots") +
                                                           "; or a timecode such as 00:01:30:00, from the first shot")
                problems.append(Problem(f"music cue `{cue.id}`: {error}", mark, hint=hint))
        if len(frames) < 2:
            continue
        if frames["from"] >= running:
            problems.append(Problem(f"music cue `{cue.id}` starts at `{cue.start}`, after the film ends (it runs "
                                    f"{format_seconds(running / sp.fps)})", sp.source.value(("music", index, "from")),
                                    hint="start it earlier, or remove the cue"))
        elif frames["to"] <= frames["from"]:
            problems.append(Problem(f"music cue `{cue.id}` ends at `{cue.end}`, not after it starts at "
                                    f"`{cue.start or 'the first shot'}`", sp.source.value(("music", index, "to")),
                                    hint="`to` must come after `from` in the film"))
    return problems


def _starts(sp: Screenplay) -> dict[str, int]:
    """Where each scene and shot starts in the screenplay's cut, in frames from the first shot."""
    starts: dict[str, int] = {}
    position = 0
    for entry in sp.entries:
        if entry.index:
            position -= sp.transition_frames(entry.shot)
        starts.setdefault(entry.scene.id, position)
        starts[entry.shot.id] = position
        position += sp.frames(entry.shot)
    return starts


def _anchor(value: str, starts: dict[str, int], fps) -> int:
    """A cue's `from` or `to`: a scene or shot (where it starts), or a timecode from the first shot."""
    if value in starts:
        return starts[value]
    code = parse_timecode(value)
    if code is None:
        raise ValueError(f"`{value}` is not a scene, shot or timecode")
    code.check(fps)
    return code.to_frames(fps)


def _warnings(sp: Screenplay) -> list[Warning_]:
    warnings = []
    used_characters: set[str] = set()
    used_locations: set[str] = set()
    for entry in sp.entries:
        used_characters.update(sp.characters_in(entry.shot))
        located = sp.location_of(entry)
        if located:
            used_locations.add(located[0])
        made_elsewhere = entry.shot.card is not None or entry.shot.footage is not None  # no model reads a prompt
        if not entry.shot.prompt.strip() and not made_elsewhere:
            warnings.append(Warning_(f"shot `{entry.shot.id}` has no prompt", sp.source.value(entry.path)))
        if located is None and entry.shot.footage is None:
            warnings.append(Warning_(f"shot `{entry.shot.id}` has no location (neither the shot nor scene "
                                     f"`{entry.scene.id}` names one)", sp.source.value(entry.path)))
    for ident, character in sp.film.characters.items():
        if ident not in used_characters:
            warnings.append(Warning_(f"character `{ident}` never appears (no @{ident} in a prompt, no dialogue)",
                                     sp.source.key(("characters", ident))))
        if not character.description.strip() and not character.reference:
            # a model draws such a character from its name alone: a different person in every shot
            warnings.append(Warning_(f"character `{ident}` has neither a description nor a reference image, so "
                                     "every shot draws someone new (add `description:` or `reference:`)",
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
                    return Mark(mark.file, mark.line, found + 1, mark.line, found + 1 + len(needle)) \
                        if found >= 0 else mark
    except OSError:
        pass
    return mark
