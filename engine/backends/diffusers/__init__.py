"""The diffusers backend: real video models (LTX-Video, LTX-2, Wan, CogVideoX, Stable Video Diffusion) on the user's
GPU.

    backend:
      name: diffusers
      model: Lightricks/LTX-Video      # a hub id or a local folder
      steps: 30
      guidance: 3.0

Per call the pipeline follows what the segment needs: no frame -> text-to-video; a first frame ->
image-to-video; a first and a last frame (a loop's end) -> first/last-frame, where the family has
it. A pipeline is loaded once per process and reused for every shot (LTX's three pipelines share one
set of weights through `from_pipe`). Frame counts and sizes snap to what the family accepts, and the
frames are brought back to the shot's exact size and count: a shot's length never changes silently.
torch and diffusers are imported only when a shot is made, so reading and checking need neither.

A family conditioned on reference images (Wan VACE) is given the shot's character and location images, each
fitted inside the frame without distortion, as `reference_images`; its first (and last) frame go in through
`video` and `mask` in the same call. `check` warns of what a film asks that its family cannot take (a loop
without first/last-frame conditioning; reference images a family never sees), naming the shot and family.

A family whose model makes sound (LTX-2) is told the film's frame rate, is given the shot's dialogue in its
prompt as LTX-2's prompting guide writes speech (`Ada says: "Still standing."`), and hands its sound to
the segment (`on_sound`), cut to the frames kept; the take keeps it, and the editor places it as it places
an `audio:` file. Such a shot's lines are not spoken again by a scratch voice.
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections import Counter
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from continuity import ShotRequest, derive_seed

from ...errors import LongcutError, StepFailed
from .. import BackendSettingsError, Segment, check_max_seconds, check_settings, frames_per
from .families import FAMILIES, Family, family_of_id, family_of_pipeline, first_last_families

SETTINGS: dict[str, type] = {
    "model": str, "image_model": str, "first_last_model": str, "family": str, "dtype": str, "device": str,
    "steps": int, "guidance": float, "max_seconds": float, "cpu_offload": bool, "vae_tiling": bool,
    "attention_slicing": bool, "reference_keyframes": bool, "call": dict,
}
DTYPES = ("auto", "float32", "float16", "bfloat16")
INSTALL_HINT = "pip install 'longcut[diffusers]' (install the torch build for your platform first)"
MEMORY_HINT = ("lower the memory a shot needs: set cpu_offload: true, vae_tiling: true or attention_slicing: true "
               "under backend:, make shorter calls with max_seconds, or render a draft with --size")

LOADS: Counter[str] = Counter()  # from_pretrained calls per model, for tests and the curious
_PIPELINES: dict[tuple, Any] = {}  # loaded once per process, reused by every backend instance


class DiffusersBackend:
    name = "diffusers"
    version = "1"

    def __init__(self, settings: dict[str, Any] | None = None, fps: Fraction = Fraction(24)) -> None:
        settings = dict(settings or {})
        check_settings(settings, SETTINGS, self.name)
        if "model" not in settings:
            raise BackendSettingsError(None, "the diffusers backend needs `model:` (a hub id or a local folder)",
                                       hint="e.g. model: Lightricks/LTX-Video")
        self.fps = fps
        self.family = _family(settings)
        self.steps = checked_steps(settings, 30)
        self.guidance = float(settings.get("guidance", 3.0))
        self.dtype_name = checked_dtype(settings)
        if "max_seconds" in settings:
            check_max_seconds(float(settings["max_seconds"]), fps)
        self.device_name = settings.get("device", "auto")
        self.wants_gpu = self.device_name != "cpu"  # a cluster executor gives each of its workers a GPU
        self.takes_last_frame = self.family.first_last is not None  # no last keyframe is drawn for one that cannot
        self.settings_given = settings
        require_installed("the diffusers backend needs")

    # -- what the cache key sees -----------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        # Device and memory options change where and how a shot is made, not (beyond float noise) what it shows.
        keyed = {key: value for key, value in self.settings_given.items()
                 if key not in ("device", "cpu_offload", "attention_slicing")}
        keyed["family"] = self.family.name
        for key in ("model", "image_model", "first_last_model"):
            if key in keyed:
                keyed[key] = _model_identity(keyed[key])
        return keyed

    def model(self) -> str | None:
        return str(self.settings_given["model"])

    def max_frames(self, request: ShotRequest) -> int:
        limit = self.family.max_frames
        if "max_seconds" in self.settings_given:
            limit = min(limit, frames_per(self.settings_given["max_seconds"], request.fps))
        return max(2, limit)

    def warnings(self, screenplay) -> list[tuple[str, str]]:
        """(shot id, message) for what the film asks that this family cannot take; said at `check`."""
        from continuity import keyframe_requests, keyframe_stage, resolve
        from storyboard import ShotGraph

        found = []
        family = self.family
        requests = resolve(screenplay, ShotGraph(screenplay), {})
        keyframed = keyframe_requests(screenplay, requests, last_frames=True)
        drawn = keyframe_stage(screenplay.film) is not None
        for shot_id, request in requests.items():
            if request.card is not None or request.footage is not None:
                continue
            if request.loop and not family.first_last:
                found.append((shot_id, f"shot `{shot_id}` loops, and the {family.name} family cannot end a clip on a "
                                       f"given frame (it takes {family.takes()})"))
            positions = {keyframe.position for keyframe in keyframed.get(shot_id, ())}
            if "last" in positions and not family.first_last:
                found.append((shot_id, f"shot `{shot_id}` asks for a last keyframe, and the {family.name} family "
                                       f"cannot end a clip on a given frame (it takes {family.takes()}): none is drawn"))
            # A keyframe drawn from the references carries them, and so does a parent's last frame drawn from one.
            seen = family.references or drawn or self.settings_given.get("reference_keyframes")
            if request.references and not seen:
                found.append((shot_id, f"shot `{shot_id}` has reference images ({len(request.references)}), and the "
                                       f"{family.name} family never sees them (it takes {family.takes()}; the film "
                                       "draws no keyframes): its "
                                       "characters may not look as their references; draw keyframes (keyframes: "
                                       "{name: diffusers, model: ...}) or use a family that takes reference images "
                                       "(wan-vace)"))
        return found

    # -- making frames ---------------------------------------------------------------------------

    def generate(self, request: ShotRequest, segment: Segment) -> Iterator[np.ndarray]:
        # 1. what the call needs, checked before anything is loaded
        first, last = segment.first_frame, segment.last_frame
        if first is None and self.settings_given.get("reference_keyframes"):
            first = _reference_keyframe(request)
        mode = "first_last" if (first is not None and last is not None) else "image" if first is not None else "text"
        self._check_mode(mode)
        # 2. the pipeline, loaded once
        pipe = self._pipeline(mode)
        # 3. shapes the family accepts
        width, height = self.family.side(request.width), self.family.side(request.height)
        frames = self.family.frames_for(segment.count)
        # 4. the call
        torch = _torch()
        seed = request.seed if segment.start == 0 else derive_seed(request.seed, "segment", segment.start)
        generator = torch.Generator(device="cpu").manual_seed(seed)
        arguments = self._arguments(request, mode, first, last, width, height, frames, generator, segment.on_step)
        try:
            output = pipe(**arguments)
        except Exception as error:  # noqa: BLE001 - a model's failures come in many types
            if _out_of_memory(error):
                raise StepFailed(f"the GPU ran out of memory on shot `{request.shot_id}`", hint=MEMORY_HINT) from error
            raise
        # 5. back to the shot's exact size and frame count, one frame at a time; the sound to the frames kept
        video = np.asarray(output.frames[0])
        keep = _frame_indices(len(video), segment.count, keep_last=mode == "first_last")
        if self.family.sound and segment.on_sound is not None and getattr(output, "audio", None) is not None:
            rate = int(pipe.vocoder.config.output_sampling_rate)
            sound = output.audio[0].float().cpu().numpy() if hasattr(output.audio, "cpu") else np.asarray(output.audio[0])
            segment.on_sound(sound[:, :round(segment.count * rate / float(request.fps))], rate)
        for index in keep:
            frame = (np.clip(video[index], 0.0, 1.0) * 255).round().astype(np.uint8)
            if frame.shape[:2] != (request.height, request.width):
                frame = np.asarray(Image.fromarray(frame).resize((request.width, request.height), Image.Resampling.LANCZOS))
            yield frame

    def _check_mode(self, mode: str) -> None:
        family = self.family
        if mode == "first_last" and not family.first_last:
            raise StepFailed(f"the {family.name} family cannot make a clip that ends on a given frame (a loop)",
                             hint=f"families with first/last-frame conditioning: {', '.join(first_last_families())}")
        if mode == "text" and not family.text_to_video:
            raise StepFailed(f"the {family.name} family makes video from an image, and this shot starts on none",
                             hint="start the shot on another with `continues:`, or set reference_keyframes: true to "
                             "start on a character's reference image")

    def _arguments(self, request: ShotRequest, mode: str, first, last, width: int, height: int, frames: int,
                   generator, on_step: Callable[[int, int], None] | None) -> dict[str, Any]:
        arguments: dict[str, Any] = {"height": height, "width": width, "num_frames": frames,
                                     "num_inference_steps": self.steps, "generator": generator, "output_type": "np"}
        if self.family.uses_prompt:
            arguments.update(prompt=spoken_prompt(request) if self.family.sound else request.prompt,
                             negative_prompt=request.negative or None, guidance_scale=self.guidance)
        else:  # Stable Video Diffusion: no prompt; guidance is a range over the frames
            arguments.update(max_guidance_scale=self.guidance, fps=max(1, round(request.fps) - 1), decode_chunk_size=8)
        if self.family.sound:  # its sound is timed by the film's rate, not the model's default
            arguments["frame_rate"] = float(request.fps)
        if on_step is not None:
            arguments["callback_on_step_end"] = step_callback(on_step, self.steps)
        first_image = _pil(first, width, height) if first is not None else None
        if self.family.references and request.references:
            arguments["reference_images"] = [_fitted(path, width, height) for path in request.references]
        if self.family.name == "wan-vace":  # frames to keep go in as a video, with a mask: black keeps, white makes
            if mode != "text":
                arguments.update(_vace_frames(first_image, _pil(last, width, height) if mode == "first_last" else None,
                                              width, height, frames))
        elif mode == "image":
            arguments["image"] = first_image
        elif mode == "first_last":
            last_image = _pil(last, width, height)
            if self.family.name == "ltx":
                from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition

                arguments["conditions"] = [LTXVideoCondition(image=first_image, frame_index=0),
                                           LTXVideoCondition(image=last_image, frame_index=frames - 1)]
            elif self.family.name == "ltx2":
                from diffusers.pipelines.ltx2.pipeline_ltx2_condition import LTX2VideoCondition

                arguments["conditions"] = [LTX2VideoCondition(frames=first_image, index=0),
                                           LTX2VideoCondition(frames=last_image, index=-1)]
            else:
                arguments.update(image=first_image, last_image=last_image)
        arguments.update(self.settings_given.get("call", {}))
        return arguments

    def _pipeline(self, mode: str):
        family = self.family
        class_name = {"text": family.text_to_video, "image": family.image_to_video, "first_last": family.first_last}[mode]
        model = self.settings_given["model"]
        if not family.one_checkpoint:
            model = {"image": self.settings_given.get("image_model", model),
                     "first_last": self.settings_given.get("first_last_model", model)}.get(mode, model)
        device = _device(self.device_name)
        dtype = _dtype(self.dtype_name, device)
        key = (str(model), class_name, str(dtype), device)
        if key in _PIPELINES:
            return _PIPELINES[key]
        import diffusers

        pipeline_class = getattr(diffusers, class_name)
        if family.one_checkpoint:  # one set of weights: load it once, derive the other pipelines from it
            loaded = next((pipe for (path, _, kind, where), pipe in _PIPELINES.items()
                           if path == str(model) and kind == str(dtype) and where == device), None)
            if loaded is not None:
                pipe = pipeline_class.from_pipe(loaded)
                pipe.set_progress_bar_config(disable=True)
                _PIPELINES[key] = pipe
                return pipe
        pipe = _load(pipeline_class, model, dtype)
        pipe.set_progress_bar_config(disable=True)
        if device.startswith("cuda"):  # memory savers work (and are needed) on a GPU only
            if self.settings_given.get("cpu_offload"):
                pipe.enable_model_cpu_offload()
            else:
                pipe.to(device)
            if self.settings_given.get("vae_tiling") and hasattr(pipe, "vae") and hasattr(pipe.vae, "enable_tiling"):
                pipe.vae.enable_tiling()
            if self.settings_given.get("attention_slicing") and hasattr(pipe, "enable_attention_slicing"):
                pipe.enable_attention_slicing()
        else:
            pipe.to(device)
        _PIPELINES[key] = pipe
        return pipe


# -- helpers ---------------------------------------------------------------------------------------


def checked_steps(settings: dict[str, Any], default: int) -> int:
    steps = settings.get("steps", default)
    if not 1 <= steps <= 1000:
        raise BackendSettingsError("steps", f"steps must be between 1 and 1000, got {steps}")
    return steps


def checked_dtype(settings: dict[str, Any]) -> str:
    dtype = settings.get("dtype", "auto")
    if dtype not in DTYPES:
        raise BackendSettingsError("dtype", f"dtype `{dtype}` is not one of {', '.join(DTYPES)}")
    return dtype


def require_installed(who_needs: str) -> None:
    """torch and diffusers can be imported (they are imported only when a picture is made), else a clear error."""
    missing = [module for module in ("torch", "diffusers") if importlib.util.find_spec(module) is None]
    if missing:
        raise LongcutError(f"{who_needs} {' and '.join(missing)}, which is not installed", hint=INSTALL_HINT)


def step_callback(on_step: Callable[[int, int], None], steps: int):
    """A pipeline's `callback_on_step_end` that tells on_step(step done, of steps) after each denoising step."""
    def report(pipe, step, timestep, tensors):
        on_step(step + 1, steps)
        return tensors

    return report


def _vace_frames(first: Image.Image, last: Image.Image | None, width: int, height: int, frames: int) -> dict:
    grey = Image.new("RGB", (width, height), (128, 128, 128))
    keep, make = Image.new("L", (width, height), 0), Image.new("L", (width, height), 255)
    video, mask = [first] + [grey] * (frames - 1), [keep] + [make] * (frames - 1)
    if last is not None:
        video[-1], mask[-1] = last, keep
    return {"video": video, "mask": mask}


def _fitted(path: Path, width: int, height: int) -> Image.Image:
    """A reference image inside the frame, whole and undistorted, on mid grey (the pipeline's own neutral)."""
    with Image.open(path) as image:
        image = image.convert("RGB")
        scale = min(width / image.width, height / image.height)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        canvas = Image.new("RGB", (width, height), (128, 128, 128))
        canvas.paste(image.resize(size, Image.Resampling.LANCZOS), ((width - size[0]) // 2, (height - size[1]) // 2))
        return canvas


def spoken_prompt(request: ShotRequest) -> str:
    """The prompt with the shot's lines written as LTX-2 reads speech: who says it, the words in quotes."""
    lines = " ".join(f'{cue.speaker} says: "{cue.line}"' for cue in request.dialogue)
    return f"{request.prompt.rstrip()} {lines}".strip() if lines else request.prompt


def _torch():
    import torch

    return torch


def _family(settings: dict[str, Any]) -> Family:
    return family_from(settings, FAMILIES, family_of_pipeline, family_of_id, "model family", "Lightricks/LTX-Video")


def family_from(settings: dict[str, Any], families: dict, of_pipeline: Callable[[str], Any], of_id: Callable[[str], Any],
                what: str, example: str):
    """The family a backend's settings name (`family:`), else the one its model folder's pipeline class says, else
    the one its hub id hints at; a clear error at `family:` or `model:` when none can be told."""
    if "family" in settings:
        if settings["family"] not in families:
            raise BackendSettingsError("family", f"unknown {what} `{settings['family']}`",
                                       hint=f"known: {', '.join(families)}")
        return families[settings["family"]]
    model = settings["model"]
    index = Path(model) / "model_index.json"
    if index.is_file():
        try:
            class_name = json.loads(index.read_text(encoding="utf-8")).get("_class_name", "")
        except ValueError:
            class_name = ""
        found = of_pipeline(class_name)
        if found:
            return found
        raise BackendSettingsError("model", f"the pipeline `{class_name}` in {index} is not one longcut knows as a "
                                   f"{what}", hint=f"known: {', '.join(families)}; set family: to one of them")
    if _looks_like_path(model) and not Path(model).exists():
        raise BackendSettingsError("model", f"model folder `{model}` not found",
                                   hint=f"give a folder holding model_index.json, or a hub id such as {example}")
    found = of_id(model)
    if found:
        return found
    raise BackendSettingsError("family", f"cannot tell the {what} of `{model}`",
                               hint=f"add family: one of {', '.join(families)}")


def _looks_like_path(model: str) -> bool:
    return model.startswith((".", "/", "~")) or os.sep in model.strip("/").split("/", 1)[-1] or Path(model).exists()


def _model_identity(model: str) -> str:
    """A local model folder is keyed by its files (names and sizes), so replacing the weights re-renders."""
    folder = Path(model)
    if not folder.is_dir():
        return model
    files = sorted((str(path.relative_to(folder)), path.stat().st_size) for path in folder.rglob("*") if path.is_file())
    return f"{folder.name}:{hash_text(json.dumps(files))}"


def hash_text(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _device(name: str) -> str:
    torch = _torch()
    if name != "auto":
        return name
    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def _dtype(name: str, device: str):
    torch = _torch()
    if name == "auto":
        return torch.bfloat16 if device.startswith("cuda") else torch.float32
    return getattr(torch, name)


def _load(pipeline_class, model: str, dtype):
    """from_pretrained, with errors that say what to do; never waits on a hub it cannot reach."""
    offline = os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes")
    local = Path(model).is_dir()
    options = {"local_files_only": True} if (offline or local) else {}
    try:
        try:
            pipe = pipeline_class.from_pretrained(model, dtype=dtype, **options)
        except TypeError:  # diffusers before `dtype=`
            pipe = pipeline_class.from_pretrained(model, torch_dtype=dtype, **options)
    except (OSError, ValueError) as error:
        if local:
            raise LongcutError(f"cannot load the model folder `{model}` as a {pipeline_class.__name__}: {error}",
                               hint="check that it was saved with save_pretrained and matches the family") from None
        where = "offline (HF_HUB_OFFLINE is set)" if offline else "and the hub could not be reached"
        raise LongcutError(f"model `{model}` is not in the local Hugging Face cache {where}",
                           hint="download it once with network access (huggingface-cli download "
                           f"{model}), or point model: at a local folder") from None
    LOADS[str(model)] += 1
    return pipe


def _out_of_memory(error: Exception) -> bool:
    return type(error).__name__ == "OutOfMemoryError" or "out of memory" in str(error).lower()


def _pil(frame: np.ndarray, width: int, height: int) -> Image.Image:
    image = Image.fromarray(frame)
    return image if image.size == (width, height) else image.resize((width, height), Image.Resampling.LANCZOS)


def _frame_indices(made: int, wanted: int, keep_last: bool) -> list[int]:
    """Which of the frames made to keep: the first `wanted` (or, to keep the last frame, evenly spread);
    too few frames are padded by holding the last one."""
    if made >= wanted:
        if keep_last and made > wanted:
            return [round(index) for index in np.linspace(0, made - 1, wanted)]
        return list(range(wanted))
    return list(range(made)) + [made - 1] * (wanted - made)


def _reference_keyframe(request: ShotRequest) -> np.ndarray | None:
    """The first character reference image, fitted to the frame (cover), as the shot's first frame."""
    for path in request.references:
        with Image.open(path) as image:
            image = image.convert("RGB")
            scale = max(request.width / image.width, request.height / image.height)
            resized = image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)
            left, top = (resized.width - request.width) // 2, (resized.height - request.height) // 2
            return np.asarray(resized.crop((left, top, left + request.width, top + request.height)))
    return None
