"""Notes on frames, checked against the film and its takes, put on the cut as markers, and taken back from a
static copy (`longcut review FILM --import FILE`).

A static copy (engine.review.static) has no server to save to: its page keeps the notes written in it and
exports them as a file, which a reviewer sends back. Each note there gets its id from its content, so importing
the same file twice adds nothing the second time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from longcut.storyboard.files import MiB, FileRefused, read_text

from ..errors import LongcutError, refused
from ..review.decisions import AUTHOR_LIMIT, Note, NoteRequest, Review, ReviewModel, note_markers
from ..timeline import Cut
from .project import Project

NOTES_FILE_VERSION = 1
NOTES_FILE_LIMIT = 5000  # notes in one file
NOTES_FILE_BYTES = 16 * MiB


class CopiedNote(NoteRequest):
    """A note as a static copy's page writes it: what the server's page sends, and when and by whom."""

    at: str = Field(default="", max_length=40)
    author: str = Field(default="", max_length=AUTHOR_LIMIT)


class NotesFile(ReviewModel):
    longcut_notes: Literal[1] = NOTES_FILE_VERSION
    film: str = Field(default="", max_length=1000)  # the film's title, as the copy showed it
    film_version: str = Field(default="", max_length=64)  # the cut the copy showed (engine.media.proxy.film_version)
    notes: list[CopiedNote] = Field(max_length=NOTES_FILE_LIMIT)


@dataclasses.dataclass
class Imported:
    added: int
    known: int  # in the review file already (imported before)
    warnings: list[str]


def check_film_frame(project: Project, frame: int) -> Cut:
    """A note on the film is at one of the film's frames (as last cut); returns that cut."""
    cut = project.last_cut()
    if cut is None:
        raise LongcutError("the film has not been cut yet: a note on the film needs its frames",
                           hint=f"cut it first: longcut cut {project.screenplay.path.name}")
    if frame >= cut.timeline.total_frames:
        raise LongcutError(f"frame {frame} is past the film's end (it has {cut.timeline.total_frames} frames, "
                           f"0 to {cut.timeline.total_frames - 1})")
    return cut


def check_take_frame(project: Project, shot: str, take: int, frame: int) -> None:
    """A note on a take is on a take that is made, at one of its frames."""
    made = [record for record in project.takes(shot) if record.take == take]
    if not made:
        raise LongcutError(f"shot `{shot}` has no take {take}")
    frames = max(record.frames for record in made)
    if frame >= frames:
        raise LongcutError(f"frame {frame} is past the end of take {take} of shot `{shot}` (it has {frames} frames, "
                           f"0 to {frames - 1})")


def check_note_place(project: Project, on: str, shot: str | None, take: int | None, frame: int) -> Cut | None:
    """A note's shot, take and frame, checked; the cut for a note on the film."""
    if on == "take":
        if shot is None or take is None:
            raise LongcutError("a note on a take names its shot and take")
        check_take_frame(project, project.shot(shot), take, frame)
        return None
    if shot is not None or take is not None:
        raise LongcutError("a note on the film names no shot or take: its frame is the film's")
    return check_film_frame(project, frame)


def mark_the_cut(project: Project, review: Review, cut: Cut | None = None) -> None:
    """The notes on the saved Cut (read here unless given) as markers at once, so an export made now carries them
    (a record of another film is left alone: the next cut writes the notes as markers)."""
    try:
        cut = cut or project.last_cut()
    except LongcutError:
        return
    if cut is None:
        return
    kept = tuple(marker for marker in cut.markers if marker.source != "review")
    dataclasses.replace(cut, markers=kept + note_markers(review, cut.timeline)).save(Cut.beside(cut.film))


def read_notes_file(path: Path) -> NotesFile:
    try:
        text = read_text(path, NOTES_FILE_BYTES, "the notes file")
    except FileNotFoundError:
        raise LongcutError(f"no notes file {path}", hint="give the file the static copy's page exported") from None
    except FileRefused as error:
        raise refused(error) from None
    try:
        return NotesFile.model_validate(json.loads(text))
    except (ValueError, ValidationError) as error:
        first = error.errors()[0] if isinstance(error, ValidationError) else {"msg": str(error), "loc": ()}
        where = ".".join(str(part) for part in first["loc"]) or "the file"
        raise LongcutError(f"{path} is not a notes file longcut wrote: {where}: {first['msg']}",
                           hint="export the notes again from the static copy's page (export notes)") from None


def import_notes(project: Project, path: Path) -> Imported:
    """The notes of a static copy's file into the film's review file, each checked as the server checks a note."""
    copied = read_notes_file(path)
    warnings = []
    cut = project.last_cut()
    if copied.film_version and cut is not None:
        from ..media.proxy import film_version

        if cut.film.is_file() and film_version(cut.film) != copied.film_version:
            warnings.append("the film was cut again since the copy was made: its notes on the film keep the frames "
                            "of the copy's cut")
    notes = []
    for number, note in enumerate(copied.notes, start=1):
        try:
            check_note_place(project, note.on, note.shot, note.take, note.frame)
        except LongcutError as error:
            raise LongcutError(f"{path}: note {number} ({note.text[:40]!r}): {error}",
                               hint="nothing was imported; mend or remove that note and import again") from None
        notes.append(Note(id=_note_id(note), **note.model_dump()))
    review = Review.beside(project.screenplay.path)
    added = review.add_notes(notes)
    if added:
        mark_the_cut(project, review)
    return Imported(added, len(notes) - added, warnings)


def _note_id(note: CopiedNote) -> str:
    """The same note gets the same id, so a file imported twice adds it once."""
    digest = hashlib.sha256(json.dumps(note.model_dump(), sort_keys=True).encode("utf-8")).hexdigest()
    return "n" + digest[:24]
