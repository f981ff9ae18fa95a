"""Delivery: the joined picture and the soundtrack into one MP4, with provenance tags; other sizes on request.

The fast path copies the picture (a listing of pieces and stretches of takes, joined by the concat demuxer)
and the AAC soundtrack into the file in one pass (no re-encode). A preset
of another size or shape, burned-in subtitles or a visible watermark re-encode the picture once: ffmpeg
scales and crops (or pads onto a blurred copy of itself), Python draws the subtitles and the mark, the
Encoder encodes.
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import ffmpeg as ffmpeg_python

from longcut.storyboard.schema import Watermark

from .. import __version__
from ..atomic import atomic_path
from ..errors import LongcutError, StepFailed
from ..media.ffmpeg import (FITS, Encoder, count_packets, ffmpeg_args, ffmpeg_exe, fit_picture, input_flags, input_options,
                      rate_text, raw_frames, run)
from ..media.xmp import ai_packet, append_xmp, film_source_type
from .subtitles import BurnIn
from .timeline import Timeline
from .watermark import WatermarkDrawer

PRESETS: dict[str, tuple[int, int]] = {
    "1080p": (1920, 1080), "720p": (1280, 720), "4k": (3840, 2160),
    "vertical": (1080, 1920), "square": (1080, 1080), "portrait": (1080, 1350),
}


@dataclass(frozen=True)
class Delivery:
    preset: str | None = None
    fit: str = "blur"  # how a frame of another shape is filled (FITS): crop to fill, pad on black or on a blurred copy
    burn_subtitles: bool = False
    watermark: Watermark = Watermark.OFF  # the visible AI mark (engine.editor.watermark)

    def size(self, timeline: Timeline) -> tuple[int, int]:
        return PRESETS[self.preset] if self.preset else (timeline.width, timeline.height)

    def reencodes(self, timeline: Timeline) -> bool:
        return (self.burn_subtitles or self.watermark is not Watermark.OFF
                or self.size(timeline) != (timeline.width, timeline.height))


def check_delivery(preset: str | None, fit: str) -> None:
    if preset is not None and preset not in PRESETS:
        raise LongcutError(f"unknown preset `{preset}`", hint=f"use one of {', '.join(PRESETS)}")
    if fit not in FITS:
        raise LongcutError(f"unknown fit `{fit}`", hint="use crop (fill the frame), pad (fit it on black) or blur "
                                                        "(fit it on a blurred copy)")


def provenance_tags(timeline: Timeline) -> dict[str, str]:
    """MP4 metadata saying the film was made by AI, with what (kept as custom tags by use_metadata_tags)."""
    models = timeline.models_label
    return {
        "title": timeline.title,
        "comment": f"AI-generated with longcut {__version__}; backend {timeline.backend}; models: {models}",
        "encoded_by": f"longcut {__version__}",
        "ai_generated": "true",
        "longcut_backend": timeline.backend,
        "longcut_models": models,
    }


def deliver(timeline: Timeline, video: Path, audio: Path, target: Path, delivery: Delivery, scratch: Path) -> None:
    """The picture (a clip, or an ffconcat listing of clips) and the soundtrack into `target`.

    scratch: a folder for the re-encoded picture, where one is needed. The film is counted before it replaces
    target: one frame more or less than the Timeline (a damaged piece or take) and nothing is delivered.
    """
    picture = video
    if delivery.reencodes(timeline):
        picture = scratch / "reencoded.mp4"
        _reencode(timeline, video, picture, delivery)
    with atomic_path(target) as temporary:
        _mux(picture, audio, temporary, provenance_tags(timeline))
        append_xmp(temporary, ai_packet(timeline.title, f"longcut {__version__}", provenance_tags(timeline)["comment"],
                                        film_source_type(timeline.has_footage)))
        frames = count_packets(temporary)
        if frames != timeline.total_frames:
            raise StepFailed(f"the film came out with {frames} frames, the cut has {timeline.total_frames}; "
                             f"{target} was left as it was", hint="run `longcut status FILM --verify` to find a "
                             "damaged take, then render again")


def _mux(video: Path, audio: Path, target: Path, tags: dict[str, str]) -> None:
    args = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *input_flags(video), "-i", str(video),
            "-i", str(audio), "-map", "0:v:0", "-map", "1:a:0", "-c", "copy", "-shortest"]
    for key, value in tags.items():
        args += ["-metadata", f"{key}={value}"]
    args += ["-movflags", "+faststart+use_metadata_tags", str(target)]
    run(args, f"write {target.name}")


def _reencode(timeline: Timeline, video: Path, target: Path, delivery: Delivery) -> None:
    width, height = delivery.size(timeline)
    stream = ffmpeg_python.input(str(video), **input_options(video)).video
    if (width, height) != (timeline.width, timeline.height):
        stream = fit_picture(stream, (width, height), delivery.fit)
    stream = ffmpeg_python.output(stream.filter("format", "rgb24"), "pipe:", format="rawvideo", pix_fmt="rgb24",
                                  r=rate_text(timeline.fps))
    burn = BurnIn(timeline, width, height) if delivery.burn_subtitles else None
    mark = WatermarkDrawer(delivery.watermark, timeline, width, height)  # over the subtitles: nothing hides it
    index = 0
    with closing(raw_frames(ffmpeg_args(stream), width, height)) as frames, \
            Encoder(target, width, height, timeline.fps) as encoder:
        for frame in frames:
            encoder.write(mark.apply(burn.apply(frame, index) if burn else frame, index))
            index += 1
    if index != timeline.total_frames:
        raise LongcutError(f"re-encoding the picture gave {index} frames, expected {timeline.total_frames}",
                           exit_code=1)

