"""What the review page plays and shows: small H.264 proxies of the takes and the film, and thumbnails.

A proxy is made once per take (by its key) or per version of the film (its size and mtime), kept in the store
under `proxies/`, and written atomically, so two pages (or a page and a render) never see half of one. A picture
no taller than PROXY_HEIGHT is its own proxy: a take is already H.264 with a keyframe every half second, no
B-frames and its index first (+faststart), which is what a browser needs to seek to a frame at once.
Proxies keep every frame at its time (no rate change), so the page's frame numbers are the film's.
"""

from __future__ import annotations

import hashlib
import json
import os
from fractions import Fraction
from pathlib import Path

from PIL import Image

from ..atomic import atomic_path
from .ffmpeg import ffmpeg_exe, gop_frames, run

PROXY_VERSION = "1"
PROXY_HEIGHT = 360
THUMB_WIDTH = 320


def proxies_folder(store_root: Path) -> Path:
    return Path(store_root) / "proxies"


KEPT_FILMS = 3  # versions of the film a page may still be playing while a new cut lands


def film_version(film: Path, stat: os.stat_result | None = None) -> str:
    """A key for one version of a delivered film: its name, size and modification time."""
    stat = stat or Path(film).stat()
    spec = {"proxy": PROXY_VERSION, "film": str(Path(film).resolve()), "bytes": stat.st_size, "mtime": stat.st_mtime_ns}
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()


def kept_film(film: Path, version: str, store_root: Path) -> Path | None:
    """A film small enough to be its own proxy, as the page plays it: a hard link to that version's file in the
    store, so a page still playing it (or still asking for its ranges) is served it after a new cut replaced the
    film, never a 404 halfway. The last KEPT_FILMS versions are kept. None: this version is gone (not linked before
    it was replaced); the film itself where the store is on another file system."""
    folder = proxies_folder(store_root) / "films"
    target = folder / f"{version}.mp4"
    if target.is_file():
        return target
    if not film.is_file() or film_version(film) != version:
        return None
    try:
        with atomic_path(target) as staged:  # a link left by a killed process is swept like any temporary
            os.link(film, staged)
            if film_version(film, os.stat(staged)) != version:  # replaced between the look and the link
                raise _Replaced
    except _Replaced:
        return None
    except OSError:  # another file system: the film itself, as before
        return film
    for old in _kept_versions(folder)[:-KEPT_FILMS]:
        old.unlink(missing_ok=True)
    return target


def _kept_versions(folder: Path) -> list[Path]:
    """The kept versions, oldest first: not the temporaries of links being made, and not one that another request
    removed between the listing and its stat (a failure there would make that request a 404)."""
    kept = []
    for path in folder.glob("[0-9a-f]*.mp4"):
        try:
            kept.append((path.stat().st_mtime_ns, path.name, path))
        except FileNotFoundError:
            continue
    return [path for *_, path in sorted(kept)]


class _Replaced(Exception):
    """The film was cut again while it was being linked: the version asked for is gone."""


def proxy(source: Path, key: str, height: int, fps: Fraction, store_root: Path) -> Path:
    """The file to play for `source` (keyed by `key`): itself when small enough, else its proxy (made if missing)."""
    if height <= PROXY_HEIGHT:
        return source
    target = proxy_path(key, store_root)
    if not target.is_file():
        gop = gop_frames(fps)
        with atomic_path(target) as temporary:
            run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(source),
                 "-vf", f"scale=-2:{PROXY_HEIGHT}:flags=bicubic", "-c:v", "libx264", "-preset", "veryfast", "-crf", "26",
                 "-pix_fmt", "yuv420p", "-g", str(gop), "-bf", "0", "-x264-params", f"keyint={gop}:scenecut=0",
                 "-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart", str(temporary)],
                f"make a review proxy of {source.name}")
    return target


def proxy_path(key: str, store_root: Path) -> Path:
    return proxies_folder(store_root) / key[:2] / f"{key}-{PROXY_VERSION}.mp4"


def thumbnail(first_frame: Path, key: str, store_root: Path) -> Path:
    """A JPEG of a take's first frame (clean: no captions), THUMB_WIDTH wide, made once per take."""
    target = proxies_folder(store_root) / "thumbs" / key[:2] / f"{key}-{PROXY_VERSION}.jpg"
    if not target.is_file():
        with Image.open(first_frame) as image:
            image = image.convert("RGB")
            image.thumbnail((THUMB_WIDTH, THUMB_WIDTH * 4), Image.Resampling.LANCZOS)
            with atomic_path(target) as temporary:
                image.save(temporary, "JPEG", quality=85)
    return target
