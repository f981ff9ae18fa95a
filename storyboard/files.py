"""Reading the files a film folder and a take store hold: all of them are untrusted input.

A film folder may come from someone else (it travels whole: YAML, lock file, cut record, review file, the
store's records). So every file longcut reads from one is read here:

- resolved first, with a symlink loop said as an error, not a traceback (`resolved`);
- opened without blocking and checked to be a regular file (a FIFO or a device such as /dev/zero is refused),
  then read up to a limit, never without bound (`read_bytes`, `read_text`);
- and a path that a record names is used only where it lies inside the folders the command trusts: the film's
  folder and its take store (`confined`).

The one exception type, FileRefused, carries the file, what it is and a hint; the front ends print it as a
bad input (exit status 2).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

MiB = 1024 * 1024
# Limits far above what a film needs (the 10,000-shot test film's YAML is 1.4 MB; its cut record 9 MB), far
# below what would hurt a machine to hold.
SCREENPLAY_LIMIT = 32 * MiB  # one YAML file, a Fountain or Final Draft script, an own-terms list
RECORD_LIMIT = 256 * MiB  # a cut record, a continuity report, a lock file, a review file
TAKE_RECORD_LIMIT = 4 * MiB  # a take's record.json in the store


class FileRefused(Exception):
    """A file longcut will not read (or a path it will not follow), said as what it is and what to do."""

    def __init__(self, message: str, path: Path | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.hint = hint


def _symlink_loop(path: Path | str, what: str) -> FileRefused:
    return FileRefused(f"{what} {path} is a symlink loop", Path(path),
                       hint="point the link at a real file, or remove it")


def _too_large(path: Path, what: str, limit: int, size: int | None = None) -> FileRefused:
    told = f"is {_size(size)}, over" if size is not None else "is over"
    return FileRefused(f"{what} {path} {told} the {_size(limit)} longcut reads of it", path,
                       hint="this is not a file longcut wrote or a screenplay a person wrote; remove it or give "
                            "another")


def resolved(path: Path | str, what: str = "the file") -> Path:
    """The absolute path with symlinks followed; a symlink loop (or a chain too long to follow) is FileRefused."""
    try:
        return Path(path).resolve()
    except RuntimeError:  # Python before 3.13 raises RuntimeError("Symlink loop from ...")
        raise _symlink_loop(path, what) from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise _symlink_loop(path, what) from None
        raise


def is_symlink_loop(path: Path) -> bool:
    try:
        resolved(path)
    except FileRefused:
        return True
    return False


def read_bytes(path: Path | str, limit: int, what: str = "the file") -> bytes:
    """The bytes of a regular file of at most `limit` bytes. A folder, a FIFO, a socket or a device, a file over
    the limit (however its size is reported: /proc files say 0) and a symlink loop are FileRefused; a missing
    file is FileNotFoundError, as open() says it."""
    path = Path(path)
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise _symlink_loop(path, what) from None
        if error.errno == errno.EISDIR:
            raise FileRefused(f"{what} {path} is a folder", path, hint="give the path of a file") from None
        raise
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a pipe, a socket or a device)"
            raise FileRefused(f"{what} {path} is {kind}", path, hint="give the path of a regular file")
        if info.st_size > limit:
            raise _too_large(path, what, limit, info.st_size)
        data = handle.read(limit + 1)
    if len(data) > limit:  # a file whose size is not what it holds (/proc's say 0)
        raise _too_large(path, what, limit)
    return data


def read_text(path: Path | str, limit: int, what: str = "the file", encoding: str = "utf-8") -> str:
    """read_bytes, decoded (UnicodeDecodeError is the caller's to say, with the file's place)."""
    return read_bytes(path, limit, what).decode(encoding)


def is_inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def confined(path: Path | str, roots: Iterable[Path], what: str) -> Path:
    """`path` (as a record names it, relative paths already joined to the record's folder), resolved, if it lies
    inside one of `roots` (resolved too); else FileRefused. Links are followed first, so a link inside a film
    folder that points out of it is refused as well."""
    target = resolved(path, what)
    folders = [resolved(root) for root in roots]
    if any(is_inside(target, folder) for folder in folders):
        return target
    names = " or ".join(str(folder) for folder in folders)
    raise FileRefused(f"{what} names {path}, outside {names}", Path(path),
                      hint="a record in a film folder may only name files in that folder or its take store; cut "
                           "the film again to write a new one")


def _size(count: int) -> str:
    return f"{count / MiB:.0f} MiB" if count >= MiB else f"{count:,} bytes"
