"""The reviewer's writes, the same from the review page and the command line: a verdict (approve, send back, use
a take), a note on a frame, a reply, resolving a note, removing one. Each is checked against the film as it is,
then written to the review file (engine.review.decisions); a pick goes to the lock file."""

from __future__ import annotations

from pathlib import Path

from ..errors import LongcutError
from ..review.decisions import DecisionRequest, NoteRequest, ReplyRequest, ResolveRequest, Review
from .notes import check_note_place, mark_the_cut
from .project import Project


def decide(project: Project, request: DecisionRequest, author: str = "") -> None:
    """`pick` uses a take from now on; `approve` approves a take (picking it first where the cut uses another);
    `retake` sends the take in use back, with the note saying why."""
    shot = project.shot(request.shot)
    plan = project.plan()
    in_use = plan.shots[shot].request.take
    if request.action == "pick" or (request.action == "approve" and request.take != in_use):
        project.pick(shot, request.take)  # refused, with a hint, when that take is not made as it is now
        plan = project.plan()
    planned = plan.shots[shot]
    review = Review.beside(project.screenplay.path)
    if request.action == "approve":
        if not planned.cached:
            raise LongcutError(f"shot `{shot}` has no take {planned.request.take} to approve",
                               hint=f"render it first: longcut shot {project.screenplay.path.name} {shot}")
        review.decide(shot, "approved", planned.request.take, planned.key, request.note, author)
    elif request.action == "retake":
        review.decide(shot, "retake", planned.request.take, planned.key, request.note, author)


def add_note(project: Project, request: NoteRequest, author: str = "") -> str:
    """A note at its place (checked), and on the cut's markers at once; returns its id."""
    cut = check_note_place(project, request.on, request.shot, request.take, request.frame)
    review = Review.beside(project.screenplay.path)
    note = review.add_note(request, author)
    mark_the_cut(project, review, cut)
    return note.id


def reply(film: Path, request: ReplyRequest, author: str = "") -> None:
    """A reply under a note (the film need not load: a reply names no place in it)."""
    Review.beside(film).reply(request, author)


def resolve(film: Path, request: ResolveRequest, author: str = "") -> None:
    """A note resolved or reopened (as a reply, it needs nothing of the film but its review file)."""
    Review.beside(film).resolve(request, author)


def remove_note(project: Project, note_id: str) -> None:
    review = Review.beside(project.screenplay.path)
    if not review.remove_note(note_id):
        raise LongcutError(f"no note `{note_id}`")
    mark_the_cut(project, review)
