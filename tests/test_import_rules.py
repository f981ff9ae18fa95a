"""The data path's import rules, read from the source with ast: each step imports only the steps before it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RENDER = ("engine.render",)  # plan, run, executors, take, segments, store, lock
# (importer, what it never imports)
FORBIDDEN = [
    ("storyboard", ("continuity", "engine")),
    ("continuity", ("engine",)),
    ("engine.backends", ("engine.editor", "engine.export")),
    ("engine.editor", ("engine.backends", "engine.export")),
    ("engine.timeline", ("engine.editor", "engine.export", "engine.backends", *RENDER)),
    *[(step, ("engine.editor", "engine.export")) for step in RENDER],
]
# exports read the Cut: its types, units and the schema's enums, and write files; nothing else of longcut
EXPORTS_MAY_IMPORT = ("engine.export", "engine.timeline", "engine.errors", "engine.atomic", "engine.plugins", "storyboard.units",
                      "storyboard.schema")


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import in a file, relative imports resolved."""
    package = list(path.relative_to(ROOT).with_suffix("").parts)[:-1]  # a module's, or an __init__'s own
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - (node.level - 1)] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.append((node.lineno, module))
    return found


def within(name: str, prefixes) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def test_every_import_goes_forward_along_the_data_path():
    crossings = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        if path.relative_to(ROOT).parts[0] not in ("storyboard", "continuity", "engine"):
            continue
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for line, name in imports(path):
            for importer, never in FORBIDDEN:
                if within(module, [importer]) and within(name, never):
                    crossings.append(f"{path.relative_to(ROOT)}:{line}: {module} imports {name}")
            longcut = within(name, ["engine", "storyboard", "continuity"])
            if within(module, ["engine.export"]) and longcut and not within(name, EXPORTS_MAY_IMPORT):
                crossings.append(f"{path.relative_to(ROOT)}:{line}: the export {module} imports {name}")
    assert crossings == []


def test_the_checker_sees_a_crossing():
    # the rules above are only worth something if a crossing would be found: check the checker on a module
    assert within("engine.editor.pieces", ["engine.editor"]) and not within("engine.editorial", ["engine.editor"])
    found = imports(ROOT / "engine" / "export" / "cmx.py")
    assert (any(name == "engine.timeline" for _, name in found)
            and any(name == "storyboard.units" for _, name in found))
