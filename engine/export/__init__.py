"""Exports of the cut for editing suites, all written from the editor's Timeline, so none can disagree with the film.

* `.otio`  OpenTimelineIO (Resolve and Kdenlive import it): every clip linked to its take, with the shot's
  metadata; centred dissolves; markers for continuity notes; the score on its own audio track.
* `.edl`   CMX 3600 (one video track; a second file `.audio.edl` holds the score): longcut's own writer,
  because the adapter's drops the start timecode and needs handles it cannot see.
* `.xml`   FCP 7 XML (Premiere, Resolve): longcut's own writer; the adapter's turns centred dissolves into
  dissolves from black, which moves a cut.
* `.fcpxml` FCPXML 1.8 (Final Cut Pro): longcut's own writer; the adapter's fails at 23.976 and drops dissolves.
* `.srt`, `.vtt`  the dialogue, timed on the cut.

Two ways of writing a transition meet here. CMX 3600 starts a dissolve at the incoming clip's first
frame, which is exactly longcut's overlap. OTIO and XML centre it on a cut point: the cut falls half
way through the overlap and each clip lends the other a handle of the other half.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import LongcutError

FORMATS = ("otio", "edl", "xml", "fcpxml", "srt", "vtt")


def export(timeline, store_root: Path, fmt: str, target: Path, start: str = "01:00:00:00") -> list[Path]:
    from ..atomic import atomic_path
    from ..editor.subtitles import to_srt, to_vtt
    from .cmx import to_audio_edl, to_edl
    from .fcp7 import to_fcp7_xml
    from .fcpx import to_fcpxml
    from .otio_timeline import to_otio

    if fmt not in FORMATS:
        raise LongcutError(f"unknown export format `{fmt}`", hint=f"use one of {', '.join(FORMATS)}")
    writers = {
        "otio": lambda: to_otio(timeline, store_root, start).to_json_string(indent=2),
        "edl": lambda: to_edl(timeline, store_root, start),
        "xml": lambda: to_fcp7_xml(timeline, store_root, start),
        "fcpxml": lambda: to_fcpxml(timeline, store_root, start),
        "srt": lambda: to_srt(timeline),
        "vtt": lambda: to_vtt(timeline),
    }
    written = []
    with atomic_path(target) as temporary:
        temporary.write_text(writers[fmt](), encoding="utf-8")
    written.append(target)
    if fmt == "edl" and timeline.music:
        audio = target.with_suffix(".audio.edl")
        with atomic_path(audio) as temporary:
            temporary.write_text(to_audio_edl(timeline, store_root, start), encoding="utf-8")
        written.append(audio)
    return written
