"""Where a command may write what a person asked for (`--out`): never over a file the film reads, never into
the take store, never a folder or a device, and never a chain of new folders made from a typo.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from longcut.storyboard import Screenplay
from longcut.storyboard.files import FileRefused, resolved

from .atomic import can_write, staged_folder
from .errors import LongcutError, refused


def inputs_of(screenplay: Screenplay, store_root: Path | None = None, lock: Path | None = None) -> dict[Path, str]:
    """Every file a film's commands read, resolved, with what it is."""
    files = screenplay.files_read()
    if lock is not None:
        files[Path(lock).resolve()] = "the film's lock file (the takes the cut uses)"
    if store_root is not None:
        files[Path(store_root).resolve()] = "the take store"
    return files


def output_path(path: Path, inputs: dict[Path, str], option: str = "--out") -> Path:
    """path, checked as a file a command may (over)write; its folder is made when only that last level is missing.

    Refused (exit 2, with a hint): a file the film reads, anything inside the take store, an existing folder,
    something that is not a regular file (/dev/null, a FIFO), a folder that cannot be written to, and a path
    whose folder's folder is missing too (`/nonexistent_dir/x.mp4` is more likely a typo than a wish).
    """
    path = Path(path)
    resolved = resolve_path(path, option)
    if resolved.is_dir():
        raise LongcutError(f"{option} {path} is a folder", hint="give the path of a file, such as a name inside it")
    if resolved.exists() and not resolved.is_file():
        raise LongcutError(f"{option} {path} is not a regular file (a device or a pipe)",
                           hint="give the path of a file to write")
    for source, what in inputs.items():
        inside = source.is_dir() and source in resolved.parents  # the store: its takes and caches
        if resolved == source or inside or _same_file(resolved, source):
            raise LongcutError(f"{option} {path} is {'inside ' if inside else ''}{what}, which longcut reads: writing "
                               "there would destroy it", hint="choose another name for the output")
    folder = resolved.parent
    if not folder.exists():
        if not folder.parent.is_dir():
            raise LongcutError(f"{option} {path}: the folder {folder.parent} does not exist",
                               hint="create the folder first, or check the path for a typo")
        try:
            folder.mkdir()
        except OSError as error:
            raise LongcutError(f"{option} {path}: cannot create the folder {folder}: {error.strerror}",
                               hint="choose a folder you can write to") from None
    elif not folder.is_dir():
        raise LongcutError(f"{option} {path}: {folder} is a file, not a folder", hint="check the path")
    if not can_write(folder):
        raise LongcutError(f"{option} {path}: the folder {folder} cannot be written to",
                           hint="choose a folder you can write to")
    return path


def owned_folder(folder: Path, inputs: dict[Path, str], marker: str, option: str) -> Path:
    """folder, checked as one longcut may replace whole: not holding or inside a file the film reads, not a file,
    and, where it exists and is not empty, written by longcut before (it holds `marker`): so a folder of someone
    else's is never emptied."""
    folder = Path(folder)
    resolved = resolve_path(folder, option)
    for source, what in inputs.items():
        if resolved == source or source in resolved.parents or resolved in source.parents:
            raise LongcutError(f"{option} {folder} would hold or be inside {what}, which longcut reads",
                               hint="choose a new folder, outside the film's own files")
    if resolved.exists() and not resolved.is_dir():
        raise LongcutError(f"{option} {folder} is a file", hint="give the path of a folder to write into")
    if resolved.is_dir() and any(resolved.iterdir()) and not (resolved / marker).is_file():
        raise LongcutError(f"{option} {folder} is a folder that longcut did not write, and it is not empty",
                           hint="choose a new or empty folder: longcut replaces the folder's contents")
    if not resolved.parent.is_dir():
        raise LongcutError(f"{option} {folder}: the folder {resolved.parent} does not exist",
                           hint="create it first, or check the path for a typo")
    return resolved


@contextmanager
def replaced_folder(target: Path, marker: str, note: str) -> Iterator[Path]:
    """A new folder beside target to fill; on success it is marked as longcut's and moved into place whole (the
    old one removed), on failure removed. target must have passed owned_folder."""
    with staged_folder(target.parent, target.name) as work:
        yield work
        (work / marker).write_text(note + "\n", encoding="utf-8")
        os.chmod(work, 0o755)
        if target.exists():
            shutil.rmtree(target)
        os.replace(work, target)


def resolve_path(path: Path, option: str) -> Path:
    """The path resolved; a symlink loop is a LongcutError naming the option, not a traceback."""
    try:
        return resolved(path, option)
    except FileRefused as error:
        raise refused(error) from None


def _same_file(one: Path, other: Path) -> bool:
    """A hard link or another name of the same file."""
    try:
        return one.exists() and other.exists() and os.path.samefile(one, other)
    except OSError:
        return False
