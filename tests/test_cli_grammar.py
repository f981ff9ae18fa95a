"""The command line's one grammar: the README's command table is each command's `--help`, the version, and the old
spellings that still work for one release with a line saying the new one."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from longcut.engine import __version__
from longcut.engine.cli import app
from tests.cli import run
from tests.films import tiny_film

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_table() -> dict[str, tuple[str, set[str]]]:
    """Command name -> (its usage as the table writes it, the options it lists)."""
    text = README.read_text(encoding="utf-8")
    table = text[text.index("## Commands"):].split("\n\n")[2]
    rows = {}
    for line in table.splitlines()[2:]:
        usage, options = [cell.strip(" `") for cell in re.split(r"(?<!\\)\|", line)[1:3]]
        rows[usage.split()[1]] = (usage.replace("\\|", "|"), set(re.findall(r"--[a-z-]+", options)))
    return rows


def help_options(command) -> set[str]:
    # typer ships its own click: its parameters are told apart by their kind's name
    return {name for param in command.params if param.param_type_name == "option" and not param.hidden
            for name in param.opts + param.secondary_opts if name.startswith("--") and name != "--help"}


def help_arguments(command) -> list:
    return [param for param in command.params if param.param_type_name == "argument" and not param.hidden]


def test_the_readme_table_is_every_commands_help():
    group = typer.main.get_command(app)
    table = readme_table()
    assert set(table) == set(group.commands)  # every command, and none that is not one
    for name, command in group.commands.items():
        usage, options = table[name]
        assert options == help_options(command), name
        shown = usage.split()[2:]
        assert len(shown) == len(help_arguments(command)), (name, usage)  # FILM, SHOT, ...: one each, in order
        assert all(not part.startswith("[") or not param.required
                   for part, param in zip(shown, help_arguments(command))), name


def test_version():
    assert run("--version").output.strip() == f"longcut {__version__}"


def test_the_old_spellings_work_with_a_line_saying_the_new_one(tmp_path):
    film = tiny_film(tmp_path)
    said = run("board", film, "--shot", "b", "--take", "new", code=2).output
    assert "`board --shot b` is deprecated" in said and "use board FILM b" in said
    assert "starts on a's last frame" in said  # and it did what was asked
    assert "name the shot: board FILM SHOT" in run("board", film, "--take", "new", code=2).output
    script = Path(__file__).parent / "data" / "scripts" / "keeper.fountain"
    imported = run("import", script, "--out", tmp_path / "imported").output
    assert "`import SCRIPT --out" in imported and (tmp_path / "imported" / "film.yaml").is_file()
    assert "needs a folder" in run("import", script, code=2).output
