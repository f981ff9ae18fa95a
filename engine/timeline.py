"""The Timeline and the Cut: the film resolved to whole frames, as plain frozen values that need nothing else.

Every step after the render reads these and nothing else: the editor assembles the picture and the sound
of a Timeline, and returns a Cut (the Timeline and the media it made); the exports write a Cut for an
editing suite, without making media and without reading the screenplay or the take store. Building a
Timeline from a render plan is the editor's (engine.editor.timeline.build_timeline).

Items follow in editorial order; each clip starts (`record_in`) where the one before it ends, less the
overlap of the transition that joins them.

A Cut is saved beside its film as `<film>.cut.json` (`Cut.save`, `Cut.load`), so an export made later,
in another process, writes exactly the film that was delivered. The record is the cut's commit point: it is
written last, and it holds the sha256 of the film it describes (`film_digest`), so a reader can tell a record
that no longer belongs to its film (a cut killed after the film was replaced) and say "cut the film again".
A record is untrusted input (a film folder travels): it is read bounded, and every path in it must lie inside
the record's folder or the take store the command uses (`Cut.load(record, roots)`).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path

from longcut.storyboard.files import RECORD_LIMIT, confined, read_text
from longcut.storyboard.schema import Choice, TransitionType

from .atomic import atomic_path

CUT_VERSION = 1


class CardKind(Choice):
    TITLE = "title"
    CREDITS = "credits"


class MusicSource(Choice):
    GENERATE = "generate"  # the built-in score
    FILE = "file"


@dataclass(frozen=True)
class TransitionIn:
    """How a clip enters: type, its overlap with the clip before (frames), a colour for dips, a wipe's direction."""

    type: TransitionType = TransitionType.CUT
    frames: int = 0
    color: str = "#000000"
    direction: str = "left"


@dataclass(frozen=True)
class ClipAudio:
    """A shot's own sound: it starts with the take's first frame, so an editor's trim cuts it too."""

    file: Path
    gain_db: float = 0.0
    duck_db: float = -12.0  # the music's level under it while it is heard
    start: float = 0.0  # seconds into the file at the take's first frame (footage's `in:`)


@dataclass(frozen=True)
class ColorMatch:
    """A clip graded toward another shot's colour (`color_match:`): the cut plays a graded copy of the take
    (Clip.path), and the take itself is kept as it was made."""

    toward: str  # the shot whose colour it is graded toward
    toward_key: str  # that shot's take
    take_key: str  # this clip's take, ungraded
    take_path: Path
    method: str = "lab-mean-std"  # engine.analysis.grade.METHOD


@dataclass(frozen=True)
class MadeBy:
    """What made a clip's take, from its take record: a backend and its model, or longcut conforming footage.

    The labels (XMP, C2PA ingredients, the exports) say it per shot: a film may mix generated shots and footage.
    """

    backend: str
    version: str = ""
    model: str | None = None  # for footage, the file's label (name, size, digest)
    footage: bool = False

    def describe(self, seed: int) -> str:
        if self.footage:
            return f"footage conformed by longcut from {self.model}"
        return f"AI-generated with longcut; backend {self.backend}; model {self.model or 'none (animatic previz)'}; seed {seed}"


@dataclass(frozen=True)
class ClipLine:
    """A line on screen in a clip, from start to end (frames counted in the clip, end excluded): the shot's dialogue
    (continuity.DialogueCue) as the Cut keeps it, trimmed like the clip."""

    start: int
    end: int
    speaker: str
    line: str
    character: str = ""  # the character's id, for its voice


@dataclass(frozen=True)
class Clip:
    shot_id: str
    scene_id: str
    take: int
    key: str
    path: Path
    frames: int
    record_in: int
    transition: TransitionIn
    dialogue: tuple[ClipLine, ...] = ()
    prompt: str = ""
    seed: int = 0
    starts_on: str | None = None  # the shot whose last frame this clip starts on
    source_in: int = 0  # the take's first frame in the cut (an editor's trim, from `longcut conform`)
    take_frames: int = 0  # the whole take
    audio: ClipAudio | None = None
    color_match: ColorMatch | None = None
    made_by: MadeBy | None = None  # None in cuts saved before longcut recorded it
    take_sound: ClipAudio | None = None  # the sound the model made with the take (LTX-2): mixed with `audio`

    @property
    def record_out(self) -> int:
        return self.record_in + self.frames

    @property
    def generated(self) -> bool:
        """Whether a model (or the animatic) made the picture, not a camera: footage is not generated."""
        return self.made_by is None or not self.made_by.footage


@dataclass(frozen=True)
class Card:
    """A title card or the end credits, drawn by longcut."""

    kind: CardKind
    frames: int
    record_in: int
    lines: tuple[tuple[str, str], ...]  # (style, text)

    @property
    def record_out(self) -> int:
        return self.record_in + self.frames


@dataclass(frozen=True)
class MusicPlacement:
    cue_id: str
    source: MusicSource
    start: int  # frames on the timeline
    end: int
    gain_db: float
    fade_in: int
    fade_out: int
    file: Path | None = None
    mood: str = "calm"
    key: str = "C major"
    bpm: int = 72


@dataclass(frozen=True)
class SubtitleCue:
    start: int  # frames on the timeline
    end: int
    speaker: str
    text: str
    shot_id: str


@dataclass(frozen=True)
class SpeechCue:
    """A line of dialogue spoken by a scratch voice (engine.render.voices), placed on the timeline."""

    shot_id: str
    character: str
    speaker: str
    line: str
    file: Path  # the spoken line, a WAV in the store
    start: int  # frames on the timeline
    frames: int  # how long it is spoken
    slot: int  # how long the dialogue's timing gives it


@dataclass(frozen=True)
class Marker:
    """A note pinned to a frame of the film (a continuity flag, a reviewer's note), for the editing suite."""

    frame: int  # on the timeline
    name: str
    note: str
    color: str = "RED"  # OpenTimelineIO's marker colours
    source: str = "continuity report"  # or "review"


@dataclass
class Timeline:
    title: str
    fps: Fraction
    width: int
    height: int
    items: list[Clip | Card]
    music: list[MusicPlacement] = field(default_factory=list)
    subtitles: list[SubtitleCue] = field(default_factory=list)
    backend: str = ""
    models: tuple[str, ...] = ()
    speech: list[SpeechCue] = field(default_factory=list)  # the dialogue spoken (none without voices)

    @property
    def total_frames(self) -> int:
        return self.items[-1].record_out if self.items else 0

    @property
    def clips(self) -> list[Clip]:
        return [item for item in self.items if isinstance(item, Clip)]

    def seconds(self, frames: int) -> Fraction:
        return Fraction(frames) / self.fps

    @property
    def models_label(self) -> str:
        """The models the film's pictures come from, as its labels name them."""
        return ", ".join(self.models) or "none (animatic previz)"

    @property
    def has_footage(self) -> bool:
        """Whether the film cuts a model's pictures with footage made elsewhere (its label says so)."""
        return any(not clip.generated for clip in self.clips)


@dataclass(frozen=True)
class CutSettings:
    """How a film was cut: what `longcut shot` cuts again with, after it made a new take."""

    titles: bool = True
    loudness: float = -14.0
    preset: str | None = None
    fit: str = "blur"
    burn_subtitles: bool = False
    watermark: str | None = None  # `--watermark`, over the film's `watermark:` (None: as the film says)


@dataclass(frozen=True)
class Cut:
    """A delivered film: its Timeline, and the media the editor made for it."""

    timeline: Timeline
    film: Path
    soundtrack: Path  # the mixed sound the film carries
    cards: tuple[Path, ...]  # the picture of each card, in the Timeline's order
    store: Path  # the take store the media are in (exports name them relative to it)
    settings: CutSettings = CutSettings()
    markers: tuple[Marker, ...] = ()  # the continuity report's flags
    stems: dict[str, Path] = field(default_factory=dict)  # dialogue, effects, music: WAVs from the first frame
    film_digest: str = ""  # the sha256 of the film this record describes ("" in a record not yet committed)

    def belongs_to_film(self) -> bool:
        """Whether the film beside this record is the one it describes (not one cut after it, or changed)."""
        return bool(self.film_digest) and Path(self.film).is_file() and file_digest(self.film) == self.film_digest

    def paths(self) -> list[tuple[str, Path]]:
        """Every file the Cut names, with what it is (for the check that a record names nothing outside)."""
        named = [("the film", self.film), ("the soundtrack", self.soundtrack), ("the take store", self.store)]
        named += [("a title card", card) for card in self.cards]
        named += [(f"the {name} stem", path) for name, path in self.stems.items()]
        for clip in self.timeline.clips:
            named.append((f"the take of shot `{clip.shot_id}`", clip.path))
            for sound in (clip.audio, clip.take_sound):
                if sound is not None:
                    named.append((f"the sound of shot `{clip.shot_id}`", sound.file))
            if clip.color_match is not None:
                named.append((f"the graded take of shot `{clip.shot_id}`", clip.color_match.take_path))
        named += [(f"the music of cue `{cue.cue_id}`", cue.file) for cue in self.timeline.music if cue.file]
        named += [("a spoken line", cue.file) for cue in self.timeline.speech]
        return named

    def media(self, item: Clip | Card) -> Path:
        """The file that holds an item's picture: its take, or the card the editor drew."""
        if isinstance(item, Clip):
            return item.path
        cards = [entry for entry in self.timeline.items if isinstance(entry, Card)]
        return self.cards[cards.index(item)]

    @staticmethod
    def beside(film: Path) -> Path:
        """Where the Cut of a film is kept."""
        return Path(film).with_suffix(".cut.json")

    def save(self, record: Path) -> None:
        """Write the Cut as JSON to `record`: paths inside its folder relative to it, so a film folder that is
        moved or copied still exports its own media."""
        with atomic_path(record) as temporary:
            temporary.write_text(self.to_json(Path(record).resolve().parent), encoding="utf-8")

    @classmethod
    def load(cls, record: Path, roots: tuple[Path, ...] = ()) -> Cut:
        """A saved Cut; FileNotFoundError when there is none, ValueError when it is not a Cut longcut reads,
        storyboard.files.FileRefused when it is not a regular file of sane size or names a file outside the
        record's folder and `roots` (the take store the command uses)."""
        text = read_text(record, RECORD_LIMIT, "the cut record")
        folder = Path(record).resolve().parent
        try:
            cut = cls.from_json(text, folder)
        except (KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"not a longcut cut ({type(error).__name__}: {error})") from None
        for what, path in cut.paths():
            confined(path, (folder, *roots), f"the cut record {Path(record).name}: {what}")
        return cut

    def to_json(self, base: Path) -> str:
        data = {"version": CUT_VERSION, "film": self.film, "soundtrack": self.soundtrack, "cards": list(self.cards),
                "store": self.store, "settings": asdict(self.settings), "timeline": _timeline_data(self.timeline),
                "markers": [asdict(marker) for marker in self.markers], "stems": dict(self.stems),
                "film_digest": self.film_digest}
        return json.dumps(_plain(data, base), indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str, base: Path) -> Cut:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("version") != CUT_VERSION:
            raise ValueError(f"not a longcut cut of version {CUT_VERSION}")
        return cls(_timeline_of(data["timeline"], base), base / data["film"], base / data["soundtrack"],
                   tuple(base / path for path in data["cards"]), base / data["store"], CutSettings(**data["settings"]),
                   tuple(Marker(**marker) for marker in data.get("markers", [])),
                   {name: base / path for name, path in data.get("stems", {}).items()}, str(data.get("film_digest", "")))


_DIGESTS: dict[tuple, str] = {}  # (path, device, inode, size, mtime) -> sha256: a film is hashed once a process


def file_digest(path: Path) -> str:
    """The sha256 of a file (a film: about a second a gigabyte), remembered while the file is unchanged."""
    info = os.stat(path)
    token = (str(path), info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
    if token not in _DIGESTS:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        _DIGESTS[token] = digest.hexdigest()
    return _DIGESTS[token]


def _plain(value, base: Path):
    """value as JSON data: every path relative to base where it lies inside it, a fraction as "n/d"."""
    if isinstance(value, Path):
        return str(value.relative_to(base)) if value.is_relative_to(base) else str(value)
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, dict):
        return {key: _plain(item, base) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item, base) for item in value]
    return value


def _timeline_data(timeline: Timeline) -> dict:
    data = asdict(timeline)
    data["items"] = [{"clip" if isinstance(item, Clip) else "card": asdict(item)} for item in timeline.items]
    return data


def _timeline_of(data: dict, base: Path) -> Timeline:
    items: list[Clip | Card] = []
    for entry in data["items"]:
        if "clip" in entry:
            clip = dict(entry["clip"])
            clip["path"] = base / clip["path"]
            clip["transition"] = TransitionIn(**{**clip["transition"],
                                                 "type": TransitionType(clip["transition"]["type"])})
            clip["dialogue"] = tuple(ClipLine(**cue) for cue in clip["dialogue"])
            audio = clip["audio"]
            clip["audio"] = ClipAudio(**{**audio, "file": base / audio["file"]}) if audio else None
            match = clip.get("color_match")
            clip["color_match"] = ColorMatch(**{**match, "take_path": base / match["take_path"]}) if match else None
            made_by = clip.get("made_by")
            clip["made_by"] = MadeBy(**made_by) if made_by else None
            sound = clip.get("take_sound")
            clip["take_sound"] = ClipAudio(**{**sound, "file": base / sound["file"]}) if sound else None
            items.append(Clip(**clip))
        else:
            card = entry["card"]
            items.append(Card(CardKind(card["kind"]), card["frames"], card["record_in"],
                              tuple(tuple(line) for line in card["lines"])))
    music = [MusicPlacement(**{**cue, "source": MusicSource(cue["source"]),
                               "file": base / cue["file"] if cue["file"] else None}) for cue in data["music"]]
    return Timeline(data["title"], Fraction(data["fps"]), data["width"], data["height"], items, music,
                    [SubtitleCue(**cue) for cue in data["subtitles"]], data["backend"], tuple(data["models"]),
                    [SpeechCue(**{**cue, "file": base / cue["file"]}) for cue in data.get("speech", [])])

