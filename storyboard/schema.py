"""The screenplay as validated data: pydantic models for a film and everything in it.

Unknown fields are errors (``extra="forbid"``), never silently dropped: a misspelt ``camra:``
would otherwise render a shot without its camera. Units are parsed here (see ``units``) so the
rest of longcut only sees exact values.
"""

from __future__ import annotations

import re
from enum import Enum
from fractions import Fraction
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, field_validator, model_validator

from .units import Duration, SpanDuration, parse_duration, parse_fps, parse_gain, parse_size

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
MAX_TAKE = 999  # takes of one shot
# Every seed, written or derived, is below this: it fits every generator backends use (torch, numpy, 32-bit
# signed APIs), so a seed pinned in a screenplay is passed on as it is.
SEED_LIMIT = 2**31
ID_HINT = "ids use letters, digits, '-' and '_' (at most 64), starting with a letter or digit"
MENTION = re.compile(r"@([A-Za-z0-9][A-Za-z0-9_-]*)")


def _duration(value: Any) -> Duration:
    return parse_duration(value)


def _positive_duration(value: Any) -> Duration:
    duration = parse_duration(value)
    if duration.is_zero():
        raise ValueError(f"duration {value!r} is zero; a shot needs at least one frame")
    return duration


Id = Annotated[str, Field(pattern=ID_PATTERN)]
DurationValue = Annotated[Duration, BeforeValidator(_duration), PlainSerializer(str)]
ShotDuration = Annotated[Duration, BeforeValidator(_positive_duration), PlainSerializer(str)]
FrameRate = Annotated[Fraction, BeforeValidator(parse_fps), PlainSerializer(str)]
FrameSize = Annotated[tuple[int, int], BeforeValidator(parse_size)]
Gain = Annotated[float, BeforeValidator(parse_gain)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class Shorthand(BaseModel):
    """A mapping that may also be written as one value: `transition: crossfade` is `{type: crossfade}`,
    `audio: line.wav` is `{file: line.wav}`. `shorthand` names the field the value fills."""

    shorthand: ClassVar[str]

    @model_validator(mode="before")
    @classmethod
    def _from_one_value(cls, value: Any) -> Any:
        return {cls.shorthand: value} if isinstance(value, str) else value


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


References = Annotated[list[str], BeforeValidator(_one_or_many)]


class Voice(Strict):
    """A character's scratch voice (engine.render.voices): the voice's pitch moved by semitones, its pace (1 is the
    voice's own; 1.2 speaks a fifth faster). Left out, each character gets one of a set of distinct voices,
    chosen from the film's seed."""

    pitch: float = Field(default=0.0, ge=-12, le=12)
    pace: float = Field(default=1.0, ge=0.5, le=2.0)


class Character(Strict):
    name: str | None = None
    description: str = ""
    reference: References = Field(default_factory=list)  # images relative to the film file
    seed: int | None = Field(default=None, ge=0, lt=SEED_LIMIT)
    voice: Voice | None = None
    face: bool = True  # false for a character with no human face (a dog, a robot): who-is-on-screen expects none


class Location(Strict):
    name: str | None = None
    description: str = ""
    reference: References = Field(default_factory=list)


class Choice(str, Enum):
    """One of a fixed set of words: compares equal to its word, and prints as it (in messages and files)."""

    def __str__(self) -> str:
        return self.value


class ShotSize(str, Enum):
    EXTREME_WIDE = "extreme-wide"
    WIDE = "wide"
    FULL = "full"
    MEDIUM_WIDE = "medium-wide"
    MEDIUM = "medium"
    MEDIUM_CLOSE_UP = "medium-close-up"
    CLOSE_UP = "close-up"
    EXTREME_CLOSE_UP = "extreme-close-up"
    TWO_SHOT = "two-shot"
    OVER_THE_SHOULDER = "over-the-shoulder"
    INSERT = "insert"


class CameraMove(str, Enum):
    STATIC = "static"
    PUSH_IN = "push-in"
    PULL_OUT = "pull-out"
    PAN_LEFT = "pan-left"
    PAN_RIGHT = "pan-right"
    TILT_UP = "tilt-up"
    TILT_DOWN = "tilt-down"
    TRUCK_LEFT = "truck-left"
    TRUCK_RIGHT = "truck-right"
    CRANE_UP = "crane-up"
    CRANE_DOWN = "crane-down"


class Camera(Strict):
    size: ShotSize = ShotSize.MEDIUM
    move: CameraMove = CameraMove.STATIC


class TransitionType(Choice):
    CUT = "cut"
    CROSSFADE = "crossfade"
    FADE_BLACK = "fade-black"
    FADE_WHITE = "fade-white"
    WIPE = "wipe"
    DIP = "dip"


class WipeDirection(str, Enum):
    LEFT = "left"
    RIGHT = "right"


_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
NAMED_COLORS = {"black": "#000000", "white": "#FFFFFF", "red": "#B01E23", "blue": "#1D3A7A", "grey": "#808080",
                "gray": "#808080", "amber": "#FFB000"}


class Transition(Strict, Shorthand):
    """How a shot enters from the one before it. Every type but `cut` overlaps the two shots."""

    shorthand = "type"

    type: TransitionType = TransitionType.CUT
    duration: DurationValue | None = None
    direction: WipeDirection = WipeDirection.LEFT  # wipe only
    color: str = "black"  # dip only: a name or #RRGGBB

    @field_validator("color")
    @classmethod
    def _check_color(cls, value: str) -> str:
        if value.lower() in NAMED_COLORS or _COLOR.match(value):
            return value
        raise ValueError(f"colour {value!r} is not a name ({', '.join(NAMED_COLORS)}) or #RRGGBB")

    @property
    def overlaps(self) -> bool:
        return self.type is not TransitionType.CUT

    def length(self) -> Duration:
        """The overlap: none for a cut, 1s unless written for the others."""
        if not self.overlaps:
            return Duration(seconds=Fraction(0))
        return self.duration if self.duration is not None else Duration(seconds=Fraction(1))


class DialogueLine(Strict):
    """One spoken line, written `- mara: "Still standing."` or `{character: mara, line: ...}`."""

    character: Id
    line: str

    @model_validator(mode="before")
    @classmethod
    def _from_pair(cls, value: Any) -> Any:
        if isinstance(value, dict) and len(value) == 1:
            (speaker, text), = value.items()
            if speaker not in ("character", "line"):
                return {"character": speaker, "line": text}
        return value


def _duck_lowers(value: float) -> float:
    if value > 0:
        raise ValueError(f"`duck` lowers the music under this sound: give 0dB or less (e.g. -12dB), not +{value:g}dB")
    return value


Duck = Annotated[float, BeforeValidator(parse_gain), AfterValidator(_duck_lowers)]


class ShotAudio(Strict, Shorthand):
    """The shot's own sound (a recorded line, production sound, an effect), from its first frame on.

    Written `audio: lines/storm-1.wav` or `{file: ..., gain: -3dB, duck: -12dB}`. The music is ducked
    by `duck` while this sound is heard (0dB: not at all, for ambience that should sit under the score).
    """

    shorthand = "file"

    file: str
    gain: Gain = 0.0
    duck: Duck = -12.0


class Fit(Choice):
    """How a picture of another shape fills the frame."""

    CROP = "crop"  # scaled to fill, the overflow cut off
    PAD = "pad"  # scaled to fit, on black
    BLUR = "blur"  # scaled to fit, on a blurred, filled copy of itself


class Footage(Strict, Shorthand):
    """A clip made elsewhere (a camera, a phone, a hosted video model) that is this shot's take.

    Written `footage: clips/pier.mp4` or `{file: ..., in: 2s, out: 6s, fit: crop}`. `in:` is where the shot
    starts in the file; `out:` where it ends (else the shot's `duration:` says). Its sound is the shot's
    sound, mixed like `audio:` (`gain`, `duck`), unless `sound: false`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True, populate_by_name=True)
    shorthand = "file"

    file: str
    start: DurationValue = Field(default=Duration(seconds=Fraction(0)), alias="in")
    end: DurationValue | None = Field(default=None, alias="out")
    fit: Fit = Fit.BLUR
    sound: bool = True
    gain: Gain = 0.0
    duck: Duck = -12.0


class Picture(Strict, Shorthand):
    """The author's own picture a shot starts or ends on (`start:`, `end:`): a drawing, a still, a frame exported
    from elsewhere; or, as `start:`, a clip whose last frames the shot continues (its motion, as `continues:` hands
    over a parent's).

    Written `start: boards/3.png` or `{file: ..., fit: pad}`. A picture of another shape is fitted to the frame as
    footage is (`fit`), never stretched; the default crops, so the model is handed a whole frame to animate.
    """

    shorthand = "file"

    file: str
    fit: Fit = Fit.CROP


def _words_for_booleans(true_word: str, false_word: str):
    """YAML 1.1 reads `off`, `no` (and `on`, `yes`) as booleans: a setting of words takes them back as its words."""
    def words(value: Any) -> Any:
        return {True: true_word, False: false_word}.get(value, value) if isinstance(value, bool) else value
    return BeforeValidator(words)


# `auto`: a shot that continues another is graded toward that shot's last frame; `off`; or the id of a shot to
# grade toward (engine.analysis.grade). The cut grades a copy of the take; the take is untouched.
ColorMatch = Annotated[str, Field(pattern=ID_PATTERN), _words_for_booleans("auto", "off")]
COLOR_MATCH_WORDS = ("auto", "off")


class Watermark(Choice):
    """A visible AI mark drawn on the delivered film (engine.editor.watermark): none, in a corner, or moving
    from place to place every few seconds (as Sora's), so no single crop removes it."""

    OFF = "off"
    CORNER = "corner"
    MOVING = "moving"


WatermarkSetting = Annotated[Watermark, _words_for_booleans("corner", "off")]  # `true` is the corner mark


class ShotKeyframes(Strict):
    """A shot's own keyframe wishes: `keyframes: {last: true}` also draws the frame it ends on (for video families
    with first+last-frame conditioning); `last: false` turns off the film's `last: true` for this shot."""

    last: bool | None = None


class Shot(Strict):
    id: Id
    prompt: str = ""
    duration: ShotDuration  # for footage with `out:`, filled in as out - in when not written
    camera: Camera = Camera()
    transition: Transition = Transition()
    continues: Id | None = None  # this shot's first frame is that shot's last frame
    loop: bool = False  # the shot ends on its own first frame
    location: Id | None = None  # overrides the scene's location
    seed: int | None = Field(default=None, ge=0, lt=SEED_LIMIT)
    take: int | None = Field(default=None, ge=1, le=MAX_TAKE)
    dialogue: list[DialogueLine] = Field(default_factory=list)
    card: str | None = None  # a title card: this text on black, drawn by longcut rather than the backend
    audio: ShotAudio | None = None  # the shot's own sound, mixed under the score (which ducks under it)
    footage: Footage | None = None  # a clip made elsewhere is the take: no backend is asked
    color_match: ColorMatch | None = None  # auto | off | a shot id; else the scene's, else the film's
    keyframes: ShotKeyframes | None = None  # e.g. {last: true}: also a keyframe for the shot's last frame
    start: Picture | None = None  # the author's picture (or a clip's last frames) as the shot's first frame
    end: Picture | None = None  # the author's picture as the shot's last frame

    @model_validator(mode="before")
    @classmethod
    def _duration_from_footage(cls, value: Any) -> Any:
        """A footage shot with `out:` may leave out `duration:`: it lasts from `in:` to `out:`."""
        if not isinstance(value, dict) or value.get("duration") is not None:
            return value
        footage = value.get("footage")
        if isinstance(footage, dict) and footage.get("out") is not None:
            try:
                span = SpanDuration(start=parse_duration(footage.get("in", 0)), end=parse_duration(footage["out"]))
            except ValueError:
                return value  # the footage's own validation says what is wrong with it
            return {**value, "duration": span}
        return value

    @model_validator(mode="after")
    def _footage_is_a_take(self) -> Shot:
        if self.footage is not None:
            for name, value in (("card", self.card), ("loop", self.loop or None), ("start", self.start),
                                ("end", self.end)):
                if value is not None:
                    raise ValueError(f"shot `{self.id}` has both `footage:` and `{name}:`; footage is the shot's "
                                     f"picture as it was filmed, so it cannot also be a {name}")
        return self

    @model_validator(mode="after")
    def _one_first_and_last_frame(self) -> Shot:
        """A shot starts on one frame and ends on one: the author's, its parent's, its own (a loop's) or a card's."""
        for name, value, other, clash in (("start", self.start, "continues", self.continues),
                                          ("end", self.end, "loop", self.loop or None),
                                          ("start", self.start, "card", self.card),
                                          ("end", self.end, "card", self.card)):
            if value is not None and clash is not None:
                why = {"continues": "`continues:` starts it on that shot's last frame",
                       "loop": "a loop ends on its own first frame",
                       "card": "a title card is drawn by longcut"}[other]
                raise ValueError(f"shot `{self.id}` has both `{name}:` and `{other}:`; {why}, so it cannot also "
                                 f"{'start' if name == 'start' else 'end'} on `{value.file}`")
        return self

    def mentions(self) -> list[str]:
        """Character ids named with @ in the prompt, in order, without repeats."""
        return list(dict.fromkeys(MENTION.findall(self.prompt)))


class Scene(Strict):
    id: Id
    heading: str = ""
    location: Id | None = None
    description: str = ""
    color_match: ColorMatch | None = None  # for its shots that do not say
    one_take: bool = False  # its `continues:` chains are each made in one generation, where the family can
    shots: list[Shot] = Field(min_length=1)


class ScoreSpec(Strict):
    """The built-in score generator's settings."""

    mood: str = "calm"
    key: str = "C major"
    bpm: int = Field(default=72, ge=30, le=240)


class MusicCue(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: Id
    file: str | None = None
    generate: ScoreSpec | None = None
    start: str | None = Field(default=None, alias="from")  # a scene id, shot id or timecode
    end: str | None = Field(default=None, alias="to")
    gain: Gain = 0.0
    fade_in: DurationValue = Duration(seconds=Fraction(0))
    fade_out: DurationValue = Duration(seconds=Fraction(0))

    @model_validator(mode="after")
    def _one_source(self) -> MusicCue:
        if (self.file is None) == (self.generate is None):
            raise ValueError("a music cue needs exactly one of `file:` (an audio file) or `generate:` (the built-in score)")
        return self


class BackendSpec(Shorthand):
    """Which backend renders the shots; every other key is that backend's own setting."""

    model_config = ConfigDict(extra="allow", frozen=True)
    shorthand = "name"

    name: str = "animatic"

    @property
    def settings(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class KeyframeSpec(Shorthand):
    """The keyframe stage (engine.render.keyframes): which keyframe backend draws each shot's first frame (and, with
    `last: true`, its last) from its prompt, framing and reference images before the video is made; every other
    key is that backend's own setting. `keyframes: off` turns the stage off (shots start from their text)."""

    model_config = ConfigDict(extra="allow", frozen=True)
    shorthand = "name"

    name: str
    last: bool = False  # also a keyframe for every shot's last frame (a shot's `keyframes: {last: false}` opts out)

    @model_validator(mode="before")
    @classmethod
    def _off_word(cls, value: Any) -> Any:
        return {"name": "off"} if value is False or value == "off" else value

    @property
    def off(self) -> bool:
        return self.name == "off"

    @property
    def settings(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class ExecutorSpec(Shorthand):
    """Where the shots are rendered; every other key is that executor's own setting. The engine knows the
    executors and checks their settings (engine.render.executors), as it does a backend's."""

    model_config = ConfigDict(extra="allow", frozen=True)
    shorthand = "name"

    name: str = "local"

    @property
    def settings(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class IdentitySpec(Strict):
    """Who is on screen (engine.analysis.identity): how alike a face must be to be a character's, and when it is flagged.
    Similarities are SFace's cosine: the same person scores about 0.4 to 0.95, another person about 0.1 to 0.25."""

    measure: bool = True  # `identity: off` skips it
    match: float = Field(default=0.30, ge=0, le=1)  # a face at least this like a character is that character
    min_reference: float = Field(default=0.36, ge=0, le=1)  # flagged under this to the character's reference
    min_consistency: float = Field(default=0.36, ge=0, le=1)  # flagged under this to the character's other shots
    expect_faces: list[ShotSize] = Field(default_factory=lambda: [ShotSize.MEDIUM_CLOSE_UP, ShotSize.CLOSE_UP,
                                                                  ShotSize.EXTREME_CLOSE_UP])  # a named face must show
    unknown: bool = True  # flag a face that is none of the characters the shot names


def _identity_words(value: Any) -> Any:
    """`identity: off` (or false) and `identity: on` (or true) as the spec."""
    if value in (False, "off"):
        return {"measure": False}
    if value in (True, "on"):
        return {}
    return value


class ContinuitySpec(Strict):
    """Where the continuity report (written with every cut) flags a problem; the defaults suit most films."""

    identity: Annotated[IdentitySpec, BeforeValidator(_identity_words)] = Field(default_factory=IdentitySpec)

    max_seam_delta_e: float = Field(default=5.0, gt=0)  # mean CIEDE2000 across a continues: seam
    min_seam_ssim: float = Field(default=0.5, ge=0, le=1)  # structural similarity across a continues: seam
    cut_threshold: float = Field(default=30.0, gt=0)  # change between frames (8-bit levels) that is a hard cut
    min_black: DurationValue = Duration(seconds=Fraction(1, 4))  # black this long inside a shot is flagged
    min_frozen: DurationValue = Duration(seconds=Fraction(1))  # a still picture this long inside a shot is flagged
    freeze_noise: float = Field(default=0.1, ge=0)  # change between frames (8-bit levels) below which they are still
    flash: bool = True  # flag single frames that differ from both neighbours


class PolicyAction(Choice):
    REFUSE = "refuse"  # an error: nothing renders (exit 2)
    WARN = "warn"
    ALLOW = "allow"


# An entry point's name as packaging writes them: letters, digits and . _ - (never a module:function path)
CLASSIFIER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


class OwnTerms(Strict):
    """The film's own list of names and phrases (a studio's, a client's), matched like the shipped rules."""

    action: PolicyAction = PolicyAction.REFUSE
    terms: list[str] = Field(default_factory=list)
    file: str | None = None  # one term a line (# starts a comment), relative to the film file


class PolicySpec(Strict):
    """What the film's texts may ask a model for: per category of storyboard/policy/default.yaml, refuse, warn
    or allow; the film's own terms; classifiers, by the name of an installed entry point in `longcut.policies` (a
    film folder is untrusted: it may choose among what is installed, never name code to import)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    sexual_minors: PolicyAction | None = Field(default=None, alias="sexual-minors")
    sexual: PolicyAction | None = None
    graphic_violence: PolicyAction | None = Field(default=None, alias="graphic-violence")
    real_people: PolicyAction | None = Field(default=None, alias="real-people")
    living_artists: PolicyAction | None = Field(default=None, alias="living-artists")
    own: OwnTerms | None = None
    classifiers: list[str] = Field(default_factory=list)

    @field_validator("classifiers")
    @classmethod
    def _installed_names_only(cls, names: list[str]) -> list[str]:
        for name in names:
            if not CLASSIFIER_NAME.fullmatch(name):
                raise ValueError(f"classifier {name!r} is not the name of an entry point: a film names an installed "
                                 "classifier (group `longcut.policies`, e.g. `studio-rules`), never a module or a "
                                 "function to import")
        return names

    @field_validator("sexual_minors")
    @classmethod
    def _always_refused(cls, value: PolicyAction | None) -> PolicyAction | None:
        if value not in (None, PolicyAction.REFUSE):
            raise ValueError("sexual content involving minors is always refused; `sexual-minors` cannot be set to "
                             f"{value.value}")
        return value

    def actions(self) -> dict[str, str]:
        """The categories the film sets, by their names in the rules."""
        chosen = {"sexual": self.sexual, "graphic-violence": self.graphic_violence, "real-people": self.real_people,
                  "living-artists": self.living_artists}
        return {name: action.value for name, action in chosen.items() if action is not None}


class Film(Strict):
    title: str
    author: str = ""
    fps: FrameRate = Fraction(24)
    size: FrameSize = (1280, 720)
    seed: int = Field(default=0, ge=0, lt=SEED_LIMIT)
    style: str = ""
    negative: str = ""
    backend: BackendSpec = BackendSpec()
    # None: the animatic draws its own keyframes when it is the backend; a model backend starts shots from text
    keyframes: KeyframeSpec | None = None
    executor: ExecutorSpec = ExecutorSpec()
    characters: dict[Id, Character] = Field(default_factory=dict)
    locations: dict[Id, Location] = Field(default_factory=dict)
    music: list[MusicCue] = Field(default_factory=list)
    color_match: ColorMatch | None = None  # for every shot whose scene and shot do not say (default off)
    continuity: ContinuitySpec = ContinuitySpec()
    policy: PolicySpec = PolicySpec()  # content rules (storyboard.policy)
    watermark: WatermarkSetting = Watermark.OFF  # `true | corner | moving | off`; `longcut cut --watermark` overrides
    scenes: list[Scene] = Field(min_length=1)
