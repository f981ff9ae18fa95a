"""The take store: every take written once under its cache key, atomically, as DVC keeps its run cache.

    <store>/takes/ab/abcdef.../clip.mp4    the shot, encoded for editing
                              first.png   its first frame, lossless
                              last.png    its last frame, lossless: the next shot starts on it
                              sound.wav   the sound a model made with it (LTX-2), when it made any
                              take.json   what made it (prompt, seed, backend, model, frames, time taken),
                                          and the size and sha256 of each file above
                  ab/abcdef.../keyframe.png   a keyframe take (its take.json says kind: keyframe): a shot's first
                                          (or last) frame, drawn before its video
            verified/ab/abcdef...         the files' size, mtime and inode when their hashes last matched
            locks/abcdef....lock          held (flock) by the process making that take
            tmp/                          takes being written, and every other temporary file of a cut

A take is assembled in a temporary folder inside the store and renamed into place in one step, so
a reader (or a render killed mid-shot and started again) never sees half of one. Temporary folders
of processes that died are swept up on the next run.

Nothing is trusted blindly: a take is handed out only when its files have the sizes its record gives,
and their sha256 is checked again whenever a file's size, mtime or inode changed since it last matched
(as DVC keeps its state of checked files). A damaged take is evicted with a warning, so the plan renders
it again; `verify(key, full=True)` also decodes the clip and counts its frames.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import socket
import sys
import time
import wave
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from ..atomic import atomic_path, is_stale_temporary, process_alive
from ..errors import LongcutError, StepFailed

RECORD = "take.json"
SOUND = "sound.wav"  # the sound a model made with the take's frames (LTX-2), when it made any: OPTIONAL_FILES
FOOTAGE = "footage"  # a take record's backend when the take is footage conformed by longcut, not generated
FILES = ("clip.mp4", "first.png", "last.png")  # what a take holds besides its record
# the frames before the last, lossless, for a backend that continues motion (Backend.context_frames): tail-1.png is
# the one before last.png, tail-2.png the one before that, ...
MAX_CONTEXT = 9  # the most frames a continuing shot is given of its parent (the last among them)
TAIL_FILES = tuple(f"tail-{back}.png" for back in range(1, MAX_CONTEXT))
OPTIONAL_FILES = (SOUND, *TAIL_FILES)  # what a take may hold besides (its record's `files` says whether it does)
KEYFRAME = "keyframe.png"  # all a keyframe take holds besides its record
SHOT, KEYFRAME_KIND = "shot", "keyframe"  # a take record's kind: a shot's video, or a keyframe drawn for it
HOST = socket.gethostname()


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


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


class TakeStore:
    """Takes in a local (or shared: NFS) folder; with `remote`, also in object storage, mirrored here.

    warn(message) is told of every damaged take the store evicts (the command line prints it).
    """

    def __init__(self, root: Path, remote: str | None = None, warn: Callable[[str], None] | None = None,
                 read_only: bool = False) -> None:
        self.root = Path(root)
        self.read_only = read_only  # a command that only reads: no eviction; the note of checked takes if it can
        self.takes = self.root / "takes"
        self.scratch = self.root / "tmp"
        self.remote = RemoteTakes(remote) if remote else None
        self.warn = warn or _warn
        self._sound: dict[str, tuple] = {}  # key -> the stat of its files when they last checked out, this process

    def folder(self, key: str) -> Path:
        return self.takes / key[:2] / key

    def has(self, key: str) -> bool:
        """Whether a sound take is here; a damaged one is evicted (and warned of), a take only in the remote store
        is fetched into this one first."""
        if (self.folder(key) / RECORD).is_file():
            problem = self.verify(key)
            if problem is None:
                return True
            self.evict(key, problem)
        return self.remote is not None and self.remote.fetch(key, self)

    def verify(self, key: str, full: bool = False) -> str | None:
        """What is wrong with the take `key` here, or None when it is sound.

        Cheap by default: the files' sizes against the record, and their sha256 only when a file's size, mtime
        or inode changed since it last matched. full: hash every file and decode the clip, counting its frames.
        """
        folder = self.folder(key)
        try:
            record = self.record(key)
        except LongcutError as error:
            return str(error)
        try:
            token = _stat_token(folder)
        except FileNotFoundError as error:
            return f"{Path(error.filename).name} is missing"
        if not full and (token == self._sound.get(key) or token == self._remembered(key)):
            self._sound[key] = token
            return None
        problem = check_files(folder, record, full)
        if problem is None:
            self._remember(key, token)
        return problem

    def evict(self, key: str, problem: str) -> None:
        """Take a damaged take out of the store (moved aside whole, then deleted) and say so."""
        folder = self.folder(key)
        shot = _shot_of(folder)
        if self.read_only:  # said, and left for a command that writes (render, status --verify) to remove
            self.warn(f"the take {key[:12]}{f' of shot `{shot}`' if shot else ''} is damaged ({problem}); "
                      "`longcut render` removes it and renders it again")
            return
        self._sound.pop(key, None)
        self._verified_note(key).unlink(missing_ok=True)
        self.scratch.mkdir(parents=True, exist_ok=True)
        aside = self.scratch / f"{key}-damaged.{os.getpid()}.{uuid.uuid4().hex[:8]}.{HOST}"
        try:
            os.rename(folder, aside)
        except FileNotFoundError:  # another process evicted it first
            return
        shutil.rmtree(aside, ignore_errors=True)
        self.warn(f"the take {key[:12]}{f' of shot `{shot}`' if shot else ''} was damaged ({problem}); it was "
                  "removed from the store and will be rendered again")

    def _verified_note(self, key: str) -> Path:
        return self.root / "verified" / key[:2] / key

    def _remembered(self, key: str) -> tuple | None:
        try:
            return tuple(json.loads(self._verified_note(key).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def _remember(self, key: str, token: tuple) -> None:
        self._sound[key] = token
        if self._remembered(key) != token:
            try:
                with atomic_path(self._verified_note(key)) as temporary:
                    temporary.write_text(json.dumps(token), encoding="utf-8")
            except OSError:
                if not self.read_only:
                    raise  # a command that only reads keeps this cache where it can, and goes on where it cannot

    @contextmanager
    def claim(self, key: str) -> Iterator[None]:
        """Hold the take `key` for this process while it makes it: another render of the same film waits here,
        then finds the take made. The kernel drops the lock when its process dies, so a dead holder never
        blocks anyone."""
        locks = self.root / "locks"
        locks.mkdir(parents=True, exist_ok=True)
        with open(locks / f"{key}.lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def scratch_folder(self, purpose: str):
        return scratch_folder(self.root, purpose)

    def clip(self, key: str) -> Path:
        return self.folder(key) / "clip.mp4"

    def record(self, key: str) -> TakeRecord:
        path = self.folder(key) / RECORD
        try:
            return read_record(path)
        except FileNotFoundError:
            raise LongcutError(f"no take {key[:12]} in the store at {self.root}",
                               hint="render it first: longcut render FILM") from None

    def last_frame(self, key: str) -> np.ndarray:
        self.has(key)  # a parent made on another machine comes from the remote store
        return read_png(self.folder(key) / "last.png")

    def first_frame(self, key: str) -> np.ndarray:
        return read_png(self.folder(key) / "first.png")

    def last_frames(self, key: str, count: int) -> tuple[np.ndarray, ...]:
        """Up to `count` of the take's last frames, lossless and oldest first (the last is last.png): as many as it
        kept (a take made by a backend that continues no motion kept only its last)."""
        last = self.last_frame(key)
        folder = self.folder(key)
        before = []
        for name in TAIL_FILES[:max(0, count - 1)]:
            if not (folder / name).is_file():
                break
            before.append(read_png(folder / name))
        return (*reversed(before), last)

    def keyframe(self, key: str) -> np.ndarray:
        self.has(key)  # a keyframe drawn on another machine comes from the remote store
        return read_png(self.folder(key) / KEYFRAME)

    def records(self, kind: str = SHOT) -> Iterator[TakeRecord]:
        """The records of every take of this kind (a shot's video, or a keyframe) in the store."""
        if not self.takes.is_dir():
            return
        for path in sorted(self.takes.glob(f"??/*/{RECORD}")):
            try:
                record = TakeRecord.from_json(json.loads(path.read_text(encoding="utf-8")))
            except (ValueError, TypeError):
                continue  # a damaged record is reported when that take is used, not while listing
            if record.kind == kind:
                yield record

    @contextmanager
    def writer(self, key: str) -> Iterator[Path]:
        """A fresh folder to write a take into; on success it becomes the take, on failure it is removed.

        Writing the same key twice (two workers, a retried shot) is harmless: the first complete
        take wins and the second is discarded, since equal keys mean equal inputs. With a remote
        store, the take is uploaded once it is in place here.
        """
        with self._assembled(key, self.remote.upload if self.remote else None) as folder:
            yield folder

    @contextmanager
    def _assembled(self, key: str, publish=None) -> Iterator[Path]:
        """A temporary folder in the store that is fsynced and renamed into place as the take `key`.

        publish(key, folder), when given, runs before the rename (the upload to a remote store): a take is
        in this store only once it is published, so a failed upload is never hidden by a local copy.
        """
        self.scratch.mkdir(parents=True, exist_ok=True)
        # Named by host and process: on a shared store only this host's dead processes are swept.
        temporary = self.scratch / f"{key}.{os.getpid()}.{uuid.uuid4().hex[:8]}.{HOST}"
        temporary.mkdir()
        try:
            yield temporary
            for path in temporary.iterdir():
                _fsync(path)
            if publish is not None:
                publish(key, temporary)
            final = self.folder(key)
            final.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.rename(temporary, final)  # atomic on one file system; fails if final exists
            except OSError:
                if not self.has(key):
                    raise
            else:
                _fsync(final.parent)
        finally:
            shutil.rmtree(temporary, ignore_errors=True)

    def _output_note(self, target: Path) -> Path:
        name = hashlib.sha256(str(Path(target).resolve()).encode()).hexdigest()[:16]
        return self.root / "outputs" / f"{name}.json"

    def output_is_current(self, target: Path, keys: list[str]) -> bool:
        """Whether target was last written from exactly these takes and has not been touched since."""
        note = self._output_note(target)
        if not (note.is_file() and Path(target).is_file()):
            return False
        try:
            data = json.loads(note.read_text(encoding="utf-8"))
        except ValueError:
            return False
        stat = Path(target).stat()
        return data == {"keys": keys, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}

    def note_output(self, target: Path, keys: list[str]) -> None:
        stat = Path(target).stat()
        with atomic_path(self._output_note(target)) as temporary:
            temporary.write_text(json.dumps({"keys": keys, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}))

    def sweep(self) -> int:
        """Remove what processes that no longer run left half-made: temporary folders of takes and cuts under
        tmp/, and temporary files of pieces and sounds (`atomic_path`'s). Only this host's are judged by their
        process (any host's after a week): another host's process cannot be seen from here, so on a shared
        store they may be a take being written right now. Returns how many were removed.
        """
        removed = 0
        if self.scratch.is_dir():
            for folder in self.scratch.iterdir():
                parts = folder.name.split(".", 3)  # name.pid.random.host (a host name may hold dots)
                pid = int(parts[1]) if len(parts) == 4 and parts[1].isdigit() else None
                here = len(parts) == 4 and parts[3] == HOST
                if _older_than_a_week(folder) or (here and (pid is None or not process_alive(pid))):
                    shutil.rmtree(folder, ignore_errors=True)
                    removed += 1
        for cache in ("pieces", "audio", "verified", "measures", "graded", "proxies"):
            for path in (self.root / cache).glob("**/.*.tmp*"):
                if is_stale_temporary(path) or _older_than_a_week(path):
                    path.unlink(missing_ok=True)
                    removed += 1
        return removed


class RemoteTakes:
    """Takes in object storage (s3://, gs://, az://: any fsspec URL), laid out as in a local store.

    A take is uploaded file by file with take.json last, and is seen only once take.json exists: on
    object storage each object appears whole, so a take appears only when complete. Readers fetch
    a take into their local store (a temporary folder renamed into place, as for a rendered take)
    and use it from there: ffmpeg reads local files. fsspec's transactions are not used: locally they
    stage files in the system temp folder and move them across file systems, which is not atomic.
    """

    def __init__(self, url: str) -> None:
        try:
            from fsspec.core import url_to_fs

            self.fs, self.base = url_to_fs(url)
        except ImportError as error:
            raise LongcutError(f"the take store {url} needs a package that is not installed: {error}",
                               hint="pip install 'longcut[cloud]' (fsspec and s3fs; gcsfs or adlfs for gs:// "
                                    "or az://)") from None
        except ValueError as error:
            raise LongcutError(f"the take store {url} is not a storage URL fsspec knows: {error}",
                               hint="e.g. s3://bucket/films/keeper, or a folder path") from None
        self.url = url
        self.local = "file" in ((self.fs.protocol,) if isinstance(self.fs.protocol, str) else self.fs.protocol)

    def _path(self, key: str, name: str) -> str:
        return f"{self.base.rstrip('/')}/takes/{key[:2]}/{key}/{name}"

    def has(self, key: str) -> bool:
        path = self._path(key, RECORD)
        self.fs.invalidate_cache(path)  # another machine may have uploaded it since this one last looked
        return self.fs.exists(path)

    def upload(self, key: str, folder: Path) -> None:
        with self._reporting(f"upload the take {key[:12]} to"):
            if self.has(key):  # equal keys, equal takes: the first upload stands
                return
            if self.local:  # object storage has no folders; its makedirs would create a bucket from a typo
                self.fs.makedirs(self._path(key, "").rstrip("/"), exist_ok=True)
            for name in take_files(folder) + [RECORD]:  # the record last: it marks the take complete
                self.fs.put_file(str(folder / name), self._path(key, name))

    def fetch(self, key: str, store: TakeStore) -> bool:
        """Copy the take into the local store; False when the remote store has no sound, complete take of it.

        A take whose files do not match its record is damaged in the remote store: its record is deleted there
        (so it is seen as missing, rendered again and uploaded anew), and the store is warned.
        """
        with self._reporting(f"fetch the take {key[:12]} from"):
            if not self.has(key):
                return False
            try:
                with store._assembled(key) as folder:
                    self.fs.get_file(self._path(key, RECORD), str(folder / RECORD))
                    record = read_record(folder / RECORD)
                    for name in record_files(record):
                        self.fs.get_file(self._path(key, name), str(folder / name))
                    problem = check_files(folder, record)
                    if problem is not None:
                        raise _Damaged(problem)
            except _Damaged as damaged:
                self.fs.rm_file(self._path(key, RECORD))
                store.warn(f"the take {key[:12]} in {self.url} was damaged ({damaged}); it was removed there "
                           "and will be rendered again")
                return False
        return True

    @contextmanager
    def _reporting(self, what: str) -> Iterator[None]:
        """A storage failure (network, credentials, a missing bucket) as a message, not a traceback."""
        try:
            yield
        except LongcutError:
            raise
        except Exception as error:  # each fsspec backend raises its own kinds (OSError, botocore's, ...)
            raise StepFailed(f"could not {what} {self.url}: {type(error).__name__}: {error}",
                             hint="check the storage's credentials and endpoint (e.g. AWS_ENDPOINT_URL) and that "
                                  "the bucket exists; every take already made is kept") from None


def machine_folder(name: str) -> Path:
    """A folder of longcut's on this machine, outside any film's store: a cluster worker's mirror of a remote store,
    the locks of the cores its workers hold. $XDG_CACHE_HOME/longcut/NAME, else ~/.cache/longcut/NAME (never the
    system's /tmp, which another user can fill or claim first); made when missing."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = base / "longcut" / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def scratch_folder(store_root: Path, purpose: str) -> Iterator[Path]:
    """A temporary folder inside the store (never the system's: a two-hour mix is gigabytes), removed after use
    and swept by TakeStore.sweep after a kill. purpose: a word without dots."""
    scratch = Path(store_root) / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    folder = scratch / f"{purpose}.{os.getpid()}.{uuid.uuid4().hex[:8]}.{HOST}"
    folder.mkdir()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class _Damaged(Exception):
    """A fetched take's files do not match its record (the message says how)."""


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
    if (folder / KEYFRAME).is_file():
        return [KEYFRAME]
    return [*FILES, *(name for name in OPTIONAL_FILES if (folder / name).is_file())]


def record_files(record: TakeRecord) -> list[str]:
    """The files a take holds besides its record, by its kind: a keyframe's KEYFRAME; a shot's FILES and those of
    OPTIONAL_FILES its record names. Never a name read from the record alone: a record from a shared or remote
    store names no path to read or write."""
    if record.kind == KEYFRAME_KIND:
        return [KEYFRAME]
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


def _stat_token(folder: Path) -> tuple:
    """What changes when a file is written to or replaced: size, mtime and inode of each of a take's files."""
    token = []
    for name in take_files(folder):
        stat = (folder / name).stat()
        token += [stat.st_size, stat.st_mtime_ns, stat.st_ino]
    return tuple(token)


def _shot_of(folder: Path) -> str | None:
    try:
        return read_record(folder / RECORD).shot
    except (OSError, LongcutError):
        return None


def _older_than_a_week(path: Path) -> bool:
    try:
        return time.time() - path.stat().st_mtime > 7 * 24 * 3600
    except FileNotFoundError:
        return False


def write_record(folder: Path, record: TakeRecord) -> None:
    (folder / RECORD).write_text(json.dumps(asdict(record), indent=2, sort_keys=True) + "\n", encoding="utf-8")


def write_png(path: Path, frame: np.ndarray) -> None:
    Image.fromarray(frame).save(path, compress_level=1)


def read_png(path: Path) -> np.ndarray:
    try:
        with Image.open(path) as image:
            return np.asarray(image.convert("RGB"))
    except FileNotFoundError:
        raise LongcutError(f"a take's frame {path} is missing", hint=f"delete {path.parent} and render again") from None


def _fsync(path: Path) -> None:
    flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0)
    descriptor = os.open(path, flags)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_sound(path: Path, samples: np.ndarray, rate: int) -> None:
    """A take's sound, (channels, n) float, as a 16-bit WAV at the model's own rate (the mixer resamples)."""
    pcm = np.round(np.clip(samples.T, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(samples.shape[0])
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
