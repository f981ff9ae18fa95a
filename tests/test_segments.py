"""Segment chaining with a backend whose frames show what it was asked: every frame holds its own index."""

from fractions import Fraction

import numpy as np
import pytest

from longcut.continuity import ShotRequest
from longcut.engine.backends import Segment
from longcut.engine.errors import StepFailed
from longcut.engine.render.segments import seam_frames, shot_frames


class Counting:
    """Frame i of the shot is grey level i; a handed first frame is returned as frame 0, exactly."""

    name, version = "counting", "1"

    def __init__(self, limit):
        self.limit = limit
        self.calls: list[Segment] = []

    def settings(self):
        return {}

    def model(self):
        return None

    def max_frames(self, request):
        return self.limit

    def generate(self, request, segment):
        self.calls.append(segment)
        for offset in range(segment.count):
            if offset == 0 and segment.first_frame is not None:
                yield segment.first_frame.copy()
            elif offset == segment.count - 1 and segment.last_frame is not None:
                yield segment.last_frame.copy()
            else:
                yield np.full((4, 4, 3), (segment.start + offset) % 256, np.uint8)


def request(frames, loop=False):
    return ShotRequest("s", "sc", "", 0, 1, 1, "p", "", "p", 4, 4, Fraction(24), frames, "wide", "static", loop=loop)


@pytest.mark.parametrize(("frames", "limit"), [(10, 20), (50, 10), (101, 16), (33, 2), (240, 97)])
def test_every_frame_is_made_once_and_in_order(frames, limit):
    backend = Counting(limit)
    made = [int(frame[0, 0, 0]) for frame in shot_frames(backend, request(frames), None)]
    assert made == [index % 256 for index in range(frames)]  # blending equal frames changes nothing
    assert all(call.count <= limit for call in backend.calls)
    for before, after in zip(backend.calls, backend.calls[1:]):
        # each call starts on the last frame emitted before it, and redoes the seam
        assert after.start == before.start + before.count - seam_frames(limit) - 1
        assert int(after.first_frame[0, 0, 0]) == after.start % 256


def test_a_handed_first_frame_is_the_shots_first_frame():
    handed = np.full((4, 4, 3), 200, np.uint8)
    frames = list(shot_frames(Counting(8), request(20), handed))
    assert np.array_equal(frames[0], handed) and len(frames) == 20


def test_seams_are_blended_where_segments_disagree():
    class Drifting(Counting):
        def generate(self, request, segment):  # every call comes out 40 levels brighter than the one before
            shift = 40 * len(self.calls)
            for frame in super().generate(request, segment):
                yield np.clip(frame.astype(int) + shift, 0, 255).astype(np.uint8)

    frames = [int(frame[0, 0, 0]) for frame in shot_frames(Drifting(10), request(30), None)]
    steps = np.diff(frames)
    # no jump of 40 at a seam: it is spread over the overlap (plus the frame-to-frame step of 1)
    assert steps.max() <= 40 / (seam_frames(10) + 1) + 2, frames


def test_a_loop_ends_on_its_first_frame():
    for limit in (100, 7):
        frames = list(shot_frames(Counting(limit), request(30, loop=True), None))
        assert len(frames) == 30 and np.array_equal(frames[-1], frames[0])


def test_a_backend_that_makes_too_few_frames_is_named():
    class Short(Counting):
        def generate(self, request, segment):
            yield from list(super().generate(request, segment))[:-1]

    with pytest.raises(StepFailed, match="made 9 of the 10 frames"):
        list(shot_frames(Short(10), request(10), None))
