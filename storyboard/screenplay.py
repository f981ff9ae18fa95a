"""A loaded screenplay: the validated Film, where it came from, and the lookups every later step needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from pathlib import Path

from .errors import Mark
from .files import FileRefused, resolved
from .schema import Film, Location, Scene, Shot
from .source import SourceMap


@dataclass(frozen=True)
class ShotEntry:
    """A shot in editorial order, with the scene it belongs to and where it is written."""

    index: int  # editorial position in the film, from 0
    scene_index: int
    shot_index: int  # position in its scene
    scene: Scene
    shot: Shot

    @property
    def path(self) -> tuple:
        return ("scenes", self.scene_index, "shots", self.shot_index)


IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff"}
AUDIO_SUFFIXES = {".wav", ".mp3", ".flac", ".ogg", ".m4a", ".aac", ".opus"}
VIDEO_SUFFIXES = {".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi", ".mxf"}


@dataclass(frozen=True)
class MediaFile:
    """A picture or sound file the film names: what it is, as written, resolved, and where it is written."""

    kind: str  # "image" | "audio" | "video"
    what: str  # e.g. "reference image of character `ada`"
    written: str
    path: Path
    mark: Mark | None
    shot: str | None = None  # the shot that names it (a shot's sound or footage)
    field: str = ""  # the shot's field that names it: audio, footage, start, end


@dataclass(frozen=True)
class Warning_:
    message: str
    mark: Mark | None = None


@dataclass(eq=False)
class Screenplay:
    film: Film
    path: Path  # the film file
    source: SourceMap = field(repr=False)
    warnings: list[Warning_] = field(default_factory=list)
    included: tuple[Path, ...] = ()  # the scene files read through `include:`

    def files_read(self) -> dict[Path, str]:
        """Every file the film reads, resolved, with what it is: the film and scene files, references, sounds."""
        files = {self.path: "the film file"}
        files.update({path: "a scene file of the film" for path in self.included})
        files.update({media.path: "the " + media.what for media in self.media()})
        return files

    def media(self) -> list[MediaFile]:
        """Every picture and sound file the film names, in the order they are written."""
        files = []
        for kind, table in (("character", self.film.characters), ("location", self.film.locations)):
            for ident, item in table.items():
                for index, image in enumerate(item.reference):
                    where = (kind + "s", ident, "reference") + ((index,) if len(item.reference) > 1 else ())
                    files.append(self._media("image", f"reference image of {kind} `{ident}`", image, where))
        for entry in self.entries:
            shot = entry.shot
            starts_on_clip = shot.start is not None and Path(shot.start.file).suffix.lower() in VIDEO_SUFFIXES
            for kind, key, what, named in (("audio", "audio", "sound file", shot.audio),
                                           ("video", "footage", "footage", shot.footage),
                                           ("video" if starts_on_clip else "image", "start",
                                            "start clip" if starts_on_clip else "start picture", shot.start),
                                           ("image", "end", "end picture", shot.end)):
                if named is not None:
                    where = entry.path + (key, "file")
                    if self.source.value(where) is None:  # written as a plain path: `audio: line.wav`
                        where = entry.path + (key,)
                    files.append(self._media(kind, f"{what} of shot `{shot.id}`", named.file, where, shot.id, key))
        for index, cue in enumerate(self.film.music):
            if cue.file is not None:
                files.append(self._media("audio", f"music file of cue `{cue.id}`", cue.file, ("music", index, "file")))
        return files

    def _media(self, kind: str, what: str, written: str, where: tuple, shot: str | None = None,
               key: str = "") -> MediaFile:
        try:
            path = resolved(self.root / written)
        except FileRefused:  # a symlink loop: kept as written, for the checks to say so at its line
            path = self.root / written
        return MediaFile(kind, what, written, path, self.source.value(where), shot, key)

    @property
    def root(self) -> Path:
        """The folder relative paths (references, music) resolve against."""
        return self.path.parent

    @property
    def fps(self) -> Fraction:
        return self.film.fps

    @cached_property
    def entries(self) -> list[ShotEntry]:
        result: list[ShotEntry] = []
        for scene_index, scene in enumerate(self.film.scenes):
            for shot_index, shot in enumerate(scene.shots):
                result.append(ShotEntry(len(result), scene_index, shot_index, scene, shot))
        return result

    @cached_property
    def by_id(self) -> dict[str, ShotEntry]:
        return {entry.shot.id: entry for entry in self.entries}

    def entry(self, shot_id: str) -> ShotEntry:
        try:
            return self.by_id[shot_id]
        except KeyError:
            from .errors import did_you_mean

            raise KeyError(f"no shot `{shot_id}` in {self.path.name}; {did_you_mean(shot_id, self.by_id, 'shots')}") from None

    def frames(self, shot: Shot) -> int:
        return shot.duration.to_frames(self.fps)

    def transition_frames(self, shot: Shot) -> int:
        return shot.transition.length().to_frames(self.fps)

    def location_of(self, entry: ShotEntry) -> tuple[str, Location] | None:
        location_id = entry.shot.location or entry.scene.location
        if location_id is None:
            return None
        return location_id, self.film.locations[location_id]

    def characters_in(self, shot: Shot) -> list[str]:
        """Characters a shot shows: those @mentioned, then those who speak, in order of appearance."""
        speakers = [line.character for line in shot.dialogue]
        return list(dict.fromkeys(shot.mentions() + speakers))

    def total_frames(self) -> int:
        """Sum of every shot's frames."""
        return sum(self.frames(entry.shot) for entry in self.entries)

    def running_frames(self) -> int:
        """The cut's length: every overlapping transition shortens the film by its own length."""
        overlap = sum(self.transition_frames(entry.shot) for entry in self.entries[1:])
        return self.total_frames() - overlap
