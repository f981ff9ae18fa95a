"""The `longcut` command line.

Every command loads the screenplay first; any problem in it is printed with file:line:column and
the command exits with status 2, without a traceback, before anything is written.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

import storyboard
from storyboard import Problem, ScreenplayError, ShotGraph
from storyboard.files import FileRefused
from storyboard.screenplay import Warning_
from storyboard.schema import MAX_TAKE, SEED_LIMIT, Watermark
from storyboard.units import format_seconds, fps_label

from .errors import LongcutError, refused

app = typer.Typer(
    name="longcut",
    help="Turn a YAML screenplay into a long film whose shots stay continuous.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False)
# soft_wrap: an error's source line and caret must not be re-wrapped to the terminal's width.
err = Console(stderr=True, highlight=False, soft_wrap=True)

F = TypeVar("F", bound=Callable)
FilmArg = Annotated[Path, typer.Argument(help="the film's .yaml file", show_default=False)]


def reports_errors(command: F) -> F:
    """Turn known failures into a clear message and exit status 2 (bad input) or 1 (a failed step)."""

    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (ScreenplayError, LongcutError) as error:
            raise typer.Exit(_report(error)) from None
        except FileRefused as error:  # a file of the film folder's that longcut will not read (storyboard.files)
            raise typer.Exit(_report(refused(error))) from None
        except KeyboardInterrupt:
            err.print("interrupted; every finished take is kept")
            raise typer.Exit(130) from None
        except OSError as error:  # the file system said no: which file, and why, without a traceback
            where = f" {error.filename}" if error.filename else ""
            err.print(Text(f"error: cannot use{where}: {error.strerror or error}", style="red"))
            err.print(Text("  hint: check the path, its permissions and the free disk space; every finished take "
                           "is kept"))
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _report(error: ScreenplayError | LongcutError) -> int:
    """Print a known failure (its place, message and hint); returns the exit status it calls for."""
    if isinstance(error, ScreenplayError):
        err.print(Text(error.render(), style="red"))
        return 2
    err.print(Text(f"error: {error}", style="red"))
    if error.hint:
        err.print(Text(f"  hint: {error.hint}"))
    return error.exit_code


def _warn(message: str) -> None:
    err.print(Text(f"warning: {message}", style="yellow"))


def _open(film: Path, store: str | None, media: bool = False, writes: bool = True):
    """The film's project; media: also decode every picture and sound it names (for the commands that read them:
    render, shot, cut), which costs an image decode and an ffmpeg per file. writes: False for the commands that
    only read (status, takes, export, a dry run): they work on a film folder that cannot be written."""
    from .project import Project

    return Project.open(film, store, warn=_warn, media=media, writes=writes)


def _output(path: Path, inputs: dict[Path, str], option: str = "--out") -> Path:
    from .outputs import output_path

    return output_path(path, inputs, option)


# -- check ---------------------------------------------------------------------------------------


@app.command()
@reports_errors
def check(
    film: FilmArg,
    fmt: Annotated[str, typer.Option("--format", help="text, or json: one diagnostic a line (file, line, column, end, "
                                     "severity, message, hint) for an editor or CI")] = "text",
) -> None:
    """Validate a screenplay and summarise it: scenes, shots, running time, who appears where."""
    if fmt not in ("text", "json"):
        raise LongcutError(f"--format {fmt} is not text or json", hint="--format json prints one diagnostic a line")
    if fmt == "json":
        _check_as_json(film)
        return
    screenplay, graph = _checked(film)
    _print_summary(screenplay, graph)


def _checked(film: Path):
    """The screenplay, checked in full: the schema and cross-references, its files, backend and executor."""
    from .backends import create_backend, create_keyframe_backend
    from .media import check_media
    from .render.executors import check_executor

    screenplay = storyboard.load(film)
    graph = ShotGraph(screenplay)
    check_media(screenplay)  # every picture and sound file the film names can be read
    backend = create_backend(screenplay)  # the backend's and executor's settings are part of the screenplay too
    create_keyframe_backend(screenplay)  # and the keyframe stage's: an unknown one is said here, not at render
    check_executor(screenplay)
    for where, message in getattr(backend, "warnings", lambda _: [])(screenplay):  # what its model cannot take
        path = where if isinstance(where, tuple) else screenplay.by_id[where].path  # a shot, or a place in the film
        screenplay.warnings.append(Warning_(message, screenplay.source.value(path)))
    return screenplay, graph


def _check_as_json(film: Path) -> None:
    """Every problem (exit 2) or warning (exit 0) as one JSON object a line on stdout, nothing else."""
    import json

    try:
        screenplay, _ = _checked(film)
    except ScreenplayError as error:
        for problem in error.problems:
            print(json.dumps(problem.as_json("error")))
        raise typer.Exit(2) from None
    for warning in screenplay.warnings:
        print(json.dumps(Problem(warning.message, warning.mark).as_json("warning")))


def _keyframe_summary(sp, graph: ShotGraph) -> str:
    from continuity import keyframe_requests, keyframe_stage, resolve

    spec = keyframe_stage(sp.film)
    if spec is None:
        return "keyframes: off (shots that continue none start from their text)"
    positions = [request.position for requests in keyframe_requests(sp, resolve(sp, graph)).values()
                 for request in requests]
    ends = f", {positions.count('last')} end on one too" if "last" in positions else ""
    return f"keyframes: {spec.name}; {positions.count('first')} shots start on one{ends} (longcut board draws them)"


def _print_summary(sp, graph: ShotGraph) -> None:
    film = sp.film
    fps = sp.fps
    out.print(Text.assemble((film.title, "bold"), f"  ·  {film.size[0]}x{film.size[1]} at {fps_label(fps)} fps  ·  "
                            f"seed {film.seed}  ·  backend {film.backend.name}"))
    scenes = Table(title=None, show_edge=False, pad_edge=False)
    for column in ("#", "scene", "heading", "location", "shots", "length"):
        scenes.add_column(column, justify="right" if column in ("#", "shots", "length") else "left")
    for number, scene in enumerate(film.scenes, start=1):
        frames = sum(sp.frames(shot) for shot in scene.shots)
        scenes.add_row(str(number), scene.id, scene.heading, scene.location or "-", str(len(scene.shots)),
                       format_seconds(frames / fps))
    out.print(scenes)
    total, running = sp.total_frames(), sp.running_frames()
    overlap = total - running
    out.print(f"{len(film.scenes)} scenes, {len(sp.entries)} shots, running time {format_seconds(running / fps)} "
              f"({running} frames)" + (f"; the shots add up to {format_seconds(total / fps)} and transitions overlap "
                                       f"{format_seconds(overlap / fps)}" if overlap else ""))
    groups = graph.groups()
    chained = sum(1 for group in groups if len(group) > 1)
    out.print(f"{len(groups)} independent render groups ({chained} continuity chains)")
    out.print(_keyframe_summary(sp, graph))
    if film.characters:
        from .voices import character_voices

        voices = character_voices(film)
        cast = Table(show_edge=False, pad_edge=False)
        for column in ("character", "name", "voice", "shots", "appears in"):
            cast.add_column(column, justify="right" if column == "shots" else "left")
        for ident, character in film.characters.items():
            shots = [entry.shot.id for entry in sp.entries if ident in sp.characters_in(entry.shot)]
            shown = ", ".join(shots[:6]) + (f", … (+{len(shots) - 6})" if len(shots) > 6 else "")
            voice = f"{voices[ident].pitch:+g} st, {voices[ident].pace:g}x"
            cast.add_row(ident, character.name or "", voice, str(len(shots)), shown or "-")
        out.print(cast)
    if any(entry.shot.dialogue for entry in sp.entries):
        from .voices import INSTALL_HINT, voices_available

        if not voices_available():
            out.print(Text(f"note: the dialogue is silent (subtitles only): {INSTALL_HINT}", style="yellow"))
    for warning in sp.warnings:
        where = f"{warning.mark}: " if warning.mark else ""
        out.print(Text(f"{where}warning: {warning.message}", style="yellow"))
    out.print(Text("ok", style="green") if not sp.warnings else Text(f"ok, {len(sp.warnings)} warnings", style="yellow"))


@app.command()
@reports_errors
def schema(
    kind: Annotated[str, typer.Argument(help="film (the film file) or scene (a scene file)")] = "film",
    output: Annotated[Path | None, typer.Option("--out", "-o", help="write it to this file")] = None,
) -> None:
    """Print the JSON Schema of a film file or a scene file, for an editor's YAML support."""
    from storyboard.json_schema import schema_text

    if kind not in ("film", "scene"):
        raise LongcutError(f"no schema `{kind}`", hint="longcut schema film, or longcut schema scene")
    if output is None:
        sys.stdout.write(schema_text(kind))
        return
    from .atomic import atomic_path

    with atomic_path(_output(output, {})) as temporary:
        temporary.write_text(schema_text(kind), encoding="utf-8")
    out.print(f"wrote {output}")


# -- graph ---------------------------------------------------------------------------------------


@app.command()
@reports_errors
def graph(
    film: FilmArg,
    output: Annotated[Path | None, typer.Option("--out", "-o", help="write a picture: .svg, .png or .dot")] = None,
) -> None:
    """Show the shot graph: which shot starts on which shot's last frame, and what can render in parallel."""
    from storyboard import diagram

    screenplay = storyboard.load(film)
    shot_graph = ShotGraph(screenplay)
    writers = {".svg": lambda path: path.write_text(diagram.to_svg(shot_graph), encoding="utf-8"),
               ".dot": lambda path: path.write_text(diagram.to_dot(shot_graph), encoding="utf-8"),
               ".png": lambda path: diagram.to_png(shot_graph, path)}
    if output is not None:
        suffix = output.suffix.lower()
        if suffix not in writers:
            raise LongcutError(f"cannot write a graph as `{output.name}`", hint="use a name ending in .svg, .png or .dot")
        from .atomic import atomic_path
        from .render.lock import LockFile
        from .outputs import inputs_of

        _output(output, inputs_of(screenplay, screenplay.root / ".longcut", LockFile.beside(screenplay.path).path))

        with atomic_path(output) as temporary:
            writers[suffix](temporary)
        out.print(f"wrote {output}")
        return
    out.print(_graph_tree(shot_graph))


def _graph_tree(shot_graph: ShotGraph) -> Tree:
    sp = shot_graph.screenplay
    tree = Tree(Text(sp.film.title, style="bold"))
    for scene in sp.film.scenes:
        branch = tree.add(Text.assemble((scene.id, "bold"), f"  {scene.heading}"))
        for shot in scene.shots:
            label = Text.assemble((shot.id, "cyan"), f"  {format_seconds(shot.duration.to_seconds(sp.fps))}  "
                                  f"{shot.camera.size.value}, {shot.camera.move.value}")
            if shot.continues:
                label.append(f"  ← starts on the last frame of {shot.continues}", style="magenta")
            if shot.loop:
                label.append("  ↻ ends on its first frame", style="magenta")
            if shot.transition.overlaps:
                label.append(f"  ({shot.transition.type.value} {shot.transition.length()})", style="dim")
            branch.add(label)
    groups = shot_graph.groups()
    waves = list(shot_graph.generations())
    summary = tree.add(Text(f"render order: {len(groups)} independent groups, {len(waves)} waves", style="bold"))
    for group in groups:
        if len(group) > 1:
            summary.add(" → ".join(group))
    return tree


# -- render, shot, takes, pick, status -------------------------------------------------------------

StoreOption = Annotated[str | None, typer.Option("--store", help="the take store: a folder, or a URL such as "
                                                 "s3://bucket/film (default: .longcut beside the film)")]
SizeOption = Annotated[str | None, typer.Option("--size", help="render at another size, e.g. 640x360 or 480p "
                                                "(a draft: its takes are kept apart from full-size ones)")]


def _size(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    from storyboard.units import parse_size

    try:
        return parse_size(value)
    except ValueError as error:
        raise LongcutError(f"--size: {error}") from None


OutputOption = Annotated[Path | None, typer.Option("--out", "-o", help="the film to write (default: beside the film file)")]
PresetOption = Annotated[str | None, typer.Option("--preset", help="deliver as 1080p, 720p, 4k, vertical, square or "
                                                  "portrait (default: the film's own size)")]
FitOption = Annotated[str, typer.Option("--fit", help="for a preset of another shape: crop, pad (on black) or blur "
                                        "(pad on a blurred copy)")]
LoudnessOption = Annotated[float, typer.Option("--loudness", min=-31.0, max=-5.0,
                                               help="integrated loudness target in LUFS: -14 (streaming), -16, -23 "
                                               "(broadcast)")]
TitlesOption = Annotated[bool, typer.Option("--titles/--no-titles", help="the opening title card and end credits")]
BurnOption = Annotated[bool, typer.Option("--burn-subtitles", help="draw the dialogue onto the picture too")]
WatermarkOption = Annotated[Watermark | None, typer.Option("--watermark", help="a visible AI mark on the film: in a "
                                                           "corner, moving every few seconds, or off (default: the "
                                                           "film's `watermark:`)")]
SignOption = Annotated[tuple[Path, Path] | None, typer.Option("--sign", metavar="CERT KEY",
                                                              help="sign a C2PA manifest with this certificate chain "
                                                              "and private key (PEM); needs longcut[sign]")]


ExecutorOption = Annotated[str | None, typer.Option("--executor", metavar="local|ray",
                                                    help="where shots are rendered (default: the film's "
                                                    "`executor:`, else local)")]
AddressOption = Annotated[str | None, typer.Option("--address", metavar="auto|HOST:PORT",
                                                   help="the Ray cluster to use (default: start Ray on this machine)")]
WorkersOption = Annotated[int | None, typer.Option("--workers", min=1, help="at most this many Ray workers")]


@app.command()
@reports_errors
def render(
    film: FilmArg,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="print the plan; render nothing")] = False,
    executor: ExecutorOption = None,
    address: AddressOption = None,
    workers: WorkersOption = None,
    output: OutputOption = None,
    size: SizeOption = None,
    store: StoreOption = None,
    preset: PresetOption = None,
    fit: FitOption = "blur",
    loudness: LoudnessOption = -14.0,
    titles: TitlesOption = True,
    burn_subtitles: BurnOption = False,
    watermark: WatermarkOption = None,
    sign: SignOption = None,
    watch: Annotated[bool, typer.Option("--watch", help="then, on every save of the film, a scene file, a "
                                        "reference or a sound: check, render what changed, cut again")] = False,
    retakes: Annotated[bool, typer.Option("--retakes", help="first make a new take of every shot the review sent "
                                          "back (`longcut review`), and use it")] = False,
) -> None:
    """Render every shot that is not cached, in dependency order, then cut them into the film."""
    from .editor.deliver import check_delivery

    check_delivery(preset, fit)
    project = _open(film, store, media=True, writes=not dry_run)
    if dry_run:
        _print_plan(project, project.plan(size=_size(size)))
        return

    def render_and_cut(project) -> None:
        from .render.executors import ExecutorOptions, create_executor

        target = _film_output(project, output, _size(size))  # refused before any shot is rendered, not after
        options = ExecutorOptions.of(project.screenplay, executor, address, workers)
        choices = _retake_choices(project, _size(size)) if retakes else {}
        result = _render_with_progress(project, project.plan(choices, size=_size(size)), picked=set(choices),
                                       executor=create_executor(options))
        _print_result(result)
        _cut(project, project.plan(size=_size(size)),
             project.cut_options(target, preset, fit, loudness, titles, burn_subtitles, watermark, sign))

    render_and_cut(project)
    if watch:
        _watch(project, film, store, render_and_cut)


def _retake_choices(project, size) -> dict:
    """A new take of every shot the review sent back that has no new take yet."""
    from continuity import TakeChoice

    from .review.decisions import Review

    plan = project.plan(size=size)
    keys = {shot: (planned.key, planned.cached) for shot, planned in plan.shots.items()}
    shots = Review.beside(project.screenplay.path).retakes(keys)
    if shots:
        out.print(f"new takes of the {len(shots)} shot(s) sent back: {', '.join(shots)}")
    else:
        out.print("no shot is waiting for a retake")
    return {shot: TakeChoice(project.next_take(shot)) for shot in shots}


def _watch(project, film: Path, store: str | None, render_and_cut) -> None:
    """Render and cut again after every batch of saves; a problem is printed and the watch goes on."""
    from .watch import FilmFiles, watch

    def media_of(screenplay) -> set[Path]:
        return {media.path for media in screenplay.media()}

    def rebuild(changed: set[Path]) -> set[Path] | None:
        names = ", ".join(sorted(path.name for path in changed))
        out.print(Text(f"changed: {names}", style="cyan"))
        try:
            again = _open(film, store, media=True)
            render_and_cut(again)
        except (ScreenplayError, LongcutError) as error:
            _report(error)  # and the watch goes on
            return None
        return media_of(again.screenplay)

    def ready() -> None:
        out.print(f"watching {film} (Ctrl-C to stop)")

    watch(FilmFiles(project.screenplay.root, media_of(project.screenplay)), rebuild, ready=ready)
    out.print("stopped watching")


@app.command()
@reports_errors
def cut(
    film: FilmArg,
    output: OutputOption = None,
    size: SizeOption = None,
    store: StoreOption = None,
    preset: PresetOption = None,
    fit: FitOption = "blur",
    loudness: LoudnessOption = -14.0,
    titles: TitlesOption = True,
    burn_subtitles: BurnOption = False,
    watermark: WatermarkOption = None,
    sign: SignOption = None,
) -> None:
    """Assemble the film from the current takes: transitions, titles, score, subtitles."""
    from .editor.deliver import check_delivery
    check_delivery(preset, fit)
    project = _open(film, store, media=True)
    output = _film_output(project, output, _size(size))
    _cut(project, project.plan(size=_size(size)),
         project.cut_options(output, preset, fit, loudness, titles, burn_subtitles, watermark, sign))


def _film_output(project, output: Path | None, size: tuple[int, int] | None = None) -> Path:
    """The film to write, and the subtitles beside it, checked before any work is done. A draft at another size
    goes to its own file (film.640x360.mp4), never over the film and its cut record."""
    target = output or project.default_output(size)
    inputs = project.inputs()
    _output(target, inputs)
    for suffix in (".srt", ".vtt", ".cut.json", ".continuity.json"):
        _output(target.with_suffix(suffix), inputs, "the subtitles, the cut record and the continuity report beside "
                                                    "--out")
    return target


def _cut(project, plan, options) -> None:
    _said_cut(project.cut(plan, options))


def _said_cut(result) -> None:
    timeline = result.timeline
    if result.up_to_date:
        out.print(f"{result.output} is up to date")
        return
    seconds = float(timeline.total_frames / timeline.fps)
    sound = "sound made" if result.audio_made else "sound reused"
    out.print(f"cut {result.output}: {timeline.total_frames} frames ({seconds:.1f}s); {result.pieces_made} piece(s) "
              f"made, {result.pieces_reused} reused, {sound}; in {result.seconds:.1f}s")
    for path in result.subtitle_files:
        out.print(f"subtitles: {path}")
    for warning in result.warnings:
        _warn(warning)
    if result.flagged is not None:
        from .report import report_path

        verdict = f"{result.flagged} flag(s): longcut report" if result.flagged else "nothing flagged"
        out.print(f"continuity: {verdict} ({report_path(result.output).name})")


@app.command()
@reports_errors
def shot(
    film: FilmArg,
    shot_id: Annotated[str, typer.Argument(help="the shot to render", show_default=False)],
    take: Annotated[str | None, typer.Option("--take", help="`new` for another take, or a take number")] = None,
    seed: Annotated[int | None, typer.Option("--seed", min=0, max=SEED_LIMIT - 1, help="make a take with this seed")] = None,
    size: SizeOption = None,
    store: StoreOption = None,
) -> None:
    """Render one shot, and the shots that continue from it; --take new makes another take and uses it."""
    from continuity import TakeChoice

    project = _open(film, store, media=True)
    shot_id = project.shot(shot_id)
    choice = project.current_choice(shot_id)
    if take is not None or seed is not None:
        if take is None or take == "new":
            number = project.next_take(shot_id)
            if number > MAX_TAKE:
                raise LongcutError(f"shot `{shot_id}` has {MAX_TAKE} takes already, the most a shot may have",
                                   hint=f"pick one: longcut pick {film} {shot_id} TAKE, or --take N to redo one")
        elif take.isdigit() and 1 <= int(take) <= MAX_TAKE:
            number = int(take)
        else:
            raise LongcutError(f"--take {take!r} is not `new` or a take number from 1 to {MAX_TAKE}",
                               hint="e.g. --take new, --take 2")
        choice = TakeChoice(number, seed)
    plan = project.plan({shot_id: choice}, size=_size(size))
    only = {shot_id, *project.graph.descendants(shot_id)}
    picked = {shot_id} if (take is not None or seed is not None) else set()
    result = _render_with_progress(project, plan, only=only, picked=picked)
    _print_result(result)
    if all(planned.cached for planned in project.plan(size=_size(size)).shots.values()):
        _cut_as_last(project, _size(size))


@app.command()
@reports_errors
def takes(
    film: FilmArg,
    shot_id: Annotated[str, typer.Argument(help="the shot whose takes to list", show_default=False)],
    output: Annotated[Path | None, typer.Option("--out", "-o", help="contact sheet PNG (default: in the store)")] = None,
    store: StoreOption = None,
) -> None:
    """List a shot's takes and write a contact sheet of their first, middle and last frames."""
    from .sheets import contact_sheet

    project = _open(film, store, writes=output is None)  # the sheet goes into the store unless --out says
    shot_id = project.shot(shot_id)
    records = project.takes(shot_id)
    if not records:
        raise LongcutError(f"shot `{shot_id}` has no takes yet", hint=f"render it: longcut shot {film} {shot_id}")
    # the take the cut uses is the one the plan keys now: after a pick upstream, a dependent shot's old take is not
    plan = project.plan()
    planned = plan.shots[shot_id]
    in_cut = planned.key if planned.cached else None
    current = project.current_keys(plan, shot_id, records)  # the takes made for the screenplay as it is now
    prompts = {record.prompt for record in records}
    if len(prompts) == 1:  # said once, above the table, not on every row
        out.print(Text(f"prompt: {records[0].prompt}", style="dim"))
    made_for = [_made_for(record, current, planned) for record in records]
    rows = [["▶" if record.key == in_cut else "", str(record.take), str(record.seed), made,
             f"{record.width}x{record.height}", str(record.frames), record.created.replace("T", " ")[:16],
             record.key[:10], record.prompt] for record, made in zip(records, made_for)]
    headers = ["", "take", "seed", "made for", "size", "frames", "made", "key", "prompt"]
    if len(prompts) == 1:
        headers, rows = headers[:-1], [row[:-1] for row in rows]
    out.print(_fitting_table(headers, rows, drop=["made", "size", "key", "frames"],
                             flexible="prompt" if len(prompts) > 1 else None))
    if "earlier" in made_for:
        out.print("made for `earlier`: for the screenplay, or the take of the shot it continues, as it was then; "
                  "a take's number and seed stay, its key changes")
    target = _output(output, project.inputs()) if output else project.store.root / "sheets" / f"{shot_id}.png"
    contact_sheet(project.store, records, target)
    out.print(f"contact sheet: {target}   (▶ = the take the cut uses)")
    if in_cut is None:
        out.print(f"none of these is take {planned.request.take} as the screenplay (or the shot it continues) is now: "
                  f"longcut shot {film} {shot_id} renders it")


def _made_for(record, current: set[str], planned) -> str:
    """What a take was made for: the screenplay as it is now, a draft at another size, or an earlier version."""
    if record.key in current:
        return "now"
    if (record.width, record.height) != (planned.request.width, planned.request.height):
        return "draft"
    return "earlier"


@app.command()
@reports_errors
def pick(
    film: FilmArg,
    shot_id: Annotated[str, typer.Argument(help="the shot", show_default=False)],
    take_number: Annotated[int, typer.Argument(metavar="TAKE", min=1, max=MAX_TAKE, help="the take the cut uses from now on")],
    store: StoreOption = None,
    cut_after: Annotated[bool, typer.Option("--cut", help="then cut the film again, as it was last cut")] = False,
) -> None:
    """Make the cut use one take of a shot from now on."""
    project = _open(film, store, media=cut_after)
    shot_id = project.shot(shot_id)
    waiting = project.pick(shot_id, take_number)
    out.print(f"the cut now uses take {take_number} of {shot_id}")
    if waiting:
        out.print(f"{len(waiting)} shot(s) continue from it and need rendering: {', '.join(waiting)}; "
                  f"run longcut render {film}")
    elif cut_after:
        _cut_as_last(project)
    else:
        out.print(f"the film shows it once it is cut again: longcut cut {film} (or pick with --cut)")


def _cut_as_last(project, size=None) -> None:
    """Cut again as the film was last cut (titles, loudness, delivery), not with a command's defaults."""
    _said_cut(project.cut_again(size))


@app.command()
@reports_errors
def board(
    film: FilmArg,
    shot_id: Annotated[str | None, typer.Option("--shot", metavar="ID", help="the shot whose keyframe to redo "
                                                "(with --take or --seed)")] = None,
    take: Annotated[str | None, typer.Option("--take", help="`new` for another keyframe take, or a take number to "
                                             "use (made if missing)")] = None,
    seed: Annotated[int | None, typer.Option("--seed", min=0, max=SEED_LIMIT - 1,
                                             help="draw the keyframe with this seed")] = None,
    size: SizeOption = None,
    store: StoreOption = None,
) -> None:
    """The storyboard before any video: draw every missing keyframe, then FILM.board.png and FILM.keyframes/."""
    import time

    from .board import board_is_current, board_paths, check_board_paths, write_board

    started = time.perf_counter()
    project = _open(film, store, media=True)
    if project.keyframe_backend is None:
        raise LongcutError(f"{film.name} has no keyframe stage, so there is no board to draw",
                           hint="name a keyframe backend in the film, e.g. keyframes: {name: diffusers, model: "
                                "black-forest-labs/FLUX.2-dev}, or keyframes: animatic for a sketch")
    paths = check_board_paths(board_paths(project.screenplay.path), project.inputs())
    choices = _keyframe_choice(project, film, shot_id, take, seed)
    plan = project.plan(keyframe_choices=choices, size=_size(size))
    todo = plan.keyframes_to_draw()
    if not todo and not choices and board_is_current(plan, project.store, paths):
        out.print(f"the board is up to date: {paths.sheet}")
        return
    drawn = _draw_keyframes(project, plan, todo)
    if choices:
        (shot_id, choice), = choices.items()
        again = project.pick_keyframe(shot_id, choice, plan, _size(size))
        out.print(f"the film now starts {shot_id} on keyframe take {choice.take}"
                  + (f"; {len(again)} shot(s) to render: longcut render {film}" if again else ""))
    write_board(plan, project.store, paths)
    keyframes = sum(len(planned.keyframes) for planned in plan.shots.values())
    out.print(f"drew {drawn} keyframe(s), {keyframes - drawn} cached, in {time.perf_counter() - started:.1f}s")
    out.print(f"board: {paths.sheet}")
    out.print(f"keyframes: {paths.keyframes}")


def _keyframe_choice(project, film: Path, shot_id: str | None, take: str | None, seed: int | None) -> dict:
    """The keyframe take --shot/--take/--seed ask for, checked: {} when none is asked."""
    from continuity import TakeChoice

    from .render.store import KEYFRAME_KIND

    if shot_id is None:
        if take is not None or seed is not None:
            raise LongcutError("--take and --seed choose a keyframe of one shot", hint="add --shot ID")
        return {}
    shot_id = project.shot(shot_id)
    planned = project.plan().shots[shot_id]
    if not planned.keyframes:
        why = f"it starts on {planned.parent}'s last frame" if planned.parent else "it is a title card or footage"
        raise LongcutError(f"shot `{shot_id}` has no keyframe: {why}",
                           hint="redo its video instead: longcut shot FILM ID --take new")
    if take is None or take == "new":
        number = project.next_take(shot_id, KEYFRAME_KIND) if take == "new" or seed is not None else \
            project.current_keyframe(shot_id).take
    elif take.isdigit() and 1 <= int(take) <= MAX_TAKE:
        number = int(take)
    else:
        raise LongcutError(f"--take {take!r} is not `new` or a take number from 1 to {MAX_TAKE}",
                           hint="e.g. --take new, --take 2")
    if number > MAX_TAKE:
        raise LongcutError(f"shot `{shot_id}` has {MAX_TAKE} keyframe takes already, the most a shot may have",
                           hint=f"use one: longcut board {film} --shot {shot_id} --take N")
    return {shot_id: TakeChoice(number, seed)}


def _draw_keyframes(project, plan, todo) -> int:
    """Draw the missing keyframes with a progress bar; returns how many were drawn."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeElapsedColumn

    from .backends import release
    from .render.keyframes import draw_missing

    if not todo:
        return 0
    with Bar(TextColumn("keyframes {task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
             console=out) as bar:
        task = bar.add_task("", total=len({keyframe.key for keyframe in todo}))

        def done(planned, record) -> None:
            bar.update(task, advance=1, description=planned.shot_id)

        def step(planned, done_steps: int, steps: int) -> None:
            bar.update(task, description=f"{planned.shot_id} · step {done_steps}/{steps}")

        drawn = len(draw_missing(todo, plan.keyframe_backend, project.store, done, step))
    release(plan.keyframe_backend)  # the model's memory back, as render does before its video model
    return drawn


@app.command()
@reports_errors
def status(
    film: FilmArg,
    size: SizeOption = None,
    store: StoreOption = None,
    verify: Annotated[bool, typer.Option("--verify", help="check every take the cut uses in full: hash its files "
                                         "and decode its clip; a damaged one is removed, to be rendered again")] = False,
) -> None:
    """Per shot: cached, stale (the screenplay changed since its take) or missing, and which take."""
    from .review.decisions import Review

    project = _open(film, store, writes=verify)  # --verify evicts what it finds damaged
    rows = project.status(project.plan(size=_size(size)), verify=verify)
    review = Review.beside(project.screenplay.path)
    styles = {"cached": "green", "verified": "green", "stale": "yellow", "missing": "red", "damaged": "red"}
    review_styles = {"approved": "green", "retake": "red", "waiting for review": "yellow"}
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.state] = counts.get(row.state, 0) + 1
    notes = {}
    for note in review.data.notes:
        if note.shot:
            notes[note.shot] = notes.get(note.shot, 0) + 1
    cells = []
    for row in rows:
        verdict = review.status(row.shot, row.key, row.state in ("cached", "verified")).value
        decision = review.data.decisions.get(row.shot)
        said = _verdict_said(decision, verdict)
        cells.append([row.shot, f"{row.take}{' (picked)' if row.picked else ''}", Text(row.state, style=styles[row.state]),
                      Text(verdict + said, style=review_styles.get(verdict, "")), str(notes.get(row.shot, "")),
                      str(row.frames), row.key[:10]])
    out.print(_fitting_table(["shot", "take", "status", "review", "notes", "frames", "key"], cells,
                             drop=["key", "frames", "notes"], flexible="review", keep_flexible_whole=True))
    out.print(", ".join(f"{count} {state}" for state, count in sorted(counts.items())))
    if review.data.notes or review.data.decisions:
        film_notes = sum(1 for note in review.data.notes if note.on == "film")
        out.print(f"review: {len(review.data.decisions)} verdict(s), {len(review.data.notes)} note(s) "
                  f"({film_notes} on the film); longcut review {film}")
    if counts.get("damaged"):
        out.print(f"the damaged takes were removed; longcut render {film} makes them again")


def _verdict_said(decision, verdict: str) -> str:
    """What the verdict said, after the review status: its note; for a new take made after a retake, which take
    was sent back and why (the reason stays in view until the new take is reviewed)."""
    if decision is None:
        return ""
    if verdict in ("retake", "approved"):
        return f": {decision.note}" if decision.note else ""
    if decision.verdict == "retake":
        return f" (take {decision.take} sent back" + (f": {decision.note})" if decision.note else ")")
    return ""


FLEXIBLE_MIN = 12  # the narrowest a column of free text (a prompt) is shown, cut with …


def _fitting_table(headers: list[str], rows: list[list[str | Text]], drop: list[str],
                   flexible: str | None = None, keep_flexible_whole: bool = False) -> Table:
    """A table that fits the terminal: columns in `drop` are left out, in that order, until the rest fit whole;
    the flexible column takes what is left and is cut with … (never a number, a take or a key).
    keep_flexible_whole: columns are dropped until the flexible column fits whole too (what a reviewer said matters
    more than a key)."""
    def width_of(column: int) -> int:
        return max([len(headers[column])] + [Text(row[column]).cell_len if isinstance(row[column], str)
                                             else row[column].cell_len for row in rows])

    shown = list(range(len(headers)))
    for name in [None, *drop]:
        if name is not None:
            shown.remove(headers.index(name))
        fixed = sum(width_of(column) for column in shown if headers[column] != flexible) + 3 * (len(shown) - 1)
        wanted = 0 if flexible not in headers else (
            width_of(headers.index(flexible)) if keep_flexible_whole else FLEXIBLE_MIN)
        if fixed + wanted <= out.width:
            break
    widths = {column: width_of(column) for column in shown}
    if flexible in headers:
        free = headers.index(flexible)
        widths[free] = max(FLEXIBLE_MIN, min(widths[free], out.width - fixed - 1))
    table = Table(show_edge=False, pad_edge=False)
    for column in shown:
        table.add_column(headers[column], no_wrap=True, overflow="ellipsis", width=widths[column])
    for row in rows:
        table.add_row(*[Text(row[column]) if isinstance(row[column], str) else row[column] for column in shown])
    return table


def _print_plan(project, plan) -> None:
    """The plan as a table that fits the terminal (ids whole; the key, seed and calls go first when narrow), and
    how long the render should take, from the rate this store's takes were made at."""
    rows = []
    for number, shot_id in enumerate(plan.order, start=1):
        planned = plan.shots[shot_id]
        action = Text("cached", style="green") if planned.cached else Text("render", style="yellow")
        rows.append([str(number), shot_id, action, str(planned.request.frames), str(planned.segments),
                     planned.parent or "-", str(planned.request.seed), planned.key[:10]])
    out.print(_fitting_table(["#", "shot", "action", "frames", "calls", "starts on", "seed", "key"], rows,
                             drop=["key", "seed", "calls", "#"]))
    todo = plan.to_render()
    out.print(f"{len(todo)} of {len(plan.shots)} shots to render ({plan.frames_to_render()} frames) with "
              f"{plan.backend.name}; {len(plan.shots) - len(todo)} cached")
    if todo:
        out.print(project.render_estimate(plan))
    keyframes = plan.keyframes_to_draw(todo)
    if keyframes:
        out.print(f"{len(keyframes)} keyframe(s) to draw first with {plan.keyframe_backend.name}")


def _render_with_progress(project, plan, only=None, picked=None, executor=None):
    from .render import render as run_render
    from .rich_progress import RichProgress

    if not plan.to_render(only):  # nothing to draw: no progress bar, just the bookkeeping
        return run_render(plan, project.store, project.lock, only=only, picked=picked, executor=executor)
    with RichProgress(out, plan, only) as progress:
        return run_render(plan, project.store, project.lock, progress, only=only, picked=picked, executor=executor)


def _print_result(result) -> None:
    found = f", {len(result.found)} made meanwhile by another render" if result.found else ""
    if result.keyframes:
        out.print(f"drew {result.keyframes} keyframe(s) first")
    out.print(f"rendered {len(result.rendered)} shot(s), {len(result.cached)} cached{found}, in {result.seconds:.1f}s")


@app.command()
@reports_errors
def export(
    film: FilmArg,
    fmt: Annotated[str, typer.Option("--format", "-f", help="otio, edl, xml (FCP 7: Premiere, Resolve), fcpxml "
                                     "(Final Cut Pro), srt, vtt, or stems (dialogue, effects and music WAVs)")],
    output: Annotated[Path | None, typer.Option("--out", "-o", help="the file, or the folder for stems (default: "
                                                "beside the film file)")] = None,
    start: Annotated[str, typer.Option("--start", help="the record timecode of the first frame")] = "01:00:00:00",
    cut_of: Annotated[Path | None, typer.Option("--cut", help="the film whose cut to export, when it was cut with "
                                                "--out (default: the film beside the film file)")] = None,
    store: StoreOption = None,
) -> None:
    """Export the film as it was last cut, for an editing suite: every clip linked to its take."""
    from .export import formats, planned_files, write_files
    from .timeline import Cut

    if fmt not in formats():
        raise LongcutError(f"unknown export format `{fmt}`", hint=f"use one of {', '.join(formats())}")
    project = _open(film, store, writes=False)
    the_cut = project.last_cut(cut_of)
    if the_cut is None:
        made = cut_of or project.default_output()
        raise LongcutError(f"{made} has not been cut yet (no {Cut.beside(made).name} beside it)",
                           hint=f"cut the film first: longcut cut {film}" + (f" --out {cut_of}" if cut_of else ""))
    behind = project.cut_is_behind(the_cut)
    if behind:
        _warn(f"the film was cut before the lock file last changed: shot(s) {', '.join(behind)} now use other takes "
              f"than this export shows; cut it again to export them: longcut cut {film}")
    missing = [item for item in the_cut.timeline.items if not the_cut.media(item).is_file()]
    for item in missing:
        _warn(f"{the_cut.media(item)} is no longer there; the export links to it all the same (cut the film again)")
    inputs = {**project.inputs(), Cut.beside(the_cut.film).resolve(): "the cut record"}
    files = planned_files(fmt, the_cut, output or project.screenplay.path.with_suffix(f".{fmt}"), start)
    for path in files:
        _output(path, inputs)
    for path in write_files(files):
        out.print(f"wrote {path}")


@app.command()
@reports_errors
def report(
    film: FilmArg,
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="exit 1 when anything is flagged (for CI)")] = False,
    cut_of: Annotated[Path | None, typer.Option("--cut", help="the film whose report to print, when it was cut with "
                                                "--out (default: the film beside the film file)")] = None,
) -> None:
    """The continuity report of the film as it was last cut: seams, hard cuts, black and frozen frames."""
    from .report import load_report, report_path

    made = cut_of or Path(film).with_suffix(".mp4")
    path = report_path(made)
    data = load_report(path, hint=f"cut the film again: longcut cut {film}" + (f" --out {cut_of}" if cut_of else ""),
                       film=made)
    if as_json:
        print(json.dumps(data, indent=1))
    else:
        _print_report(data, path)
    if strict and data["flagged"]:
        raise typer.Exit(1)


def _print_report(data: dict, path: Path) -> None:
    seams = data["seams"]
    continued = [seam for seam in seams if seam["continues"]]
    worst = max((seam["delta_e"] for seam in continued), default=None)
    out.print(f"{path.name}: {len(data['shots'])} shots, {len(seams)} seams ({len(continued)} continued"
              + (f", the largest colour jump ΔE {worst:.1f}" if worst is not None else "") + ")")
    graded = [seam for seam in seams if "color_match" in seam]
    for seam in graded:
        match = seam["color_match"]
        out.print(f"  {seam['to']}: graded toward {match['toward']}, seam ΔE {match['delta_e_before']:.1f} -> "
                  f"{seam['delta_e']:.1f}")
    _print_identity(data.get("identity") or {})
    flags = [flag for entry in seams + data["shots"] for flag in entry["flags"]]
    if not flags:
        out.print("nothing flagged")
        return
    for flag in sorted(flags, key=lambda flag: flag["frame"]):  # lines, not a table: a message wraps whole
        out.print(Text.assemble((flag["timecode"], "cyan"), f"  {flag['what']}: {flag['message']}"))
        out.print(Text(f"  hint: {flag['hint']}", style="dim"))
    out.print(f"{len(flags)} flag(s)")


def _print_identity(identity: dict) -> None:
    """Who is on screen: a row per character (its consistency across shots and where it is lowest)."""
    if not identity.get("measured"):
        out.print(Text(identity.get("why") or "identity was not measured", style="dim"))
        return
    for row in identity.get("characters", []):
        seen = f"seen in {row['seen_in']} of {row['shots']} shot(s)"
        if row.get("consistency") is not None:
            lowest = row["lowest"]
            seen += f", consistency {row['consistency']:.2f} (lowest: {lowest['shot']}, {lowest['similarity']:.2f})"
        out.print(f"  {row['name']} ({row['character']}): {seen}")


@app.command()
@reports_errors
def conform(
    film: FilmArg,
    edited: Annotated[Path, typer.Argument(help="the cut as an editing suite exported it: .otio, .edl or .xml",
                                           show_default=False)],
    store: StoreOption = None,
) -> None:
    """Take an edited cut back: its order, trims and transitions go into the lock file; nothing is re-rendered."""
    from .editor.conform import conform as run_conform
    from .editor.conform import read_edited
    project = _open(film, store)
    plan = project.plan()
    result = run_conform(read_edited(edited, project.screenplay.fps),
                         {shot: planned.request.frames for shot, planned in plan.shots.items()})
    if not result.order:
        listed = "; ".join(result.unmapped[:12]) + (f"; and {len(result.unmapped) - 12} more"
                                                     if len(result.unmapped) > 12 else "")
        raise LongcutError(f"no clip of `{edited.name}` is a shot of this film ({listed or 'it has no clips'})",
                           hint="conform takes back a cut exported by longcut (its clips are named after the shots)")
    project.lock.edit = result.as_edit()
    project.lock.save()
    out.print(f"conformed {len(result.order)} shots from {edited.name}: {len(result.trims)} trimmed, "
              f"{sum(1 for frames in result.transitions.values() if frames)} transitions")
    for shot in result.dropped:
        out.print(Text(f"left out by the editor: {shot}", style="yellow"))
    for note in result.unmapped:
        out.print(Text(f"not mapped: {note}", style="yellow"))
    out.print(f"the next `longcut cut {film}` follows this edit; the screenplay is unchanged")


@app.command()
@reports_errors
def review(
    film: FilmArg,
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="the port (default: a free one)")] = 0,
    host: Annotated[str, typer.Option("--host", help="the address to listen on; any but loopback needs the token "
                                      "printed with the URL")] = "127.0.0.1",
    open_browser: Annotated[bool, typer.Option("--open", help="open the page in a browser")] = False,
    static: Annotated[Path | None, typer.Option("--static", metavar="DIR", help="write the page, its state and "
                                                "proxies of the film and takes into DIR, to open from file://; no "
                                                "server")] = None,
    store: StoreOption = None,
    author: Annotated[str | None, typer.Option("--as", metavar="NAME", help="who the notes and verdicts are from "
                                               "(default: $LONGCUT_AUTHOR, else your login name)")] = None,
    import_notes: Annotated[Path | None, typer.Option("--import", metavar="FILE", help="take in the notes a static "
                                                      "copy's page exported (each once); no server")] = None,
) -> None:
    """Review in a browser: the film, every shot's takes and status; approve, retake, pick, notes on frames."""
    if import_notes is not None:
        from .review.notes import import_notes as take_in

        imported = take_in(_open(film, store), import_notes)
        for warning in imported.warnings:
            out.print(Text(f"warning: {warning}", style="yellow"))
        out.print(f"imported {imported.added} note(s) from {import_notes}" +
                  (f" ({imported.known} were in already)" if imported.known else "") + f"; longcut review {film}")
        return
    if static is not None:
        from .review.static import write_static

        folder, media = write_static(_open(film, store), static)
        out.print(f"wrote {folder / 'index.html'} ({media} media file(s)): open it in a browser, or send the folder")
        return
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
def new(
    folder: Annotated[Path, typer.Argument(help="the folder for the new film (made if missing)", show_default=False)],
    title: Annotated[str, typer.Option("--title", help="the film's title")] = "A New Film",
) -> None:
    """Write a small film to start from: a film file, a scene file, a character with a reference image, music."""
    import shutil
    import tempfile

    from .starter import write_starter

    if folder.exists() and not folder.is_dir():
        raise LongcutError(f"{folder} is a file", hint="give a folder for the new film")
    if (folder / "film.yaml").exists():
        raise LongcutError(f"{folder / 'film.yaml'} already exists", hint="choose another folder")
    taken = [name for name in ("scenes", "refs", "schemas") if (folder / name).exists()]
    if taken:
        raise LongcutError(f"{folder} already has {', '.join(taken)}", hint="choose an empty or new folder")
    folder.mkdir(parents=True, exist_ok=True)
    # Written beside the target and moved into place whole: a failure leaves no half-made film.
    with tempfile.TemporaryDirectory(dir=folder, prefix=".new-") as staging:
        write_starter(Path(staging), title)
        for name in ("scenes", "refs", "schemas", "film.yaml"):
            shutil.move(str(Path(staging) / name), str(folder / name))
    screenplay = storyboard.load(folder / "film.yaml")
    out.print(f"wrote {folder / 'film.yaml'}: {len(screenplay.entries)} shots, running time "
              f"{format_seconds(screenplay.running_frames() / screenplay.fps)}")
    out.print(f"next: longcut render {folder / 'film.yaml'}")


@app.command("import")
@reports_errors
def import_script(
    script: Annotated[Path, typer.Argument(help="a Fountain (.fountain) or Final Draft (.fdx) screenplay",
                                           show_default=False)],
    output: Annotated[Path, typer.Option("--out", "-o", help="the folder for film.yaml and scenes/")],
    force: Annotated[bool, typer.Option("--force", help="replace a film already in that folder")] = False,
) -> None:
    """Turn a screenplay into a film file and one scene file per scene, ready to check and render."""
    import shutil
    import tempfile

    from storyboard.fountain import read_script, write_film

    if not script.is_file():
        raise LongcutError(f"script `{script}` not found", hint="give the path of a .fountain or .fdx file")
    if output.exists() and not output.is_dir():
        raise LongcutError(f"--out {output} is a file", hint="give a folder for film.yaml and scenes/ (it is made "
                                                             "when missing)")
    if (output / "film.yaml").exists() and not force:
        raise LongcutError(f"{output / 'film.yaml'} already exists", hint="choose another --out, or add --force")
    parsed = read_script(script)
    output.mkdir(parents=True, exist_ok=True)
    # Written beside the target and moved into place whole: a failure leaves no half-imported film.
    with tempfile.TemporaryDirectory(dir=output, prefix=".import-") as folder:
        film = write_film(parsed, Path(folder), script)
        storyboard.load(film, content_rules=False)  # what we wrote must be a screenplay longcut reads
        if force:
            shutil.rmtree(output / "scenes", ignore_errors=True)
            shutil.rmtree(output / "schemas", ignore_errors=True)
        (Path(folder) / "scenes").rename(output / "scenes")
        (Path(folder) / "schemas").rename(output / "schemas")
        film.rename(output / "film.yaml")
    screenplay, refused, warned = _load_imported(output / "film.yaml")
    for problem in refused:  # the script's own words: written as they are, for the author to change or allow
        err.print(Text(problem.render(), style="yellow"))
    for warning in warned:
        err.print(Text(f"{warning.mark}: warning: {warning.message}", style="yellow"))
    if refused:
        err.print(Text(f"{len(refused)} text(s) of the script break the film's content rules: change them, or set "
                       "`policy:` in film.yaml, before rendering (longcut check shows them)", style="yellow"))
    out.print(f"wrote {output / 'film.yaml'} and {len(screenplay.film.scenes)} scene files: "
              f"{len(screenplay.entries)} shots, {len(screenplay.film.characters)} characters, running time "
              f"{format_seconds(screenplay.running_frames() / screenplay.fps)}")
    out.print(f"next: describe the characters in film.yaml, then longcut render {output / 'film.yaml'}")


def _load_imported(film: Path):
    """The imported film, and what the content rules refuse and warn of in its texts: they do not stop the
    import (the script is written as it is), and `check` refuses to render it until the author decides."""
    from storyboard.checks import content_findings

    screenplay = storyboard.load(film, content_rules=False)
    return screenplay, *content_findings(screenplay)


def _fixed_mmap_threshold() -> None:
    """Keep large frame buffers (1080p and up: 6 MB and more) out of the heap.

    They are freed on the encoder's thread, and glibc's sliding mmap threshold would move them onto the
    heap, which then only grows (measured: 562 MB peak for a one-minute 1080p shot, 458 MB with this).
    Smaller frames stay on the heap: mapping every 720p frame afresh cost a quarter of the render's speed.
    """
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(-3, 4 << 20)  # M_MMAP_THRESHOLD = 4 MiB
    except (OSError, AttributeError):  # not glibc: nothing to tune
        pass


def main() -> None:
    _fixed_mmap_threshold()
    app(prog_name="longcut")


if __name__ == "__main__":
    sys.exit(main())
