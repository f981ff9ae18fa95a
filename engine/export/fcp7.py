"""FCP 7 XML (xmeml v4), what Premiere and Resolve import: one sequence, clips linked to their takes,
centred transitions, and the sound's stems (dialogue, effects, music) on audio tracks of their own."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from longcut.storyboard.units import drop_frame, format_timecode

from ..timeline import Cut, Timeline
from .common import audio_tracks, centred_events, start_frames

EFFECTS = {"crossfade": ("Cross Dissolve", "Dissolve"), "fade-black": ("Dip to Color Dissolve", "Dissolve"),
           "fade-white": ("Dip to Color Dissolve", "Dissolve"), "dip": ("Dip to Color Dissolve", "Dissolve"),
           "wipe": ("Wipe", "Wipe")}


def _rate(parent: ElementTree.Element, timeline: Timeline) -> None:
    rate = ElementTree.SubElement(parent, "rate")
    ElementTree.SubElement(rate, "timebase").text = str(round(timeline.fps))
    ElementTree.SubElement(rate, "ntsc").text = "TRUE" if timeline.fps.denominator == 1001 else "FALSE"


def _text(parent: ElementTree.Element, tag: str, value) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, tag)
    element.text = str(value)
    return element


def _file(parent: ElementTree.Element, file_id: str, path: Path, frames: int, timeline: Timeline, known: set[str],
          kind: str = "video") -> None:
    element = ElementTree.SubElement(parent, "file", id=file_id)
    if file_id in known:  # later uses refer to the first, as FCP writes it
        return
    known.add(file_id)
    _text(element, "name", path.name)
    _text(element, "pathurl", path.resolve().as_uri())
    _rate(element, timeline)
    _text(element, "duration", frames)
    media = ElementTree.SubElement(element, "media")
    ElementTree.SubElement(media, kind)


def file_id(path: Path) -> str:
    """One id per media file (every take is a clip.mp4 in its own folder, so the path, not the name)."""
    return "file-" + hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]


def to_fcp7_xml(cut: Cut, start: str = "01:00:00:00") -> str:
    timeline = cut.timeline
    root = ElementTree.Element("xmeml", version="4")
    sequence = ElementTree.SubElement(root, "sequence", id="sequence-1")
    _text(sequence, "name", timeline.title)
    _text(sequence, "duration", timeline.total_frames)
    _rate(sequence, timeline)
    code = ElementTree.SubElement(sequence, "timecode")
    _rate(code, timeline)
    first = start_frames(start, timeline.fps)
    _text(code, "string", format_timecode(first, timeline.fps))
    _text(code, "frame", first)
    _text(code, "displayformat", "DF" if drop_frame(timeline.fps) else "NDF")
    media = ElementTree.SubElement(sequence, "media")
    video = ElementTree.SubElement(media, "video")
    characteristics = ElementTree.SubElement(ElementTree.SubElement(video, "format"), "samplecharacteristics")
    _rate(characteristics, timeline)
    _text(characteristics, "width", timeline.width)
    _text(characteristics, "height", timeline.height)
    track = ElementTree.SubElement(video, "track")
    known: set[str] = set()
    for number, event in enumerate(centred_events(cut), start=1):
        if event.incoming:
            kind, before, after = event.incoming
            item = ElementTree.SubElement(track, "transitionitem")
            _text(item, "start", event.record_in - before)
            _text(item, "end", event.record_in + after)
            _text(item, "alignment", "center" if before and after else "end-black" if not after else "start-black")
            name, category = EFFECTS.get(kind, EFFECTS["crossfade"])
            effect = ElementTree.SubElement(item, "effect")
            _text(effect, "name", name)
            _text(effect, "effectid", name)
            _text(effect, "effectcategory", category)
            _text(effect, "effecttype", "transition")
            _text(effect, "mediatype", "video")
        clip = ElementTree.SubElement(track, "clipitem", id=f"clipitem-{number}")
        _text(clip, "name", event.name)
        _text(clip, "duration", event.media_frames)
        _rate(clip, timeline)
        _text(clip, "start", event.record_in)
        _text(clip, "end", event.record_out)
        _text(clip, "in", event.source_in)
        _text(clip, "out", event.source_out)
        _file(clip, file_id(event.path), event.path, event.media_frames, timeline, known)
    tracks = audio_tracks(cut)  # the stems, each on a track of its own
    if tracks:
        audio = ElementTree.SubElement(media, "audio")
        number = 0
        for spec in tracks:
            audio_track = ElementTree.SubElement(audio, "track")
            for span in spec.spans:
                number += 1
                clip = ElementTree.SubElement(audio_track, "clipitem", id=f"audio-{number}")
                _text(clip, "name", span.name)
                _text(clip, "duration", timeline.total_frames)
                _rate(clip, timeline)
                for tag, value in (("start", span.start), ("end", span.end), ("in", span.start), ("out", span.end)):
                    _text(clip, tag, value)
                _file(clip, f"file-{spec.name}", spec.media, timeline.total_frames, timeline, known, kind="audio")
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE xmeml>\n' + ElementTree.tostring(root, "unicode") + "\n"
