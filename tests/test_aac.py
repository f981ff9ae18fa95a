"""The soundtrack's AAC in segments encoded at once (engine.media.aac): spliced where a packet ends, it decodes
as one whole-file encode does, at every splice too, and its bytes do not depend on the number of cores.

Real ffmpeg, real AAC, decoded by PyAV; segments of 128 packets (2.7 s) so that a 10-second sound has four."""

from __future__ import annotations

import subprocess

import av
import ffmpeg as ffmpeg_python
import numpy as np
import pytest

from longcut.engine.media.aac import PACKET, encode_aac, segments
from longcut.engine.media.ffmpeg import ffmpeg_args

RATE = 48000
AAC = {"c:a": "aac", "b:a": "192k"}
SMALL = 128  # packets a segment


def limited(audio):
    """As the soundtrack's encode is shaped: a gain into a look-ahead limiter (which must forget its past within a
    segment's pre-roll: it is driven hard here, over every splice)."""
    return audio.filter("volume", "9dB").filter("alimiter", limit="0.7", attack=5, release=50, level="false",
                                                latency="true")


@pytest.fixture(scope="module")
def sound(tmp_path_factory):
    """Ten seconds of chords with sharp bursts every 0.37 s and right at, before and after each splice."""
    rng = np.random.default_rng(7)
    total = RATE * 10 + 333  # not a whole number of packets
    t = np.arange(total) / RATE
    music = 0.15 * (np.sin(2 * np.pi * 220 * t) + 0.6 * np.sin(2 * np.pi * 277.2 * t) + 0.4 * np.sin(2 * np.pi * 330 * t))
    bursts = list(range(0, total, int(0.37 * RATE)))
    bursts += [segment.first * PACKET + offset for segment in segments(total, SMALL)[1:] for offset in (-700, -5, 0, 400)]
    for start in bursts:
        length = min(total - start, 4000)
        music[start:start + length] += 0.3 * rng.standard_normal(length) * np.exp(-np.arange(length) / 300)
    stereo = np.stack([music, np.roll(music, 41)], axis=1).astype(np.float32)
    path = tmp_path_factory.mktemp("aac") / "mix.f32"
    stereo.tofile(path)
    return path, total


def decoded(path) -> np.ndarray:
    with av.open(str(path)) as container:
        return np.concatenate([frame.to_ndarray() for frame in container.decode(audio=0)], axis=1).T


def shaped(source, total) -> np.ndarray:
    """The sound the encoder is given, as one ffmpeg makes it."""
    stream = ffmpeg_python.output(limited(ffmpeg_python.input(str(source), format="f32le", ar=RATE, ac=2)), "pipe:",
                                  format="f32le")
    out = subprocess.run(ffmpeg_args(stream), capture_output=True, check=True).stdout
    return np.frombuffer(out, np.float32).reshape(-1, 2)[:total]


def level_db(x: np.ndarray) -> float:
    return 10 * np.log10(np.mean(np.square(x, dtype=np.float64)) + 1e-20)


def test_the_layout_covers_every_packet_once_and_depends_only_on_the_length():
    total = 10 * SMALL * PACKET + 5
    layout = segments(total, SMALL)
    assert len(layout) == 11
    assert [segment.first for segment in layout] == [index * SMALL for index in range(11)]
    assert all(a.end == b.first for a, b in zip(layout, layout[1:])) and layout[-1].end is None
    assert layout[-1].start + layout[-1].samples == total  # the last reads to the end
    assert all(segment.start % PACKET == 0 for segment in layout)
    assert segments(SMALL * PACKET, SMALL) == [segments(SMALL * PACKET, SMALL)[0]]  # one segment: encoded whole


def test_a_spliced_encode_decodes_as_one_whole_encode_at_every_splice(sound, tmp_path):
    source, total = sound
    whole, spliced = tmp_path / "whole.m4a", tmp_path / "spliced.m4a"
    encode_aac(source, total, whole, limited, RATE, AAC, segment_packets=10**9)
    encode_aac(source, total, spliced, limited, RATE, AAC, workers=2, segment_packets=SMALL)
    reference = shaped(source, total)
    one, joined = decoded(whole), decoded(spliced)
    assert len(joined) == len(one) >= total  # the same length, on the same samples (the edit list trims the priming)
    one, joined = one[:total], joined[:total]
    assert level_db(joined - reference) < level_db(reference) - 20  # the sound, not a shifted copy of it
    assert abs(level_db(joined - reference) - level_db(one - reference)) < 0.3
    for segment in segments(total, SMALL)[1:]:
        around = slice(segment.first * PACKET - 3 * PACKET, segment.first * PACKET + 3 * PACKET)
        at_splice, as_whole = level_db(joined[around] - reference[around]), level_db(one[around] - reference[around])
        assert at_splice < as_whole + 1.0, (segment, at_splice, as_whole)  # no click where the segments meet


def test_the_bytes_do_not_depend_on_the_number_of_cores(sound, tmp_path):
    source, total = sound
    encode_aac(source, total, tmp_path / "one.m4a", limited, RATE, AAC, workers=1, segment_packets=SMALL)
    encode_aac(source, total, tmp_path / "three.m4a", limited, RATE, AAC, workers=3, segment_packets=SMALL)
    assert (tmp_path / "one.m4a").read_bytes() == (tmp_path / "three.m4a").read_bytes()
    assert sorted(path.name for path in source.parent.iterdir()) == ["mix.f32"]  # no segment left beside the mix
