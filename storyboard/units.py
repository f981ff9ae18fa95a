"""Units a screenplay is written in: durations, frame rates, frame sizes and gains.

Every value is kept exact (``Fraction`` seconds, whole frames) so that frame counts never drift:
a duration becomes frames only once the film's frame rate is known.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from fractions import Fraction

# Rates people write as decimals but mean as NTSC fractions.
_NTSC_RATES = {
    "23.976": Fraction(24000, 1001),
    "23.98": Fraction(24000, 1001),
    "29.97": Fraction(30000, 1001),
    "47.952": Fraction(48000, 1001),
    "59.94": Fraction(60000, 1001),
    "119.88": Fraction(120000, 1001),
}
MIN_FPS, MAX_FPS = Fraction(1), Fraction(120)
# The largest frame is DCI 4K: what a video model or an editing suite takes, and what this machine renders and cuts
# in under a gigabyte at any length (bench/largest_size.py). A side may reach 4096 (vertical 4K: 2160x3840).
MIN_SIDE, MAX_SIDE = 64, 4096
MAX_PIXELS = 4096 * 2160

SIZE_PRESETS: dict[str, tuple[int, int]] = {
    "480p": (854, 480),
    "720p": (1280, 720),
    "1080p": (1920, 1080),
    "4k": (3840, 2160),
    "vertical-720": (720, 1280),
    "vertical-1080": (1080, 1920),
    "square-720": (720, 720),
    "square-1080": (1080, 1080),
    "portrait-1080": (1080, 1350),
}

_CLOCK = re.compile(r"^(?:(?P<h>\d+(?:\.\d+)?)h)?(?:(?P<m>\d+(?:\.\d+)?)m)?(?:(?P<s>\d+(?:\.\d+)?)s)?$")
_FRAMES = re.compile(r"^(?P<f>\d+)f$")
_SMPTE = re.compile(r"^(?P<h>\d{2}):(?P<m>\d{2}):(?P<s>\d{2})[:;](?P<f>\d{2})$")
_GAIN = re.compile(r"^(?P<db>[+-]?\d+(?:\.\d+)?)\s*dB$", re.IGNORECASE)
_SIZE = re.compile(r"^(?P<w>\d+)\s*[xX×]\s*(?P<h>\d+)$")

DURATION_HINT = "write durations as 8s, 1.5s, 1m, 1m30s, 144f or SMPTE 00:00:04:00"


@dataclass(frozen=True)
class Duration:
    """A length of time as written: exact seconds, or a whole number of frames.

    Frames (``144f``) and SMPTE timecodes count frames of the film's own rate, so they are kept
    as frames and only seconds need the rate to become frames.
    """

    seconds: Fraction | None = None
    frames: int | None = None

    def to_frames(self, fps: Fraction) -> int:
        if self.frames is not None:
            return self.frames
        assert self.seconds is not None
        return round(self.seconds * fps)

    def to_seconds(self, fps: Fraction) -> Fraction:
        if self.seconds is not None:
            return self.seconds
        assert self.frames is not None
        return Fraction(self.frames) / fps

    def is_zero(self) -> bool:
        return (self.seconds or 0) == 0 and (self.frames or 0) == 0

    def __str__(self) -> str:
        if self.frames is not None:
            return f"{self.frames}f"
        return format_seconds(self.seconds or Fraction(0))



def format_seconds(seconds: Fraction | float) -> str:
    """1m30s style, the way a person writes it."""
    total = float(seconds)
    minutes, rest = divmod(total, 60)
    hours, minutes = divmod(int(minutes), 60)
    text = f"{rest:.3f}".rstrip("0").rstrip(".") + "s"
    if minutes or hours:
        text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "") + ("" if rest == 0 else text)
    return text


def _parse_decimal(text: str) -> Fraction:
    return Fraction(text)


def parse_duration(value: object) -> Duration:
    """Parse ``8s``, ``1.5s``, ``1m``, ``1m30s``, ``144f``, ``00:00:04:00`` or a bare number of seconds."""
    if isinstance(value, Duration):
        return value
    if isinstance(value, bool) or value is None:
        raise ValueError(f"expected a duration, got {value!r}; {DURATION_HINT}")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"duration {value!r} is not a finite number; {DURATION_HINT}")
        if value < 0:
            raise ValueError(f"duration {value!r} is negative; durations must be 0 or more")
        return Duration(seconds=Fraction(str(value)))
    if not isinstance(value, str):
        raise ValueError(f"expected a duration, got {type(value).__name__}; {DURATION_HINT}")
    return _parse_duration_text(value)


@functools.lru_cache(maxsize=4096)
def _parse_duration_text(value: str) -> Duration:
    """Durations repeat across a film (8s, 1m...): parse each distinct text once. Duration is immutable."""
    text = value.strip()
    if text.startswith("-"):
        raise ValueError(f"duration {value!r} is negative; durations must be 0 or more")
    if match := _FRAMES.match(text):
        return Duration(frames=int(match["f"]))
    if match := _SMPTE.match(text):
        return _smpte_duration(match)
    match = _CLOCK.match(text)
    if text and match and any(match.groupdict().values()):
        seconds = sum(
            (_parse_decimal(match[unit]) * scale for unit, scale in (("h", 3600), ("m", 60), ("s", 1)) if match[unit]),
            Fraction(0),
        )
        return Duration(seconds=seconds)
    try:
        number = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"cannot read {value!r} as a duration; {DURATION_HINT}") from None
    return Duration(seconds=number)


def drop_frame(fps: Fraction) -> bool:
    """Whether timecode at this rate counts drop-frame (29.97 and 59.94, as editing suites do)."""
    return fps in (Fraction(30000, 1001), Fraction(60000, 1001))


DAY_HOURS = 24


@dataclass(frozen=True)
class Timecode:
    """SMPTE HH:MM:SS:FF, resolved to frames once the rate is known.

    The one place timecode is read and written: at 29.97 and 59.94 it counts drop-frame (frame numbers 00 and
    01, or 00 to 03, are skipped at the start of every minute but each tenth), whichever separator it was
    written with, so that what longcut writes it reads back as the same frame.
    """

    hours: int
    minutes: int
    seconds: int
    frames: int

    def check(self, fps: Fraction, time_of_day: bool = True) -> None:
        """ValueError when this timecode names no frame at fps: a field out of range, or a dropped frame number.
        A length (time_of_day False) may run past 24 hours."""
        nominal = round(fps)
        text = str(self)
        if (time_of_day and self.hours >= DAY_HOURS) or self.minutes > 59 or self.seconds > 59:
            raise ValueError(f"timecode {text} is not a time of day: hours run 00-23, minutes and seconds 00-59")
        if self.frames >= nominal:
            raise ValueError(f"timecode {text} has frame {self.frames:02d}, but frames run 00-{nominal - 1:02d} at "
                             f"{fps_label(fps)} fps")
        if drop_frame(fps) and self.seconds == 0 and self.minutes % 10 and self.frames < _dropped(fps):
            raise ValueError(f"timecode {text} does not exist at {fps_label(fps)} fps drop-frame: frames "
                             f"00-{_dropped(fps) - 1:02d} are skipped at the start of each minute but every tenth")

    def to_frames(self, fps: Fraction) -> int:
        nominal = round(fps)
        minutes = self.hours * 60 + self.minutes
        counted = (minutes * 60 + self.seconds) * nominal + self.frames
        if drop_frame(fps):  # the frame numbers skipped in every minute before this one, but each tenth
            counted -= _dropped(fps) * (minutes - minutes // 10)
        return counted

    @classmethod
    def of_frames(cls, frames: int, fps: Fraction) -> Timecode:
        """The timecode of a frame count from 00:00:00:00, wrapping at 24 hours as editing suites do."""
        nominal = round(fps)
        if drop_frame(fps):
            dropped = _dropped(fps)
            per_ten_minutes = nominal * 600 - dropped * 9
            frames %= per_ten_minutes * 6 * DAY_HOURS
            tens, rest = divmod(frames, per_ten_minutes)
            frames += dropped * 9 * tens
            if rest > dropped:
                frames += dropped * ((rest - dropped) // (nominal * 60 - dropped))
        frames %= nominal * 3600 * DAY_HOURS
        return cls(frames // (nominal * 3600), frames // (nominal * 60) % 60, frames // nominal % 60, frames % nominal)

    def __str__(self) -> str:
        return f"{self.hours:02d}:{self.minutes:02d}:{self.seconds:02d}:{self.frames:02d}"


def _dropped(fps: Fraction) -> int:
    return 2 * round(fps / 30)


def dropped_frames(fps: Fraction) -> int:
    """The frame numbers drop-frame timecode skips at the start of a minute at this rate (0: it counts them all)."""
    return _dropped(fps) if drop_frame(fps) else 0


def format_timecode(frames: int, fps: Fraction) -> str:
    """SMPTE timecode of a frame count, `;` before the frames when it counts drop-frame."""
    code = Timecode.of_frames(frames, fps)
    separator = ";" if drop_frame(fps) else ":"
    return f"{code.hours:02d}:{code.minutes:02d}:{code.seconds:02d}{separator}{code.frames:02d}"


def timecode_frames(text: str, fps: Fraction) -> int:
    """A timecode written by a person (a record start, a music cue) as frames from 00:00:00:00, checked."""
    code = parse_timecode(text)
    if code is None:
        raise ValueError(f"cannot read {text!r} as a timecode; write HH:MM:SS:FF, e.g. 01:00:00:00")
    code.check(fps)
    return code.to_frames(fps)


def timecode_problem(point: SmpteDuration, fps: Fraction) -> str | None:
    """What is wrong with a point written as a timecode at this rate (a frame field past the rate, a dropped frame
    number), or None."""
    try:
        point.timecode.check(fps, time_of_day=False)
    except ValueError as error:
        return str(error)
    return None


def _smpte_duration(match: re.Match[str]) -> Duration:
    code = Timecode(int(match["h"]), int(match["m"]), int(match["s"]), int(match["f"]))
    if code.minutes > 59 or code.seconds > 59:
        raise ValueError(f"timecode {match.string!r} has minutes or seconds above 59")
    return SmpteDuration(timecode=code)


@dataclass(frozen=True)
class SmpteDuration(Duration):
    """A duration written as SMPTE timecode; the frame field counts frames of the film's rate."""

    timecode: Timecode | None = None

    def to_frames(self, fps: Fraction) -> int:
        assert self.timecode is not None
        return self.timecode.to_frames(fps)

    def to_seconds(self, fps: Fraction) -> Fraction:
        return Fraction(self.to_frames(fps)) / fps

    def is_zero(self) -> bool:
        assert self.timecode is not None
        return self.timecode == Timecode(0, 0, 0, 0)

    def __str__(self) -> str:
        code = self.timecode
        assert code is not None
        return f"{code.hours:02d}:{code.minutes:02d}:{code.seconds:02d}:{code.frames:02d}"


def parse_timecode(value: object) -> Timecode | None:
    """A SMPTE timecode string, or None when the value is not one."""
    if isinstance(value, str) and (match := _SMPTE.match(value.strip())):
        return Timecode(int(match["h"]), int(match["m"]), int(match["s"]), int(match["f"]))
    return None


def parse_fps(value: object) -> Fraction:
    """24, 25, 23.976 (= 24000/1001), 29.97, or a ratio such as 24000/1001."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"expected a frame rate such as 24 or 23.976, got {value!r}")
    text = str(value).strip()
    if text in _NTSC_RATES:
        rate = _NTSC_RATES[text]
    else:
        try:
            rate = Fraction(text)
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"cannot read {value!r} as a frame rate; write 24, 25, 30, 23.976 or 24000/1001") from None
        rate = rate.limit_denominator(1001)
    if not MIN_FPS <= rate <= MAX_FPS:
        raise ValueError(f"frame rate {value!r} is outside {MIN_FPS}..{MAX_FPS} fps; films use 23.976, 24, 25 or 30")
    return rate


def parse_size(value: object) -> tuple[int, int]:
    """``1280x720`` or a preset name such as ``1080p``, ``720p``, ``vertical-1080``."""
    if isinstance(value, (list, tuple)) and len(value) == 2:
        width, height = value
    elif isinstance(value, str) and value.strip().lower() in SIZE_PRESETS:
        width, height = SIZE_PRESETS[value.strip().lower()]
    elif isinstance(value, str) and (match := _SIZE.match(value.strip())):
        width, height = int(match["w"]), int(match["h"])
    else:
        presets = ", ".join(SIZE_PRESETS)
        raise ValueError(f"cannot read {value!r} as a frame size; write WIDTHxHEIGHT such as 1280x720, or a preset: {presets}")
    if not all(isinstance(side, int) and not isinstance(side, bool) for side in (width, height)):
        raise ValueError(f"frame size {value!r} must be whole pixels")
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise ValueError(f"frame size {width}x{height} is outside {MIN_SIDE}..{MAX_SIDE} pixels a side")
    if width * height > MAX_PIXELS:
        raise ValueError(f"frame size {width}x{height} is over {MAX_PIXELS:,} pixels, DCI 4K (4096x2160), the largest "
                         "longcut renders")
    if width % 2 or height % 2:
        raise ValueError(f"frame size {width}x{height} has an odd side; H.264 4:2:0 needs even widths and heights")
    return width, height


def parse_gain(value: object) -> float:
    """``-16dB`` (or a bare number of dB) as a float in dB."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"expected a gain such as -16dB, got {value!r}")
    if isinstance(value, (int, float)):
        gain = float(value)
    elif isinstance(value, str) and (match := _GAIN.match(value.strip())):
        gain = float(match["db"])
    else:
        raise ValueError(f"cannot read {value!r} as a gain; write it in decibels such as -16dB or 3dB")
    if not -96.0 <= gain <= 24.0:
        raise ValueError(f"gain {value!r} is outside -96dB..24dB")
    return gain


def fps_label(fps: Fraction) -> str:
    """24, 25 or 23.976, the way editors name rates."""
    if fps.denominator == 1:
        return str(fps.numerator)
    return f"{float(fps):.3f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class SpanDuration(Duration):
    """From one point to another, each in the units it was written in (footage's `in:` to `out:`); its frames
    need the film's rate, as seconds do. A span that ends before it starts is refused by the screenplay checks."""

    start: Duration | None = None
    end: Duration | None = None

    def to_frames(self, fps: Fraction) -> int:
        assert self.start is not None and self.end is not None
        return self.end.to_frames(fps) - self.start.to_frames(fps)

    def to_seconds(self, fps: Fraction) -> Fraction:
        return Fraction(self.to_frames(fps)) / fps

    def is_zero(self) -> bool:
        return False  # known only with the rate: the checks count its frames

    def __str__(self) -> str:
        return f"{self.end} - {self.start}"
