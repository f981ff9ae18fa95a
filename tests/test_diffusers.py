"""The diffusers backend on tiny random pipelines: the real from_pretrained and __call__ path, offline, on CPU."""

from __future__ import annotations

import dataclasses
import os
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")

from longcut.continuity import ShotRequest  # noqa: E402
from longcut.engine.backends import Segment  # noqa: E402
from longcut.engine.backends import diffusers as backend_module  # noqa: E402
from longcut.engine.backends.diffusers import DiffusersBackend  # noqa: E402
from longcut.engine.cli import app  # noqa: E402
from longcut.engine.errors import LongcutError, StepFailed  # noqa: E402
from longcut.engine.media.ffmpeg import probe_frames  # noqa: E402

from . import tiny_models  # noqa: E402

os.environ["HF_HUB_OFFLINE"] = "1"
torch.set_num_threads(1)  # on two busy cores more threads run 30-100x slower


@pytest.fixture(scope="session")
def models(tmp_path_factory):
    root = tmp_path_factory.mktemp("models")
    return {
        "ltx": tiny_models.ltx(root / "ltx"),
        "wan": tiny_models.wan_t2v(root / "wan"),
        "wan-i2v": tiny_models.wan_i2v(root / "wan-i2v"),
        "wan-flf": tiny_models.wan_i2v(root / "wan-flf", first_last=True),
        "cogvideox": tiny_models.cogvideox_t2v(root / "cogvideox"),
        "cogvideox-i2v": tiny_models.cogvideox_i2v(root / "cogvideox-i2v"),
        "svd": tiny_models.svd(root / "svd"),
    }


def request(frames: int = 10, seed: int = 1) -> ShotRequest:
    return ShotRequest("s", "sc", "", 0, 1, seed, "a lighthouse at dusk", "blurry", "a lighthouse", 64, 64,
                       Fraction(8), frames, "wide", "static")


def frame(level: int) -> np.ndarray:
    image = np.zeros((64, 64, 3), np.uint8)
    image[:, :32] = level
    image[:, 32:] = 255 - level
    return image


def make(backend, segment: Segment, req: ShotRequest | None = None) -> np.ndarray:
    return np.stack(list(backend.generate(req or request(segment.count), segment)))


def test_ltx_picks_the_pipeline_for_each_conditioning_and_loads_once(models):
    backend = DiffusersBackend({"model": str(models["ltx"]), "steps": 2})
    text = make(backend, Segment(0, 10))
    image = make(backend, Segment(0, 10, first_frame=frame(30)))
    both = make(backend, Segment(0, 10, first_frame=frame(30), last_frame=frame(220)))
    assert text.shape == image.shape == both.shape == (10, 64, 64, 3)
    pipes = [backend._pipeline(mode) for mode in ("text", "image", "first_last")]
    assert {type(pipe).__name__ for pipe in pipes} == {"LTXPipeline", "LTXImageToVideoPipeline", "LTXConditionPipeline"}
    assert pipes[0].transformer is pipes[1].transformer is pipes[2].transformer  # one set of weights, loaded once
    again = DiffusersBackend({"model": str(models["ltx"]), "steps": 2})
    make(again, Segment(0, 10))
    assert again._pipeline("text") is pipes[0]  # a second backend reuses the loaded pipeline


def test_the_handed_first_frame_reaches_the_pipeline(models):
    backend = DiffusersBackend({"model": str(models["ltx"]), "steps": 2})
    dark = make(backend, Segment(0, 9, first_frame=frame(10)))
    light = make(backend, Segment(0, 9, first_frame=frame(240)))
    assert np.abs(dark.astype(int) - light.astype(int)).mean() > 1


def test_seeds_decide_the_frames(models):
    backend = DiffusersBackend({"model": str(models["ltx"]), "steps": 2})
    one = make(backend, Segment(0, 9), request(9, seed=5))
    same = make(backend, Segment(0, 9), request(9, seed=5))
    other = make(backend, Segment(0, 9), request(9, seed=6))
    assert np.array_equal(one, same) and not np.array_equal(one, other)


@pytest.mark.parametrize("count", [1, 8, 10, 17])
def test_frame_counts_are_exact_whatever_the_family_snaps_to(models, count):
    backend = DiffusersBackend({"model": str(models["ltx"]), "steps": 2})
    assert len(make(backend, Segment(0, count))) == count


@pytest.mark.parametrize(("model", "mode"), [("wan", "text"), ("wan-i2v", "image"), ("wan-flf", "first_last"),
                                             ("cogvideox", "text"), ("cogvideox-i2v", "image"), ("svd", "image")])
def test_every_family_renders(models, model, mode):
    settings = {"model": str(models[model]), "steps": 2}
    if model.startswith("cogvideox"):  # the tiny CogVideoX reads 16 text tokens; the real one 226
        settings["call"] = {"max_sequence_length": 16}
    backend = DiffusersBackend(settings)
    first = frame(60) if mode != "text" else None
    last = frame(200) if mode == "first_last" else None
    frames = make(backend, Segment(0, 9, first_frame=first, last_frame=last))
    assert frames.shape == (9, 64, 64, 3) and frames.dtype == np.uint8


def test_a_family_without_first_last_frames_says_which_have_them(models):
    backend = DiffusersBackend({"model": str(models["cogvideox-i2v"]), "steps": 2})
    with pytest.raises(StepFailed, match="cannot make a clip that ends on a given frame") as caught:
        make(backend, Segment(0, 9, first_frame=frame(1), last_frame=frame(2)))
    assert "ltx" in caught.value.hint and "wan" in caught.value.hint


def test_svd_needs_a_first_frame(models):
    backend = DiffusersBackend({"model": str(models["svd"]), "steps": 2})
    with pytest.raises(StepFailed, match="makes video from an image"):
        make(backend, Segment(0, 9))


def test_progress_reports_each_denoising_step(models):
    backend = DiffusersBackend({"model": str(models["ltx"]), "steps": 3})
    steps = []
    make(backend, Segment(0, 9, on_step=lambda step, total: steps.append((step, total))))
    assert steps == [(1, 3), (2, 3), (3, 3)]


FILM = """title: Tiny model film
fps: 8
size: 64x64
seed: 3
backend: {{name: diffusers, model: "{model}", steps: 2, max_seconds: 1}}
characters: {{ada: {{description: "a keeper in a red scarf"}}}}
locations: {{cliff: {{description: "a lighthouse on a cliff"}}}}
scenes:
  - id: one
    location: cliff
    shots:
      - {{id: a, prompt: "@ada climbs", duration: 1s}}
      - {{id: b, continues: a, prompt: "@ada looks up", duration: 3s}}
      - {{id: c, prompt: "the beam", duration: 1s, loop: true, transition: {{type: crossfade, duration: 2f}}}}
"""


def test_a_short_film_renders_end_to_end(models, tmp_path):
    film = tmp_path / "film.yaml"
    film.write_text(FILM.format(model=models["ltx"]))
    result = CliRunner().invoke(app, ["render", str(film), "--no-titles"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "rendered 3 shot(s)" in result.stdout
    assert probe_frames(film.with_suffix(".mp4")) == 8 + 24 + 8 - 2  # b is longer than a call: made in segments
    again = CliRunner().invoke(app, ["render", str(film), "--no-titles"], terminal_width=200)
    assert "rendered 0 shot(s), 3 cached" in again.stdout


def test_a_missing_model_folder_is_a_clear_error(tmp_path):
    film = tmp_path / "film.yaml"
    film.write_text(FILM.format(model=tmp_path / "nowhere"))
    result = CliRunner().invoke(app, ["check", str(film)])
    assert result.exit_code == 2 and "model folder" in result.stderr and "not found" in result.stderr
    assert "film.yaml:5:" in result.stderr


def test_a_hub_model_offline_is_a_clear_error():
    backend = DiffusersBackend({"model": "Lightricks/LTX-Video", "steps": 2})
    with pytest.raises(LongcutError, match="not in the local Hugging Face cache offline"):
        make(backend, Segment(0, 9))


def test_without_torch_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # what find_spec sees when torch is not installed
    with pytest.raises(LongcutError, match="needs torch") as caught:
        DiffusersBackend({"model": "Lightricks/LTX-Video"})
    assert "longcut[diffusers]" in caught.value.hint


def test_settings_that_shape_frames_are_keyed(models):
    base = DiffusersBackend({"model": str(models["ltx"]), "steps": 2})
    assert base.settings()["family"] == "ltx" and str(models["ltx"]) not in str(base.settings())
    assert DiffusersBackend({"model": str(models["ltx"]), "steps": 3}).settings() != base.settings()
    assert DiffusersBackend({"model": str(models["ltx"]), "steps": 2, "device": "cpu"}).settings() == base.settings()


def test_a_snapped_size_comes_back_to_the_shot_size(models):
    backend = DiffusersBackend({"model": str(models["wan"]), "steps": 2})
    wide = dataclasses.replace(request(5), width=72, height=64)  # Wan wants sides in 16s: made at 80x64
    assert make(backend, Segment(0, 5), wide).shape == (5, 64, 72, 3)


def test_model_paths_can_be_relative_to_the_working_directory(models, monkeypatch):
    monkeypatch.chdir(Path(models["ltx"]).parent)
    assert DiffusersBackend({"model": "./ltx", "steps": 2}).family.name == "ltx"


LTX2_FILM = """title: Spoken
fps: 12
size: 64x64
backend: {{name: diffusers, model: "{model}", steps: 2, max_seconds: 1}}
characters:
  ada: {{name: Ada, description: "a keeper in her sixties"}}
scenes:
  - id: s
    shots:
      - {{id: a, prompt: the sea at dusk, duration: 0.5s}}
      - {{id: b, continues: a, prompt: the keeper by the lamp, duration: 1.5s, dialogue: [{{ada: "Still standing."}}]}}
"""


@pytest.fixture(scope="module")
def ltx2_film(tmp_path_factory):
    """A film made by a tiny LTX-2 (video with sound): shot b is longer than one call, so its sound is laid call
    by call."""
    folder = tmp_path_factory.mktemp("ltx2")
    film = folder / "film.yaml"
    film.write_text(LTX2_FILM.format(model=tiny_models.ltx2(folder / "model")))
    result = CliRunner().invoke(app, ["render", str(film), "--no-titles"], terminal_width=200)
    assert result.exit_code == 0, result.output
    return film


def test_ltx2_makes_sound_with_every_take_and_the_cut_places_it_on_its_frames(ltx2_film):
    import wave

    from longcut.engine.app.project import Project
    from longcut.engine.timeline import Cut

    project = Project.open(ltx2_film)
    assert project.backend.family.name == "ltx2" and project.backend.family.sound  # from the saved model_index.json
    plan = project.plan()
    for shot, frames in (("a", 6), ("b", 18)):
        with wave.open(str(project.store.folder(plan.shots[shot].key) / "sound.wav")) as sound:
            assert abs(sound.getnframes() / sound.getframerate() - frames / 12) < 1e-3  # as long as its frames
        assert "sound.wav" in project.store.record(plan.shots[shot].key).files  # hashed with the take
    cut = Cut.load(Cut.beside(ltx2_film.with_suffix(".mp4")))
    assert [clip.take_sound is not None for clip in cut.timeline.clips] == [True, True]
    assert cut.timeline.speech == []  # the model spoke the line: no scratch voice on top
    audio = _film_sound(ltx2_film)
    rate = 48000
    for start, end in ((0.05, 0.45), (0.55, 1.95)):  # a, then b (made in two calls, cross-faded)
        assert np.sqrt(np.mean(np.square(audio[int(start * rate):int(end * rate)]))) > 1e-4


def test_ltx2_is_given_the_dialogue_and_the_films_rate(ltx2_film):
    from longcut.engine.backends.diffusers.adapters import spoken_prompt
    from longcut.engine.app.project import Project

    project = Project.open(ltx2_film)
    request = project.plan().shots["b"].request
    assert spoken_prompt(request.prompt, request).endswith('Ada says: "Still standing."')
    arguments = project.backend._arguments(request, "image", np.zeros((64, 64, 3), np.uint8), None, 64, 64, 17,
                                           torch.Generator().manual_seed(0), None)
    assert arguments["frame_rate"] == 12.0 and 'Ada says: "Still standing."' in arguments["prompt"]


def _film_sound(film: Path) -> np.ndarray:
    import subprocess

    from longcut.engine.media.ffmpeg import ffmpeg_exe

    done = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(film.with_suffix(".mp4")),
                           "-map", "0:a:0", "-ac", "1", "-ar", "48000", "-f", "f32le", "-"], capture_output=True,
                          check=True)
    return np.frombuffer(done.stdout, np.float32)


VACE_FILM = """title: Faces
fps: 8
size: 64x64
backend: {{name: diffusers, model: "{model}", steps: 2}}
characters:
  ada: {{name: Ada, description: "a keeper", reference: refs/ada.png}}
scenes:
  - id: s
    shots:
      - {{id: a, prompt: "@ada on the cliff", duration: 1s}}
      - {{id: b, continues: a, prompt: "@ada looks up", duration: 1s}}
      - {{id: c, prompt: "the beam", duration: 1s, loop: true}}
"""


@pytest.fixture(scope="module")
def vace(tmp_path_factory):
    return tiny_models.wan_vace(tmp_path_factory.mktemp("vace") / "model")


def vace_film(folder: Path, model: Path) -> Path:
    from PIL import Image

    (folder / "refs").mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 80), (200, 30, 30)).save(folder / "refs" / "ada.png")  # tall: fitted, not stretched
    film = folder / "film.yaml"
    film.write_text(VACE_FILM.format(model=model))
    return film


def test_wan_vace_is_given_the_references_and_the_first_and_last_frames(vace, tmp_path):
    from longcut.engine.app.project import Project

    project = Project.open(vace_film(tmp_path, vace))
    backend = project.backend
    assert backend.family.name == "wan-vace" and backend.family.references
    request = project.plan().shots["b"].request
    first, last = frame(40), frame(200)
    arguments = backend._arguments(request, "first_last", first, last, 64, 64, 9, torch.Generator().manual_seed(0), None)
    [reference] = arguments["reference_images"]
    assert reference.size == (64, 64)
    pixels = np.asarray(reference)
    assert (pixels[:, 16:48] == (200, 30, 30)).all(axis=2).mean() > 0.9  # the 40x80 image, 32x64 in the middle
    assert (pixels[:, :12] == 128).all()  # and grey beside it: fitted whole, not stretched
    assert len(arguments["video"]) == len(arguments["mask"]) == 9
    assert np.asarray(arguments["mask"][0]).max() == 0 and np.asarray(arguments["mask"][-1]).max() == 0  # kept
    assert np.asarray(arguments["mask"][4]).min() == 255  # made
    assert np.array_equal(np.asarray(arguments["video"][-1]), last)


def test_the_references_reach_the_model(vace, tmp_path):
    """Through the backend's own arguments and the real pipeline: the latents differ with and without the
    reference (the tiny VAE decodes nearly everything to grey, so pixels would hide it)."""
    from longcut.engine.app.project import Project

    project = Project.open(vace_film(tmp_path, vace))
    backend = project.backend
    request = project.plan().shots["a"].request
    pipe = backend._pipeline("text")

    def latents(with_reference: bool):
        arguments = backend._arguments(request, "text", None, None, 64, 64, 9, torch.Generator().manual_seed(0), None)
        if not with_reference:
            arguments.pop("reference_images")
        arguments["output_type"] = "latent"
        return pipe(**arguments).frames

    with_reference, without = latents(True), latents(False)
    assert with_reference.shape[2] == without.shape[2] + 1  # the reference is a latent frame put before the clip's
    assert (with_reference[:, :, 1:] - without).abs().max().item() > 1e-4  # and it changes the clip's own frames


def test_a_vace_film_renders_end_to_end_and_check_names_what_other_families_cannot_take(vace, models, tmp_path):
    film = vace_film(tmp_path, vace)
    result = CliRunner().invoke(app, ["render", str(film), "--no-titles"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert probe_frames(film.with_suffix(".mp4")) == 24  # the loop ends on its first frame: first/last with VACE
    assert "never sees them" not in CliRunner().invoke(app, ["check", str(film)], terminal_width=200).output
    other = tmp_path / "cog"
    other.mkdir()
    cog = vace_film(other, models["cogvideox"])
    checked = CliRunner().invoke(app, ["check", str(cog), "--format", "json"], terminal_width=200)
    assert checked.exit_code == 0, checked.output
    import json

    said = [json.loads(line) for line in checked.stdout.splitlines()]
    found = {(item["line"], item["message"].split(" (it takes")[0]) for item in said if "family" in item["message"]}
    assert found == {(10, "shot `a` has reference images (1), and the cogvideox family never sees them"),
                     (11, "shot `b` has reference images (1), and the cogvideox family never sees them"),
                     (11, "shot `b` continues `a` from its last frame only: the cogvideox family takes one still "
                          "frame, so motion starts again at the cut (ltx, ltx2 and wan-vace continue it from the "
                          "parent's last frames)"),
                     (12, "shot `c` loops, and the cogvideox family cannot end a clip on a given frame")}


KEYFRAME_FILM = """title: Faces
fps: 8
size: 96x64
backend: {{name: diffusers, model: "{video}", steps: 2}}
keyframes:
  name: diffusers
  model: "{image}"
  steps: 2
  call: {{text_encoder_out_layers: [1], max_sequence_length: 32}}
characters:
  ada: {{name: Ada, description: "a keeper", reference: [refs/ada.png, refs/ada-side.png]}}
locations:
  cliff: {{description: "a cliff", reference: refs/cliff.png}}
scenes:
  - id: s
    location: cliff
    shots:
      - {{id: a, prompt: "@ada on the cliff", duration: 1s}}
      - {{id: b, continues: a, prompt: "@ada looks up", duration: 1s}}
"""


@pytest.fixture(scope="module")
def flux2(tmp_path_factory):
    return tiny_models.flux2(tmp_path_factory.mktemp("flux2") / "model")


def keyframe_film(folder: Path, video: Path, image: Path) -> Path:
    from PIL import Image

    (folder / "refs").mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 80), (200, 30, 30)).save(folder / "refs" / "ada.png")  # under 64 px a side: scaled up whole
    Image.new("RGB", (96, 96), (30, 30, 200)).save(folder / "refs" / "ada-side.png")
    Image.new("RGB", (128, 64), (30, 160, 30)).save(folder / "refs" / "cliff.png")
    film = folder / "film.yaml"
    film.write_text(KEYFRAME_FILM.format(video=video, image=image))
    return film


def test_a_keyframe_model_is_given_every_reference_of_the_shot_and_they_reach_it(models, flux2, tmp_path):
    """Three references (two of Ada's, the cliff's) go to FLUX.2 fitted, not stretched; the latents move when one
    of them changes (the tiny VAE would hide it in pixels)."""
    from PIL import Image

    from longcut.engine.backends.diffusers.keyframes import fit_reference
    from longcut.engine.app.project import Project

    project = Project.open(keyframe_film(tmp_path, models["ltx"], flux2))
    keyframes = project.keyframe_backend
    assert keyframes.family.name == "flux2"
    [planned] = project.plan().shots["a"].keyframes
    request = planned.request
    references = [fit_reference(path, 64) for path in request.references]
    assert [image.size for image in references] == [(64, 128), (96, 96), (128, 64)]
    pipe = keyframes._pipeline()

    def latents(images):
        arguments = keyframes.arguments(request, images)
        assert arguments["image"] is images and (arguments["height"], arguments["width"]) == (64, 96)
        arguments["output_type"] = "latent"
        return pipe(**arguments).images

    other = references[:1] + [Image.new("RGB", (96, 96), (250, 250, 0))] + references[2:]
    assert (latents(references) - latents(other)).abs().max().item() > 1e-4
    steps = []
    image = keyframes.draw(request, lambda done, total: steps.append((done, total)))
    assert image.shape == (64, 96, 3) and steps == [(1, 2), (2, 2)]  # each denoising step, for the progress bar


def test_board_then_render_with_model_keyframes(models, flux2, tmp_path):
    from longcut.engine.app.project import Project
    from longcut.engine.store import KEYFRAME_KIND

    film = keyframe_film(tmp_path, models["ltx"], flux2)
    board = CliRunner().invoke(app, ["board", str(film)], terminal_width=200)
    assert board.exit_code == 0, board.output
    assert "drew 1 keyframe(s), 0 cached" in board.output  # b continues a: it starts on a's last frame
    project = Project.open(film)
    [record] = project.store.records(KEYFRAME_KIND)
    assert (record.backend, record.model, record.position, record.width) == ("diffusers", str(flux2), "first", 96)
    rendered = CliRunner().invoke(app, ["render", str(film), "--no-titles"], terminal_width=200)
    assert rendered.exit_code == 0, rendered.output
    assert "drew" not in rendered.output and "rendered 2 shot(s)" in rendered.output
    a = project.plan().shots["a"]
    assert project.store.record(a.key).keyframes == {"first": record.key}
    # the video of a was made from its keyframe: image-to-video, not text-to-video
    assert any(key[1] == "LTXImageToVideoPipeline" for key in backend_module._PIPELINES)
    from longcut.engine.backends.diffusers import keyframes as keyframe_module

    assert not keyframe_module._PIPELINES  # the image model let go before the video model loaded
    checked = CliRunner().invoke(app, ["check", str(film)], terminal_width=200)
    assert "never sees them" not in checked.output  # the keyframe carries the references to LTX


def test_vace_starts_on_its_keyframe_with_the_references_in_the_same_call(vace, tmp_path, monkeypatch):
    """Keyframes from the animatic (no image model needed), video from Wan VACE: each call that starts a shot with no
    parent gets the keyframe through `video` + `mask` and the references as `reference_images`, together."""
    film = vace_film(tmp_path, vace)
    film.write_text(film.read_text().replace("backend:", "keyframes: animatic\nbackend:"))
    calls = []
    original = DiffusersBackend._arguments

    def spying(self, request, mode, first, *rest):
        arguments = original(self, request, mode, first, *rest)
        calls.append((request.shot_id, mode, first, arguments))
        return arguments

    monkeypatch.setattr(DiffusersBackend, "_arguments", spying)
    result = CliRunner().invoke(app, ["render", str(film), "--no-titles"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "drew 2 keyframe(s) first" in result.output  # a and the loop c; b continues a
    from longcut.engine.app.project import Project

    store = Project.open(film).store
    a = Project.open(film).plan().shots["a"]
    keyframe = store.keyframe(a.keyframe_key("first"))
    shot, mode, first, arguments = next(call for call in calls if call[0] == "a")
    assert mode == "image" and np.array_equal(first, keyframe)
    assert len(arguments["reference_images"]) == 1 and len(arguments["video"]) == len(arguments["mask"])
    assert np.array_equal(np.asarray(arguments["video"][0]), keyframe) and np.asarray(arguments["mask"][0]).max() == 0


def test_flux_kontext_keyframes_take_the_references_as_one_canvas(models, tmp_path):
    """FLUX.1 Kontext takes one image: the shot's three references side by side, each at the same height, whole."""
    from PIL import Image

    from longcut.engine.backends.diffusers.keyframes import fit_reference
    from longcut.engine.app.project import Project

    kontext = tiny_models.flux_kontext(tmp_path / "kontext")
    film = keyframe_film(tmp_path / "film", models["ltx"], kontext)
    film.write_text(film.read_text().replace("{text_encoder_out_layers: [1], max_sequence_length: 32}",
                                             "{max_sequence_length: 48}"))
    refs = film.parent / "refs"  # small: the tiny VAE does not downsample, so the canvas's pixels are its tokens
    Image.new("RGB", (32, 32), (200, 30, 30)).save(refs / "ada.png")
    Image.new("RGB", (64, 64), (30, 30, 200)).save(refs / "ada-side.png")
    project = Project.open(film)
    keyframes = project.keyframe_backend
    assert keyframes.family.name == "flux-kontext"
    [planned] = project.plan().shots["a"].keyframes
    request = planned.request
    references = [fit_reference(path, 64) for path in request.references]  # 64x64 (scaled up), 64x64, 128x64
    arguments = keyframes.arguments(request, references)
    canvas = arguments["image"]
    assert canvas.size == (64 + 64 + 128, 64) and arguments["max_area"] == 96 * 64
    assert arguments["_auto_resize"] is False  # longcut sized the canvas: the pipeline's shapes would squash it
    assert np.asarray(canvas)[32, 10].tolist() == [200, 30, 30] and np.asarray(canvas)[32, 100].tolist() == [30, 30, 200]
    pipe = keyframes._pipeline()

    def latents(images):
        chosen = keyframes.arguments(request, images)
        chosen["output_type"] = "latent"
        return pipe(**chosen).images

    other = references[:2] + [Image.new("RGB", (128, 64), (250, 250, 0))]
    assert (latents(references) - latents(other)).abs().max().item() > 1e-5
    image = keyframes.draw(request)
    assert image.shape == (64, 96, 3) and image.dtype == np.uint8


# --- every family gets exactly the conditioning the screenplay asks for --------------------------------------

FOUR_REFERENCES = """title: Crowd
fps: 8
size: 64x64
backend: {{name: diffusers, model: "{model}", steps: 1, max_seconds: {max_seconds}}}
characters:
  ada: {{name: Ada, description: "a keeper", reference: [refs/r0.png, refs/r1.png]}}
  jun: {{name: Jun, description: "a boy", reference: refs/r2.png}}
locations:
  cliff: {{description: "a cliff", reference: refs/r3.png}}
scenes:
  - id: s
    location: cliff
    shots:
      - {{id: a, prompt: "@ada and @jun on the cliff", duration: {duration}}}
"""
COLOURS = [(200, 30, 30), (30, 200, 30), (30, 30, 200), (200, 200, 30)]


def four_reference_film(folder: Path, model: Path, duration: str, max_seconds: float = 10) -> Path:
    from PIL import Image

    (folder / "refs").mkdir(parents=True, exist_ok=True)
    for number, colour in enumerate(COLOURS):
        Image.new("RGB", (32, 64), colour).save(folder / "refs" / f"r{number}.png")
    film = folder / "film.yaml"
    film.write_text(FOUR_REFERENCES.format(model=model, duration=duration, max_seconds=max_seconds))
    return film


def calls_of(monkeypatch) -> list[dict]:
    """Every pipeline call's keyword arguments, as the pipeline receives them."""
    calls = []
    original = DiffusersBackend._arguments

    def spying(self, *args):
        arguments = original(self, *args)
        calls.append(arguments)
        return arguments

    monkeypatch.setattr(DiffusersBackend, "_arguments", spying)
    return calls


@pytest.mark.parametrize(("duration", "max_seconds", "shortest"), [("1s", 10, 3), ("9f", 1, 2)])
def test_wan_vace_takes_four_references_on_a_short_call(vace, tmp_path, monkeypatch, duration, max_seconds, shortest):
    """1 s at 8 fps is a 9-frame call with 3 latent frames: four references failed ("Expected size 7 but got size
    6"). Now they are shared out over as many canvases as the call takes, every image whole on one of them; the
    same on a long shot's short last segment (9 frames in calls of at most 8: the second is 3 frames, made as 5)."""
    film = four_reference_film(tmp_path, vace, duration, max_seconds)
    calls = calls_of(monkeypatch)
    checked = CliRunner().invoke(app, ["check", str(film)], terminal_width=200)
    assert "4 reference images" in checked.output and "side by side" in checked.output
    result = CliRunner().invoke(app, ["render", str(film), "--no-titles"], terminal_width=200)
    assert result.exit_code == 0, result.output
    counts = [len(call["reference_images"]) for call in calls]
    assert min(counts) == shortest and all(count <= (call["num_frames"] - 1) // 4 + 1
                                           for count, call in zip(counts, calls))
    for call in calls:  # every colour reaches every call, on some canvas, at the call's size
        canvases = [np.asarray(canvas) for canvas in call["reference_images"]]
        assert all(canvas.shape == (64, 64, 3) for canvas in canvases)
        for colour in COLOURS:
            assert any((canvas == colour).all(axis=2).sum() >= 100 for canvas in canvases), colour


def test_kontext_is_given_the_canvas_at_longcuts_size_never_squashed(models, tmp_path):
    """A wide canvas of three references goes into the pipeline at its own shape (sides padded to 16s), where the
    pipeline's auto-resize turned 704x128 into 1568x672 (a 2.4x squash)."""
    from PIL import Image

    from longcut.engine.backends.diffusers.keyframes import fit_reference, sized_canvas
    from longcut.engine.app.project import Project

    kontext = tiny_models.flux_kontext(tmp_path / "kontext")
    film = keyframe_film(tmp_path / "film", models["ltx"], kontext)
    film.write_text(film.read_text().replace("{text_encoder_out_layers: [1], max_sequence_length: 32}",
                                             "{max_sequence_length: 48}"))
    Image.new("RGB", (200, 64), (200, 30, 30)).save(film.parent / "refs" / "cliff.png")  # a wide place
    project = Project.open(film)
    keyframes = project.keyframe_backend
    [planned] = project.plan().shots["a"].keyframes
    references = [fit_reference(path, 64) for path in planned.request.references]
    arguments = keyframes.arguments(planned.request, references)
    canvas = arguments["image"]
    assert canvas.width % 16 == 0 and canvas.height % 16 == 0 and arguments["_auto_resize"] is False
    pipe = keyframes._pipeline()
    seen = []
    original = pipe.image_processor.preprocess
    pipe.image_processor.preprocess = lambda image, height=None, width=None, **rest: (
        seen.append((width, height)) or original(image, height, width, **rest))
    keyframes.draw(planned.request)
    assert seen[0] == canvas.size  # the pipeline took the canvas as it is
    big = sized_canvas(Image.new("RGB", (4000, 500)), 16)
    assert big.width * big.height <= 1024 * 1024 and abs(big.width / big.height - 8) < 0.4  # a megapixel, its shape
    assert big.width % 16 == big.height % 16 == 0


def test_svd_is_made_larger_and_cropped_back_never_stretched_at_the_films_rate(models):
    backend = DiffusersBackend({"model": str(models["svd"]), "steps": 1})
    odd = dataclasses.replace(request(5), width=96, height=96)  # SVD's sides are in 64s: made at 128x128
    first = np.zeros((96, 96, 3), np.uint8)
    first[:, :48] = 200  # half bright: a stretch would move the edge
    arguments = backend._arguments(odd, "image", first, None, 128, 128, 5, torch.Generator().manual_seed(0), None)
    given = np.asarray(arguments["image"])
    assert given.shape == (128, 128, 3) and np.array_equal(given[16:112, 16:112], first)  # in the middle, whole
    assert arguments["fps"] == 8  # the film's rate: the pipeline conditions on fps - 1 itself
    pipe = backend._pipeline("image")
    told = []
    original = pipe._get_add_time_ids
    pipe._get_add_time_ids = lambda fps, *rest, **named: told.append(fps) or original(fps, *rest, **named)
    frames = make(backend, Segment(0, 5, first_frame=first), odd)
    assert frames.shape == (5, 96, 96, 3) and told == [7]  # 8 fps, less the one the model was trained with



def test_a_call_cannot_override_what_longcut_computes(models, tmp_path):
    film = tmp_path / "film.yaml"
    film.write_text(FILM.format(model=models["ltx"]).replace("max_seconds: 1}", "max_seconds: 1, call: {num_frames: 9}}"))
    result = CliRunner().invoke(app, ["check", str(film)])
    assert result.exit_code == 2 and "film.yaml:5:" in result.stderr
    assert "`call:` sets `num_frames`, which longcut computes from the shot's duration:" in result.stderr
    with pytest.raises(Exception, match="sets `image`"):
        DiffusersBackend({"model": str(models["ltx"]), "call": {"image": None}})


def test_the_framing_and_camera_move_are_in_every_video_prompt(models):
    backend = DiffusersBackend({"model": str(models["ltx"]), "steps": 1})
    pushing = dataclasses.replace(request(9), camera_size="close-up", camera_move="push-in")
    arguments = backend._arguments(pushing, "text", None, None, 64, 64, 9, torch.Generator().manual_seed(0), None)
    assert arguments["prompt"] == "Close-up shot. The camera slowly pushes in. a lighthouse."  # built from its parts
    still = backend._arguments(request(9), "image", frame(9), None, 64, 64, 9, torch.Generator().manual_seed(0), None)
    assert still["prompt"].startswith("Wide shot. The camera is still. ")


LONG_PROMPT_FILM = """title: Long
fps: 8
size: 64x64
style: 35mm film still
backend: {{name: diffusers, model: "{model}", steps: 1}}
characters:
  ada: {{name: Ada, seed: 77, description: "a lighthouse keeper in her sixties with a red wool scarf and a grey coat"}}
  jun: {{name: Jun, description: "a boy of ten in a yellow raincoat with a torn pocket and muddy boots"}}
locations:
  cliff: {{description: "a windswept cliff above a grey sea"}}
scenes:
  - id: s
    location: cliff
    shots:
      - {{id: a, prompt: "@ada hands @jun the lamp", duration: 1s}}
      - {{id: b, prompt: "the beam", duration: 1s}}
"""


def test_the_prompt_keeps_action_and_style_first_and_check_says_what_the_encoder_cuts(models, tmp_path):
    """LTX's text encoder keeps 128 tokens (its pipeline's default) and cut the style off a shot with two described
    characters without a word. Now the action and the style come before the descriptions and the setting, and
    `check` names the shot and what is cut, counted with the pipeline's own tokenizer."""
    from transformers import AutoTokenizer

    from longcut.engine.backends.diffusers.adapters import video_prompt
    from longcut.engine.app.project import Project

    film = tmp_path / "film.yaml"
    film.write_text(LONG_PROMPT_FILM.format(model=models["ltx"]))
    project = Project.open(film)
    request = project.plan().shots["a"].request
    prompt = video_prompt(request)
    assert prompt.startswith("Medium shot. The camera is still. Ada hands Jun the lamp. 35mm film still. Ada: a "
                             "lighthouse keeper")
    assert prompt.index("Jun: a boy") < prompt.index("Setting: a windswept cliff")
    tokenizer = AutoTokenizer.from_pretrained(str(models["ltx"] / "tokenizer"))
    kept = tokenizer.decode(tokenizer(prompt)["input_ids"][:128], skip_special_tokens=True)
    assert "35mm film still" in kept and "Setting" not in kept  # the style survives the limit; the setting does not
    result = CliRunner().invoke(app, ["check", str(film)], terminal_width=400)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())  # the warnings wrap at the terminal's width
    assert "film.yaml:15:" in said and "shot `a`'s prompt is" in said and "text encoder reads 128" in said
    assert "shot `b`'s prompt" not in said  # short enough
    # a character's seed pins nothing in a video call: said at its line
    assert "film.yaml:7:" in said and "character `ada` has seed: 77, which the diffusers backend does not use" in said


# --- motion handed over: a continuing shot starts from its parent's last frames, not one still --------------

def recorded(monkeypatch):
    """Each shot's frames as its take has them (its calls joined), and each call's context and arguments."""
    import longcut.engine.render.take as take_module

    made: dict[str, list[np.ndarray]] = {}
    calls: list[tuple[str, tuple, dict]] = []
    shot_frames, arguments = take_module.shot_frames, DiffusersBackend._arguments

    def generating(backend, request, *rest):
        for frame in shot_frames(backend, request, *rest):
            made.setdefault(request.shot_id, []).append(frame)
            yield frame

    def spying(self, request, mode, first, last, width, height, frames, generator, on_step, context=()):
        given = arguments(self, request, mode, first, last, width, height, frames, generator, on_step, context)
        calls.append((request.shot_id, context, given))
        return given

    monkeypatch.setattr(take_module, "shot_frames", generating)
    monkeypatch.setattr(DiffusersBackend, "_arguments", spying)
    return made, calls


def test_ltx_continues_from_its_parents_last_nine_frames(models, tmp_path, monkeypatch):
    from longcut.engine.app.project import Project

    film = tmp_path / "film.yaml"
    film.write_text(FILM.format(model=models["ltx"]).replace("duration: 3s}", "duration: 2s}")
                    .replace('"@ada climbs", duration: 1s', '"@ada climbs", duration: 2s'))
    made, calls = recorded(monkeypatch)
    result = CliRunner().invoke(app, ["render", str(film), "--no-titles"], terminal_width=200)
    assert result.exit_code == 0, result.output
    parent = made["a"]
    shot, context, arguments = next(call for call in calls if call[0] == "b")
    [condition] = arguments["conditions"]  # a video condition at the call's first frame
    assert condition.frame_index == 0 and len(condition.video) == len(context) == 9
    for given, expected in zip(condition.video, parent[-9:]):  # pixel-equal, in the parent's order
        assert np.array_equal(np.asarray(given), expected)
    assert arguments["num_frames"] == 17  # b's first call of 8 frames, and a's 8 before its last
    project = Project.open(film)
    store, a = project.store, project.plan().shots["a"]
    kept = store.last_frames(a.key, 9)  # the take keeps its last frames, lossless, for the shots that continue it
    assert len(kept) == 9 and all(np.array_equal(one, two) for one, two in zip(kept, parent[-9:]))
    assert probe_frames(film.with_suffix(".mp4")) == 16 + 16 + 8 - 2  # b still has exactly its frames
    assert "continues `a` from its last frame only" not in CliRunner().invoke(app, ["check", str(film)]).output


def test_wan_vace_continues_from_its_parents_last_five_frames_with_the_references(vace, tmp_path, monkeypatch):
    film = vace_film(tmp_path, vace)
    made, calls = recorded(monkeypatch)
    result = CliRunner().invoke(app, ["render", str(film), "--no-titles"], terminal_width=200)
    assert result.exit_code == 0, result.output
    shot, context, arguments = next(call for call in calls if call[0] == "b")
    assert len(context) == 5 and len(arguments["reference_images"]) == 1  # the references on this call too
    for number, expected in enumerate(made["a"][-5:]):
        assert np.array_equal(np.asarray(arguments["video"][number]), expected)
        assert np.asarray(arguments["mask"][number]).max() == 0  # kept
    assert np.asarray(arguments["mask"][5]).min() == 255  # made from there on
    assert arguments["num_frames"] == 13  # b's 8 frames and a's 4 before its last


def test_a_family_that_takes_one_frame_says_so_at_check(models, tmp_path):
    film = tmp_path / "film.yaml"
    film.write_text(FILM.format(model=models["wan-i2v"]))
    said = " ".join(CliRunner().invoke(app, ["check", str(film)], terminal_width=400).output.split())
    assert "shot `b` continues `a` from its last frame only: the wan family takes one still frame" in said


def test_ltx2_continues_from_its_parents_last_nine_frames_and_its_sound_from_the_cut(ltx2_film, tmp_path, monkeypatch):
    import wave

    from longcut.engine.app.project import Project

    film = tmp_path / "film.yaml"
    film.write_text(LTX2_FILM.format(model=ltx2_film.parent / "model").replace("duration: 0.5s", "duration: 1s"))
    made, calls = recorded(monkeypatch)
    result = CliRunner().invoke(app, ["render", str(film), "--no-titles"], terminal_width=200)
    assert result.exit_code == 0, result.output
    shot, context, arguments = next(call for call in calls if call[0] == "b")
    [condition] = arguments["conditions"]
    assert condition.index == 0 and len(condition.frames) == 9
    assert all(np.array_equal(np.asarray(given), expected) for given, expected in zip(condition.frames, made["a"][-9:]))
    project = Project.open(film)
    with wave.open(str(project.store.folder(project.plan().shots["b"].key) / "sound.wav")) as sound:
        assert abs(sound.getnframes() / sound.getframerate() - 18 / 12) < 1e-3  # its own frames' sound, no more


# --- the author's own pictures: a shot that starts on a drawing gets it, fitted, as its first frame ----------------

GIVEN_FILM = """title: Drawn
fps: 8
size: 64x64
backend: {{name: diffusers, model: "{model}", steps: 2{extra}}}
scenes:
  - id: s
    shots:
      - {{id: a, prompt: "the lighthouse", duration: 1s, start: boards/a.png}}
"""


def drawing() -> np.ndarray:
    return np.random.default_rng(5).integers(0, 256, (64, 64, 3), dtype=np.uint8)


def first_frame_given(arguments: dict) -> np.ndarray:
    """The frame a call starts on, as each family's pipeline takes it."""
    for name in ("image", "cond_image"):
        if name in arguments:
            return np.asarray(arguments[name])
    if "conditions" in arguments:
        condition = arguments["conditions"][0]
        return np.asarray(getattr(condition, "image", None) or getattr(condition, "frames", None)
                          or condition.video[0])
    return np.asarray(arguments["video"][0])


@pytest.fixture(scope="module")
def skyreels(tmp_path_factory):
    return tiny_models.skyreels_df(tmp_path_factory.mktemp("skyreels") / "model")


EVERY_FAMILY = {  # a tiny model of each, and what its film sets
    "ltx": ("ltx", ""), "ltx2": ("ltx2", ""), "wan-i2v": ("wan-i2v", ""),
    "wan-flf": ("wan", ', image_model: "{wan-i2v}", first_last_model: "{wan-flf}"'),  # with an end: picture too
    "cogvideox-i2v": ("cogvideox-i2v", ", call: {max_sequence_length: 16}"), "svd": ("svd", ""),
    "wan-vace": ("vace", ""),
    "ltx-long": ("ltx", ", family: ltx-long, call: {temporal_tile_size: 16, temporal_overlap: 8, "
                        "decode_horizontal_tiles: 1, decode_vertical_tiles: 1}"),
    "skyreels-df": ("skyreels", ", call: {max_sequence_length: 16, base_num_frames: 9}"),
}


@pytest.mark.parametrize("family", list(EVERY_FAMILY))
def test_a_shot_on_the_authors_drawing_gets_it_as_its_first_frame_on_every_family(models, vace, ltx2_film, skyreels,
                                                                                   tmp_path, monkeypatch, family):
    from PIL import Image

    name, extra = EVERY_FAMILY[family]
    model = {"vace": vace, "skyreels": skyreels, "ltx2": ltx2_film.parent / "model"}.get(name) or models[name]
    extra = extra.replace("{wan-i2v}", str(models["wan-i2v"])).replace("{wan-flf}", str(models["wan-flf"]))
    (tmp_path / "boards").mkdir()
    Image.fromarray(drawing()).save(tmp_path / "boards" / "a.png")
    Image.fromarray(drawing()[::-1]).save(tmp_path / "boards" / "end.png")
    film = tmp_path / "film.yaml"
    text = GIVEN_FILM.format(model=model, extra=extra)
    film.write_text(text.replace("start: boards/a.png", "start: boards/a.png, end: boards/end.png")
                    if family == "wan-flf" else text)
    made, calls = recorded(monkeypatch)
    result = CliRunner().invoke(app, ["render", str(film), "--no-titles"], terminal_width=200)
    assert result.exit_code == 0, result.output
    [(shot, context, arguments)] = calls
    assert np.array_equal(first_frame_given(arguments), drawing())  # pixel for pixel: fitted, never resampled
    if family == "wan-flf":
        assert np.array_equal(np.asarray(arguments["last_image"]), drawing()[::-1])  # and ends on the other
    if family == "wan-vace":
        assert np.asarray(arguments["mask"][0]).max() == 0  # kept, not remade


def lossless_clip(path: Path, frames: list[np.ndarray], fps: int = 8) -> Path:
    """A clip whose frames decode exactly as they were (PNG in QuickTime), so what arrives can be compared."""
    import subprocess

    from longcut.engine.media.ffmpeg import ffmpeg_exe

    height, width = frames[0].shape[:2]
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}",
                    "-r", str(fps), "-i", "pipe:", "-c:v", "png", str(path)],
                   input=b"".join(frame.tobytes() for frame in frames), check=True)
    return path


def test_a_shot_continues_the_motion_of_a_clip_the_author_gives(models, tmp_path, monkeypatch):
    rng = np.random.default_rng(9)
    clip = [rng.integers(0, 256, (64, 64, 3), dtype=np.uint8) for _ in range(20)]
    (tmp_path / "boards").mkdir()
    lossless_clip(tmp_path / "boards" / "run.mov", clip)
    film = tmp_path / "film.yaml"
    film.write_text(GIVEN_FILM.format(model=models["ltx"], extra="").replace("boards/a.png", "boards/run.mov"))
    made, calls = recorded(monkeypatch)
    result = CliRunner().invoke(app, ["render", str(film), "--no-titles"], terminal_width=200)
    assert result.exit_code == 0, result.output
    [(shot, context, arguments)] = calls
    [condition] = arguments["conditions"]  # the clip's last nine frames, as a video condition at frame 0
    assert condition.frame_index == 0 and len(condition.video) == 9
    for given, expected in zip(condition.video, clip[-9:]):  # pixel-equal, in the clip's order
        assert np.array_equal(np.asarray(given), expected)
    said = " ".join(CliRunner().invoke(app, ["check", str(film)], terminal_width=400).output.split())
    assert "from its last frame only" not in said
    film.write_text(GIVEN_FILM.format(model=models["wan-i2v"], extra="").replace("boards/a.png", "boards/run.mov"))
    said = " ".join(CliRunner().invoke(app, ["check", str(film)], terminal_width=400).output.split())
    assert "shot `a` continues the clip `run.mov` (start:) from its last frame only" in said


def test_an_end_picture_a_family_cannot_take_is_said_at_check(models, tmp_path):
    from PIL import Image

    (tmp_path / "boards").mkdir()
    Image.fromarray(drawing()).save(tmp_path / "boards" / "a.png")
    film = tmp_path / "film.yaml"
    film.write_text(GIVEN_FILM.format(model=models["cogvideox-i2v"], extra=", call: {max_sequence_length: 16}")
                    .replace("start: boards/a.png", "start: boards/a.png, end: boards/a.png"))
    said = " ".join(CliRunner().invoke(app, ["check", str(film)], terminal_width=400).output.split())
    assert "shot `a` ends on the picture `a.png` (end:), and the cogvideox family cannot end a clip on a given " \
           "frame" in said and "the picture is not used" in said


# --- a one_take chain made in one generation, cut back into a take per shot ------------------------------------------

ONE_TAKE_FILM = """title: One take
fps: 8
size: 64x64
seed: 4
backend: {{name: diffusers, model: "{model}", family: {family}, steps: 2, call: {call}}}
scenes:
  - id: s
    one_take: true
    shots:
      - {{id: a, prompt: "the keeper climbs the stairs", duration: 1s}}
      - {{id: b, continues: a, prompt: "the keeper lights the lamp", duration: 1s}}
      - {{id: c, continues: b, prompt: "the beam sweeps the sea", duration: 2s}}
      - {{id: d, prompt: "the harbour at dawn", duration: 1s}}
"""


def one_take_film(folder: Path, model: Path, family: str, call: str) -> Path:
    film = folder / "film.yaml"
    film.write_text(ONE_TAKE_FILM.format(model=model, family=family, call=call))
    return film


def assert_cut_back_into_takes(film: Path, made: dict) -> None:
    """Each shot of the chain has a take of its own, of its exact length, starting on the last frame of the one
    before (pixel-equal, as a continues: shot does), and the film cuts with every frame."""
    from longcut.engine.app.project import Project

    project = Project.open(film)
    plan, store = project.plan(), project.store
    assert plan.shots["a"].one_take == ("a", "b", "c") and not plan.shots["d"].one_take
    for shot, parent in (("b", "a"), ("c", "b")):
        assert np.array_equal(store.first_frame(plan.shots[shot].key), store.last_frame(plan.shots[parent].key))
        assert store.record(plan.shots[shot].key).parent_key == plan.shots[parent].key
    assert [store.record(plan.shots[shot].key).frames for shot in "abcd"] == [8, 8, 16, 8]
    assert [len(made[shot]) for shot in "d"] == [8]
    assert probe_frames(film.with_suffix(".mp4")) == 40


def test_ltx_long_makes_a_one_take_chain_in_one_generation_with_a_prompt_per_shot(models, tmp_path, monkeypatch):
    film = one_take_film(tmp_path, models["ltx"], "ltx-long", "{temporal_tile_size: 16, temporal_overlap: 8, "
                         "decode_horizontal_tiles: 1, decode_vertical_tiles: 1}")
    made, calls = recorded(monkeypatch)
    result = CliRunner().invoke(app, ["render", str(film), "--no-titles"], terminal_width=200)
    assert result.exit_code == 0, result.output
    chain = [call for call in calls if call[0] == "a"]
    assert [call[0] for call in calls] == ["a", "d"]  # the chain in one call (d alone, in its own)
    arguments = chain[0][2]
    assert arguments["num_frames"] == 33  # 8 + 7 + 15 frames, snapped to 8k+1
    windows = [segment["text"] for segment in arguments["prompt_segments"]]
    assert windows[0].endswith("The keeper climbs the stairs.") is False  # framing first, then the action
    assert "climbs the stairs" in windows[0] and "sweeps the sea" in windows[-1]
    assert any("lights the lamp" in text for text in windows)  # each shot's prompt has its windows
    assert_cut_back_into_takes(film, made)
    said = " ".join(CliRunner().invoke(app, ["check", str(film)], terminal_width=400).output.split())
    assert "is one_take, and" not in said and "from its last frame only" not in said  # no seam inside the take
    # a new prompt for c: the whole chain is one generation, so all three are made again (d is not)
    film.write_text(film.read_text().replace("sweeps the sea", "sweeps the rocks"))
    again = CliRunner().invoke(app, ["render", str(film), "--no-titles"], terminal_width=200)
    assert "rendered 3 shot(s), 1 cached" in again.output
    # a new take of b is a new generation of its chain: a and c are made with it, and every shot has its take
    retake = CliRunner().invoke(app, ["shot", str(film), "b", "--take", "new"], terminal_width=200)
    assert retake.exit_code == 0, retake.output
    from longcut.engine.app.project import Project

    plan = Project.open(film).plan()
    assert all(planned.cached for planned in plan.shots.values()) and plan.shots["b"].request.take == 2


def test_skyreels_df_extends_the_video_shot_by_shot_in_one_take(skyreels, tmp_path, monkeypatch):
    film = one_take_film(tmp_path, skyreels, "skyreels-df", "{max_sequence_length: 16, base_num_frames: 9}")
    made, calls = recorded(monkeypatch)
    result = CliRunner().invoke(app, ["render", str(film), "--no-titles"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert [call[0] for call in calls] == ["a", "b", "c", "d"]  # a made, then b and c extend the video
    b, c = calls[1][2], calls[2][2]
    assert "lights the lamp" in b["prompt"] and "sweeps the sea" in c["prompt"]
    history = b["video"]  # the frames made so far, oldest first, ending on a's last frame
    assert len(history) == b["overlap_history"] == 5  # all of a's 8 frames that fit 4k+1
    from longcut.engine.app.project import Project

    project = Project.open(film)
    a_last = project.store.last_frame(project.plan().shots["a"].key)
    assert np.array_equal(np.asarray(history[-1]), a_last)  # b extends from a's last frame, as its take has it
    assert b["num_frames"] == 9 and c["num_frames"] == 17  # b's 7 and c's 15 new frames, snapped to 4k+1
    assert_cut_back_into_takes(film, made)


def test_one_take_with_a_family_that_cannot_is_said_at_check(models, tmp_path):
    film = one_take_film(tmp_path, models["ltx"], "ltx", "{}")
    said = " ".join(CliRunner().invoke(app, ["check", str(film)], terminal_width=400).output.split())
    assert "scene `s` is one_take, and backend `diffusers` makes shots one at a time" in said
