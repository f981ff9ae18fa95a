"""A long sound into AAC on every core: encoded in segments at once, spliced where a packet ends.

ffmpeg's AAC encoder (the only one in the bundled ffmpeg) runs on one thread, and on a long film it is the cut's
critical path: about 200 s of one core for two hours of sound, while the picture's junctions are long done. So
the sound is cut into segments of SEGMENT_PACKETS packets (1,024 samples each), each encoded by an ffmpeg of its
own, and their packets are laid end to end in one .m4a:

- a segment's ffmpeg starts PREROLL packets before the first packet it gives, and reads POSTROLL packets past its
  last one. The encoder's state (its rate control above all, and its psychoacoustic model and window switching)
  depends on the sound of the last few seconds only, so an encoder started PREROLL packets early gives, at the
  splice, the very packets one whole-file encoder gives, or packets that decode as close to the sound. Measured
  (tests/test_aac.py): with 256 packets of pre-roll, the error against the sound at a splice is that of a
  whole-file encode (within 0.3 dB); with 64, a few dB more; with 16, a click's 5 dB;
- the filters a caller puts in front of the encoder run in each segment's ffmpeg, so they must forget their past
  within PREROLL packets (5.5 s): the gain and the soundtrack's limiter (50 ms release) do, to the last bit;
- packet p of the whole (p >= 1) holds samples (p - 1) * 1,024 on, packet 0 is the encoder's priming; the .m4a
  keeps the first segment's priming and the last one's end, so its edit list trims exactly as one encode's does.

The layout depends only on the sound's length, never on the number of cores, so every machine writes the same
bytes. A sound of one segment or less is encoded in one ffmpeg, exactly as before this module.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import ffmpeg as ffmpeg_python

from .ffmpeg import ffmpeg_args, run

PACKET = 1024  # samples in one AAC packet (AAC-LC)
SEGMENT_PACKETS = 8192  # 175 s of sound at 48 kHz: the pre- and post-roll add 3% to the encoding
PREROLL = 256  # packets (5.5 s) of sound a segment's encoder hears before the first packet it gives
POSTROLL = 16  # and after its last one (the encoder looks ahead for attacks)
CHANNELS = 2
SAMPLE_BYTES = 4 * CHANNELS  # raw float32, interleaved

Shape = Callable[[object], object]  # an ffmpeg-python audio stream in, the stream to encode out (gain, limiter)


@dataclass(frozen=True)
class Segment:
    """One ffmpeg's share: it reads `samples` samples from `start` and gives the whole's packets [first, end)
    (end None: to the last)."""

    start: int
    samples: int
    first: int
    end: int | None


def segments(total: int, segment_packets: int = SEGMENT_PACKETS) -> list[Segment]:
    """The segments of a sound of `total` samples (one, for a sound no longer than a segment)."""
    frames = -(-total // PACKET)
    count = max(1, -(-frames // segment_packets))
    layout = []
    for index in range(count):
        first = index * segment_packets
        start = max(0, first - PREROLL) * PACKET if index else 0
        last = index == count - 1
        stop = total if last else min(total, (first + segment_packets + POSTROLL) * PACKET)
        layout.append(Segment(start, stop - start, first, None if last else first + segment_packets))
    return layout


def encode_aac(source: Path, total: int, target: Path, shape: Shape, rate: int, options: dict[str, str],
               workers: int | None = None, segment_packets: int = SEGMENT_PACKETS) -> None:
    """Write `target` (.m4a; the caller makes it atomic): the raw float stereo sound in `source` (`total` samples
    at `rate`), through `shape`, encoded to AAC with ffmpeg's `options` (codec and bit rate). The segments are
    written beside `source`. workers: ffmpegs at once (default: one a core)."""
    layout = segments(total, segment_packets)
    if len(layout) == 1:
        _encode(source, None, target, shape, rate, options)
        return
    # beside the source: a caller's scratch folder, which a killed process's sweep removes whole
    parts = [source.with_name(f"{source.stem}.segment-{index}.m4a") for index in range(len(layout))]
    try:
        with ThreadPoolExecutor(max_workers=min(len(layout), workers or os.cpu_count() or 1)) as pool:
            for done in [pool.submit(_encode, source, segment, part, shape, rate, options)
                         for segment, part in zip(layout, parts)]:
                done.result()
        _splice(layout, parts, target)
    finally:
        for part in parts:
            part.unlink(missing_ok=True)


def _encode(source: Path, segment: Segment | None, target: Path, shape: Shape, rate: int,
            options: dict[str, str]) -> None:
    """One ffmpeg: the segment's samples (None: the whole sound) into target."""
    if segment is None:
        audio = ffmpeg_python.input(str(source), format="f32le", ar=rate, ac=CHANNELS)
    else:  # read from its first sample (a byte offset: exact, and nothing before it is read) to its last
        audio = ffmpeg_python.input(str(source), format="f32le", ar=rate, ac=CHANNELS,
                                    skip_initial_bytes=segment.start * SAMPLE_BYTES)
        audio = audio.filter("atrim", end_sample=segment.samples)
    audio = shape(audio)
    stream = ffmpeg_python.output(audio, str(target), ar=rate, ac=CHANNELS, **options)
    run(ffmpeg_args(stream, overwrite=True), "encode the soundtrack")


def _splice(layout: list[Segment], parts: list[Path], target: Path) -> None:
    """The segments' packets, each the one its place in the whole asks for, into one .m4a."""
    import av

    with av.open(str(parts[0])) as first, av.open(str(target), "w", format="ipod") as out:
        stream = out.add_stream_from_template(first.streams.audio[0])
        for segment, part in zip(layout, parts):
            with av.open(str(part)) as container:
                packets = (packet for packet in container.demux(container.streams.audio[0]) if packet.size)
                for index, packet in enumerate(packets):
                    whole = segment.start // PACKET + index  # its place in the whole (a segment starts on a packet)
                    if whole < segment.first:
                        continue
                    if segment.end is not None and whole >= segment.end:
                        break
                    packet.pts = packet.dts = (whole - 1) * PACKET  # packet 0 is the priming, before time 0
                    packet.stream = stream
                    out.mux(packet)
