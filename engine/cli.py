"""The `longcut` command line: options parsed, a use case called (engine.app), its result printed (engine.terminal).

Every command loads the screenplay first; any problem in it is printed with file:line:column and the command exits
with status 2, without a traceback, before anything is written. The grammar is one for every command (the README's
command table): the film first, then a shot by position, a take always `--take N|new`, `--format text|json` where a
command can print JSON, `--out` for what the command writes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from . import __version__
from .errors import LongcutError
from .render.memory import fixed_mmap_threshold
from .terminal import err, out
from .terminal.failures import report_failure, reports_errors
from .terminal.options import (AddressOption, AuthorOption, BoardShotArg, BurnOption, CutAfterOption, CutOfOption,
                               DryRunOption, EditedArg, ExecutorOption, ExportFormatOption, ExportOutOption, FilmArg,
                               FilmOutOption, FitOption, ForceOption, FormatOption, GraphOutOption, HostOption,
                               ImportFolderArg, ImportNotesOption, KeyframeTakeOption, LoudnessOption, NewFolderArg,
                               OldJsonOption, OldOutOption, OldShotOption, OldTakeArg, OpenOption, PickTakeOption,
                               PortOption, PresetOption, RetakesOption, SchemaKindArg, SchemaOutOption, ScriptArg,
                               SeedOption, SheetOutOption, ShotArg, SignOption, SizeOption, StartOption,
                               StaticOption, StoreOption, StrictOption, TakeOption, TitleOption, TitlesOption,
                               VerifyOption, WatchOption, WatermarkOption, WorkersOption)

app = typer.Typer(name="longcut", help="Turn a YAML screenplay into a long film whose shots stay continuous.",
                  no_args_is_help=True, add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)


def _show_version(asked: bool) -> None:
    if asked:
        out.print(f"longcut {__version__}")
        raise typer.Exit()


@app.callback()
def longcut(version: Annotated[bool, typer.Option("--version", callback=_show_version, is_eager=True,
                                                  help="print longcut's version and exit")] = False) -> None:
    """Turn a YAML screenplay into a long film whose shots stay continuous."""


def _deprecated(old: str, new: str) -> None:
    """An old spelling still works for one release, with this line."""
    err.print(Text(f"warning: {old} is deprecated and goes in the next release; use {new}", style="yellow"))


def _open(film: Path, store: str | None, media: bool = False, writes: bool = True):
    """The film's project; media: also decode every picture and sound it names (render, shot, cut); writes: False
    for a command that only reads (status, takes, export, a dry run), so a read-only film folder serves it."""
    from .app.project import Project
    from .terminal.views import warn

    return Project.open(film, store, warn=warn, media=media, writes=writes)


def _size(value: str | None) -> tuple[int, int] | None:
    from longcut.storyboard.units import parse_size

    try:
        return parse_size(value) if value is not None else None
    except ValueError as error:
        raise LongcutError(f"--size: {error}") from None


def _format(value: str) -> str:
    if value not in ("text", "json"):
        raise LongcutError(f"--format {value} is not text or json", hint="--format json prints JSON for a program")
    return value


def _progress(plan, only):
    from .terminal.progress import RichProgress

    return RichProgress(out, plan, only)


def _cut_request(output, size, preset, fit, loudness, titles, burn_subtitles, watermark, sign):
    from .app.cut import CutRequest

    request = CutRequest(output, _size(size), preset, fit, loudness, titles, burn_subtitles,
                         watermark.value if watermark is not None else None, tuple(sign) if sign else None)
    request.check()  # an unknown preset or fit is said before the film is opened
    return request


def _print_cut(result) -> None:
    from .analysis.report import report_path
    from .terminal.views import print_cut

    print_cut(result, report_path(result.output).name)


@app.command()
@reports_errors
def check(film: FilmArg, fmt: FormatOption = "text") -> None:
    """Validate a screenplay and summarise it: scenes, shots, running time, who appears where."""
    from .app.check import check_film, diagnostics, summarise
    from .terminal.views import print_summary

    if _format(fmt) == "json":  # one diagnostic a line (file, line, column, end, severity, message, hint)
        found = diagnostics(film)
        for item in found.items:
            print(json.dumps(item))
        raise typer.Exit(2 if found.failed else 0)
    print_summary(summarise(check_film(film)))


@app.command()
@reports_errors
def schema(kind: SchemaKindArg = "film", output: SchemaOutOption = None) -> None:
    """Print the JSON Schema of a film file or a scene file, for an editor's YAML support."""
    from .app.describe import schema as schema_of, write_schema

    if output is None:
        sys.stdout.write(schema_of(kind))
    else:
        out.print(f"wrote {write_schema(kind, output)}")


@app.command()
@reports_errors
def graph(film: FilmArg, output: GraphOutOption = None) -> None:
    """Show the shot graph: which shot starts on which shot's last frame, and what can render in parallel."""
    from .app.describe import shot_graph, write_graph
    from .terminal.views import graph_tree

    shots = shot_graph(film)
    out.print(f"wrote {write_graph(shots, output)}" if output is not None else graph_tree(shots))


@app.command()
@reports_errors
def render(film: FilmArg, dry_run: DryRunOption = False, executor: ExecutorOption = None,
           address: AddressOption = None, workers: WorkersOption = None, output: FilmOutOption = None,
           size: SizeOption = None, store: StoreOption = None, preset: PresetOption = None, fit: FitOption = "blur",
           loudness: LoudnessOption = -14.0, titles: TitlesOption = True, burn_subtitles: BurnOption = False,
           watermark: WatermarkOption = None, sign: SignOption = None, watch: WatchOption = False,
           retakes: RetakesOption = False) -> None:
    """Render every shot that is not cached, in dependency order, then cut them into the film."""
    from .app.render import RenderRequest, render_film, watch_film
    from .terminal.views import print_plan, print_rendered, print_retakes

    cut = _cut_request(output, size, preset, fit, loudness, titles, burn_subtitles, watermark, sign)
    project = _open(film, store, media=True, writes=not dry_run)
    if dry_run:
        plan = project.plan(size=cut.size)
        print_plan(plan, project.render_estimate(plan))
        return
    request = RenderRequest(cut.size, executor, address, workers, retakes)

    def render_and_cut(project) -> None:
        outcome = render_film(project, request, cut, _progress)
        if outcome.retakes is not None:
            print_retakes(outcome.retakes)
        print_rendered(outcome.result)
        _print_cut(outcome.cut)

    render_and_cut(project)
    if watch:
        watch_film(film, store, render_and_cut, project,
                   on_changed=lambda names: out.print(Text(f"changed: {', '.join(names)}", style="cyan")),
                   on_problem=report_failure, ready=lambda: out.print(f"watching {film} (Ctrl-C to stop)"))
        out.print("stopped watching")


@app.command()
@reports_errors
def cut(film: FilmArg, output: FilmOutOption = None, size: SizeOption = None, store: StoreOption = None,
        preset: PresetOption = None, fit: FitOption = "blur", loudness: LoudnessOption = -14.0,
        titles: TitlesOption = True, burn_subtitles: BurnOption = False, watermark: WatermarkOption = None,
        sign: SignOption = None) -> None:
    """Assemble the film from the current takes: transitions, titles, score, subtitles."""
    from .app.cut import cut_film

    request = _cut_request(output, size, preset, fit, loudness, titles, burn_subtitles, watermark, sign)
    _print_cut(cut_film(_open(film, store, media=True), request))


@app.command()
@reports_errors
def shot(film: FilmArg, shot_id: ShotArg, take: TakeOption = None, seed: SeedOption = None, size: SizeOption = None,
         store: StoreOption = None) -> None:
    """Render one shot, and the shots that continue from it; --take new makes another take and uses it."""
    from .app.render import render_shot
    from .terminal.views import print_rendered

    outcome = render_shot(_open(film, store, media=True), shot_id, take, seed, _size(size), _progress)
    print_rendered(outcome.result)
    made = "made and uses" if outcome.made and outcome.shot in outcome.result.rendered else "uses"
    out.print(f"{outcome.shot} {made} take {outcome.take}")
    if outcome.cut is not None:
        _print_cut(outcome.cut)


@app.command()
@reports_errors
def takes(film: FilmArg, shot_id: ShotArg, store: StoreOption = None, output: SheetOutOption = None) -> None:
    """List a shot's takes and write a contact sheet of their first, middle and last frames."""
    from .app.takes import list_takes
    from .terminal.views import print_takes

    # the sheet goes into the store unless --out says
    print_takes(list_takes(_open(film, store, writes=output is None), shot_id, output), film)


@app.command()
@reports_errors
def pick(film: FilmArg, shot_id: ShotArg, take_number: OldTakeArg = None, take: PickTakeOption = None,
         store: StoreOption = None, cut_after: CutAfterOption = False) -> None:
    """Make the cut use one take of a shot from now on."""
    from .app.pick import pick_take
    from .terminal.views import print_picked

    if take is None and take_number is not None:
        _deprecated(f"`pick FILM {shot_id} {take_number}`", f"pick FILM {shot_id} --take {take_number}")
    number = take if take is not None else take_number
    if number is None:
        raise LongcutError("which take? pick needs --take N", hint=f"e.g. longcut pick {film} {shot_id} --take 2")
    outcome = pick_take(_open(film, store, media=cut_after), shot_id, number, cut_after)
    print_picked(outcome, film)
    if outcome.cut is not None:
        _print_cut(outcome.cut)


@app.command()
@reports_errors
def board(film: FilmArg, shot_id: BoardShotArg = None, old_shot: OldShotOption = None,
          take: KeyframeTakeOption = None, seed: SeedOption = None, size: SizeOption = None,
          store: StoreOption = None) -> None:
    """The storyboard before any video: draw every missing keyframe, then FILM.board.png and FILM.keyframes/."""
    from .app.board import draw_board
    from .terminal.progress import KeyframeBar
    from .terminal.views import print_board

    if old_shot is not None:
        _deprecated(f"`board --shot {old_shot}`", f"board FILM {old_shot}")
    outcome = draw_board(_open(film, store, media=True), shot_id or old_shot, take, seed, _size(size),
                         lambda count: KeyframeBar(out, count))
    print_board(outcome, film)


@app.command()
@reports_errors
def status(film: FilmArg, size: SizeOption = None, store: StoreOption = None, verify: VerifyOption = False) -> None:
    """Per shot: cached, stale (the screenplay changed since its take) or missing, which take, and its review."""
    from .app.status import film_status
    from .terminal.views import print_status

    print_status(film_status(_open(film, store, writes=verify), _size(size), verify), film)  # --verify evicts


@app.command()
@reports_errors
def export(film: FilmArg, fmt: ExportFormatOption, output: ExportOutOption = None, start: StartOption = "01:00:00:00",
           cut_of: CutOfOption = None, store: StoreOption = None) -> None:
    """Export the film as it was last cut, for an editing suite: every clip linked to its take."""
    from .app.export import export_cut
    from .terminal.views import warn

    exported = export_cut(_open(film, store, writes=False), fmt, output, start, cut_of)
    for warning in exported.warnings:
        warn(warning)
    for path in exported.files:
        out.print(f"wrote {path}")


@app.command()
@reports_errors
def report(film: FilmArg, fmt: FormatOption = "text", as_json: OldJsonOption = False, strict: StrictOption = False,
           cut_of: CutOfOption = None) -> None:
    """The continuity report of the film as it was last cut: seams, hard cuts, black and frozen frames, who is seen."""
    from .app.export import read_report
    from .terminal.views import print_report

    if as_json:
        _deprecated("`report --json`", "report --format json")
    data, path = read_report(film, cut_of)
    if as_json or _format(fmt) == "json":
        print(json.dumps(data, indent=1))
    else:
        print_report(data, path)
    if strict and data["flagged"]:
        raise typer.Exit(1)


@app.command()
@reports_errors
def conform(film: FilmArg, edited: EditedArg, store: StoreOption = None) -> None:
    """Take an edited cut back: its order, trims and transitions go into the lock file; nothing is re-rendered."""
    from .app.conform import conform_edit
    from .terminal.views import print_conformed

    print_conformed(conform_edit(_open(film, store), edited), edited, film)


@app.command()
@reports_errors
def review(film: FilmArg, port: PortOption = 0, host: HostOption = "127.0.0.1", open_browser: OpenOption = False,
           static: StaticOption = None, store: StoreOption = None, author: AuthorOption = None,
           import_notes: ImportNotesOption = None) -> None:
    """Review in a browser: the film, every shot's takes and status; approve, retake, pick, notes on frames."""
    if import_notes is not None:
        from .app.notes import import_notes as take_in
        from .terminal.views import print_imported_notes

        print_imported_notes(take_in(_open(film, store), import_notes), import_notes, film)
    elif static is not None:
        from .review.static import write_static

        folder, media = write_static(_open(film, store), static)
        out.print(f"wrote {folder / 'index.html'} ({media} media file(s)): open it in a browser, or send the folder")
    else:
        _serve_review(film, store, host, port, author, open_browser)


def _serve_review(film: Path, store: str | None, host: str, port: int, author: str | None, open_browser: bool) -> None:
    from .review.decisions import review_path
    from .review.server import ReviewServer

    try:
        server = ReviewServer(film, store, host=host, port=port, author=author)
    except OSError as error:
        raise LongcutError(f"cannot listen on {host}:{port}: {error.strerror}",
                           hint="choose another --port, or leave it out for a free one") from None
    out.print(f"reviewing {film} at {server.url}", soft_wrap=True)  # one line: the URL is copied or read by a script
    out.print(f"decisions go to {review_path(film)}; Ctrl-C stops the server", soft_wrap=True)
    if open_browser:
        import webbrowser

        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    out.print("stopped reviewing")


@app.command()
@reports_errors
def new(folder: NewFolderArg, title: TitleOption = "A New Film") -> None:
    """Write a small film to start from: a film file, a scene file, a character with a reference image, music."""
    from .app.new import new_film
    from .terminal.views import print_new

    print_new(new_film(folder, title), folder)


@app.command("import")
@reports_errors
def import_script(script: ScriptArg, folder: ImportFolderArg = None, old_out: OldOutOption = None,
                  force: ForceOption = False) -> None:
    """Turn a screenplay into a film file and one scene file per scene, ready to check and render."""
    from .app.new import import_script as import_it
    from .terminal.views import print_imported

    if old_out is not None:
        _deprecated(f"`import SCRIPT --out {old_out}`", f"import SCRIPT {old_out}")
    target = folder or old_out
    if target is None:
        raise LongcutError("where to? import needs a folder for film.yaml and scenes/",
                           hint=f"e.g. longcut import {script} my-film")
    print_imported(import_it(script, target, force), target)


def main() -> None:
    fixed_mmap_threshold()
    app(prog_name="longcut")


if __name__ == "__main__":
    sys.exit(main())
