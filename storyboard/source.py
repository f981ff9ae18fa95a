"""Read YAML into plain data while remembering where every value came from.

PyYAML composes a node tree (each node knows its file, line and column); we build plain Python
values from it ourselves instead of calling a constructor, so that

* no tag can build a Python object (only the YAML core types are accepted),
* every value's position is kept in a ``SourceMap`` keyed by its path in the data,
* duplicate keys, recursive aliases and alias bombs are refused with a position,
* ``include:`` items splice other files' nodes in before conversion, keeping their own positions.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Mark, Problem, ScreenplayError
from .files import SCREENPLAY_LIMIT, FileRefused, read_text

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 10x faster to compose
_SCALARS = yaml.constructor.SafeConstructor()

_CORE = "tag:yaml.org,2002:"
_MERGE = _CORE + "merge"  # `<<`
_ALLOWED_TAGS = {_CORE + name for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "merge")}
# How many values aliases may add beyond what the text itself can hold (at most one per two bytes):
# enough for any real reuse, far below a bomb, and small enough to refuse a bomb within a second.
ALIAS_EXPANSION_LIMIT = 100_000

Path_ = tuple[str | int, ...]


@dataclass
class SourceMap:
    """Where each value and each mapping key came from, by path (``("scenes", 0, "shots", 1, "duration")``).

    PyYAML's own marks are kept and turned into ``Mark`` only when asked for: a 10,000-shot film has
    hundreds of thousands of values and almost none of them is ever reported.
    """

    values: dict[Path_, tuple[yaml.Mark, yaml.Mark]] = field(default_factory=dict)  # (start, end)
    keys: dict[Path_, tuple[yaml.Mark, yaml.Mark]] = field(default_factory=dict)

    def value(self, path: Path_) -> Mark | None:
        """The mark of the value at path, or of its nearest ancestor that has one."""
        return _nearest(self.values, path)

    def key(self, path: Path_) -> Mark | None:
        """The mark of the key that names path (for 'unknown field' errors), else its value's."""
        found = self.keys.get(tuple(path))
        return _to_mark(found) if found is not None else self.value(path)


def _nearest(marks: dict[Path_, tuple[yaml.Mark, yaml.Mark]], path: Path_) -> Mark | None:
    path = tuple(path)
    while True:
        if path in marks:
            return _to_mark(marks[path])
        if not path:
            return None
        path = path[:-1]


def _to_mark(marks: tuple[yaml.Mark, yaml.Mark]) -> Mark:
    start, end = marks
    return Mark(Path(start.name), start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def mark_of(node: Node) -> Mark:
    return _to_mark((node.start_mark, node.end_mark))


def compose_file(path: Path) -> Node | None:
    """The YAML node tree of one file, or None for an empty file. Syntax errors carry their position."""
    try:
        # read whole and bounded (a film folder is untrusted: a FIFO or /dev/zero named as a scene is refused)
        handle = io.StringIO(read_text(path, SCREENPLAY_LIMIT, "the screenplay file"))
        handle.name = str(path)  # the marks name the file
        return yaml.compose(handle, Loader=_Loader)
    except FileRefused as error:
        raise ScreenplayError([Problem(str(error), file=path, hint=error.hint)]) from None
    except yaml.MarkedYAMLError as error:
        problem_mark = error.problem_mark or error.context_mark
        if error.context_mark is not None and "end of stream" in (error.problem or ""):
            problem_mark = error.context_mark  # where the unclosed quote or bracket opened, not the file's end
        mark = Mark(path, problem_mark.line + 1, problem_mark.column + 1) if problem_mark else None
        message = f"YAML syntax error: {error.problem or error.context}"
        if error.context and error.problem:
            message += f" ({error.context})"
        raise ScreenplayError([Problem(message, mark, hint=_syntax_hint(error), file=path)]) from None
    except yaml.YAMLError as error:  # e.g. more than one document
        raise ScreenplayError([Problem(f"YAML error: {error}", file=path)]) from None
    except UnicodeDecodeError as error:
        raise ScreenplayError([Problem(f"the file is not UTF-8 text ({error.reason})", file=path)]) from None
    except IsADirectoryError:
        raise ScreenplayError([Problem("expected a YAML file, found a folder", file=path)]) from None
    except OSError as error:
        raise ScreenplayError([Problem(f"cannot read the file: {error.strerror}", file=path)]) from None


def _syntax_hint(error: yaml.MarkedYAMLError) -> str | None:
    problem = (error.problem or "").lower()
    if "end of stream" in problem:
        return "a quote or bracket opened here is never closed"
    if "tab" in problem:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return "a value containing ': ' must be quoted, e.g. prompt: \"INT. ROOM: night\""
    if "could not find expected ':'" in problem or "expected <block end>" in problem:
        return "check the indentation of this line against the lines above it"
    return None


class Converter:
    """Turns a node tree into plain data and a SourceMap."""

    def __init__(self, source_bytes: int) -> None:
        """source_bytes: the size of every file composed into the tree, which bounds its own node count."""
        self.source = SourceMap()
        self._budget = ALIAS_EXPANSION_LIMIT + source_bytes
        self._sizes: dict[int, int] = {}
        self._active: set[int] = set()

    def convert(self, node: Node, path: Path_ = ()) -> Any:
        self.source.values[path] = (node.start_mark, node.end_mark)
        if node.tag not in _ALLOWED_TAGS:
            raise ScreenplayError([
                Problem(
                    f"YAML tag `{node.tag.replace(_CORE, '!!')}` is not allowed",
                    mark_of(node),
                    hint="a screenplay holds plain data only: text, numbers, lists and mappings; remove the tag",
                )
            ])
        if isinstance(node, ScalarNode):
            self._spend(1, node)
            return _scalar(node)
        key = id(node)
        if key in self._active:
            raise ScreenplayError([Problem("a YAML alias refers to the mapping or list that contains it", mark_of(node),
                                           hint="recursive anchors cannot be expanded; copy the values instead")])
        if key in self._sizes:  # an alias expanding an anchor again
            self._spend(self._sizes[key], node)
        before = self._budget
        self._active.add(key)
        try:
            value = self._mapping(node, path) if isinstance(node, MappingNode) else self._sequence(node, path)
        finally:
            self._active.discard(key)
        self._sizes.setdefault(key, max(1, before - self._budget))
        return value

    def _spend(self, count: int, node: Node) -> None:
        self._budget -= count
        if self._budget < 0:
            raise ScreenplayError([Problem("YAML aliases expand to too many values (an alias bomb?)", mark_of(node),
                                           hint=f"aliases may add at most {ALIAS_EXPANSION_LIMIT} values")])

    def _sequence(self, node: SequenceNode, path: Path_) -> list[Any]:
        self._spend(1, node)
        return [self.convert(child, path + (index,)) for index, child in enumerate(node.value)]

    def _mapping(self, node: MappingNode, path: Path_) -> dict[str, Any]:
        self._spend(1, node)
        result: dict[str, Any] = {}
        for key_node, value_node in _merged_pairs(node):
            if not isinstance(key_node, ScalarNode):
                raise ScreenplayError([Problem("a mapping key must be plain text, not a list or mapping", mark_of(key_node))])
            key = key_node.value  # the text as written: `no:` stays "no", not False
            if key in result:
                raise ScreenplayError([Problem(f"duplicate key `{key}`", mark_of(key_node),
                                               hint="each key may appear once in a mapping; remove or rename one")])
            child = path + (key,)
            self.source.keys[child] = (key_node.start_mark, key_node.end_mark)
            result[key] = self.convert(value_node, child)
        return result


def _merged_pairs(node: MappingNode) -> list[tuple[Node, Node]]:
    """Pairs of a mapping with YAML merge keys (``<<: *defaults``) resolved; own keys win."""
    if not any(key_node.tag == _MERGE for key_node, _ in node.value):
        return node.value  # most mappings: as written (a tenth of loading a 10,000-shot film went to this copy)
    own = [(k, v) for k, v in node.value if k.tag != _MERGE]
    merged: list[tuple[Node, Node]] = []
    for key_node, value_node in node.value:
        if key_node.tag != _MERGE:
            continue
        sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
        for source in sources:
            if not isinstance(source, MappingNode):
                raise ScreenplayError([Problem("`<<` merges a mapping (or a list of mappings)", mark_of(source))])
            merged.extend(_merged_pairs(source))
    own_keys = {k.value for k, _ in own if isinstance(k, ScalarNode)}
    seen: set[str] = set()
    result = list(own)
    for key_node, value_node in merged:
        name = key_node.value if isinstance(key_node, ScalarNode) else None
        if name in own_keys or name in seen:
            continue
        seen.add(name)
        result.append((key_node, value_node))
    return result


def _scalar(node: ScalarNode) -> Any:
    tag = node.tag
    if tag == _CORE + "null":
        return None
    if tag == _CORE + "bool":
        return _SCALARS.construct_yaml_bool(node)
    if tag == _CORE + "int":
        if ":" in node.value:  # YAML 1.1 base-60 (1:30 == 90) surprises people; keep the text
            return node.value
        return _SCALARS.construct_yaml_int(node)
    if tag == _CORE + "float":
        if ":" in node.value:
            return node.value
        return _SCALARS.construct_yaml_float(node)
    return node.value  # str, and timestamps kept as written


def mapping_get(node: MappingNode, key: str) -> tuple[Node, Node] | None:
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None
