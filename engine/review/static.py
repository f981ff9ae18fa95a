"""`longcut review FILM --static DIR`: the review page as a folder to send to someone without longcut.

It opens from file:// in a browser: the state is a script (`state.js`, since a page from file:// may not fetch
a JSON file), and the media sit at the very names the state gives them (`media/...`), as proxies. The copy is
read only: it shows the decisions and notes as they were when it was written.

The folder is written beside DIR and moved into place whole; an existing DIR is replaced only when longcut
wrote it (it holds MARKER), so a folder of someone else's is never emptied.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..app.project import Project
from ..outputs import owned_folder, replaced_folder
from ..timeline import Cut
from .decisions import Review
from .server import page_file
from .state import media_file, page_state

MARKER = ".longcut-review"


def state_script(state: dict) -> str:
    """The state as a script: JSON, with `<`, `>` and `&` escaped so no text in it can close the script tag."""
    text = json.dumps(state, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.LONGCUT_STATE = {text};\n"


def check_static_folder(folder: Path, inputs: dict[Path, str]) -> Path:
    return owned_folder(folder, inputs, MARKER, "--static")


def write_static(project: Project, folder: Path) -> tuple[Path, int]:
    """Write the copy; returns the folder and how many media files it holds."""
    target = check_static_folder(folder, project.inputs())
    plan = project.plan()
    cut = project.last_cut()
    state = page_state(project, plan, Review.beside(project.screenplay.path), cut)
    with replaced_folder(target, MARKER, "written by longcut review --static; replaced whole by the next one") as work:
        media = _copy_media(project, state, cut, work)
        page = page_file("index.html").decode("utf-8").replace("<!--STATE-->", '<script src="state.js"></script>')
        (work / "index.html").write_text(page, encoding="utf-8")
        for name in ("review.js", "review.css"):
            (work / name).write_bytes(page_file(name))
        (work / "state.js").write_text(state_script(state), encoding="utf-8")
    return target, media


def _copy_media(project: Project, state: dict, cut: Cut | None, work: Path) -> int:
    """Every media file the state names, at the name it gives it."""
    urls = {take[name] for shot in state["shots"] for take in shot["takes"] for name in ("url", "thumb")}
    urls |= {shot["thumb"] for shot in state["shots"] if shot["thumb"]}
    urls |= {line["speech"] for shot in state["shots"] for line in shot["dialogue"] if line["speech"]}
    urls |= {state["film"]["url"]} if state["film"] else set()
    urls |= {row["strip"] for row in state["identity"]["characters"] if row["strip"]}
    for url in urls:
        kind, name = url.split("/")[1:]
        source = media_file(project, cut, kind, name.rsplit(".", 1)[0])
        destination = work / url
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
    return len(urls)
