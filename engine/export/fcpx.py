"""FCPXML 1.8 (Final Cut Pro): one project whose spine holds the clips and centred transitions.

Times are rational seconds built from whole frames (frame x frameDuration), so 23.976 and 29.97 are exact;
the adapter's writer fails at those rates and drops dissolves, hence this writer.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from fractions import Fraction
from pathlib import Path

from longcut.storyboard.units import drop_frame

from ..timeline import Cut
from .common import centred_events, start_frames

CROSS_DISSOLVE_UID = "FxPlug:4731E73A-8DAC-4113-9A30-AE85B1761265"


def _time(frames: int, fps: Fraction) -> str:
    seconds = Fraction(frames) / fps
    return f"{seconds.numerator}/{seconds.denominator}s" if seconds.denominator != 1 else f"{seconds.numerator}s"


def to_fcpxml(cut: Cut, start: str = "01:00:00:00") -> str:
    timeline = cut.timeline
    fps = timeline.fps
    frame = Fraction(1) / fps
    root = ElementTree.Element("fcpxml", version="1.8")
    resources = ElementTree.SubElement(root, "resources")
    ElementTree.SubElement(resources, "format", id="r1", name=f"FFVideoFormat{timeline.height}p",
                           frameDuration=f"{frame.numerator}/{frame.denominator}s", width=str(timeline.width),
                           height=str(timeline.height))
    ElementTree.SubElement(resources, "effect", id="r2", name="Cross Dissolve", uid=CROSS_DISSOLVE_UID)
    events = centred_events(cut)
    assets: dict[Path, str] = {}
    for event in events:
        if event.path not in assets:
            assets[event.path] = f"r{len(assets) + 3}"
            ElementTree.SubElement(resources, "asset", id=assets[event.path], name=event.name, start="0s",
                                   duration=_time(event.media_frames, fps), hasVideo="1", format="r1",
                                   src=event.path.resolve().as_uri())
    library = ElementTree.SubElement(root, "library")
    project = ElementTree.SubElement(ElementTree.SubElement(library, "event", name="longcut"), "project",
                                     name=timeline.title)
    sequence = ElementTree.SubElement(project, "sequence", format="r1", duration=_time(timeline.total_frames, fps),
                                      tcStart=_time(start_frames(start, fps), fps),
                                      tcFormat="DF" if drop_frame(fps) else "NDF")
    spine = ElementTree.SubElement(sequence, "spine")
    for event in events:
        if event.incoming:
            kind, before, after = event.incoming
            transition = ElementTree.SubElement(spine, "transition", name=kind,
                                                offset=_time(event.record_in - before, fps),
                                                duration=_time(before + after, fps))
            ElementTree.SubElement(transition, "filter-video", ref="r2", name="Cross Dissolve")
        ElementTree.SubElement(spine, "asset-clip", ref=assets[event.path], name=event.name,
                               offset=_time(event.record_in, fps), start=_time(event.source_in, fps),
                               duration=_time(event.record_out - event.record_in, fps), format="r1")
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n' + ElementTree.tostring(root, "unicode") + "\n"
