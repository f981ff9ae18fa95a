"""Exports of the cut for editing suites, all written from the Cut (engine.timeline), so none can disagree with
the film, and none makes media: like OpenTimelineIO's adapters, an exporter turns the Cut into text.

* `.otio`  OpenTimelineIO (Resolve and Kdenlive import it): every clip linked to its take, with the shot's
  metadata; centred dissolves; markers for continuity notes and review notes; the stems (dialogue, effects,
  music) each on its own audio track.
* `.edl`   CMX 3600 (one video track; a second file `.audio.edl` holds the score): longcut's own writer,
  because the adapter's drops the start timecode and needs handles it cannot see.
* `.xml`   FCP 7 XML (Premiere, Resolve): longcut's own writer; the adapter's turns centred dissolves into
  dissolves from black, which moves a cut.
* `.fcpxml` FCPXML 1.8 (Final Cut Pro): longcut's own writer; the adapter's fails at 23.976 and drops dissolves.
* `.srt`, `.vtt`  the dialogue, timed on the cut.
* `stems`  a folder of dialogue.wav, effects.wav and music.wav: the stems the cut made, copied (an export
  never makes media: the editor made them with the mix).

Exporters are found through the entry-point group `longcut.exporters`, as backends are: a package adds a
format by registering `NAME = "module:function"`, a function (cut, target, start) -> {path: text}, where a
value that is a Path is a file the cut made, to be copied.

Two ways of writing a transition meet here. CMX 3600 starts a dissolve at the incoming clip's first
frame, which is exactly longcut's overlap. OTIO and XML centre it on a cut point: the cut falls half
way through the overlap and each clip lends the other a handle of the other half.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from ..atomic import atomic_path
from ..errors import LongcutError
from ..plugins import EXPORTERS, load, registry
from ..timeline import Cut

GROUP = EXPORTERS
Exporter = Callable[[Cut, Path, str], dict[Path, str | Path]]


def otio(cut: Cut, target: Path, start: str) -> dict[Path, str]:
    from .otio_timeline import to_otio

    return {target: to_otio(cut, start).to_json_string(indent=2)}


def edl(cut: Cut, target: Path, start: str) -> dict[Path, str]:
    """The picture's list, and the score's beside it (`NAME.audio.edl`) when the film has music."""
    from .cmx import to_audio_edl, to_edl

    files = {target: to_edl(cut, start)}
    if cut.timeline.music:
        files[target.with_suffix(".audio.edl")] = to_audio_edl(cut, start)
    return files


def xml(cut: Cut, target: Path, start: str) -> dict[Path, str]:
    from .fcp7 import to_fcp7_xml

    return {target: to_fcp7_xml(cut, start)}


def fcpxml(cut: Cut, target: Path, start: str) -> dict[Path, str]:
    from .fcpx import to_fcpxml

    return {target: to_fcpxml(cut, start)}


def srt(cut: Cut, target: Path, start: str) -> dict[Path, str]:
    from .subtitles import to_srt

    return {target: to_srt(cut)}


def vtt(cut: Cut, target: Path, start: str) -> dict[Path, str]:
    from .subtitles import to_vtt

    return {target: to_vtt(cut)}


def stems(cut: Cut, target: Path, start: str) -> dict[Path, Path]:
    """The cut's stems into the folder `target` (made when missing), each from the film's first frame."""
    if not cut.stems:
        raise LongcutError(f"the cut of {cut.film.name} was made before longcut wrote stems",
                           hint="cut the film again (longcut cut FILM), then export the stems")
    return {Path(target) / path.name: path for path in cut.stems.values()}


def exporters() -> dict[str, str]:
    """Format name -> "module:function": longcut's own, and those packages register (which may replace them)."""
    return registry(EXPORTERS)


def formats() -> tuple[str, ...]:
    return tuple(exporters())


def planned_files(fmt: str, cut: Cut, target: Path, start: str = "01:00:00:00") -> dict[Path, str | Path]:
    """The files an export would write, with their text; nothing is written."""
    known = exporters()
    if fmt not in known:
        raise LongcutError(f"unknown export format `{fmt}`", hint=f"use one of {', '.join(known)}")
    return load(known[fmt])(cut, Path(target), start)


def write_files(files: dict[Path, str | Path]) -> list[Path]:
    """Each file: its text, or a copy of the file the cut made."""
    for path, content in files.items():
        with atomic_path(path) as temporary:
            if isinstance(content, Path):
                try:
                    shutil.copyfile(content, temporary)
                except FileNotFoundError:
                    raise LongcutError(f"{content} is no longer there", hint="cut the film again: longcut cut FILM") \
                        from None
            else:
                temporary.write_text(content, encoding="utf-8")
    return list(files)


def export(cut: Cut, fmt: str, target: Path, start: str = "01:00:00:00") -> list[Path]:
    """Write the cut in a format; returns the files written."""
    return write_files(planned_files(fmt, cut, target, start))
