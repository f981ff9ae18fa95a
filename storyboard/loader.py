"""Load a film file and its scene files into a validated Screenplay.

Steps, each of which reports problems with file:line:column:

1. compose the film file into YAML nodes;
2. splice ``include:`` items of ``scenes:`` in, as nodes, from files relative to the including file;
3. convert the nodes to plain data and a SourceMap (no Python objects can be built);
4. validate the data against the pydantic schema;
5. check what the schema cannot: references between ids, files on disk, timing.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import checks
from .collector import collector_paused
from .errors import Problem, ScreenplayError, did_you_mean
from .files import FileRefused, resolved
from .schema import Film
from .screenplay import Screenplay
from .source import Converter, SourceMap, compose_file, mapping_get, mark_of

FILM_HINT = "a film file is a mapping with at least `title:` and `scenes:`; see the README's screenplay format"
MAX_INCLUDE_DEPTH = 32


def load(path: str | Path, content_rules: bool = True) -> Screenplay:
    """Read and check a screenplay. Raises ScreenplayError listing every problem found.

    content_rules: apply them (storyboard.policy); only `longcut import` reads a script without them, to
    write it as it is and then say what the rules refuse."""
    with collector_paused():  # storyboard.collector: most of the time went to the collector's passes
        return _load(path, content_rules)


def _load(path: str | Path, content_rules: bool) -> Screenplay:
    try:
        film_path = resolved(path, "the film file")
    except FileRefused as error:
        raise ScreenplayError([Problem(str(error), file=Path(path), hint=error.hint)]) from None
    if not film_path.exists():
        raise ScreenplayError([Problem("film file not found", file=Path(path), hint="give the path of the film's .yaml file")])
    if film_path.suffix.lower() not in INCLUDE_SUFFIXES:  # nothing but a screenplay is read, nor shown in a message
        raise ScreenplayError([Problem("a film file is a .yaml (or .yml) file", file=Path(path),
                                       hint="give the path of the film's .yaml file; `longcut import` turns a Fountain "
                                            "or Final Draft script into one")])
    root = compose_file(film_path)
    if root is None:
        raise ScreenplayError([Problem("the film file is empty", file=film_path, hint=FILM_HINT)])
    if not isinstance(root, MappingNode):
        found = "a list" if isinstance(root, SequenceNode) else "a single value"
        raise ScreenplayError([Problem(f"expected a mapping at the top of the film file, found {found}", mark_of(root),
                                       hint=FILM_HINT)])
    included = _splice_includes(root, film_path)
    converter = Converter(source_bytes=sum(path.stat().st_size for path in [film_path, *included]))
    data = converter.convert(root)
    film = _validate(data, converter.source)
    screenplay = Screenplay(film=film, path=film_path, source=converter.source, included=tuple(included))
    checks.run(screenplay, content_rules=content_rules)
    return screenplay


# -- 2. includes ------------------------------------------------------------------------------


def _splice_includes(root: MappingNode, film_path: Path) -> list[Path]:
    """Replace `- include: file` items of `scenes:` by the files' scenes; return the files read."""
    found = mapping_get(root, "scenes")
    if found is None or not isinstance(found[1], SequenceNode):
        return []  # the schema reports a missing or malformed scenes list
    scenes = found[1]
    read: list[Path] = []
    scenes.value = _expand(scenes.value, film_path, [film_path], read)
    return read


def _expand(items: list[Node], including: Path, stack: list[Path], read: list[Path]) -> list[Node]:
    expanded: list[Node] = []
    for item in items:
        target = _include_target(item)
        if target is None:
            expanded.append(item)
            continue
        expanded.extend(_read_include(target, including, stack, read))
    return expanded


def _include_target(item: Node) -> Node | None:
    if isinstance(item, MappingNode) and len(item.value) == 1:
        key_node, value_node = item.value[0]
        if isinstance(key_node, ScalarNode) and key_node.value == "include":
            return value_node
    return None


def _read_include(target: Node, including: Path, stack: list[Path], read: list[Path]) -> list[Node]:
    if not isinstance(target, ScalarNode) or not target.value.strip():
        raise ScreenplayError([Problem("`include:` takes the path of a scene file", mark_of(target),
                                       hint="write `- include: scenes/storm.yaml`, relative to this file")])
    try:
        path = resolved(including.parent / target.value, f"included file `{target.value}`:")
    except FileRefused as error:
        raise ScreenplayError([Problem(str(error), mark_of(target), hint=error.hint)]) from None
    _check_include_path(path, target, stack[0].parent)
    if path in stack:
        cycle = " -> ".join(p.name for p in stack[stack.index(path):] + [path])
        raise ScreenplayError([Problem(f"include loop: {cycle}", mark_of(target),
                                       hint="a scene file cannot include a file that includes it")])
    if len(stack) > MAX_INCLUDE_DEPTH:
        raise ScreenplayError([Problem(f"includes nest deeper than {MAX_INCLUDE_DEPTH} files", mark_of(target))])
    if not path.is_file():
        hint = _sibling_hint(path)
        raise ScreenplayError([Problem(f"included file `{target.value}` not found (looked for {path})", mark_of(target),
                                       hint=hint)])
    node = compose_file(path)
    read.append(path)
    if node is None:
        raise ScreenplayError([Problem("the included scene file is empty", file=path,
                                       hint="a scene file holds one scene: `id:`, `heading:`, `shots:`")])
    if isinstance(node, SequenceNode):  # a file of several scenes (or includes)
        return _expand(node.value, path, stack + [path], read)
    if isinstance(node, MappingNode):
        scenes_list = mapping_get(node, "scenes")
        if scenes_list is not None and len(node.value) == 1 and isinstance(scenes_list[1], SequenceNode):
            return _expand(scenes_list[1].value, path, stack + [path], read)
        return _expand([node], path, stack + [path], read)
    raise ScreenplayError([Problem("a scene file must hold a scene (a mapping) or a list of scenes", mark_of(node))])


INCLUDE_SUFFIXES = (".yaml", ".yml")


def _check_include_path(path: Path, target: Node, project: Path) -> None:
    """A scene file must be a YAML file inside the film's folder, so nothing else is ever read, and no line of a
    file the user did not write as a screenplay is ever shown in an error message."""
    if project not in path.parents:
        raise ScreenplayError([Problem(f"included file `{target.value}` is outside the film's folder {project}",
                                       mark_of(target), hint="keep scene files in the film's folder or below it "
                                       "(copy the file there)")])
    if path.exists() and not path.is_file():
        kind = "a folder" if path.is_dir() else "not a regular file"
        raise ScreenplayError([Problem(f"included file `{target.value}` is {kind}", mark_of(target),
                                       hint="give the path of a scene file" + (", such as one inside it"
                                                                               if path.is_dir() else ""))])
    if path.suffix.lower() not in INCLUDE_SUFFIXES:
        raise ScreenplayError([Problem(f"included file `{target.value}` is not a scene file (.yaml or .yml)",
                                       mark_of(target), hint="include scene files only, such as scenes/storm.yaml")])


def _sibling_hint(path: Path) -> str | None:
    if not path.parent.is_dir():
        return f"the folder {path.parent} does not exist either; include paths are relative to the including file"
    siblings = [p.name for p in path.parent.iterdir() if p.suffix in (".yaml", ".yml")]
    return did_you_mean(path.name, siblings, "scene files there") if siblings else None


# -- 4. schema ----------------------------------------------------------------------------------


def _validate(data: Any, source: SourceMap) -> Film:
    try:
        return Film.model_validate(data)
    except ValidationError as error:
        items = error.errors(include_url=False)
        misspelt = _misspelt_fields(items, data)
        problems = [_problem_from(item, data, source) for item in items
                    if not (item["type"] == "missing" and _data_path(item["loc"], data)[0] in misspelt)]
        raise ScreenplayError(_unique(problems)) from None


def _misspelt_fields(items: list[dict[str, Any]], data: Any) -> set[tuple]:
    """The paths of required fields that are written, misspelt (`duraton:` for `duration:`): the unknown field's
    error says so with its "did you mean", so the "missing required field" error of the same mapping is not said
    first, as if the field were not there at all."""
    misspelt = set()
    for item in items:
        if item["type"] != "extra_forbidden":
            continue
        path, _ = _data_path(item["loc"], data)
        model = _model_at(path[:-1])
        known = [f.alias or name for name, f in model.model_fields.items()] if model else []
        close = difflib.get_close_matches(str(path[-1]), known, n=1, cutoff=0.6)  # as did_you_mean says it
        if close:
            misspelt.add((*path[:-1], close[0]))
    return misspelt


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple] = set()
    result = []
    for problem in problems:
        key = (problem.mark, problem.message)
        if key not in seen:
            seen.add(key)
            result.append(problem)
    return result


def _problem_from(item: dict[str, Any], data: Any, source: SourceMap) -> Problem:
    path, is_key = _data_path(item["loc"], data)
    kind = item["type"]
    what = _describe(path, data)
    if kind == "extra_forbidden":
        model = _model_at(path[:-1])
        known = [f.alias or name for name, f in model.model_fields.items()] if model else []
        return Problem(f"unknown field `{path[-1]}` in {what}", source.key(path),
                       hint=did_you_mean(str(path[-1]), known, "fields"))
    if kind == "missing":
        return Problem(f"{what} is missing required field `{path[-1]}`", source.value(path[:-1]),
                       hint=_missing_hint(str(path[-1])))
    value = _value_at(data, path)
    mark = source.key(path) if is_key else source.value(path)
    message = item["msg"].removeprefix("Value error, ")
    label = f"`{path[-1]}`" if path else "the film"
    if kind == "enum":
        choices = item.get("ctx", {}).get("expected", "")
        return Problem(f"{label} in {what} is {value!r}; expected one of {choices}", mark,
                       hint=did_you_mean(str(value), _enum_choices(choices), "values"))
    if kind == "string_pattern_mismatch":
        return Problem(f"{label} {value!r} is not a valid id", mark, hint=_id_hint())
    if kind == "model_type" or kind == "dict_type":
        return Problem(f"{label} in {what} should be a mapping (key: value), got {_type_name(value)}", mark)
    if kind == "list_type":
        return Problem(f"{label} in {what} should be a list (lines starting with `- `), got {_type_name(value)}", mark)
    if kind == "too_short":
        return Problem(f"{label} in {what} is empty", mark, hint="add at least one item")
    shown = "" if repr(value) in message or str(value) in message else f" (got {value!r})"
    return Problem(f"{label} in {what}: {message}{shown}", mark)


def _id_hint() -> str:
    from .schema import ID_HINT

    return ID_HINT


def _missing_hint(field: str) -> str | None:
    return {
        "duration": "give every shot a duration such as 8s, 1m or 144f",
        "title": "give the film a `title:`",
        "scenes": "list the film's scenes under `scenes:`, or `- include: scenes/name.yaml`",
        "id": "every scene, shot and music cue needs an `id:`",
    }.get(field)


def _enum_choices(expected: str) -> list[str]:
    return [part.strip(" '\"") for part in expected.replace(" or ", ",").split(",") if part.strip(" '\"")]


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "text", int: "a number", float: "a number", bool: "true/false"}.get(
        type(value), type(value).__name__)


def _data_path(loc: tuple, data: Any) -> tuple[tuple, bool]:
    """Pydantic's loc with its non-data parts (union tags, '[key]') removed; and whether it names a key."""
    path: list[Any] = []
    current = data
    is_key = False
    for part in loc:
        if part == "[key]":
            is_key = True
            continue
        if isinstance(current, dict) and part in current:
            path.append(part)
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            path.append(part)
            current = current[part]
        elif isinstance(current, dict) and isinstance(part, str) and not _is_tag(part):
            path.append(part)  # a missing or aliased field: keep its name
            current = None
    return tuple(path), is_key


def _is_tag(part: str) -> bool:
    return "[" in part or part[:1].isupper() or part.startswith(("function-", "json-", "lax-", "str", "int"))


def _value_at(data: Any, path: tuple) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _describe(path: tuple, data: Any) -> str:
    """'shot `arrival-2`', 'scene `storm`', 'character `mara`': the thing a field belongs to."""
    names = {"scenes": "scene", "shots": "shot", "music": "music cue", "characters": "character", "locations": "location",
             "dialogue": "dialogue line"}
    described = "the film"
    current = data
    for index, part in enumerate(path[:-1]):
        current = current[part] if isinstance(current, (dict, list)) and _has(current, part) else None
        previous = path[index - 1] if index else None
        if previous in names:
            ident = current.get("id") if isinstance(current, dict) and previous not in ("characters", "locations") else part
            label = names[previous]
            described = f"{label} `{ident}`" if isinstance(ident, str) else f"{label} {int(part) + 1}"
        elif part in ("camera", "transition", "backend", "executor", "generate"):
            described = f"the {part} of {described}" if described != "the film" else f"the {part}"
    return described


def _has(container: Any, part: Any) -> bool:
    if isinstance(container, dict):
        return part in container
    return isinstance(part, int) and 0 <= part < len(container)


def _model_at(path: tuple) -> type[BaseModel] | None:
    """The pydantic model that validates the mapping at path (to list its known fields)."""
    annotation: Any = Film
    for part in path:
        model = _unwrap_model(annotation)
        if model is not None and isinstance(part, str) and part in model.model_fields:
            annotation = model.model_fields[part].annotation
            continue
        if model is not None and isinstance(part, str):
            by_alias = {f.alias: f for f in model.model_fields.values() if f.alias}
            if part in by_alias:
                annotation = by_alias[part].annotation
                continue
        inner = _container_item(annotation)
        if inner is None:
            return None
        annotation = inner
    return _unwrap_model(annotation)


def _unwrap_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        model = _unwrap_model(arg)
        if model is not None:
            return model
    return None


def _container_item(annotation: Any) -> Any:
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin in (list, tuple) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    for arg in args:  # Optional[...] / Annotated[...]
        inner = _container_item(arg)
        if inner is not None:
            return inner
    return None
