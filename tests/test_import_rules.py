"""The house's map, as tests: every rule ARCHITECTURE.md states about imports, processes, temporary files, text and
timecode, read from the source with ast; and ARCHITECTURE.md's floors and rules are the ones written here.

The floors go up the data path: a module imports only modules on its own floor or below. The rules say more where
a floor's neighbours must not meet (the editor runs no model; the Cut and the exports read only plain values).
Run `python -m tests.test_import_rules --write` to write the floors and rules into ARCHITECTURE.md after changing
them here.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARCHITECTURE = ROOT / "ARCHITECTURE.md"
PACKAGES = ("storyboard", "continuity", "engine")  # folders of the repository, imported as longcut.storyboard, ...
NAMESPACE = "longcut"

# (floor, what is on it, its modules: a name covers its submodules; "=name" is that module alone), bottom first
FLOORS = [
    ("screenplay", "the YAML read, checked and turned into a shot graph", ["storyboard"]),
    ("continuity", "what each shot asks of a model: its request, derived seed, references, the frame it starts on",
     ["continuity"]),
    ("foundation", "errors, atomic writes and staged folders, the plug-in registries, the paths a command may write",
     ["=engine", "engine.errors", "engine.atomic", "engine.plugins", "engine.outputs"]),
    ("media", "ffmpeg (the only process longcut starts), media checks, footage, text drawing, the AI label, proxies",
     ["engine.media"]),
    ("the cut", "Timeline, Cut and their parts: plain frozen values, read and written as JSON", ["engine.timeline"]),
    ("store", "the takes and the keyed media cache (spoken lines among them), local or mirrored from a bucket",
     ["engine.store"]),
    ("analysis", "what is measured of takes and films: clip numbers, faces, colour matching, the continuity report",
     ["engine.analysis"]),
    ("backends", "the models that make frames and keyframes, behind Backend and KeyframeBackend",
     ["engine.backends"]),
    ("render", "the plan, its keys, the executors, one take, the lock file, the scratch voices", ["engine.render"]),
    ("editor", "the takes become the film: timeline, grades, pieces, soundtrack, delivery, labels",
     ["engine.editor"]),
    ("exports", "the Cut as text for editing suites", ["engine.export"]),
    ("review file", "verdicts and notes beside the film, validated", ["engine.review.decisions"]),
    ("stills", "the storyboard sheet and contact sheets", ["engine.stills"]),
    ("use cases", "what each command and the review page do, as typed functions", ["engine.app"]),
    ("front ends", "the command line and what it prints; the review server, its state and its static copy",
     ["engine.cli", "engine.terminal", "engine.review"]),
]

# (importer, what it never imports, why); names cover their submodules
NEVER = [
    ("engine.editor", "engine.backends", "the editor never calls a model"),
    ("engine.editor", "engine.render.voices", "the editor runs no model: lines are spoken before the cut"),
    ("engine.editor", "engine.analysis.report", "the use case measures the film after the cut and hands in markers"),
    ("engine.timeline", "continuity", "the Cut keeps its own values (ClipLine), not the continuity package's"),
    ("engine.timeline", "engine.media.xmp", "the Cut does not know the labels; the editor labels the film"),
    ("engine.backends", "engine.store", "a backend turns a request into frames; the render keeps them"),
]
# (module, the only modules of longcut it imports besides its own package, why)
ONLY = [
    ("engine.timeline", ["engine.atomic", "storyboard.files", "storyboard.schema"],
     "plain frozen values, readable and writable as JSON"),
    ("engine.export", ["engine.timeline", "engine.errors", "engine.atomic", "engine.plugins", "storyboard.units",
                       "storyboard.schema"], "an export reads the Cut and writes text, like OpenTimelineIO's adapters"),
    ("engine.review.decisions", ["engine.timeline", "engine.atomic", "engine.errors", "storyboard.files",
                                 "storyboard.schema"], "the review file is read by the use cases and the front ends"),
]
# (a standard-library module, the only module of longcut that may import it, why)
STANDARD = [
    ("subprocess", "engine.media.ffmpeg", "ffmpeg runs from argument lists built in one place, never a shell"),
    ("tempfile", "engine.atomic", "temporary files are staged beside their target or in the store's tmp/"),
]
TEXT_DRAWN_IN = "engine.media.text"  # the only module that calls Pillow's text drawing
TIMECODE_IN = "storyboard.units"  # the only module that defines timecode arithmetic or calls opentime's


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")] = path
    return found


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import in a file, relative imports resolved; `from X import y` also gives X.y (y
    may be a module). longcut's own are named without their `longcut.` (the namespace every one of them is in)."""
    package = list(path.relative_to(ROOT).with_suffix("").parts)[:-1]  # a module's, or an __init__'s own
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - (node.level - 1)] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.append((node.lineno, module))
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return [(line, name.removeprefix(NAMESPACE + ".") if name != NAMESPACE else name) for line, name in found]


def within(name: str, prefix: str) -> bool:
    if prefix.startswith("="):
        return name == prefix[1:]
    return name == prefix or name.startswith(prefix + ".")


def floor_of(name: str) -> int | None:
    """The floor of a module of longcut (the longest name that covers it decides), None for any other module."""
    best = None
    for number, (_, _, names) in enumerate(FLOORS):
        for prefix in names:
            if within(name, prefix) and (best is None or len(prefix.lstrip("=")) > best[1]):
                best = (number, len(prefix.lstrip("=")))
    return best[0] if best else None


def known(name: str, everything: dict[str, Path]) -> str | None:
    """The module of longcut an imported name is, or is in (`from x import y`: y may be a name in x)."""
    while name and name not in everything:
        name = name.rpartition(".")[0]
    return name or None


def bare_imports(path: Path) -> list[str]:
    """An import of storyboard, continuity or engine by its folder's name: a second copy of the module (with its own
    classes and state) beside the one imported as longcut.*; the installed wheel has only the latter."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = ([alias.name for alias in node.names] if isinstance(node, ast.Import) else
                 [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else [])
        found += [f"{path.relative_to(ROOT)}:{node.lineno}: imports {name}; import it as {NAMESPACE}.{name}"
                  for name in names if any(within(name, top) for top in PACKAGES)]
    return found


def crossings() -> list[str]:
    everything = modules()
    found = []
    for module, path in everything.items():
        where = f"{path.relative_to(ROOT)}"
        found += bare_imports(path)
        for line, name in imports(path):
            imported = known(name, everything)
            if imported is None:
                found += _standard(module, name, f"{where}:{line}")
                continue
            if imported == module:
                continue
            if floor_of(imported) > floor_of(module):
                found.append(f"{where}:{line}: {module} ({FLOORS[floor_of(module)][0]}) imports {imported} "
                             f"({FLOORS[floor_of(imported)][0]}), a floor above it")
            for importer, never, why in NEVER:
                if within(module, importer) and within(imported, never):
                    found.append(f"{where}:{line}: {module} imports {imported}: {why}")
            for owner, allowed, why in ONLY:
                if (within(module, owner) and not within(imported, owner)
                        and not any(within(imported, name) for name in allowed)):
                    found.append(f"{where}:{line}: {module} imports {imported}: {why}")
        found += _drawn_text_and_timecode(module, path)
    return sorted(set(found))


def _standard(module: str, name: str, where: str) -> list[str]:
    return [f"{where}: {module} imports {name}: {why}" for library, owner, why in STANDARD
            if within(name, library) and module != owner]


def _drawn_text_and_timecode(module: str, path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("text", "multiline_text") and module != TEXT_DRAWN_IN):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {module} draws text; only {TEXT_DRAWN_IN} does")
        named = node.func.attr if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) else (
            node.func.id if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) else None)
        if named in ("to_timecode", "from_timecode") and module != TIMECODE_IN:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {module} calls opentime's {named}; timecode is "
                         f"read and written by {TIMECODE_IN}")
        if isinstance(node, ast.FunctionDef) and "timecode" in node.name and module != TIMECODE_IN:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {module} defines {node.name}; timecode "
                         f"arithmetic is {TIMECODE_IN}'s")
    return found


def test_every_import_goes_forward_along_the_data_path():
    assert crossings() == []


def test_nothing_imports_longcut_by_its_folders_names():
    others = [path for folder in ("tests", "bench", "examples") for path in sorted((ROOT / folder).rglob("*.py"))]
    assert [line for path in others for line in bare_imports(path)] == []


def test_every_module_has_a_floor_and_every_floor_names_modules():
    everything = modules()
    assert [module for module in everything if floor_of(module) is None] == []
    for floor, _, names in FLOORS:
        for name in names:
            assert any(within(module, name) for module in everything), f"{floor}: no module {name}"


def test_the_checker_sees_a_crossing(tmp_path, monkeypatch):
    # the rules are only worth something if a crossing would be found: a module written to break each kind
    bad = ROOT / "engine" / "editor" / "_crossing_for_the_test.py"
    bad.write_text("import subprocess\nimport tempfile\nfrom ..app import cut\nfrom ..backends import Backend\n"
                   "from ..render.voices import speak\nfrom PIL import ImageDraw\nImageDraw.Draw(None).text((0, 0), 'x')\n"
                   "def frame_timecode(frames):\n    return frames\n", encoding="utf-8")
    try:
        found = "\n".join(crossings())
    finally:
        bad.unlink()
    for said in ("imports subprocess", "imports tempfile", "a floor above it", "never calls a model",
                 "runs no model", "draws text", "defines frame_timecode"):
        assert said in found, said


# ARCHITECTURE.md: its floors table and its rules are these, written by `--write`

BEGIN, END = "<!-- begin: written by tests/test_import_rules.py -->", "<!-- end: written by tests/test_import_rules.py -->"


def map_text() -> str:
    def names(items: list[str]) -> str:
        return ", ".join(f"`{item.lstrip('=')}`" for item in items)

    lines = ["| # | floor | what is on it | modules |", "| --- | --- | --- | --- |"]
    lines += [f"| {number} | {floor} | {what} | {names(items)} |"
              for number, (floor, what, items) in enumerate(FLOORS, start=1)]
    lines += ["", f"Every name is imported under `{NAMESPACE}.` (`{NAMESPACE}.engine.editor`); the folders keep their "
              "short names. A module imports only modules on its own floor or below. Besides:", ""]
    lines += [f"- `{importer}` never imports `{never}`: {why}." for importer, never, why in NEVER]
    lines += [f"- `{owner}` imports of longcut only {names(allowed)}: {why}." for owner, allowed, why in ONLY]
    lines += [f"- only `{owner}` imports `{library}`: {why}." for library, owner, why in STANDARD]
    lines += [f"- only `{TEXT_DRAWN_IN}` draws text (Pillow's `text`); no user text ever reaches an ffmpeg filter.",
              f"- only `{TIMECODE_IN}` does timecode arithmetic (`Timecode`, `format_timecode`, `timecode_frames`; "
              "drop-frame at 29.97 and 59.94); no other module calls opentime's `to_timecode` or `from_timecode`."]
    return "\n".join(lines)


def test_architecture_md_states_these_floors_and_rules():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    assert BEGIN in text and END in text, "ARCHITECTURE.md has lost its map: python -m tests.test_import_rules --write"
    written = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert written == map_text(), "ARCHITECTURE.md and the rules disagree: python -m tests.test_import_rules --write"


def write_map() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    before, rest = text.split(BEGIN, 1)
    ARCHITECTURE.write_text(f"{before}{BEGIN}\n{map_text()}\n{END}{rest.split(END, 1)[1]}", encoding="utf-8")


if __name__ == "__main__":
    if "--write" in sys.argv:
        write_map()
    print("\n".join(crossings()) or "no crossing")
