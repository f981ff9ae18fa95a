"""The animatic draws every framing and move, reads looks from words, and stays deterministic."""

import dataclasses
import itertools
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from longcut import storyboard
from longcut.continuity import resolve
from longcut.engine.backends import Segment
from longcut.engine.backends.animatic import AnimaticBackend
from longcut.engine.backends.animatic.look import COLOURS, figure_look, set_look
from longcut.storyboard.schema import CameraMove, ShotSize

from .cli import run
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


def test_frames_drawn_ahead_on_threads_are_the_frames_drawn_one_by_one(requests, monkeypatch):
    """The animatic draws a few frames ahead on every core (drawn_ahead); each frame is a function of its index
    alone, so the take is the same on a machine of one core or of many: also with a handed first frame and a
    last frame to ease into, and when the consumer stops early."""
    import longcut.engine.backends.animatic as animatic

    request = dataclasses.replace(requests["a"], frames=30)
    handed, last = np.full((72, 128, 3), 40, np.uint8), np.full((72, 128, 3), 200, np.uint8)
    segment = Segment(0, 30, first_frame=handed, last_frame=last)
    monkeypatch.setattr(animatic, "DRAW_THREADS", 1)
    alone = [frame.copy() for frame in AnimaticBackend().generate(request, segment)]
    monkeypatch.setattr(animatic, "DRAW_THREADS", 3)
    ahead = [frame.copy() for frame in AnimaticBackend().generate(request, segment)]
    assert len(ahead) == 30 and all(np.array_equal(x, y) for x, y in zip(alone, ahead))
    stopped = AnimaticBackend().generate(request, segment)
    assert np.array_equal(next(stopped), alone[0])
    stopped.close()  # the threads finish the frames in hand, draw no more, and are gone


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


def test_a_character_is_one_body_and_a_close_up_shows_its_face_whatever_the_reference(tmp_path):
    """A full-length reference (as `longcut new` writes), a head-and-shoulders one and none: each character is
    drawn with one body at the figure's height, and a close-up frames its face, whole, in the upper half."""
    from longcut.engine.backends.animatic.drawing import Figure, Painter, is_full_length, paint_figures, portrait
    from longcut.engine.backends.animatic.look import SetLook, figure_look
    from longcut.engine.analysis.identity import missing, models

    look = figure_look("a keeper in her sixties, short grey hair, navy coat, red scarf", 3)
    full = tmp_path / "full.png"
    portrait(look, 512, 768).save(full)
    shoulders = Path(__file__).parents[1] / "examples" / "short" / "refs" / "ada.png"
    assert is_full_length(full) and not is_full_length(shoulders)
    # one body: the painted full-length figure is the reference itself, at the figure's height (not squashed onto
    # a second pair of legs)
    painter = Painter((0.0, 0.0, 1.0, 1.0), 400)
    plain = SetLook("day", True, ((0, 0, 0), (0, 0, 0)), 1.0)
    paint_figures(painter, plain, [Figure(0.5, 0.95, 0.8, look, full)])
    drawn = np.asarray(painter.image).max(axis=2) > 0
    rows = np.flatnonzero(drawn.any(axis=1))
    assert abs((rows[-1] - rows[0] + 1) - 0.8 * 400) <= 0.03 * 400  # head to feet: the figure's height
    if missing() is not None:
        pytest.skip("the identity extra is not installed: the faces are not looked for")
    film = tmp_path / "film.yaml"
    film.write_text(
        "title: Faces\nfps: 12\nsize: 640x360\n"
        "characters:\n  full: {description: a keeper, reference: full.png}\n"
        "  shoulders: {description: a keeper, reference: shoulders.png}\n"
        "  drawn: {description: 'a keeper in her sixties, short grey hair, navy coat, red scarf'}\n"
        "locations:\n  cliff: {description: a sunny beach at noon}\n"
        "scenes:\n  - id: s\n    location: cliff\n    shots:\n" + "".join(
            f"      - {{id: {who}-{size}, prompt: '@{who} looks out', duration: 1s, camera: {{size: {size}}}}}\n"
            for who in ("full", "shoulders", "drawn") for size in ("close-up", "medium", "wide")))
    (tmp_path / "shoulders.png").write_bytes(shoulders.read_bytes())
    run("board", film)
    for who in ("full", "shoulders", "drawn"):
        with Image.open(tmp_path / "film.keyframes" / f"{who}-close-up.png") as image:
            frame = np.asarray(image.convert("RGB"))
        faces = models().faces(frame)
        assert faces, who
        x, y, w, h = faces[0].box
        assert y > 0 and y + h < frame.shape[0] and y + h / 2 < frame.shape[0] * 0.6, (who, faces[0].box)
        assert w > frame.shape[1] * 0.12, (who, faces[0].box)  # a close-up: the face is large
