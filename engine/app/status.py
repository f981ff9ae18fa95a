"""`status`: per shot, its take and state (cached, stale, missing; verified or damaged with --verify), joined with
what the review said of it (its verdict, why a take was sent back, how many notes)."""

from __future__ import annotations

from dataclasses import dataclass

from ..review.decisions import Decision, Review
from .project import Project, ShotStatus

MADE = ("cached", "verified")


@dataclass(frozen=True)
class StatusRow:
    shot: ShotStatus
    verdict: str  # approved | retake | waiting for review | ... (engine.review.decisions.Status)
    said: str  # the verdict's note, or which take was sent back and why
    notes: int


@dataclass(frozen=True)
class FilmStatus:
    rows: list[StatusRow]
    counts: dict[str, int]  # shots per state
    verdicts: int
    notes: int
    film_notes: int  # of them, on the film

    @property
    def damaged(self) -> int:
        return self.counts.get("damaged", 0)


def film_status(project: Project, size: tuple[int, int] | None = None, verify: bool = False) -> FilmStatus:
    shots = project.status(project.plan(size=size), verify=verify)
    review = Review.beside(project.screenplay.path)
    notes: dict[str, int] = {}
    for note in review.data.notes:
        if note.shot:
            notes[note.shot] = notes.get(note.shot, 0) + 1
    rows = []
    for shot in shots:
        verdict = review.status(shot.shot, shot.key, shot.state in MADE).value
        rows.append(StatusRow(shot, verdict, verdict_said(review.data.decisions.get(shot.shot), verdict),
                              notes.get(shot.shot, 0)))
    counts: dict[str, int] = {}
    for shot in shots:
        counts[shot.state] = counts.get(shot.state, 0) + 1
    return FilmStatus(rows, counts, len(review.data.decisions), len(review.data.notes),
                      sum(1 for note in review.data.notes if note.on == "film"))


def verdict_said(decision: Decision | None, verdict: str) -> str:
    """What the verdict said, after the review status: its note; for a new take made after a retake, which take
    was sent back and why (the reason stays in view until the new take is reviewed)."""
    if decision is None:
        return ""
    if verdict in ("retake", "approved"):
        return f": {decision.note}" if decision.note else ""
    if decision.verdict == "retake":
        return f" (take {decision.take} sent back" + (f": {decision.note})" if decision.note else ")")
    return ""
