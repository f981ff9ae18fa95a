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
from collections import deque
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from longcut.continuity import ShotRequest, derive_seed, one_take_ends

from ...errors import LongcutError, StepFailed
from .. import Backend, BackendSettingsError, Segment, check_max_seconds, check_settings, frames_per
from .adapters import Call, adapter_for, video_prompt
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

_PIPELINES: dict[tuple, Any] = {}  # loaded once per process, reused by every backend instance


# What longcut computes for every call, so a film's `call:` cannot change it (a shot's frame count, size, seed and
# conditioning never change silently); the settings that shape them are said in the error's hint.
COMPUTED_CALL_KEYS = {
    "prompt": "the shot's prompt", "negative_prompt": "the film's negative:", "height": "the film's size:",
    "width": "the film's size:", "num_frames": "the shot's duration:", "generator": "the shot's seed:",
    "image": "the shot's first frame (continues:, a keyframe)", "last_image": "the shot's last frame (loop:)",
    "video": "the shot's first and last frames", "mask": "the shot's first and last frames",
    "reference_images": "the characters' and the location's reference:", "conditions": "the shot's frames",
    "frame_rate": "the film's fps:", "fps": "the film's fps:", "output_type": "longcut (it reads frames as arrays)",
    "num_inference_steps": "steps: under backend:", "guidance_scale": "guidance: under backend:",
    "max_guidance_scale": "guidance: under backend:", "callback_on_step_end": "longcut's progress",
    "cond_image": "the shot's first frame (continues:, a keyframe, start:)", "seed": "the shot's seed:",
    "prompt_segments": "the prompts of a one_take chain's shots",
}
EXTEND_HISTORY = 17  # frames a diffusion-forcing extension is conditioned on (SkyReels-V2's own overlap_history)


class DiffusersBackend(Backend):
    name = "diffusers"
    # 2: a size the family does not take is made larger and cropped back (it was stretched); the video prompt says
    # the framing and the camera move; Stable Video Diffusion is told the film's rate (it was one less, twice)
    version = "2"

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
        self.context_frames = self.family.context_frames  # a continuing shot is handed this many of its parent's
        self.one_pass = bool(self.family.one_pass)  # a one_take chain in one generation
        self.adapter = adapter_for(self.family)  # how the family's pipelines spell a call
        check_call(settings.get("call", {}), COMPUTED_CALL_KEYS)
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
        limit = self.family.max_frames - (self.family.context_frames - 1)  # room for a parent's frames before it
        if "max_seconds" in self.settings_given:
            limit = min(limit, frames_per(self.settings_given["max_seconds"], request.fps))
        return max(2, limit)

    def warnings(self, screenplay) -> list[tuple[str | tuple, str]]:
        """(shot id, or a path in the film, message) for what the film asks that this family cannot take; said at
        `check`."""
        from longcut.continuity import keyframe_requests, keyframe_stage, one_take_chains, resolve
        from longcut.storyboard import ShotGraph

        found = []
        family = self.family
        graph = ShotGraph(screenplay)
        requests = resolve(screenplay, graph, {})
        width, height = screenplay.film.size
        made = (family.side(width), family.side(height))
        if made != (width, height):
            found.append((("size",), f"the {family.name} family makes sides in multiples of "
                                                 f"{family.size_step}: each {width}x{height} shot is made at "
                                                 f"{made[0]}x{made[1]} and cropped back to {width}x{height} (its "
                                                 "middle kept, nothing stretched)"))
        keyframed = keyframe_requests(screenplay, requests, last_frames=True)
        in_one_take = {shot for chain in one_take_chains(screenplay, graph) for shot in chain[1:]} \
            if family.one_pass else set()  # made in the generation of the shot before: no seam to restart motion at
        drawn = keyframe_stage(screenplay.film) is not None
        for shot_id, request in requests.items():
            if request.card is not None or request.footage is not None:
                continue
            if request.loop and not family.first_last:
                found.append((shot_id, f"shot `{shot_id}` loops, and the {family.name} family cannot end a clip on a "
                                       f"given frame (it takes {family.takes()})"))
            positions = {keyframe.position for keyframe in keyframed.get(shot_id, ())}
            if request.end is not None and not family.first_last:
                found.append((shot_id, f"shot `{shot_id}` ends on the picture `{request.end.path.name}` (end:), and "
                                       f"the {family.name} family cannot end a clip on a given frame (it takes "
                                       f"{family.takes()}): the picture is not used"))
            elif "last" in positions and not family.first_last:
                found.append((shot_id, f"shot `{shot_id}` asks for a last keyframe, and the {family.name} family "
                                       f"cannot end a clip on a given frame (it takes {family.takes()}): none is drawn"))
            if request.start is not None and request.start.clip and family.context_frames <= 1:
                found.append((shot_id, f"shot `{shot_id}` continues the clip `{request.start.path.name}` (start:) from "
                                       f"its last frame only: the {family.name} family takes one still frame, so "
                                       "motion starts again (ltx, ltx2 and wan-vace continue it from its last frames)"))
            # A keyframe drawn from the references carries them, and so does a parent's last frame drawn from one.
            seen = family.references or drawn or self.settings_given.get("reference_keyframes")
            shortest = family.references_per_call(family.frames_for(min(request.frames, self.max_frames(request))))
            if family.references and len(request.references) > shortest:
                found.append((shot_id, f"shot `{shot_id}` has {len(request.references)} reference images, and a "
                                       f"{family.name} call of its {request.frames} frames takes {shortest} (a long "
                                       f"shot's last segment maybe fewer): they go in side by side on that many "
                                       "canvases, each image whole and smaller"))
            if request.starts_on and family.context_frames <= 1 and shot_id not in in_one_take:
                found.append((shot_id, f"shot `{shot_id}` continues `{request.starts_on}` from its last frame only: "
                                       f"the {family.name} family takes one still frame, so motion starts again at "
                                       "the cut (ltx, ltx2 and wan-vace continue it from the parent's last frames)"))
            too_long = self._prompt_cut(request)
            if too_long:
                found.append((shot_id, too_long))
            if request.references and not seen:
                found.append((shot_id, f"shot `{shot_id}` has reference images ({len(request.references)}), and the "
                                       f"{family.name} family never sees them (it takes {family.takes()}; the film "
                                       "draws no keyframes): its "
                                       "characters may not look as their references; draw keyframes (keyframes: "
                                       "{name: diffusers, model: ...}) or use a family that takes reference images "
                                       "(wan-vace)"))
        for character_id, character in screenplay.film.characters.items():
            if character.seed is not None:
                found.append((("characters", character_id, "seed"), f"character `{character_id}` has seed: {character.seed}, "
                              "which the diffusers backend does not use (a video call has one seed, the shot's): "
                              "her or his reference images pin the look with a model"))
        return found

    def _prompt_cut(self, request: ShotRequest) -> str | None:
        """What the text encoder would cut off the shot's prompt, said at check, counted with the pipeline's own
        tokenizer and limit (None: nothing is cut, or the tokenizer is not here to count with)."""
        counting = self._token_counter()
        if counting is None or not self.family.uses_prompt:
            return None
        tokenizer, limit = counting
        prompt = video_prompt(request, self.family.sound)
        ids = tokenizer(prompt, add_special_tokens=True)["input_ids"]
        if len(ids) <= limit:
            return None
        lost = tokenizer.decode(ids[limit - 1:], skip_special_tokens=True).strip()
        return (f"shot `{request.shot_id}`'s prompt is {len(ids)} tokens and the {self.family.name} text encoder "
                f"reads {limit}: \"{lost[:60]}{'…' if len(lost) > 60 else ''}\" is cut (shorten the prompt or the "
                f"descriptions, or raise call: {{max_sequence_length: N}} where the model takes more)")

    def _token_counter(self):
        """(the text-to-video pipeline's tokenizer, the tokens it keeps), read once; None where the tokenizer
        cannot be read without a download."""
        if not hasattr(self, "_counter"):
            self._counter = _token_counter(self.settings_given["model"], self.family,
                                           self.settings_given.get("call", {}).get("max_sequence_length"))
        return self._counter

    # -- making frames ---------------------------------------------------------------------------

    def generate(self, request: ShotRequest, segment: Segment) -> Iterator[np.ndarray]:
        # 1. what the call needs, checked before anything is loaded
        first, last = segment.first_frame, segment.last_frame
        if first is None and self.settings_given.get("reference_keyframes"):
            first = _reference_keyframe(request)
        mode = "first_last" if (first is not None and last is not None) else "image" if first is not None else "text"
        self._check_mode(mode)
        context = self._context(segment) if mode != "text" else ()
        # 2. the pipeline, loaded once (a video condition goes through the family's condition pipeline)
        pipe = self._pipeline("first_last" if len(context) > 1 else mode)
        # 3. shapes the family accepts: at least the shot's size (cropped back after), a frame count that holds it
        #    and the parent's frames before it (they are made again, then left out)
        width, height = self.family.side(request.width), self.family.side(request.height)
        lead = max(0, len(context) - 1)
        frames = self.family.frames_for(segment.count + lead)
        # 4. the call
        torch = _torch()
        seed = request.seed if segment.start == 0 else derive_seed(request.seed, "segment", segment.start)
        generator = torch.Generator(device="cpu").manual_seed(seed)
        arguments = self._arguments(request, mode, first, last, width, height, frames, generator, segment.on_step,
                                    context)
        output = self._called(pipe, arguments, request)
        # 5. back to the shot's exact size and frame count, one frame at a time; the sound to the frames kept
        video = np.asarray(output.frames[0])[lead:]  # from the parent's last frame on: the shot's frame 0
        keep = _frame_indices(len(video), segment.count, keep_last=mode == "first_last")
        if self.family.sound and segment.on_sound is not None and getattr(output, "audio", None) is not None:
            rate = int(pipe.vocoder.config.output_sampling_rate)
            sound = output.audio[0].float().cpu().numpy() if hasattr(output.audio, "cpu") else np.asarray(output.audio[0])
            begin = round(lead * rate / float(request.fps))  # from the shot's frame 0, past the parent's frames
            segment.on_sound(sound[:, begin:begin + round(segment.count * rate / float(request.fps))], rate)
        for index in keep:
            yield _cropped(_to_uint8(video[index]), request.width, request.height)

    def generate_one_take(self, requests: list[ShotRequest], start: Segment) -> Iterator[np.ndarray]:
        """A one_take chain in one generation: LTX long's sliding windows with each window given the prompt of the
        shot it is in; or SkyReels-V2's diffusion forcing making the first shot, then extending the video by each
        next shot with its own prompt and seed, conditioned on the frames before (its video-to-video pipeline)."""
        # 1. what the generation starts on, checked before anything is loaded
        head, first = requests[0], start.first_frame
        mode = "image" if first is not None else "text"
        self._check_mode(mode)
        width, height = self.family.side(head.width), self.family.side(head.height)
        if self.family.one_pass == "windows":
            yield from self._in_windows(requests, first, mode, width, height, start.on_step)
        else:
            yield from self._extended(requests, first, mode, width, height, start.on_step)

    def _in_windows(self, requests: list[ShotRequest], first, mode: str, width: int, height: int, on_step):
        head = requests[0]
        total = one_take_ends(requests)[-1]
        pipe = self._pipeline(mode)
        frames = self.family.frames_for(total)
        generator = _torch().Generator(device="cpu").manual_seed(head.seed)
        arguments = self._arguments(head, mode, first, None, width, height, frames, generator, on_step)
        arguments["prompt_segments"] = _window_prompts(pipe, requests, frames, arguments, self.family.sound)
        video = np.asarray(self._called(pipe, arguments, head).frames[0])
        for index in _frame_indices(len(video), total, keep_last=False):
            yield _cropped(_to_uint8(video[index]), head.width, head.height)

    def _extended(self, requests: list[ShotRequest], first, mode: str, width: int, height: int, on_step):
        call = self.settings_given.get("call", {})
        wanted_history = int(call.get("overlap_history") or EXTEND_HISTORY)
        if call.get("base_num_frames"):  # the history must leave room for new frames in a block of the model's
            wanted_history = min(wanted_history, int(call["base_num_frames"]) - max(1, self.family.frame_step))
        history: deque[np.ndarray] = deque(maxlen=max(wanted_history, 1))  # the last frames made, at the call's
        #                                                                     size: what the next shot extends
        for number, request in enumerate(requests):
            generator = _torch().Generator(device="cpu").manual_seed(request.seed)
            if number == 0:
                pipe, count = self._pipeline(mode), request.frames
                arguments = self._arguments(request, mode, first, None, width, height,
                                            self.family.frames_for(count), generator, on_step)
                video = np.asarray(self._called(pipe, arguments, request).frames[0])
            else:  # its frame 0 is the last frame made, which it extends from
                pipe, count = self._extend_pipeline(), request.frames - 1
                step = max(1, self.family.frame_step)  # whole latent frames: the most of 4k+1 there are
                given = list(history)[-((min(wanted_history, len(history)) - 1) // step * step + 1):]
                arguments = self._arguments(request, "text", None, None, width, height,
                                            self.family.frames_for(count), generator, on_step)
                arguments["video"] = [Image.fromarray(frame) for frame in given]
                arguments.setdefault("overlap_history", len(given))
                video = np.asarray(self._called(pipe, arguments, request).frames[0])[len(given):]
            for index in _frame_indices(len(video), count, keep_last=False):
                made = _to_uint8(video[index])
                history.append(made)
                yield _cropped(made, request.width, request.height)

    def _called(self, pipe, arguments: dict[str, Any], request: ShotRequest):
        """The pipeline's output; running out of GPU memory is said with what to change."""
        try:
            return pipe(**arguments)
        except Exception as error:  # noqa: BLE001 - a model's failures come in many types
            if _out_of_memory(error):
                raise StepFailed(f"the GPU ran out of memory on shot `{request.shot_id}`", hint=MEMORY_HINT) from error
            raise

    def _extend_pipeline(self):
        """The family's video-extending pipeline, from the weights already loaded."""
        base = self._pipeline("text")
        key = (id(base), self.family.extend)
        if key not in _PIPELINES:
            import diffusers

            pipe = getattr(diffusers, self.family.extend).from_pipe(base)
            pipe.set_progress_bar_config(disable=True)
            _PIPELINES[key] = pipe
        return _PIPELINES[key]

    def _check_mode(self, mode: str) -> None:
        family = self.family
        if mode == "first_last" and not family.first_last:
            raise StepFailed(f"the {family.name} family cannot make a clip that ends on a given frame (a loop)",
                             hint=f"families with first/last-frame conditioning: {', '.join(first_last_families())}")
        if mode == "text" and not family.text_to_video:
            raise StepFailed(f"the {family.name} family makes video from an image, and this shot starts on none",
                             hint="start the shot on another with `continues:`, or set reference_keyframes: true to "
                             "start on a character's reference image")

    def _context(self, segment: Segment) -> tuple[np.ndarray, ...]:
        """The parent's last frames the call is given: as many as the family takes, in whole steps of its frame
        rule (LTX 8k+1, VACE 4k+1), ending on the handed first frame; () for one still frame."""
        given = segment.context
        if self.family.context_frames <= 1 or len(given) < 2 or not np.array_equal(given[-1], segment.first_frame):
            return ()
        step = max(1, self.family.frame_step)
        usable = (min(len(given), self.family.context_frames) - 1) // step * step + 1
        return tuple(given[-usable:]) if usable > 1 else ()

    def _arguments(self, request: ShotRequest, mode: str, first, last, width: int, height: int, frames: int,
                   generator, on_step: Callable[[int, int], None] | None,
                   context: tuple[np.ndarray, ...] = ()) -> dict[str, Any]:
        """The call's keyword arguments: what every family takes, then its adapter's spelling of the prompt, the
        references and the frames the call starts and ends on, then the film's own `call:` (never one of these)."""
        arguments: dict[str, Any] = {"height": height, "width": width, "num_frames": frames,
                                     "num_inference_steps": self.steps, "generator": generator, "output_type": "np"}
        if on_step is not None:
            arguments["callback_on_step_end"] = step_callback(on_step, self.steps)
        kept = [_padded(frame, width, height) for frame in context or ((first,) if first is not None else ())]
        call = Call(request, kept, _padded(last, width, height) if mode == "first_last" else None, width, height,
                    frames)
        arguments.update(self.adapter.prompt(request, self.guidance))
        arguments.update(self.adapter.references(call, self.family))
        arguments.update(self.adapter.frames(call))
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
        return {}  # nothing changed: a pipeline keeps its own tensors (LTX long's packed latents are not the ones given)

    return report


def _token_counter(model: str, family: Family, given: int | None):
    import inspect

    import diffusers

    class_name = family.text_to_video or family.image_to_video
    if not class_name or not family.uses_prompt:
        return None
    default = inspect.signature(getattr(diffusers, class_name).__call__).parameters.get("max_sequence_length")
    limit = given or (default.default if default is not None else None)
    if not isinstance(limit, int):
        return None
    from transformers import AutoTokenizer

    try:
        if (Path(model) / "tokenizer").is_dir():
            tokenizer = AutoTokenizer.from_pretrained(str(Path(model) / "tokenizer"))
        else:
            tokenizer = AutoTokenizer.from_pretrained(model, subfolder="tokenizer", local_files_only=True)
    except (OSError, ValueError):  # not downloaded: nothing to count with, and nothing said
        return None
    return tokenizer, limit


def check_call(call: dict[str, Any], computed: dict[str, str]) -> None:
    """A film's `call:` passes extra keyword arguments to the pipeline; never one longcut computes."""
    taken = [key for key in call if key in computed]
    if taken:
        key = taken[0]
        raise BackendSettingsError("call", f"`call:` sets `{key}`, which longcut computes from {computed[key]}",
                                   hint=f"remove `{key}` from call:; set {computed[key]} instead")


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
    return pipe


def _out_of_memory(error: Exception) -> bool:
    return type(error).__name__ == "OutOfMemoryError" or "out of memory" in str(error).lower()


def _padded(frame: np.ndarray, width: int, height: int) -> Image.Image:
    """A frame of the shot in the middle of a call's larger frame, its edges carried out to fill it (a call is at
    least the shot's size: `Family.side`); never stretched."""
    down, across = height - frame.shape[0], width - frame.shape[1]
    padded = np.pad(frame, ((down // 2, down - down // 2), (across // 2, across - across // 2), (0, 0)), mode="edge")
    return Image.fromarray(padded)


def _cropped(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    """The middle width x height of a frame made larger than the shot (the inverse of _padded)."""
    if frame.shape[:2] == (height, width):
        return frame
    top, left = (frame.shape[0] - height) // 2, (frame.shape[1] - width) // 2
    return np.ascontiguousarray(frame[top:top + height, left:left + width])


def _to_uint8(frame: np.ndarray) -> np.ndarray:
    return (np.clip(frame, 0.0, 1.0) * 255).round().astype(np.uint8)


def _window_prompts(pipe, requests: list[ShotRequest], frames: int, arguments: dict[str, Any],
                    speaks: bool) -> list[dict[str, Any]]:
    """LTX long's `prompt_segments`: each sliding window is given the prompt of the shot its middle frame is in,
    the windows laid out by the pipeline's own rule (its tile size and overlap, the film's `call:` or its defaults)."""
    import inspect

    from diffusers.pipelines.ltx.pipeline_ltx_i2v_long_multi_prompt import split_into_temporal_windows

    defaults = inspect.signature(type(pipe).__call__).parameters
    tile = int(arguments.get("temporal_tile_size", defaults["temporal_tile_size"].default))
    overlap = int(arguments.get("temporal_overlap", defaults["temporal_overlap"].default))
    ratio = int(pipe.vae_temporal_compression_ratio)
    latent = (frames - 1) // ratio + 1
    windows = split_into_temporal_windows(latent, max(1, tile // ratio), max(0, overlap // ratio), ratio)
    ends = one_take_ends(requests)
    segments = []
    for number, (start, stop) in enumerate(windows):
        middle = (start + stop - 1) / 2 * ratio
        shot = next((index for index, last in enumerate(ends) if middle < last), len(requests) - 1)
        segments.append({"start_window": number, "end_window": number,
                         "text": video_prompt(requests[shot], speaks)})
    return segments


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
