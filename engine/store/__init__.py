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

    records.py  a take's record, read, written and checked against its files
    remote.py   a store in object storage (s3://, gs://, az://), mirrored here
    speech.py   the lines the scratch voices spoke, kept by key, and a film's lines spoken before its cut
    files.py    frames as PNG, a take's sound, scratch folders in the store, this machine's own folder
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from ..atomic import atomic_path, is_stale_temporary, process_alive
from ..errors import LongcutError
from .files import HOST, fsync_file, machine_folder, read_png, scratch_folder, write_png, write_sound
from .records import (FILES, FOOTAGE, GIVEN, KEYFRAME, KEYFRAME_KIND, MAX_CONTEXT, OPTIONAL_FILES, RECORD, SHOT, SOUND,
                      TAIL_FILES, TakeRecord, check_files, file_digests, read_record, take_files,
                      write_record)
from .remote import RemoteTakes

__all__ = ["FILES", "FOOTAGE", "GIVEN", "HOST", "KEYFRAME", "KEYFRAME_KIND", "MAX_CONTEXT", "OPTIONAL_FILES", "RECORD", "SHOT",
           "SOUND", "TAIL_FILES", "RemoteTakes", "TakeRecord", "TakeStore", "file_digests", "machine_folder",
           "read_png", "scratch_folder", "write_png", "write_record", "write_sound"]



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
        self.made_in_one_take: set[str] = set()  # takes this process made in a chain's generation, not yet handed on

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

    def sound(self, key: str) -> Path | None:
        """The sound the model made with the take (LTX-2), where it made any."""
        path = self.folder(key) / SOUND
        return path if path.is_file() else None

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
        return self._ending_on(key, "last.png", count)

    def _ending_on(self, key: str, name: str, count: int) -> tuple[np.ndarray, ...]:
        self.has(key)  # made on another machine: it comes from the remote store
        folder = self.folder(key)
        last = read_png(folder / name)
        before = []
        for tail in TAIL_FILES[:max(0, count - 1)]:
            if not (folder / tail).is_file():
                break
            before.append(read_png(folder / tail))
        return (*reversed(before), last)

    def keyframe(self, key: str) -> np.ndarray:
        self.has(key)  # a keyframe drawn on another machine comes from the remote store
        return read_png(self.folder(key) / KEYFRAME)

    def keyframe_frames(self, key: str, count: int) -> tuple[np.ndarray, ...]:
        """Up to `count` frames ending on the keyframe, oldest first: a clip given to continue from kept its last
        frames; any other keyframe is one frame."""
        return self._ending_on(key, KEYFRAME, count)

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
        with self.assembled(key, self.remote.upload if self.remote else None) as folder:
            yield folder

    @contextmanager
    def assembled(self, key: str, publish=None) -> Iterator[Path]:
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
                fsync_file(path)
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
                fsync_file(final.parent)
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


