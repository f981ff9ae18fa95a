"""Files of the store that are not records: frames as lossless PNGs, a take's sound as WAV, scratch folders inside
the store, and this machine's own folder for what belongs to no film."""

from __future__ import annotations

import os
import shutil
import socket
import uuid
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from PIL import Image

from ..errors import LongcutError

HOST = socket.gethostname()


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


def write_png(path: Path, frame: np.ndarray) -> None:
    Image.fromarray(frame).save(path, compress_level=1)


def read_png(path: Path) -> np.ndarray:
    try:
        with Image.open(path) as image:
            return np.asarray(image.convert("RGB"))
    except FileNotFoundError:
        raise LongcutError(f"a take's frame {path} is missing", hint=f"delete {path.parent} and render again") from None


def fsync_file(path: Path) -> None:
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
