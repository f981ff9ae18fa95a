"""`new`: a small film to start from; `import`: a Fountain or Final Draft screenplay as a film file and one scene file
per scene. Both write into a staging folder beside the target and move it into place whole, so a failure leaves
no half-made film."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from longcut import storyboard
from longcut.storyboard import Problem, Screenplay
from longcut.storyboard.checks import content_findings
from longcut.storyboard.fountain import read_script, write_film
from longcut.storyboard.screenplay import Warning_

from ..atomic import staged_folder
from ..errors import LongcutError
from .starter import write_starter

STARTER_PARTS = ("scenes", "refs", "schemas", "film.yaml")


def new_film(folder: Path, title: str) -> Screenplay:
    if folder.exists() and not folder.is_dir():
        raise LongcutError(f"{folder} is a file", hint="give a folder for the new film")
    if (folder / "film.yaml").exists():
        raise LongcutError(f"{folder / 'film.yaml'} already exists", hint="choose another folder")
    taken = [name for name in STARTER_PARTS[:-1] if (folder / name).exists()]
    if taken:
        raise LongcutError(f"{folder} already has {', '.join(taken)}", hint="choose an empty or new folder")
    folder.mkdir(parents=True, exist_ok=True)
    with staged_folder(folder, "new") as staging:
        write_starter(staging, title)
        for name in STARTER_PARTS:
            shutil.move(str(staging / name), str(folder / name))
    return storyboard.load(folder / "film.yaml")


@dataclass(frozen=True)
class Imported:
    screenplay: Screenplay
    refused: list[Problem]  # the script's texts the content rules refuse (written as they are, for the author)
    warned: list[Warning_]


def import_script(script: Path, folder: Path, force: bool = False) -> Imported:
    if not script.is_file():
        raise LongcutError(f"script `{script}` not found", hint="give the path of a .fountain or .fdx file")
    if folder.exists() and not folder.is_dir():
        raise LongcutError(f"{folder} is a file", hint="give a folder for film.yaml and scenes/ (it is made when "
                                                      "missing)")
    if (folder / "film.yaml").exists() and not force:
        raise LongcutError(f"{folder / 'film.yaml'} already exists", hint="choose another folder, or add --force")
    parsed = read_script(script)
    folder.mkdir(parents=True, exist_ok=True)
    with staged_folder(folder, "import") as staging:
        film = write_film(parsed, staging, script)
        storyboard.load(film, content_rules=False)  # what we wrote must be a screenplay longcut reads
        if force:
            shutil.rmtree(folder / "scenes", ignore_errors=True)
            shutil.rmtree(folder / "schemas", ignore_errors=True)
        (staging / "scenes").rename(folder / "scenes")
        (staging / "schemas").rename(folder / "schemas")
        film.rename(folder / "film.yaml")
    # the content rules do not stop an import (the script is written as it is); `check` refuses to render it until
    # the author decides
    screenplay = storyboard.load(folder / "film.yaml", content_rules=False)
    return Imported(screenplay, *content_findings(screenplay))
