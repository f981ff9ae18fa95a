"""`longcut render FILM --watch`: on every save of the film, a scene file, a reference image or a sound, check
the screenplay, render what changed and cut again; a problem is printed and the watch goes on.

Files are watched with watchfiles (Rust's notify underneath: inotify here, FSEvents and ReadDirectoryChangesW
elsewhere), chosen over watchdog for its debouncing: an editor that saves several files, or writes a
temporary file and renames it over the old one, makes one rebuild, not several.
"""

from __future__ import annotations

import logging

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import watchfiles

from longcut.storyboard.files import FileRefused, resolved

SCREENPLAY_SUFFIXES = (".yaml", ".yml")
DEBOUNCE_MS = 300  # changes this close together are one rebuild


class FilmFiles(watchfiles.DefaultFilter):
    """The changes that matter to a film: its YAML files under its folder, and the media it names (wherever they
    are); never what longcut itself writes (the store, the film, its subtitles, cut and lock files)."""

    def __init__(self, folder: Path, media: set[Path]) -> None:
        super().__init__()
        self.folder = resolved(folder)
        self.store = self.folder / ".longcut"
        self.media = media

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        try:
            file = resolved(path)
        except FileRefused:  # a symlink loop somewhere in the folder is nothing of the film's: the watch goes on
            return False
        if file in self.media:
            return True
        if self.store in file.parents or not super().__call__(change, path):
            return False
        return self.folder in file.parents and file.suffix.lower() in SCREENPLAY_SUFFIXES

    def watched(self) -> list[Path]:
        """The folders to watch: the film's, and each folder outside it that holds one of its media files."""
        outside = {path.parent for path in self.media if self.folder not in path.parents}
        return [self.folder, *sorted(folder for folder in outside if folder.is_dir())]


def changes(films: FilmFiles, stop: threading.Event | None = None, debounce_ms: int = DEBOUNCE_MS,
            ready: Callable[[], None] | None = None) -> Iterator[set[Path]]:
    """Each batch of changed files that matter, as they come; ends when stop is set (or on Ctrl-C).

    ready() is called once the watcher runs (a save from then on is seen), and again after each batch."""
    waiting = True
    # Ctrl-C ends the watch: the command says so in its own words, not with the library's log line
    logging.getLogger("watchfiles.main").setLevel(logging.ERROR)
    for batch in watchfiles.watch(*films.watched(), watch_filter=films, debounce=debounce_ms, step=50,
                                  stop_event=stop, raise_interrupt=False, rust_timeout=200, yield_on_timeout=True):
        if batch:
            yield {Path(path) for _, path in batch}
            waiting = True
        if waiting and ready is not None:  # an empty batch is the watcher saying it has been listening a while
            ready()
        waiting = False


def watch(films: FilmFiles, rebuild: Callable[[set[Path]], set[Path] | None], stop: threading.Event | None = None,
          debounce_ms: int = DEBOUNCE_MS, ready: Callable[[], None] | None = None) -> None:
    """Call rebuild(changed) after each batch of changes, until stop is set (or Ctrl-C). rebuild returns the media
    the film now names (a new reference or sound is watched from then on), or None to keep the same ones."""
    while True:
        folders = films.watched()
        for changed in changes(films, stop, debounce_ms, ready):
            media = rebuild(changed)
            if media is not None:
                films.media = media
                if films.watched() != folders:
                    break  # a media file in a folder not yet watched: watch again, with it
        else:
            return
