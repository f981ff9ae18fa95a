"""Turn each shot into a ShotRequest: everything a backend needs to make it, resolved and exact.

The request carries the full prompt (shot text with every @name replaced by that character's
description, the location, the film's style), the seed, the character and location looks with
their reference images, size, rate and frame count, the dialogue timed in frames, and the frame
conditioning: which shot's last frame it starts on, and whether it must end on its first frame.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from longcut.storyboard import Screenplay, ShotGraph
from longcut.storyboard.schema import MENTION
from longcut.storyboard.screenplay import VIDEO_SUFFIXES

from .seeds import character_seed, shot_seed


@dataclass(frozen=True)
class TakeChoice:
    """Which take of a shot to make or use: its number, and a seed that overrides the derived one."""

    take: int = 1
    seed: int | None = None


@dataclass(frozen=True)
class CharacterLook:
    id: str
    name: str
    description: str
    seed: int
    references: tuple[Path, ...] = ()


@dataclass(frozen=True)
class LocationLook:
    id: str
    description: str
    references: tuple[Path, ...] = ()


@dataclass(frozen=True)
class DialogueCue:
    """A line on screen from start to end (frames, counted in the shot, end excluded)."""

    start: int
    end: int
    speaker: str
    line: str
    character: str = ""  # the character's id, for its voice (not its picture: kept out of the take's key)


@dataclass(frozen=True)
class FootageSource:
    """A clip made elsewhere that is the shot's take: no backend is asked."""

    path: Path
    start: Fraction  # seconds into the file where the shot's first frame is (`in:`)
    fit: str  # crop | pad | blur, for a file of another shape
    sound: bool = True  # its sound is the shot's sound


@dataclass(frozen=True)
class GivenFrames:
    """The author's own frame for a shot's start or end (`start:`, `end:`): a picture, or (`clip`) a clip whose last
    frames a shot continues from; fitted to the frame as `fit` says (crop | pad | blur)."""

    path: Path
    fit: str
    clip: bool = False


@dataclass(frozen=True)
class ShotRequest:
    shot_id: str
    scene_id: str
    heading: str
    index: int  # editorial position
    take: int
    seed: int
    prompt: str  # the full prompt a model is given
    negative: str
    text: str  # the shot's own prompt as written, for captions
    width: int
    height: int
    fps: Fraction
    frames: int
    camera_size: str
    camera_move: str
    characters: tuple[CharacterLook, ...] = ()
    location: LocationLook | None = None
    dialogue: tuple[DialogueCue, ...] = ()
    starts_on: str | None = None  # the shot whose last frame is this shot's first frame
    loop: bool = False  # the last frame equals the first
    exterior: bool | None = None  # from the heading (INT./EXT.), None when it does not say
    card: str | None = None  # a title card's text: longcut draws it, no backend is asked
    footage: FootageSource | None = None  # a clip made elsewhere, conformed: no backend is asked
    style: str = ""  # the film's style (in `prompt` too; on its own for a backend that orders the prompt's parts)
    start: GivenFrames | None = None  # the author's first frame (or clip to continue), made its first keyframe
    end: GivenFrames | None = None  # the author's last frame, made its last keyframe

    @property
    def references(self) -> tuple[Path, ...]:
        """Every reference image that shapes this shot, characters first."""
        return references_of(self.characters, self.location)


def references_of(characters: tuple[CharacterLook, ...], location: LocationLook | None) -> tuple[Path, ...]:
    """The characters' reference images, then the location's."""
    paths = [path for look in characters for path in look.references]
    if location:
        paths.extend(location.references)
    return tuple(paths)


def default_choice(screenplay: Screenplay, shot_id: str) -> TakeChoice:
    """The take a shot uses when the lock file says nothing: the screenplay's `take:`, else 1."""
    return TakeChoice(take=screenplay.by_id[shot_id].shot.take or 1)


def resolve(screenplay: Screenplay, graph: ShotGraph,
            choices: Mapping[str, TakeChoice] | None = None) -> dict[str, ShotRequest]:
    """A request for every shot, in editorial order; choices override the take (and seed) per shot."""
    choices = choices or {}
    looks = _character_looks(screenplay)
    return {
        shot_id: request_for(screenplay, graph, shot_id, choices.get(shot_id) or default_choice(screenplay, shot_id),
                             looks)
        for shot_id in graph.editorial_order()
    }


def request_for(screenplay: Screenplay, graph: ShotGraph, shot_id: str, choice: TakeChoice,
                looks: Mapping[str, CharacterLook] | None = None) -> ShotRequest:
    looks = looks if looks is not None else _character_looks(screenplay)
    film = screenplay.film
    entry = screenplay.by_id[shot_id]
    shot, scene = entry.shot, entry.scene
    located = screenplay.location_of(entry)
    location = None
    if located:
        location_id, place = located
        location = LocationLook(location_id, place.description,
                                tuple((screenplay.root / ref).resolve() for ref in place.reference))
    frames = screenplay.frames(shot)
    width, height = film.size
    return ShotRequest(
        shot_id=shot.id,
        scene_id=scene.id,
        heading=scene.heading,
        index=entry.index,
        take=choice.take,
        seed=seed_for(film.seed, shot, choice),
        prompt=full_prompt(shot.prompt, looks, location, film.style),
        negative=film.negative,
        text=shot.prompt,
        width=width,
        height=height,
        fps=film.fps,
        frames=frames,
        camera_size=shot.camera.size.value,
        camera_move=shot.camera.move.value,
        characters=tuple(looks[ident] for ident in screenplay.characters_in(shot)),
        location=location,
        dialogue=time_dialogue(shot.dialogue, looks, frames),
        starts_on=graph.parent(shot.id),
        loop=shot.loop,
        exterior=_exterior(scene.heading),
        card=shot.card,
        footage=_footage(screenplay, shot),
        style=film.style,
        start=_given(screenplay, shot.start),
        end=_given(screenplay, shot.end),
    )


def _given(screenplay: Screenplay, picture) -> GivenFrames | None:
    if picture is None:
        return None
    path = (screenplay.root / picture.file).resolve()
    return GivenFrames(path, picture.fit.value, path.suffix.lower() in VIDEO_SUFFIXES)


def _footage(screenplay: Screenplay, shot) -> FootageSource | None:
    footage = shot.footage
    if footage is None:
        return None
    return FootageSource((screenplay.root / footage.file).resolve(), footage.start.to_seconds(screenplay.fps),
                         footage.fit.value, footage.sound)


def seed_for(film_seed: int, shot, choice: TakeChoice) -> int:
    """The seed of a take of a shot (or of its keyframe): a person's `--seed`, the shot's own `seed:` for the take
    it names, else derived from the film's seed, the shot's id and the take."""
    if choice.seed is not None:
        return choice.seed
    if shot.seed is not None and choice.take == (shot.take or 1):
        return shot.seed  # pinned in the screenplay for the take it names
    return shot_seed(film_seed, shot.id, choice.take)


def _character_looks(screenplay: Screenplay) -> dict[str, CharacterLook]:
    film = screenplay.film
    return {
        ident: CharacterLook(
            id=ident,
            name=character.name or ident.replace("-", " ").title(),
            description=character.description,
            seed=character.seed if character.seed is not None else character_seed(film.seed, ident),
            references=tuple((screenplay.root / ref).resolve() for ref in character.reference),
        )
        for ident, character in film.characters.items()
    }


def full_prompt(text: str, looks: Mapping[str, CharacterLook], location: LocationLook | None, style: str) -> str:
    """'Mara (a woman in her sixties, ...) climbs the path. Setting: ... . 35mm film still'."""

    def describe(match) -> str:
        look = looks.get(match.group(1))
        if look is None:
            return match.group(0)
        return f"{look.name} ({look.description})" if look.description else look.name

    parts = [MENTION.sub(describe, text).strip()]
    if location and location.description:
        parts.append(f"Setting: {location.description}")
    if style:
        parts.append(style)
    return ". ".join(part.rstrip(". ") for part in parts if part)


def time_dialogue(lines, looks: Mapping[str, CharacterLook], frames: int) -> tuple[DialogueCue, ...]:
    """Spread the lines over the shot in proportion to their length (a rough reading time)."""
    if not lines:
        return ()
    weights = [len(line.line) + 12 for line in lines]
    total = sum(weights)
    cues, start = [], 0
    for number, (line, weight) in enumerate(zip(lines, weights)):
        end = frames if number == len(lines) - 1 else start + round(frames * weight / total)
        speaker = looks[line.character].name if line.character in looks else line.character
        cues.append(DialogueCue(start, max(end, start + 1), speaker, line.line, line.character))
        start = end
    return tuple(cues)


def _exterior(heading: str) -> bool | None:
    head = heading.strip().upper()
    if head.startswith(("EXT", "I/E", "INT./EXT", "EXT./INT")):
        return True
    if head.startswith("INT"):
        return False
    return None
