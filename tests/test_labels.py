"""The AI label on everything longcut writes: XMP in every take and film, C2PA ingredients naming what made
each shot (read back with the c2pa reader), and the visible watermark, decoded from the film."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from longcut.engine.media.ffmpeg import decode_frames
from longcut.engine.store import TakeStore
from longcut.engine.timeline import Cut
from longcut.engine.media.xmp import COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA, TRAINED_ALGORITHMIC_MEDIA, digital_source_type, read_xmp

from .cli import run
from .media import make_clip, small_film

MIXED = ("      - {id: a, duration: 12f, prompt: a pier at dawn}\n"
         "      - {id: b, duration: 12f, footage: harbour.mp4}\n"
         "      - {id: c, duration: 12f, prompt: the pier at noon, continues: a, color_match: a}\n")


@pytest.fixture(scope="module")
def mixed_film(tmp_path_factory):
    """Two generated shots (one graded toward the other) and a shot of footage, rendered and cut."""
    folder = tmp_path_factory.mktemp("mixed")
    make_clip(folder / "harbour.mp4", seconds=1, rate=24, size="320x180", sound=False)
    film = small_film(folder, MIXED)
    run("render", film, "--no-titles")
    return film


def records_by_shot(film: Path) -> dict:
    return {record.shot: record for record in TakeStore(film.parent / ".longcut").records()}


def test_every_take_and_film_says_in_xmp_that_it_is_ai_generated(tmp_path):
    """IPTC's digital source type in an XMP box of each MP4, read back; a title with markup stays text."""
    from longcut.engine.media.ffmpeg import count_packets
    from longcut.engine.store import TakeStore
    from longcut.engine.media.xmp import TRAINED_ALGORITHMIC_MEDIA, digital_source_type, read_xmp

    film = tmp_path / "film.yaml"
    film.write_text('title: "<script>alert(1)</script> & co"\nsize: 320x180\nscenes:\n  - id: s\n    shots:\n'
                    '      - {id: a, duration: 12f, prompt: a pier}\n      - {id: b, duration: 12f, prompt: a boat}\n')
    run("render", film)
    store = TakeStore(tmp_path / ".longcut")
    for record in store.records():
        packet = read_xmp(store.clip(record.key))
        assert digital_source_type(packet) == TRAINED_ALGORITHMIC_MEDIA
        assert b"seed " + str(record.seed).encode() in packet
    packet = read_xmp(film.with_suffix(".mp4"))
    assert digital_source_type(packet) == TRAINED_ALGORITHMIC_MEDIA
    assert b"&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in packet and b"<script>" not in packet
    assert count_packets(film.with_suffix(".mp4")) == 96 + 24 + 144  # title, shots, credits: it plays whole
    verified = run("status", film, "--verify").output  # the takes decode and match their records, label and all
    assert verified.strip().endswith("2 verified")


def test_footage_is_not_labelled_generated_and_a_film_with_footage_is_a_composite(mixed_film):
    store = TakeStore(mixed_film.parent / ".longcut")
    records = records_by_shot(mixed_film)
    assert digital_source_type(read_xmp(store.clip(records["b"].key))) is None  # a camera's, as far as we know
    assert b"footage conformed by longcut from harbour.mp4" in read_xmp(store.clip(records["b"].key))
    assert digital_source_type(read_xmp(store.clip(records["a"].key))) == TRAINED_ALGORITHMIC_MEDIA
    assert digital_source_type(read_xmp(mixed_film.with_suffix(".mp4"))) == COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA


def test_a_signed_film_lists_each_shot_with_its_backend_model_and_seed_as_ingredients(mixed_film, tmp_path):
    c2pa = pytest.importorskip("c2pa")
    from .certs import make_signing_certificate

    chain, key = make_signing_certificate(tmp_path)
    signed = tmp_path / "signed.mp4"
    run("cut", mixed_film, "--no-titles", "--out", signed, "--sign", chain, key)
    report = json.loads(c2pa.Reader(str(signed)).json())
    assert report["validation_state"] in ("Valid", "Trusted")  # the self-made CA is valid, not trusted
    manifest = report["manifests"][report["active_manifest"]]
    records = records_by_shot(mixed_film)

    ingredients = manifest["ingredients"]
    assert [ingredient["title"] for ingredient in ingredients] == ["shot a take 1", "shot b take 1", "shot c take 1"]
    assert all(ingredient["relationship"] == "componentOf" for ingredient in ingredients)
    for ingredient in ingredients:
        facts = ingredient["metadata"]["longcut"]
        record = records[facts["shot"]]
        assert (facts["backend"], facts["backend_version"], facts["model"], facts["key"]) == \
            (record.backend, record.backend_version, record.model, record.key)
        assert ingredient["instance_id"] == f"longcut:take:{record.key}"
        if facts["shot"] == "b":
            assert facts["generated"] is False and "seed" not in facts
            assert ingredient["description"] == "footage conformed by longcut from " + record.model
        else:
            assert facts["generated"] is True and facts["seed"] == record.seed and record.backend == "animatic"
            assert ingredient["description"].endswith(f"backend animatic; model none (animatic previz); "
                                                      f"seed {record.seed}")
        assert "prompt" not in facts  # a delivered file does not carry the script

    actions = next(a for a in manifest["assertions"] if a["label"].startswith("c2pa.actions"))["data"]["actions"]
    assert actions[0]["action"] == "c2pa.created"
    assert actions[0]["digitalSourceType"] == COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA
    placed = [action for action in actions if action["action"] == "c2pa.placed"]
    assert len(placed) == 3
    urls = [action["parameters"]["ingredients"][0]["url"] for action in placed]
    assert len(set(urls)) == 3  # each placement points at its own ingredient
    assert [action.get("digitalSourceType") for action in placed] == \
        [TRAINED_ALGORITHMIC_MEDIA, None, TRAINED_ALGORITHMIC_MEDIA]
    graded = [action for action in actions if action["action"] == "c2pa.color_adjustments"]
    assert len(graded) == 1 and graded[0]["description"].startswith("graded toward shot a")
    assert graded[0]["parameters"]["ingredients"][0]["url"] == urls[2]  # on shot c's take


WATERMARKED = """title: Marked
fps: 12
size: 320x180
watermark: corner
scenes:
  - id: s
    shots:
      - {id: a, duration: 9s, prompt: a grey harbour at dusk}
"""


def mark_mask(marked: np.ndarray, plain: np.ndarray) -> np.ndarray:
    """Where the mark is: the pixels it changed by far more than a re-encode does."""
    return np.abs(marked.astype(np.int16) - plain.astype(np.int16)).max(axis=2) > 60


def box(mask: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(mask)
    return xs.min(), ys.min(), xs.max(), ys.max()


def test_the_watermark_sits_in_its_corner_or_moves_and_is_drawn_nowhere_else(tmp_path):
    film = tmp_path / "film.yaml"
    film.write_text(WATERMARKED, encoding="utf-8")
    run("render", film, "--no-titles")  # the film says `watermark: corner`
    run("cut", film, "--no-titles", "--watermark", "off", "--out", tmp_path / "plain.mp4")
    run("cut", film, "--no-titles", "--watermark", "moving", "--out", tmp_path / "moving.mp4")
    assert Cut.load(tmp_path / "moving.cut.json").settings.watermark == "moving"  # what `longcut shot` cuts again with
    plain = list(decode_frames(tmp_path / "plain.mp4", 320, 180))
    corner = list(decode_frames(film.with_suffix(".mp4"), 320, 180))
    moving = list(decode_frames(tmp_path / "moving.mp4", 320, 180))
    assert len(plain) == len(corner) == len(moving) == 108

    for index in (0, 50, 107):  # the corner mark: bottom right, in every frame
        left, top, right, bottom = box(mark_mask(corner[index], plain[index]))
        assert left > 160 and top > 120 and right < 320 - 4 and bottom < 180 - 4
        assert 60 < right - left < 160  # a line of text, not the frame
    places = []
    for index in (24, 72):  # 4 s in one place at 12 fps: frame 24 in the first, 72 in the second
        left, top, right, bottom = box(mark_mask(moving[index], plain[index]))
        places.append((left > 160, top > 90))
    assert places == [(True, True), (False, False)]  # bottom right, then top left
    full = np.abs(moving[24].astype(np.int16) - plain[24].astype(np.int16)).max()
    fading = np.abs(moving[47].astype(np.int16) - plain[47].astype(np.int16)).max()  # the last frame before it moves
    assert fading < full / 2


def test_yaml_booleans_are_the_settings_words(tmp_path):
    """YAML reads `off` and `yes` as booleans: `watermark: yes` is the corner mark, `color_match: off` is off."""
    film = small_film(tmp_path, "      - {id: a, duration: 12f, prompt: a pier, color_match: off}\n",
                      extra="watermark: yes\n")
    run("check", film)
    from longcut.storyboard import load

    screenplay = load(film)
    assert screenplay.film.watermark == "corner" and screenplay.by_id["a"].shot.color_match == "off"
