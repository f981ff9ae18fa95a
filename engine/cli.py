"""The `longcut` command line.

Every command loads the screenplay first; any problem in it is printed with file:line:column and
the command exits with status 2, without a traceback, before anything is written.
"""

from __future__ import annotations

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
from storyboard import ScreenplayError, ShotGraph
from storyboard.units import format_seconds, fps_label

from .errors import LongcutError

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
        except ScreenplayError as error:
            err.print(Text(error.render(), style="red"))
            raise typer.Exit(2) from None
        except LongcutError as error:
            err.print(Text(f"error: {error}", style="red"))
            if error.hint:
                err.print(Text(f"  hint: {error.hint}"))
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt:
            err.print("interrupted; every finished take is kept")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


# -- check ---------------------------------------------------------------------------------------


@app.command()
@reports_errors
def check(film: FilmArg) -> None:
    """Validate a screenplay and summarise it: scenes, shots, running time, who appears where."""
    screenplay = storyboard.load(film)
    graph = ShotGraph(screenplay)
    _print_summary(screenplay, graph)


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
    if film.characters:
        cast = Table(show_edge=False, pad_edge=False)
        for column in ("character", "name", "shots", "appears in"):
            cast.add_column(column, justify="right" if column == "shots" else "left")
        for ident, character in film.characters.items():
            shots = [entry.shot.id for entry in sp.entries if ident in sp.characters_in(entry.shot)]
            shown = ", ".join(shots[:6]) + (f", … (+{len(shots) - 6})" if len(shots) > 6 else "")
            cast.add_row(ident, character.name or "", str(len(shots)), shown or "-")
        out.print(cast)
    for warning in sp.warnings:
        where = f"{warning.mark}: " if warning.mark else ""
        out.print(Text(f"{where}warning: {warning.message}", style="yellow"))
    out.print(Text("ok", style="green") if not sp.warnings else Text(f"ok, {len(sp.warnings)} warnings", style="yellow"))


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


def main() -> None:
    app(prog_name="longcut")


if __name__ == "__main__":
    sys.exit(main())
