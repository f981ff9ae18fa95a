from fractions import Fraction

import pytest

from longcut.storyboard.units import format_seconds, parse_duration, parse_fps, parse_gain, parse_size


@pytest.mark.parametrize(
    ("text", "frames_at_24"),
    [("8s", 192), ("1.5s", 36), ("1m", 1440), ("1m30s", 2160), ("144f", 144), ("00:00:04:00", 96),
     ("00:01:00:12", 1452), (8, 192), (0.5, 12), ("2m0.5s", 2892), ("1h", 86400)],
)
def test_durations_become_exact_frames(text, frames_at_24):
    assert parse_duration(text).to_frames(Fraction(24)) == frames_at_24


def test_seconds_at_ntsc_rate_round_to_the_nearest_frame():
    assert parse_duration("10s").to_frames(Fraction(24000, 1001)) == 240  # 239.76 -> 240
    assert parse_duration("1m").to_frames(Fraction(30000, 1001)) == 1798


@pytest.mark.parametrize("bad", ["-3s", "8 seconds", "", "s", "1x", "nan", True, None, [1], float("inf"), "00:61:00:00"])
def test_bad_durations_are_refused(bad):
    with pytest.raises(ValueError):
        parse_duration(bad)


@pytest.mark.parametrize(("text", "rate"), [(24, Fraction(24)), ("23.976", Fraction(24000, 1001)),
                                            (29.97, Fraction(30000, 1001)), ("24000/1001", Fraction(24000, 1001)),
                                            ("25", Fraction(25))])
def test_frame_rates(text, rate):
    assert parse_fps(text) == rate


@pytest.mark.parametrize("bad", [0, 1000, "fast", -24, True])
def test_absurd_frame_rates_are_refused(bad):
    with pytest.raises(ValueError):
        parse_fps(bad)


def test_sizes_and_presets():
    assert parse_size("1280x720") == (1280, 720)
    assert parse_size("1080p") == (1920, 1080)
    assert parse_size("vertical-1080") == (1080, 1920)
    for bad in ("100000x20", "1281x720", "big", "0x0"):
        with pytest.raises(ValueError):
            parse_size(bad)


def test_the_largest_frame_is_dci_4k_either_way_up():
    assert parse_size("4096x2160") == (4096, 2160) and parse_size("2160x3840") == (2160, 3840)
    assert parse_size("4k") == (3840, 2160)
    for too_large in ("8192x8192", "4096x4096", "8192x4320"):
        with pytest.raises(ValueError, match="the largest longcut renders|pixels a side"):
            parse_size(too_large)


def test_timecode_reads_back_what_it_writes_at_every_rate():
    from longcut.storyboard.units import Timecode, format_timecode, timecode_frames

    for fps in (Fraction(24000, 1001), Fraction(24), Fraction(25), Fraction(30000, 1001), Fraction(30),
                Fraction(60000, 1001)):
        for frames in (0, 1, 1799, 1800, 17981, 17982, 107891, 107892, 2_000_000):
            text = format_timecode(frames, fps)
            assert timecode_frames(text, fps) == frames, (fps, frames, text)
    ntsc = Fraction(30000, 1001)
    assert format_timecode(timecode_frames("01:00:00:00", ntsc), ntsc) == "01:00:00;00"
    assert format_timecode(24 * 3600 * 24 + 7, Fraction(24)) == "00:00:00:07"  # past midnight it wraps
    for bad, words in (("00:01:00;00", "does not exist"), ("24:00:00:00", "not a time of day"),
                       ("00:00:00:30", "frames run 00-29")):
        with pytest.raises(ValueError, match=words):
            Timecode(*map(int, bad.replace(";", ":").split(":"))).check(ntsc)


def test_gains():
    assert parse_gain("-16dB") == -16.0
    assert parse_gain("+3 dB") == 3.0
    assert parse_gain(-6) == -6.0
    with pytest.raises(ValueError):
        parse_gain("loud")


def test_format_seconds_reads_like_a_person_wrote_it():
    assert format_seconds(Fraction(90)) == "1m30s"
    assert format_seconds(Fraction(3, 2)) == "1.5s"
    assert format_seconds(Fraction(120)) == "2m"
    assert format_seconds(Fraction(36000)) == "10h" and format_seconds(Fraction(3725)) == "1h2m5s"
