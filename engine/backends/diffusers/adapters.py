"""How each family's pipelines are called: what longcut computes for a call (the prompt, the frames it starts and
ends on, the references), spelt the way that family's pipeline takes it. One adapter per family: the backend asks
its family's adapter and never compares family names.

    Adapter      Wan and CogVideoX: `image`, and `last_image` for a first and last frame
    StableVideo  no prompt: `max_guidance_scale` and the film's `fps`; `image`
    Ltx          `image`, or LTXVideoCondition `conditions` (the parent's last frames as a video, a loop's end)
    Ltx2         as Ltx with LTX2VideoCondition, the lines in the prompt and the film's `frame_rate`
    Vace         the kept frames through `video` + `mask`, and `reference_images` on every call
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from longcut.continuity import ShotRequest

from .families import Family


@dataclass(frozen=True)
class Call:
    """One call's conditioning, at the call's size: the frames it starts on (the first frame, or a parent's last
    frames, oldest first) and the frame it must end on (a loop's), if any."""

    request: ShotRequest
    kept: list[Image.Image]
    last: Image.Image | None
    width: int
    height: int
    frames: int


class Adapter:
    """Image-to-video families that take `image`, and `last_image` for a first and last frame (Wan, CogVideoX)."""

    def prompt(self, request: ShotRequest, guidance: float) -> dict[str, Any]:
        return {"prompt": video_prompt(request), "negative_prompt": request.negative or None, "guidance_scale": guidance}

    def frames(self, call: Call) -> dict[str, Any]:
        if not call.kept:
            return {}
        arguments: dict[str, Any] = {"image": call.kept[-1]}
        if call.last is not None:
            arguments["last_image"] = call.last
        return arguments

    def references(self, call: Call, family: Family) -> dict[str, Any]:
        return {}


class StableVideo(Adapter):
    def prompt(self, request: ShotRequest, guidance: float) -> dict[str, Any]:
        # no prompt; guidance is a range over the frames; the pipeline conditions on fps - 1 itself (as the model
        # was trained), so it is told the film's own rate
        return {"max_guidance_scale": guidance, "fps": max(2, round(request.fps)), "decode_chunk_size": 8}


class Ltx(Adapter):
    """A first frame alone through LTXImageToVideoPipeline; a parent's last frames (a video) or a loop's end through
    LTXConditionPipeline's conditions."""

    def frames(self, call: Call) -> dict[str, Any]:
        if not call.kept:
            return {}
        if len(call.kept) == 1 and call.last is None:
            return {"image": call.kept[0]}
        conditions = [self.start(call.kept)]
        if call.last is not None:
            conditions.append(self.end(call.last, call.frames))
        return {"conditions": conditions}

    def start(self, kept: list[Image.Image]):
        from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition

        if len(kept) > 1:
            return LTXVideoCondition(video=kept, frame_index=0)
        return LTXVideoCondition(image=kept[0], frame_index=0)

    def end(self, last: Image.Image, frames: int):
        from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition

        return LTXVideoCondition(image=last, frame_index=frames - 1)


class Ltx2(Ltx):
    """LTX-2 makes sound: its prompt carries the lines as its guide writes speech, and it is told the film's rate."""

    def prompt(self, request: ShotRequest, guidance: float) -> dict[str, Any]:
        return {"prompt": video_prompt(request, speaks=True), "negative_prompt": request.negative or None,
                "guidance_scale": guidance, "frame_rate": float(request.fps)}

    def start(self, kept: list[Image.Image]):
        from diffusers.pipelines.ltx2.pipeline_ltx2_condition import LTX2VideoCondition

        return LTX2VideoCondition(frames=kept if len(kept) > 1 else kept[0], index=0)

    def end(self, last: Image.Image, frames: int):
        from diffusers.pipelines.ltx2.pipeline_ltx2_condition import LTX2VideoCondition

        return LTX2VideoCondition(frames=last, index=-1)


class Vace(Adapter):
    """Wan VACE: one pipeline for every call; frames to keep go in as a video with a mask (black keeps, white
    makes), and the references on every call (each segment of a long shot sees them)."""

    def frames(self, call: Call) -> dict[str, Any]:
        if not call.kept:
            return {}
        return _vace_frames(call.kept, call.last, call.width, call.height, call.frames)

    def references(self, call: Call, family: Family) -> dict[str, Any]:
        if not call.request.references:
            return {}
        return {"reference_images": reference_canvases(call.request.references, call.width, call.height,
                                                       family.references_per_call(call.frames))}


class LtxLong(Adapter):
    """LTXI2VLongMultiPromptPipeline: a first frame as `cond_image`; it returns latents unless asked for pictures;
    a prompt per sliding window (`prompt_segments`) when it makes a chain."""

    def prompt(self, request: ShotRequest, guidance: float) -> dict[str, Any]:
        return {**super().prompt(request, guidance), "seed": request.seed}

    def frames(self, call: Call) -> dict[str, Any]:
        return {"cond_image": call.kept[-1]} if call.kept else {}


class SkyReelsForcing(Adapter):
    """SkyReels-V2 diffusion forcing: `image` for a first frame, the film's `fps`."""

    def prompt(self, request: ShotRequest, guidance: float) -> dict[str, Any]:
        return {**super().prompt(request, guidance), "fps": max(1, round(request.fps))}


ADAPTERS: dict[str, Adapter] = {"ltx2": Ltx2(), "ltx": Ltx(), "wan-vace": Vace(), "wan": Adapter(),
                                "cogvideox": Adapter(), "svd": StableVideo(), "ltx-long": LtxLong(),
                                "skyreels-df": SkyReelsForcing()}


def adapter_for(family: Family) -> Adapter:
    return ADAPTERS[family.name]


def _vace_frames(kept: list[Image.Image], last: Image.Image | None, width: int, height: int, frames: int) -> dict:
    """VACE's `video` and `mask`: the frames to keep at the start (the first frame, or the parent's last frames),
    grey to make, and a loop's last frame kept at the end."""
    grey = Image.new("RGB", (width, height), (128, 128, 128))
    keep, make = Image.new("L", (width, height), 0), Image.new("L", (width, height), 255)
    video = list(kept) + [grey] * (frames - len(kept))
    mask = [keep] * len(kept) + [make] * (frames - len(kept))
    if last is not None:
        video[-1], mask[-1] = last, keep
    return {"video": video, "mask": mask}


def _fitted_images(images: list[Image.Image], width: int, height: int) -> Image.Image:
    """Images side by side in the frame, each in an equal column, whole and undistorted, on mid grey (the
    pipeline's own neutral)."""
    canvas = Image.new("RGB", (width, height), (128, 128, 128))
    column = width / len(images)
    for number, image in enumerate(images):
        scale = min(column / image.width, height / image.height)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        left = round(number * column + (column - size[0]) / 2)
        canvas.paste(image.resize(size, Image.Resampling.LANCZOS), (left, (height - size[1]) // 2))
    return canvas


def reference_canvases(paths: tuple[Path, ...], width: int, height: int, most: int) -> list[Image.Image]:
    """The reference images for one call, each fitted whole in the frame; where the call takes fewer than there
    are (most), they are shared out in order over that many canvases, side by side on each: every image still
    reaches the model, and the call works."""
    groups = [paths[number::most] for number in range(min(most, len(paths)))]  # round-robin: characters first
    canvases = []
    for group in groups:
        opened = []
        for path in group:
            with Image.open(path) as image:
                opened.append(image.convert("RGB"))
        canvases.append(_fitted_images(opened, width, height))
    return canvases


CAMERA_MOVES = {  # a move as the video models' prompt guides write one (LTX, Wan: "the camera slowly pushes in")
    "static": "The camera is still.", "push-in": "The camera slowly pushes in.",
    "pull-out": "The camera slowly pulls back.", "pan-left": "The camera pans left.",
    "pan-right": "The camera pans right.", "tilt-up": "The camera tilts up.", "tilt-down": "The camera tilts down.",
    "truck-left": "The camera tracks left.", "truck-right": "The camera tracks right.",
    "crane-up": "The camera cranes up.", "crane-down": "The camera cranes down.",
}


def video_prompt(request: ShotRequest, speaks: bool = False) -> str:
    """The shot's prompt for a video model, most important first, since a text encoder keeps only so many tokens
    (LTX-Video 128) and cuts the rest without a word: the framing and camera move (the prompt guides open with the
    shot), the action with the characters by name, the film's style, then who the characters are (their
    descriptions) and the setting; for a model that makes sound, the lines as LTX-2 reads speech (who says it, the
    words in quotes)."""
    from longcut.continuity.keyframes import framing
    from longcut.storyboard.schema import MENTION

    names = {look.id: look.name for look in request.characters}
    action = MENTION.sub(lambda match: names.get(match.group(1), match.group(0)), request.text).strip()
    who = [f"{look.name}: {look.description}" for look in request.characters if look.description]
    setting = f"Setting: {request.location.description}" if request.location and request.location.description else ""
    parts = [framing(request.camera_size, request.camera_move), CAMERA_MOVES.get(request.camera_move, ""), action,
             request.style, *who, setting]
    prompt = " ".join(part.rstrip(". ") + "." for part in parts if part.strip(" ."))
    return spoken_prompt(prompt, request) if speaks else prompt


def spoken_prompt(prompt: str, request: ShotRequest) -> str:
    """The prompt with the shot's lines written as LTX-2 reads speech: who says it, the words in quotes."""
    lines = " ".join(f'{cue.speaker} says: "{cue.line}"' for cue in request.dialogue)
    return f"{prompt.rstrip()} {lines}".strip() if lines else prompt
