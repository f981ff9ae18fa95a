"""Keyframes from an image model conditioned on several reference images (the keyframe stage's diffusers backend).

    keyframes:
      name: diffusers
      model: black-forest-labs/FLUX.2-dev   # a hub id or a local folder
      steps: 28
      guidance: 4.0

Each keyframe is one call: the shot's prompt with its framing, the reference images of its characters and its
location (characters first), the keyframe's seed and the shot's size. The references are fitted to what the
family wants without distortion (FLUX.2 takes several: at least 64 px a side, and the pipeline itself shrinks any
over a megapixel; FLUX.1 Kontext takes one image: the references side by side on one canvas, each scaled to the
same height, sized by longcut (at most a megapixel, sides padded to multiples of 16) and never auto-resized by the
pipeline, whose default would squash a wide canvas into its preferred shapes), and the picture comes back at the
shot's exact size. The pipeline is loaded once per process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from longcut.continuity import KeyframeRequest

from ...errors import StepFailed
from .. import BackendSettingsError, KeyframeBackend, check_settings
from . import (MEMORY_HINT, _device, _dtype, _load, _model_identity, _out_of_memory, _torch, check_call, checked_dtype,
               checked_steps, family_from, require_installed, step_callback)

SETTINGS: dict[str, type] = {"model": str, "family": str, "dtype": str, "device": str, "steps": int, "guidance": float,
                             "cpu_offload": bool, "call": dict}
_PIPELINES: dict[tuple, Any] = {}
CANVAS_AREA = 1024 * 1024  # the most pixels a one-image family's reference canvas is given (Kontext's own area)
COMPUTED_CALL_KEYS = {
    "prompt": "the shot's prompt", "height": "the film's size:", "width": "the film's size:",
    "generator": "the keyframe's seed", "image": "the characters' and the location's reference:",
    "max_area": "the film's size:", "_auto_resize": "longcut (it sizes the references itself, undistorted)",
    "output_type": "longcut (it reads pictures as arrays)", "num_inference_steps": "steps: under keyframes:",
    "guidance_scale": "guidance: under keyframes:", "callback_on_step_end": "longcut's progress",
}


@dataclass(frozen=True)
class ImageFamily:
    name: str
    pipeline: str  # the diffusers class
    size_step: int  # width and height are multiples of this
    min_reference_side: int  # a reference smaller than this on a side is scaled up (kept whole)
    max_references: int  # how many reference images one call takes
    one_image: bool = False  # the pipeline takes one conditioning image: the references go in as one canvas


IMAGE_FAMILIES = {
    "flux2": ImageFamily("flux2", "Flux2Pipeline", 16, 64, 10),
    "flux-kontext": ImageFamily("flux-kontext", "FluxKontextPipeline", 16, 64, 6, one_image=True),
}
HUB_HINTS = {"kontext": "flux-kontext", "flux.2": "flux2", "flux2": "flux2"}  # the first found wins


class DiffusersKeyframes(KeyframeBackend):
    name = "diffusers"
    version = "1"

    def __init__(self, settings: dict[str, Any] | None = None, fps: Fraction = Fraction(24)) -> None:
        settings = dict(settings or {})
        check_settings(settings, SETTINGS, "diffusers keyframes")
        if "model" not in settings:
            raise BackendSettingsError(None, "diffusers keyframes need `model:` (an image model: a hub id or a local "
                                       "folder)", hint="e.g. model: black-forest-labs/FLUX.2-dev")
        self.family = _image_family(settings)
        self.steps = checked_steps(settings, 28)
        self.guidance = float(settings.get("guidance", 4.0))
        self.dtype_name = checked_dtype(settings)  # said at check, not as an AttributeError at the first keyframe
        check_call(settings.get("call", {}), COMPUTED_CALL_KEYS)
        self.settings_given = settings
        require_installed("diffusers keyframes need")

    def settings(self) -> dict[str, Any]:
        keyed = {key: value for key, value in self.settings_given.items() if key not in ("device", "cpu_offload")}
        keyed["family"] = self.family.name
        keyed["model"] = _model_identity(keyed["model"])
        return keyed

    def model(self) -> str | None:
        return str(self.settings_given["model"])

    def draw(self, request: KeyframeRequest, on_step: Callable[[int, int], None] | None = None) -> np.ndarray:
        # 1. the references, checked and fitted before anything is loaded
        references = [fit_reference(path, self.family.min_reference_side) for path in request.references]
        if len(references) > self.family.max_references:
            raise StepFailed(f"shot `{request.shot_id}` has {len(references)} reference images; the "
                             f"{self.family.name} family takes at most {self.family.max_references}",
                             hint="give its characters and location fewer reference images")
        # 2. the pipeline, loaded once
        pipe = self._pipeline()
        # 3. the call, at a size the family accepts
        arguments = self.arguments(request, references, on_step)
        try:
            output = pipe(**arguments)
        except Exception as error:  # noqa: BLE001 - a model's failures come in many types
            if _out_of_memory(error):
                raise StepFailed(f"the GPU ran out of memory drawing the keyframe of shot `{request.shot_id}`",
                                 hint=MEMORY_HINT) from error
            raise
        # 4. back to the shot's exact size
        image = (np.clip(np.asarray(output.images[0]), 0.0, 1.0) * 255).round().astype(np.uint8)
        if image.shape[:2] != (request.height, request.width):
            image = np.asarray(Image.fromarray(image).resize((request.width, request.height), Image.Resampling.LANCZOS))
        return image

    def arguments(self, request: KeyframeRequest, references: list[Image.Image],
                  on_step: Callable[[int, int], None] | None = None) -> dict[str, Any]:
        step = self.family.size_step
        arguments: dict[str, Any] = {
            "prompt": request.prompt, "height": max(step, round(request.height / step) * step),
            "width": max(step, round(request.width / step) * step), "num_inference_steps": self.steps,
            "guidance_scale": self.guidance, "generator": _torch().Generator(device="cpu").manual_seed(request.seed),
            "output_type": "np"}
        if self.family.one_image:  # Kontext sizes its output by max_area (a megapixel unless told): the shot's size
            arguments["max_area"] = arguments["height"] * arguments["width"]
            arguments["_auto_resize"] = False  # the canvas is sized here; the pipeline's shapes would squash it
        if references:
            arguments["image"] = (sized_canvas(side_by_side(references), self.family.size_step) if self.family.one_image
                                  else references)
        if on_step is not None:
            arguments["callback_on_step_end"] = step_callback(on_step, self.steps)
        arguments.update(self.settings_given.get("call", {}))
        return arguments

    def release(self) -> None:
        """Let go of the image model before the video model loads (render draws every keyframe first): one GPU
        then holds one of the two at a time."""
        import gc

        for key in [key for key in _PIPELINES if key[0] == str(self.settings_given["model"])]:
            del _PIPELINES[key]
        gc.collect()
        torch = _torch()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()

    def _pipeline(self):
        device = _device(self.settings_given.get("device", "auto"))
        dtype = _dtype(self.dtype_name, device)
        model = self.settings_given["model"]
        key = (str(model), self.family.pipeline, str(dtype), device)
        if key not in _PIPELINES:
            import diffusers

            pipe = _load(getattr(diffusers, self.family.pipeline), model, dtype)
            pipe.set_progress_bar_config(disable=True)
            if device.startswith("cuda") and self.settings_given.get("cpu_offload"):
                pipe.enable_model_cpu_offload()
            else:
                pipe.to(device)
            _PIPELINES[key] = pipe
        return _PIPELINES[key]


def fit_reference(path: Path, min_side: int) -> Image.Image:
    """A reference image whole, in RGB, scaled up (never distorted) where a side is under min_side."""
    with Image.open(path) as opened:
        image = opened.convert("RGB")
    short = min(image.width, image.height)
    if short < min_side:
        scale = min_side / short
        image = image.resize((max(min_side, round(image.width * scale)), max(min_side, round(image.height * scale))),
                             Image.Resampling.LANCZOS)
    return image


def side_by_side(images: list[Image.Image], height: int | None = None) -> Image.Image:
    """The images in a row on one canvas, each scaled to the same height (the tallest's), none distorted: for a
    pipeline that takes one conditioning image."""
    height = height or max(image.height for image in images)
    scaled = [image.resize((max(1, round(image.width * height / image.height)), height), Image.Resampling.LANCZOS)
              for image in images]
    canvas = Image.new("RGB", (sum(image.width for image in scaled), height), (128, 128, 128))
    left = 0
    for image in scaled:
        canvas.paste(image, (left, 0))
        left += image.width
    return canvas


def sized_canvas(canvas: Image.Image, step: int, area: int = CANVAS_AREA) -> Image.Image:
    """A one-image family's canvas as the pipeline takes it unchanged: scaled down (never up) until, padded with mid
    grey to sides in multiples of `step` (the pipeline floors its sides to them, which would squash it a little), it
    is at most `area` pixels; the references on it whole and undistorted."""
    def padded_size(width: int, height: int) -> tuple[int, int]:
        return -(-width // step) * step, -(-height // step) * step

    scale = min(1.0, (area / (canvas.width * canvas.height)) ** 0.5)
    size = (max(1, int(canvas.width * scale)), max(1, int(canvas.height * scale)))
    while scale < 1.0 and padded_size(*size)[0] * padded_size(*size)[1] > area:
        scale *= 0.99
        size = (max(1, int(canvas.width * scale)), max(1, int(canvas.height * scale)))
    if size != canvas.size:
        canvas = canvas.resize(size, Image.Resampling.LANCZOS)
    width, height = padded_size(*canvas.size)
    if (width, height) == canvas.size:
        return canvas
    padded = Image.new("RGB", (width, height), (128, 128, 128))
    padded.paste(canvas, ((width - canvas.width) // 2, (height - canvas.height) // 2))
    return padded


def _image_family(settings: dict[str, Any]) -> ImageFamily:
    def of_pipeline(class_name: str) -> ImageFamily | None:
        return next((family for family in IMAGE_FAMILIES.values() if family.pipeline == class_name), None)

    def of_id(model: str) -> ImageFamily | None:
        return next((IMAGE_FAMILIES[name] for hint, name in HUB_HINTS.items() if hint in model.lower()), None)

    return family_from(settings, IMAGE_FAMILIES, of_pipeline, of_id, "keyframe family", "black-forest-labs/FLUX.2-dev")
