"""The take store: every take written once under its cache key, atomically, as DVC keeps its run cache.

    <store>/takes/ab/abcdef.../clip.mp4    the shot, encoded for editing
                              first.png   its first frame, lossless
                              last.png    its last frame, lossless: the next shot starts on it
                              take.json   what made it (prompt, seed, backend, model, frames, time taken)

A take is assembled in a temporary folder inside the store and renamed into place in one step, so
a reader (or a render killed mid-shot and started again) never sees half of one. Temporary folders
of processes that died are swept up on the next run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from .errors import LongcutError, StepFailed

RECORD = "take.json"
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

    @classmethod
    def from_json(cls, data: dict) -> TakeRecord:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**known)


class TakeStore:
    """Takes in a local (or shared: NFS) folder; with `remote`, also in object storage, mirrored here."""

    def __init__(self, root: Path, remote: str | None = None) -> None:
        self.root = Path(root)
        self.takes = self.root / "takes"
        self.scratch = self.root / "tmp"
        self.remote = RemoteTakes(remote) if remote else None

    def folder(self, key: str) -> Path:
        return self.takes / key[:2] / key

    def has(self, key: str) -> bool:
        """Whether the take is here; a take only in the remote store is fetched into this one first."""
        if (self.folder(key) / RECORD).is_file():
            return True
        return self.remote is not None and self.remote.fetch(key, self)

    def clip(self, key: str) -> Path:
        return self.folder(key) / "clip.mp4"

    def record(self, key: str) -> TakeRecord:
        path = self.folder(key) / RECORD
        try:
            return TakeRecord.from_json(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise LongcutError(f"no take {key[:12]} in the store at {self.root}",
                               hint="render it first: longcut render FILM") from None
        except (ValueError, TypeError) as error:
            raise LongcutError(f"the take record {path} is damaged ({error})",
                               hint=f"delete the folder {path.parent} and render again") from None

    def last_frame(self, key: str) -> np.ndarray:
        self.has(key)  # a parent made on another machine comes from the remote store
        return _read_png(self.folder(key) / "last.png")

    def first_frame(self, key: str) -> np.ndarray:
        return _read_png(self.folder(key) / "first.png")

    def records(self) -> Iterator[TakeRecord]:
        if not self.takes.is_dir():
            return
        for path in sorted(self.takes.glob(f"??/*/{RECORD}")):
            try:
                yield TakeRecord.from_json(json.loads(path.read_text(encoding="utf-8")))
            except (ValueError, TypeError):
                continue  # a damaged record is reported when that take is used, not while listing

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
        from .atomic import atomic_path

        stat = Path(target).stat()
        with atomic_path(self._output_note(target)) as temporary:
            temporary.write_text(json.dumps({"keys": keys, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}))

    def sweep(self) -> int:
        """Remove temporary folders left by this host's processes that no longer run (any host's after a week).

        Another host's process cannot be seen from here, so its folders are left alone: on a shared store
        they may be a take being written right now. Returns how many were removed.
        """
        if not self.scratch.is_dir():
            return 0
        removed = 0
        for folder in self.scratch.iterdir():
            parts = folder.name.split(".", 3)  # key.pid.random.host (a host name may hold dots)
            pid = int(parts[1]) if len(parts) == 4 and parts[1].isdigit() else None
            here = len(parts) == 4 and parts[3] == HOST
            old = time.time() - folder.stat().st_mtime > 7 * 24 * 3600
            stale = old or (here and (pid is None or not _alive(pid)))
            if stale:
                shutil.rmtree(folder, ignore_errors=True)
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

    FILES = ("clip.mp4", "first.png", "last.png", RECORD)  # the record last: it marks the take complete

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
            for name in self.FILES:
                self.fs.put_file(str(folder / name), self._path(key, name))

    def fetch(self, key: str, store: TakeStore) -> bool:
        """Copy the take into the local store; False when the remote store has no complete take of it."""
        with self._reporting(f"fetch the take {key[:12]} from"):
            if not self.has(key):
                return False
            with store._assembled(key) as folder:
                for name in self.FILES:
                    self.fs.get_file(self._path(key, name), str(folder / name))
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


def write_record(folder: Path, record: TakeRecord) -> None:
    (folder / RECORD).write_text(json.dumps(asdict(record), indent=2, sort_keys=True) + "\n", encoding="utf-8")


def write_png(path: Path, frame: np.ndarray) -> None:
    Image.fromarray(frame).save(path, compress_level=1)


def _read_png(path: Path) -> np.ndarray:
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


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
