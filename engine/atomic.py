"""Writing files so that a reader never sees half of one: a temporary name beside the target, then rename. With the
store's scratch folders (engine.store), the only place longcut makes temporary files: never the system's /tmp.

A temporary file names the process and host that write it, and the writing thread (`.film.4242-1a2b3c4d-7.tmp.mp4`),
so one left by a killed process is recognised and removed (by the next write of the same target, and by the
store's sweep), and two threads of one process writing the same target at once (the review server's requests
noting one take verified) never share a temporary file: the last rename wins, whole.
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
import shutil
import socket
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HOST_TAG = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]
_TEMPORARY = re.compile(r"\.(?P<pid>\d+)-(?P<host>[0-9a-f]{8})(?:-\d+)?\.tmp")


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path in target's folder; on success fsync it and rename it over target.

    On any failure (or interruption) the temporary file is removed and target is left as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _sweep_siblings(target)
    # Keep the suffix last: writers such as Pillow and ffmpeg choose the format by it.
    thread = threading.get_native_id()
    temporary = target.with_name(f".{target.stem}.{os.getpid()}-{HOST_TAG}-{thread}.tmp{target.suffix}")
    try:
        yield temporary
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as error:
        if error.filename is None:  # a write's "No space left on device" names no file: say which one it was
            raise OSError(error.errno, error.strerror or str(error), str(target)) from error
        raise
    finally:
        temporary.unlink(missing_ok=True)


@contextmanager
def staged_folder(parent: Path, name: str) -> Iterator[Path]:
    """A new hidden folder in `parent` to fill and then move into place whole (a new film, an imported script, a
    static copy); whatever is still in it on the way out is removed, so a failure leaves nothing half-made."""
    folder = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def can_write(folder: Path) -> bool:
    """Whether a file can be made in folder: tried, since permission bits do not tell (root, read-only mounts,
    sysfs)."""
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".longcut-probe-"):
            return True
    except OSError:
        return False


def is_stale_temporary(path: Path) -> bool:
    """Whether path is a temporary file of atomic_path's whose process, on this host, no longer runs."""
    match = _TEMPORARY.search(path.name)
    return bool(match) and match["host"] == HOST_TAG and not process_alive(int(match["pid"]))


def _sweep_siblings(target: Path) -> None:
    """Remove what killed processes left while writing this same target."""
    for path in target.parent.glob(f".{glob.escape(target.stem)}.*.tmp{glob.escape(target.suffix)}"):
        if is_stale_temporary(path):
            path.unlink(missing_ok=True)


def process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # no such process; no process can have a pid that large
        return False
    except PermissionError:
        return True
    return True
