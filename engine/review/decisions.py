"""The review file beside the lock file: what a reviewer decided of each shot, and the notes pinned to frames.

    film.review.json
    {"version": 1,
     "decisions": {"arrival-2": {"verdict": "retake", "take": 1, "key": "…", "note": "her coat is blue", "at": "…"}},
     "notes": [{"id": "n1a2b3c", "on": "film", "frame": 130, "text": "hold longer", "at": "…", "author": "Mara",
                "replies": [{"text": "held 12 frames more", "at": "…", "author": "Jun"}], "resolved": true,
                "resolved_by": "Mara", "resolved_at": "…"},
               {"id": "n4d5e6f", "on": "take", "shot": "arrival-2", "take": 1, "frame": 12, "text": "…", "at": "…"}]}

A verdict holds for one take, by key: a new take, or a change to the screenplay that re-keys the shot, is a
new thing to review. Every write is validated against these models first (the server accepts nothing else)
and written atomically; a damaged file is an error that names it, never silently replaced.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from longcut.storyboard.files import RECORD_LIMIT, FileRefused, read_text
from longcut.storyboard.schema import ID_PATTERN, MAX_TAKE, Choice

from ..atomic import atomic_path
from ..errors import LongcutError, refused
from ..timeline import Clip, Marker, Timeline

REVIEW_VERSION = 1
NOTE_LIMIT = 2000  # characters in a note
AUTHOR_LIMIT = 100  # characters in a reviewer's name
REPLY_LIMIT = 200  # replies under one note


class Status(Choice):
    """A shot's review status, with the colours review tools use for them."""

    TODO = "to do"  # no take for the screenplay as it is
    RENDERED = "rendered"  # a take, that nobody has reviewed
    WAITING = "waiting for review"  # a new take since the last verdict
    RETAKE = "retake"  # sent back; no new take yet
    APPROVED = "approved"  # the take in use is the one approved


class ReviewModel(BaseModel):
    """Every model of the review's files and requests: no field it does not know, never changed in place."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Decision(ReviewModel):
    verdict: Literal["approved", "retake"]
    take: int = Field(ge=1, le=MAX_TAKE)
    key: str = Field(pattern=r"^[0-9a-f]{64}$")
    note: str = Field(default="", max_length=NOTE_LIMIT)
    at: str = ""
    author: str = Field(default="", max_length=AUTHOR_LIMIT)  # who decided ("" in files from before)


class NoteReply(ReviewModel):
    text: str = Field(min_length=1, max_length=NOTE_LIMIT)
    at: str = ""
    author: str = Field(default="", max_length=AUTHOR_LIMIT)


class Note(ReviewModel):
    id: str = Field(pattern=r"^n[0-9a-f]{6,32}$")
    on: Literal["film", "take"]
    shot: str | None = Field(default=None, pattern=ID_PATTERN)  # for a note on a take
    take: int | None = Field(default=None, ge=1, le=MAX_TAKE)
    frame: int = Field(ge=0)  # of the film, or of the take
    text: str = Field(min_length=1, max_length=NOTE_LIMIT)
    at: str = ""
    author: str = Field(default="", max_length=AUTHOR_LIMIT)  # who wrote it ("" in files from before)
    replies: tuple[NoteReply, ...] = Field(default=(), max_length=REPLY_LIMIT)  # a thread under it, oldest first
    resolved: bool = False  # dealt with: kept in the list, shown as done
    resolved_by: str = Field(default="", max_length=AUTHOR_LIMIT)
    resolved_at: str = ""


class ReviewData(ReviewModel):
    version: Literal[1] = REVIEW_VERSION
    decisions: dict[str, Decision] = Field(default_factory=dict)
    notes: list[Note] = Field(default_factory=list)


class DecisionRequest(ReviewModel):
    """What the page sends to decide: approve or send back the take in use, or use another take (`pick`)."""

    shot: str = Field(pattern=ID_PATTERN)
    action: Literal["approve", "retake", "pick"]
    take: int = Field(ge=1, le=MAX_TAKE)
    note: str = Field(default="", max_length=NOTE_LIMIT)


class ReplyRequest(ReviewModel):
    id: str = Field(pattern=r"^n[0-9a-f]{6,32}$")  # the note replied to
    text: str = Field(min_length=1, max_length=NOTE_LIMIT)


class ResolveRequest(ReviewModel):
    id: str = Field(pattern=r"^n[0-9a-f]{6,32}$")
    resolved: bool = True  # false opens it again


class NoteRequest(ReviewModel):
    on: Literal["film", "take"]
    shot: str | None = Field(default=None, pattern=ID_PATTERN)
    take: int | None = Field(default=None, ge=1, le=MAX_TAKE)
    frame: int = Field(ge=0)
    text: str = Field(min_length=1, max_length=NOTE_LIMIT)


def review_path(film: Path) -> Path:
    """Beside the lock file: film.yaml -> film.review.json."""
    film = Path(film)
    return film.with_name(film.stem + ".review.json")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Review:
    """The review file, read once; every change is saved at once (atomically)."""

    def __init__(self, path: Path, data: ReviewData | None = None) -> None:
        self.path = Path(path)
        self.data = data or ReviewData()

    @classmethod
    def beside(cls, film: Path) -> Review:
        path = review_path(film)
        try:
            text = read_text(path, RECORD_LIMIT, "the review file")
        except FileNotFoundError:
            return cls(path)
        except FileRefused as error:
            raise refused(error) from None
        try:
            return cls(path, ReviewData.model_validate(json.loads(text)))
        except (ValueError, ValidationError) as error:
            first = error.errors()[0] if isinstance(error, ValidationError) else {"msg": str(error), "loc": ()}
            where = ".".join(str(part) for part in first["loc"]) or "the file"
            raise LongcutError(f"the review file {path} cannot be read: {where}: {first['msg']}",
                               hint="mend it by hand, or move it away to start the review afresh") from None

    def save(self) -> None:
        with atomic_path(self.path) as temporary:
            temporary.write_text(self.data.model_dump_json(indent=1) + "\n", encoding="utf-8")

    def decide(self, shot: str, verdict: str, take: int, key: str, note: str = "", author: str = "") -> None:
        decisions = dict(self.data.decisions)
        decisions[shot] = Decision(verdict=verdict, take=take, key=key, note=note, at=now(), author=author)
        self.data = self.data.model_copy(update={"decisions": decisions})
        self.save()

    def forget(self, shot: str) -> None:
        """Drop a shot's verdict (a new take is picked: it is for review again)."""
        if shot in self.data.decisions:
            decisions = {name: decision for name, decision in self.data.decisions.items() if name != shot}
            self.data = self.data.model_copy(update={"decisions": decisions})
            self.save()

    def add_note(self, request: NoteRequest, author: str = "") -> Note:
        note = Note(id="n" + secrets.token_hex(6), at=now(), author=author, **request.model_dump())
        self.data = self.data.model_copy(update={"notes": [*self.data.notes, note]})
        self.save()
        return note

    def reply(self, request: ReplyRequest, author: str = "") -> Note:
        note = self._note(request.id)
        if len(note.replies) >= REPLY_LIMIT:
            raise LongcutError(f"note `{note.id}` has {REPLY_LIMIT} replies, the most one note keeps",
                               hint="write a new note")
        reply = NoteReply(text=request.text, at=now(), author=author)
        return self._replace(note.model_copy(update={"replies": (*note.replies, reply)}))

    def resolve(self, request: ResolveRequest, author: str = "") -> Note:
        note = self._note(request.id)
        update = {"resolved": request.resolved, "resolved_by": author if request.resolved else "",
                  "resolved_at": now() if request.resolved else ""}
        return self._replace(note.model_copy(update=update))

    def _note(self, note_id: str) -> Note:
        found = next((note for note in self.data.notes if note.id == note_id), None)
        if found is None:
            raise LongcutError(f"no note `{note_id}`", hint="it may have been removed: reload the page")
        return found

    def _replace(self, changed: Note) -> Note:
        notes = [changed if note.id == changed.id else note for note in self.data.notes]
        self.data = self.data.model_copy(update={"notes": notes})
        self.save()
        return changed

    def add_notes(self, notes: list[Note]) -> int:
        """Notes made elsewhere (a static copy's, engine.review.notes), each once: a note whose id is here
        already is not added again. Returns how many were added."""
        known = {note.id for note in self.data.notes}
        fresh = [note for note in notes if note.id not in known]
        if fresh:
            self.data = self.data.model_copy(update={"notes": [*self.data.notes, *fresh]})
            self.save()
        return len(fresh)

    def remove_note(self, note_id: str) -> bool:
        kept = [note for note in self.data.notes if note.id != note_id]
        if len(kept) == len(self.data.notes):
            return False
        self.data = self.data.model_copy(update={"notes": kept})
        self.save()
        return True

    def status(self, shot: str, key: str, made: bool) -> Status:
        """The shot's status, given the key of the take the cut uses and whether that take is made."""
        decision = self.data.decisions.get(shot)
        if decision is None:
            return Status.RENDERED if made else Status.TODO
        if decision.verdict == "retake":
            return Status.WAITING if made and key != decision.key else Status.RETAKE
        if made and key == decision.key:
            return Status.APPROVED
        return Status.WAITING if made else Status.TODO

    def retakes(self, keys: dict[str, tuple[str, bool]]) -> list[str]:
        """The shots sent back that have no new take yet; keys: shot -> (the key in use, whether it is made)."""
        return [shot for shot, (key, made) in keys.items() if self.status(shot, key, made) is Status.RETAKE]


def note_markers(review: Review, timeline: Timeline) -> tuple[Marker, ...]:
    """The notes as markers on the cut: a note on the film at its frame; a note on a take at the frame of the cut
    that shows it, when that take is in the cut there (a trimmed-away frame has no place)."""
    clips = {clip.shot_id: clip for clip in timeline.clips}
    markers = []
    for note in review.data.notes:
        frame = note.frame if note.on == "film" else _record_frame(clips.get(note.shot or ""), note)
        if frame is not None and 0 <= frame < max(1, timeline.total_frames):
            where = f"shot {note.shot} take {note.take}: " if note.on == "take" else ""
            markers.append(Marker(frame, "review note", where + note.text, "BLUE", source="review"))
    return tuple(sorted(markers, key=lambda marker: marker.frame))


def _record_frame(clip: Clip | None, note: Note) -> int | None:
    if clip is None or clip.take != note.take or not clip.source_in <= note.frame < clip.source_in + clip.frames:
        return None
    return clip.record_in + note.frame - clip.source_in
