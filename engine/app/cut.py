"""`cut`: the film from the current takes, with its report, subtitles and markers, and the record that commits it.

The editor (engine.editor) makes the film. This use case speaks the dialogue first (engine.render.voices: each
line once, kept in the store), so the editor runs no model; and gives it what is done before the record commits
it: the continuity report measured on the finished film (engine.analysis.report), the report's flags and the
review's notes as the Cut's markers, and the subtitles exported from the Cut. So the editor imports neither the
report nor the review, and the data path runs one way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from longcut.storyboard.schema import Watermark

from ..analysis.identity import cast_of, identity_token, release_models as release_face_models
from ..analysis.report import continuity_report, report_path, write_report
from ..editor import DEFAULT_LOUDNESS, CutOptions, CutResult, Finished, Finisher, cut
from ..editor.deliver import Delivery, check_delivery
from ..export import export
from ..outputs import output_path
from ..render.memory import return_freed_memory
from ..render.plan import RenderPlan
from ..render.voices import speak_lines
from ..review.decisions import Review, note_markers
from ..store import TakeStore
from ..timeline import Cut, CutSettings
from .project import Project

BESIDE_THE_FILM = (".srt", ".vtt", ".cut.json", ".continuity.json")


@dataclass(frozen=True)
class CutRequest:
    """How to cut, as a command gives it; None for output: beside the film file (a draft at another size under its
    own name)."""

    output: Path | None = None
    size: tuple[int, int] | None = None
    preset: str | None = None
    fit: str = "blur"
    loudness: float = DEFAULT_LOUDNESS
    titles: bool = True
    burn_subtitles: bool = False
    watermark: str | None = None
    sign: tuple[Path, Path] | None = None

    def check(self) -> None:
        """The delivery asked for exists: said before the film is opened, let alone rendered."""
        check_delivery(self.preset, self.fit)

    @classmethod
    def as_last_cut(cls, project: Project, size: tuple[int, int] | None = None) -> CutRequest:
        """As the film was last cut (titles, loudness, delivery), not with a command's defaults: after a new take
        or a pick, from `shot`, `pick --cut` and the review page."""
        last = project.last_cut(project.default_output(size), current=False)
        settings = last.settings if last else CutSettings()
        return cls(None, size, settings.preset, settings.fit, settings.loudness, settings.titles,
                   settings.burn_subtitles, settings.watermark)


class ReportAndNotes(Finisher):
    """The film's continuity report (written beside it), its flags and the review's notes as markers, and the
    subtitles exported from the Cut."""

    def __init__(self, project: Project, store: TakeStore, subtitles: bool = True) -> None:
        self.screenplay = project.screenplay
        self.store = store
        self.subtitles = subtitles
        self.review = Review.beside(self.screenplay.path)  # read first: a damaged review file stops the cut now
        self.tokens = (repr(self.screenplay.film.continuity),
                       identity_token())  # installing the identity extra measures the film anew

    def required(self, film: Path) -> list[Path]:
        return [report_path(film)]

    def finish(self, the_cut: Cut) -> Finished:
        report = continuity_report(the_cut.timeline, self.screenplay.film.continuity, self.store,
                                   cast_of(self.screenplay))
        if release_face_models():  # loaded for takes made before their faces were kept: a review server lives on
            return_freed_memory()
        write_report(report, the_cut.film)
        return Finished(report.markers() + note_markers(self.review, the_cut.timeline), len(report.flags))

    def beside(self, the_cut: Cut) -> list[Path]:
        if not (self.subtitles and the_cut.timeline.subtitles):
            return []
        return [export(the_cut, fmt, the_cut.film.with_suffix(f".{fmt}"))[0] for fmt in ("srt", "vtt")]


def film_output(project: Project, output: Path | None, size: tuple[int, int] | None = None) -> Path:
    """The film to write, and what goes beside it, checked before any work is done: never over a file the film
    reads. A draft at another size goes to its own file (film.640x360.mp4), never over the film and its record."""
    target = output or project.default_output(size)
    inputs = project.inputs()
    output_path(target, inputs)
    for suffix in BESIDE_THE_FILM:
        output_path(target.with_suffix(suffix), inputs,
                       "the subtitles, the cut record and the continuity report beside --out")
    return target


def cut_options(project: Project, request: CutRequest, output: Path) -> CutOptions:
    """The editor's options: the request's, the watermark as given or else as the film says, captions where the
    backend makes drafts that ask for them (the animatic's `captions:`)."""
    given = Watermark(request.watermark) if request.watermark is not None else None
    return CutOptions(output=output, titles=request.titles, loudness=request.loudness,
                      delivery=Delivery(request.preset, request.fit, request.burn_subtitles,
                                        given or project.screenplay.film.watermark),
                      sign=request.sign, watermark=given.value if given else None, captions=project.backend.captions)


def cut_film(project: Project, request: CutRequest, plan: RenderPlan | None = None,
             on_progress: Callable[[str, float], None] | None = None) -> CutResult:
    """Cut the film from the plan's takes (default: the plan at the request's size)."""
    output = film_output(project, request.output, request.size)
    options = cut_options(project, request, output)
    plan = plan or project.plan(size=request.size)
    plan.require_takes()  # said before a line is spoken
    finisher = ReportAndNotes(project, project.store)  # reads the review file: a damaged one stops the cut now
    spoken = speak_lines(plan, project.store)  # every line, before the cut: the editor runs no model
    return cut(plan, project.store, options, spoken, finisher, on_progress=on_progress)


def cut_again(project: Project, size: tuple[int, int] | None = None,
              on_progress: Callable[[str, float], None] | None = None) -> CutResult:
    """Cut again as the film was last cut."""
    return cut_film(project, CutRequest.as_last_cut(project, size), on_progress=on_progress)


