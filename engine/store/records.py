"""A take's record (`take.json`): what made it, and the size and sha256 of each of its files; read, written and
checked against the files beside it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import LongcutError, StepFailed

RECORD = "take.json"
SOUND = "sound.wav"  # the sound a model made with the take's frames (LTX-2), when it made any: OPTIONAL_FILES
FOOTAGE = "footage"  # a take record's backend when the take is footage conformed by longcut, not generated
GIVEN = "given"  # a keyframe record's backend when the keyframe is the author's picture, fitted by longcut
FILES = ("clip.mp4", "first.png", "last.png")  # what a take holds besides its record
# the frames before the last, lossless, for a backend that continues motion (Backend.context_frames): tail-1.png is
# the one before last.png, tail-2.png the one before that, ...
MAX_CONTEXT = 9  # the most frames a continuing shot is given of its parent (the last among them)
TAIL_FILES = tuple(f"tail-{back}.png" for back in range(1, MAX_CONTEXT))
OPTIONAL_FILES = (SOUND, *TAIL_FILES)  # what a take may hold besides (its record's `files` says whether it does)
KEYFRAME = "keyframe.png"  # all a keyframe take holds besides its record
SHOT, KEYFRAME_KIND = "shot", "keyframe"  # a take record's kind: a shot's video, or a keyframe drawn for it


@dataclass(frozen=True)
class TakeRecord:
    key: str
    shot: str
    take: int
    seed: int
    prompt: str
    negative: str
    backend: str
    backend_version: str
    model: str | None
    width: int
    height: int
    fps: str
    frames: int
    duration: float
    frames_sha256: str
    parent_key: str | None
    seconds_taken: float
    created: str
    seed_override: bool = False
    files: dict | None = None  # name -> {"bytes": n, "sha256": hex}; None in takes made before longcut checked them
    kind: str = SHOT  # SHOT, or KEYFRAME_KIND for a keyframe (one frame, KEYFRAME)
    position: str | None = None  # a keyframe's place in its shot: first | last
    keyframes: dict | None = None  # a shot's take: the keys of the keyframes it was made from, by position

    @classmethod
    def from_json(cls, data: dict) -> TakeRecord:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**known)


def read_record(path: Path) -> TakeRecord:
    """A take's record; FileNotFoundError when there is none, LongcutError when it is damaged."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return TakeRecord.from_json(data)
    except FileNotFoundError:
        raise
    except (ValueError, TypeError, OSError) as error:
        raise LongcutError(f"the take record {path} is damaged ({error})",
                           hint=f"delete the folder {path.parent} and render again") from None


def take_files(folder: Path) -> list[str]:
    """The files a take holds besides its record: FILES (a keyframe take: KEYFRAME), and those of OPTIONAL_FILES it
    has."""
    if (folder / KEYFRAME).is_file():  # and, of a clip given to continue from, its frames before the last
        return [KEYFRAME, *(name for name in TAIL_FILES if (folder / name).is_file())]
    return [*FILES, *(name for name in OPTIONAL_FILES if (folder / name).is_file())]


def record_files(record: TakeRecord) -> list[str]:
    """The files a take holds besides its record, by its kind: a keyframe's KEYFRAME; a shot's FILES and those of
    OPTIONAL_FILES its record names. Never a name read from the record alone: a record from a shared or remote
    store names no path to read or write."""
    if record.kind == KEYFRAME_KIND:
        return [KEYFRAME, *(name for name in TAIL_FILES if name in (record.files or {}))]
    return [*FILES, *(name for name in OPTIONAL_FILES if name in (record.files or {}))]


def file_digests(folder: Path) -> dict:
    """The size and sha256 of each of a take's files, for its record."""
    return {name: {"bytes": (folder / name).stat().st_size, "sha256": _sha256(folder / name)}
            for name in take_files(folder)}


def check_files(folder: Path, record: TakeRecord, full: bool = False) -> str | None:
    """What is wrong with a take's files against its record, or None. Sizes always; hashes (the caller decides
    when); full: also decode the clip and count its frames. A take made before records held its files' digests
    is checked by decoding its clip once."""
    names = record_files(record)
    if record.files and not set(names) <= set(record.files):
        return f"its record has no digest of {', '.join(sorted(set(names) - set(record.files)))}"
    for name in names:
        path = folder / name
        if not path.is_file():
            return f"{name} is missing"
        expected = (record.files or {}).get(name)
        if expected and path.stat().st_size != expected["bytes"]:
            return f"{name} has {path.stat().st_size} bytes, its record says {expected['bytes']}"
    if record.files:
        for name in names:
            if _sha256(folder / name) != record.files[name]["sha256"]:
                return f"{name} does not match its sha256 in the take's record"
    if "clip.mp4" in names and (full or not record.files):
        from ..media.ffmpeg import probe_frames

        try:
            frames = probe_frames(folder / "clip.mp4")
        except StepFailed as error:
            return str(error)
        if frames != record.frames:
            return f"clip.mp4 decodes to {frames} frames, its record says {record.frames}"
    return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_record(folder: Path, record: TakeRecord) -> None:
    (folder / RECORD).write_text(json.dumps(asdict(record), indent=2, sort_keys=True) + "\n", encoding="utf-8")
