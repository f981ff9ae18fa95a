"""`schema` and `graph`: the film file's JSON Schema for an editor, and the shot graph as a picture."""

from __future__ import annotations

from pathlib import Path

from longcut import storyboard
from longcut.storyboard import ShotGraph, diagram
from longcut.storyboard.json_schema import schema_text

from ..atomic import atomic_path
from ..errors import LongcutError
from ..outputs import inputs_of, output_path
from ..render.lock import LockFile
from ..stills.graph import to_png

SCHEMAS = ("film", "scene")
GRAPH_WRITERS = {".svg": lambda graph, path: path.write_text(diagram.to_svg(graph), encoding="utf-8"),
                 ".dot": lambda graph, path: path.write_text(diagram.to_dot(graph), encoding="utf-8"),
                 ".png": to_png}


def schema(kind: str) -> str:
    if kind not in SCHEMAS:
        raise LongcutError(f"no schema `{kind}`", hint="longcut schema film, or longcut schema scene")
    return schema_text(kind)


def write_schema(kind: str, output: Path) -> Path:
    text = schema(kind)
    with atomic_path(output_path(output, {})) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return output


def shot_graph(film: Path) -> ShotGraph:
    return ShotGraph(storyboard.load(film))


def write_graph(graph: ShotGraph, output: Path) -> Path:
    """The graph as .svg, .png or .dot; never over a file the film reads."""
    suffix = output.suffix.lower()
    if suffix not in GRAPH_WRITERS:
        raise LongcutError(f"cannot write a graph as `{output.name}`", hint="use a name ending in .svg, .png or .dot")
    screenplay = graph.screenplay
    output_path(output, inputs_of(screenplay, screenplay.root / ".longcut", LockFile.beside(screenplay.path).path))
    with atomic_path(output) as temporary:
        GRAPH_WRITERS[suffix](graph, temporary)
    return output
