"""Which keyframes each shot needs, as KeyframeRequests: continuity decides, the keyframe backend draws.

A shot starts on its parent's last frame when it `continues:` one, else on a keyframe drawn for it; with
`keyframes: {last: true}` (on the film or the shot) it also ends on a keyframe, for video families with first+last
frame conditioning. A title card, footage and a loop (which ends on its own first frame) need no keyframe there.

A shot that names the author's own picture (`start:`, `end:`) starts or ends on it instead: a *given* keyframe
(`given`), fitted to the frame rather than drawn, keyed by the picture's bytes, and so there whether or not the film
draws keyframes; every video family is handed it as it is handed a drawn one.

A keyframe request carries what an image model needs to draw the frame: the prompt with the shot's framing, the
characters and location with their reference images, the size, and a seed derived as its shot's are (take 1 of a
keyframe and take 1 of its shot share the film-derived seed, or the shot's own `seed:`), so the same screenplay
draws the same keyframes. The shot's length, dialogue and take of video are not part of it: a new take of the
video, or a trim, keeps its keyframe.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from longcut.storyboard import Screenplay
from longcut.storyboard.schema import Film, KeyframeSpec

from .request import CharacterLook, GivenFrames, LocationLook, ShotRequest, TakeChoice, default_choice, references_of, seed_for
from .seeds import derive_seed

FIRST, LAST = "first", "last"


@dataclass(frozen=True)
class KeyframeRequest:
    shot_id: str
    scene_id: str
    heading: str
    position: str  # FIRST | LAST: the frame of the shot it is
    take: int
    seed: int
    prompt: str  # the full prompt an image model is given: the shot's, with its framing
    negative: str
    text: str  # the shot's own prompt as written
    width: int
    height: int
    fps: Fraction
    camera_size: str
    camera_move: str
    characters: tuple[CharacterLook, ...] = ()
    location: LocationLook | None = None
    exterior: bool | None = None
    given: GivenFrames | None = None  # the author's picture (or clip) it is, fitted: nothing is drawn

    @property
    def references(self) -> tuple[Path, ...]:
        """Every reference image the keyframe is drawn from, characters first."""
        return references_of(self.characters, self.location)


def keyframe_stage(film: Film) -> KeyframeSpec | None:
    """The film's keyframe stage, or None where shots start from their text. Unsaid, the animatic draws its own
    keyframes when it is the backend (no weights needed); a model backend needs `keyframes:` to name a model."""
    spec = film.keyframes
    if spec is None:
        return KeyframeSpec(name="animatic") if film.backend.name == "animatic" else None
    return None if spec.off else spec


def gives_pictures(screenplay: Screenplay) -> bool:
    """Whether some shot starts or ends on the author's own picture (`start:`, `end:`): a film with keyframes, whether
    or not it draws any."""
    return any(entry.shot.start is not None or entry.shot.end is not None for entry in screenplay.entries)


def keyframe_requests(screenplay: Screenplay, shots: Mapping[str, ShotRequest],
                      choices: Mapping[str, TakeChoice] | None = None,
                      last_frames: bool = True) -> dict[str, tuple[KeyframeRequest, ...]]:
    """Every keyframe each shot starts or ends on: the author's pictures (`start:`, `end:`) always, the drawn ones
    where the film has a keyframe stage. choices: the keyframe take (and seed) per shot, else the screenplay's.
    last_frames: whether the video backend can end a clip on a given frame (no last keyframe is made for one that
    cannot)."""
    spec = keyframe_stage(screenplay.film)
    choices = choices or {}
    found: dict[str, tuple[KeyframeRequest, ...]] = {}
    for shot_id, request in shots.items():
        if request.card is not None or request.footage is not None:
            continue
        shot = screenplay.by_id[shot_id].shot
        wanted = []
        if request.start is not None:
            wanted.append(_keyframe(request, FIRST, 1, 0, request.start))
        if request.end is not None and last_frames:
            wanted.append(_keyframe(request, LAST, 1, 0, request.end))
        if spec is not None:
            choice = choices.get(shot_id) or default_choice(screenplay, shot_id)
            seed = seed_for(screenplay.film.seed, shot, choice)
            if request.starts_on is None and request.start is None:
                wanted.insert(0, _keyframe(request, FIRST, choice.take, seed))
            asked_last = shot.keyframes.last if shot.keyframes and shot.keyframes.last is not None else spec.last
            if asked_last and last_frames and not request.loop and request.end is None:
                wanted.append(_keyframe(request, LAST, choice.take, derive_seed(seed, "last keyframe")))
        if wanted:
            found[shot_id] = tuple(wanted)
    return found


def _keyframe(request: ShotRequest, position: str, take: int, seed: int,
              given: GivenFrames | None = None) -> KeyframeRequest:
    return KeyframeRequest(
        shot_id=request.shot_id, scene_id=request.scene_id, heading=request.heading, position=position, take=take,
        seed=seed, prompt=". ".join(part for part in (request.prompt.rstrip(". "),
                                                      framing(request.camera_size, request.camera_move, position)) if part),
        negative=request.negative, text=request.text, width=request.width, height=request.height, fps=request.fps,
        camera_size=request.camera_size, camera_move=request.camera_move, characters=request.characters,
        location=request.location, exterior=request.exterior, given=given)


def framing(size: str, move: str, position: str = FIRST) -> str:
    """The shot's framing in words an image model reads: 'Medium close-up shot', 'Wide shot, at the end of a
    push-in'."""
    words = size.replace("-", " ")
    words = words.replace("close up", "close-up").replace("over the shoulder", "over-the-shoulder")
    text = words if words.endswith("shot") else f"{words} shot"
    if position == LAST and move != "static":
        text += f", at the end of a {move}"
    return text[0].upper() + text[1:]
