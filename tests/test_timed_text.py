"""Subtitles timed by the rules of timed text: never overlapping, at least a second and at most seven on screen,
no faster to read than 17 characters a second, and split into lines of at most 42 characters."""

from __future__ import annotations

from fractions import Fraction

from longcut.engine.editor.timed_text import GAP_FRAMES, MAX_SECONDS, MIN_SECONDS, READING_CPS, timed
from longcut.engine.export.subtitles import lines
from longcut.engine.timeline import SubtitleCue

FPS = Fraction(24)


def cue(start: float, end: float, text: str = "Look!", speaker: str = "Ada") -> SubtitleCue:
    return SubtitleCue(round(start * 24), round(end * 24), speaker, text, "a")


def assert_timed_text(cues: list[SubtitleCue], fps: Fraction, total: int) -> None:
    """The rules, on any list of cues a cut made (shared with the cut tests, silent and voiced)."""
    for index, one in enumerate(cues):
        following = cues[index + 1] if index + 1 < len(cues) else None
        seconds = Fraction(one.end - one.start) / fps
        assert seconds <= MAX_SECONDS, one
        cut_short = (following is not None and one.end == following.start - GAP_FRAMES) or one.end == total
        assert cut_short or seconds >= MIN_SECONDS, one
        assert cut_short or seconds >= Fraction(len(f"{one.speaker}: {one.text}"), READING_CPS) or \
            seconds == MAX_SECONDS, one
        if following is not None:
            assert one.end + GAP_FRAMES <= following.start, (one, following)


def test_overlapping_lines_follow_one_another():
    out = timed([cue(18, 24, "It always has, and it always will, whatever the sea says."), cue(23, 28.5)], FPS, 2000)
    assert out[0].end + GAP_FRAMES <= out[1].start and out[1].start == 23 * 24
    assert_timed_text(out, FPS, 2000)


def test_a_line_too_short_to_read_stays_a_second_and_one_too_long_seven():
    short, long = timed([cue(1, 1.75, "One day."), cue(10, 22, "A line spoken for twelve seconds.")], FPS, 2000)
    assert (short.end - short.start) == 24 and (long.end - long.start) == 7 * 24
    fast, = timed([cue(1, 2, "A very long line that nobody could read in a single second of film.")], FPS, 2000)
    assert Fraction(fast.end - fast.start, 24) >= Fraction(len("Ada: " + fast.text), READING_CPS)


def test_a_line_pushed_by_the_one_before_keeps_its_length_and_none_runs_past_the_film():
    first, second = timed([cue(1, 1.2, "Wait."), cue(1.5, 3)], FPS, 200)
    assert second.start == first.end + GAP_FRAMES and second.end - second.start >= 24
    last, = timed([cue(8, 9.5)], FPS, 8 * 24 + 10)
    assert last.end == 8 * 24 + 10


def test_lines_are_split_at_42_characters_between_words():
    text = lines("ADA: It always has, and it always will, whatever the sea says tonight, my boy.")
    assert all(len(line) <= 42 for line in text.split("\n")) and len(text.split("\n")) == 2
    assert lines("short") == "short"
