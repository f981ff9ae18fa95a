"""The animatic draws every framing and move, reads looks from words, and stays deterministic."""

import dataclasses
import itertools

import numpy as np
import pytest

import storyboard
from continuity import resolve
from engine.backends import Segment
from engine.backends.animatic import AnimaticBackend
from engine.backends.animatic.look import COLOURS, figure_look, set_look
from storyboard.schema import CameraMove, ShotSize

from .films import tiny_film


@pytest.fixture(scope="module")
def requests(tmp_path_factory):
    sp = storyboard.load(tiny_film(tmp_path_factory.mktemp("animatic")))
    return resolve(sp, storyboard.ShotGraph(sp))


@pytest.mark.parametrize(("size", "move"), list(itertools.product(ShotSize, CameraMove)))
def test_every_framing_and_move_draws(requests, size, move):
    backend = AnimaticBackend({"captions": False})
    for shot in ("a", "d", "e"):  # one character with a reference image, two characters, none
        request = dataclasses.replace(requests[shot], camera_size=size.value, camera_move=move.value, frames=5)
        frames = list(backend.generate(request, Segment(0, 5)))
        assert len(frames) == 5 and all(frame.shape == (72, 128, 3) for frame in frames)
        assert frames[0].std() > 3  # a picture, not a blank


def test_same_request_same_frames_and_moves_move(requests):
    first = [frame.copy() for frame in AnimaticBackend().generate(requests["a"], Segment(0, 24))]
    again = list(AnimaticBackend().generate(requests["a"], Segment(0, 24)))
    assert all(np.array_equal(x, y) for x, y in zip(first, again))
    assert not np.array_equal(first[0], first[-1])  # a push-in changes the picture


def test_a_new_seed_restages_the_shot(requests):
    one = next(AnimaticBackend({"captions": False}).generate(requests["d"], Segment(0, 1)))
    other = dataclasses.replace(requests["d"], seed=requests["d"].seed + 1)
    two = next(AnimaticBackend({"captions": False}).generate(other, Segment(0, 1)))
    assert not np.array_equal(one, two)


def test_clothes_and_hair_come_from_the_description():
    look = figure_look("a woman in her sixties, short grey hair, navy wool coat, red scarf", seed=1)
    assert look.coat == COLOURS["navy"] and look.scarf == COLOURS["red"] and look.hair == COLOURS["grey"]
    child = figure_look("a boy of ten, yellow raincoat, freckles", seed=2)
    assert child.child and child.coat == COLOURS["yellow"]
    assert figure_look("someone", seed=5) == figure_look("someone", seed=5)


def test_places_come_from_the_description():
    dusk = set_look("a white lighthouse on a rocky cliff above a grey sea", "EXT. CLIFF PATH - DUSK", True, 1)
    assert dusk.time == "dusk" and dusk.exterior and dusk.water and dusk.ridge and "lighthouse" in dusk.props
    room = set_look("the lamp room, brass and glass, rain on the windows", "INT. LAMP ROOM - NIGHT", False, 1)
    assert room.time == "night" and not room.exterior and room.rain
