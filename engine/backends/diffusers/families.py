"""Model families: which diffusers pipeline classes make which kind of clip, and the shapes they need.

Each family knows its text-to-video, image-to-video and first/last-frame pipelines, how frame counts
and sizes snap (LTX: 8k+1 frames, sides in 32s; Wan: 4k+1, 16s ...), the longest clip one call
makes, how a first/last-frame call is spelt, whether the model makes sound (LTX-2) and whether it takes
reference images (Wan VACE).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    name: str
    text_to_video: str | None  # pipeline class names in diffusers
    image_to_video: str | None
    first_last: str | None
    frame_step: int  # frames = frame_step * k + 1 (1: any count)
    size_step: int  # width and height are multiples of this
    max_frames: int  # the longest clip one call makes, by the model's own documentation
    uses_prompt: bool = True
    one_checkpoint: bool = True  # one checkpoint serves every kind of call (LTX); else one per kind
    pipeline_names: tuple[str, ...] = ()  # model_index.json class names that identify the family
    sound: bool = False  # the model makes sound with the picture (and speaks the dialogue in its prompt)
    references: bool = False  # the model is conditioned on reference images (the shot's characters and place)
    context_frames: int = 1  # how many of a parent's last frames a continuing shot's call is given (1: one still)
    one_pass: str | None = None  # how it makes a one_take chain in one generation: "windows" (a prompt per sliding
    #                              window, LTX long) or "extend" (diffusion forcing, each shot extending the video)
    extend: str | None = None  # the pipeline that extends a video ("extend": SkyReels-V2's video-to-video)

    def takes(self) -> str:
        """What a call can be conditioned on, for messages and the README's table."""
        kinds = [kind for kind, can in (("text", bool(self.text_to_video)), ("first frame", bool(self.image_to_video)),
                                        ("first and last frame", bool(self.first_last)),
                                        (f"a parent's last {self.context_frames} frames", self.context_frames > 1),
                                        ("reference images", self.references), ("sound", self.sound),
                                        ("a one_take chain in one generation", bool(self.one_pass))) if can]
        return ", ".join(kinds)

    def frames_for(self, count: int) -> int:
        """The smallest frame count the model accepts that holds `count` frames."""
        if self.frame_step <= 1:
            return count
        return max(1, -(-(count - 1) // self.frame_step)) * self.frame_step + 1

    def side(self, pixels: int) -> int:
        """The smallest accepted side that holds `pixels`: a call is made at least as large as the shot, and its
        frames are cropped back to the shot's size (never stretched)."""
        return max(self.size_step, -(-pixels // self.size_step) * self.size_step)

    def references_per_call(self, frames: int) -> int:
        """How many reference images one call of `frames` frames takes: Wan VACE puts each in a latent frame of its
        own beside the video's, and a call with more than the video has latent frames fails (measured on diffusers
        0.42: 9 frames take 3, 13 take 4)."""
        return (frames - 1) // max(1, self.frame_step) + 1 if self.references else 0


FAMILIES: dict[str, Family] = {
    # LTX and LTX-2 continue motion from a video condition of 8k+1 frames (their condition pipelines); Wan VACE
    # from frames kept through `video` + `mask` (4k+1: whole latent frames)
    "ltx2": Family("ltx2", "LTX2Pipeline", "LTX2ImageToVideoPipeline", "LTX2ConditionPipeline", 8, 32, 257, sound=True,
                   pipeline_names=("LTX2Pipeline", "LTX2ImageToVideoPipeline", "LTX2ConditionPipeline"),
                   context_frames=9),
    "ltx": Family("ltx", "LTXPipeline", "LTXImageToVideoPipeline", "LTXConditionPipeline", 8, 32, 257,
                  pipeline_names=("LTXPipeline", "LTXImageToVideoPipeline", "LTXConditionPipeline"), context_frames=9),
    # VACE: one pipeline for every call; references, a first frame and a last frame go in through `video` + `mask`
    "wan-vace": Family("wan-vace", "WanVACEPipeline", "WanVACEPipeline", "WanVACEPipeline", 4, 16, 81, references=True,
                       pipeline_names=("WanVACEPipeline",), context_frames=5),
    "wan": Family("wan", "WanPipeline", "WanImageToVideoPipeline", "WanImageToVideoPipeline", 4, 16, 81,
                  one_checkpoint=False, pipeline_names=("WanPipeline", "WanImageToVideoPipeline")),
    "cogvideox": Family("cogvideox", "CogVideoXPipeline", "CogVideoXImageToVideoPipeline", None, 4, 16, 49,
                        one_checkpoint=False, pipeline_names=("CogVideoXPipeline", "CogVideoXImageToVideoPipeline")),
    "svd": Family("svd", None, "StableVideoDiffusionPipeline", None, 1, 64, 25, uses_prompt=False,
                  pipeline_names=("StableVideoDiffusionPipeline",)),
    # long video in one generation: LTX's sliding windows with a prompt per window (the LTX-Video weights, made for
    # the distilled 0.9.8 checkpoints), and SkyReels-V2's diffusion forcing, which extends a video shot by shot
    "ltx-long": Family("ltx-long", "LTXI2VLongMultiPromptPipeline", "LTXI2VLongMultiPromptPipeline", None, 8, 32, 1441,
                       pipeline_names=("LTXI2VLongMultiPromptPipeline",), one_pass="windows"),
    "skyreels-df": Family("skyreels-df", "SkyReelsV2DiffusionForcingPipeline",
                          "SkyReelsV2DiffusionForcingImageToVideoPipeline", None, 4, 16, 257,
                          pipeline_names=("SkyReelsV2DiffusionForcingPipeline",
                                          "SkyReelsV2DiffusionForcingImageToVideoPipeline",
                                          "SkyReelsV2DiffusionForcingVideoToVideoPipeline"),
                          one_pass="extend", extend="SkyReelsV2DiffusionForcingVideoToVideoPipeline"),
}
HUB_HINTS = {"skyreels-v2-df": "skyreels-df", "ltx-2": "ltx2", "ltx2": "ltx2", "vace": "wan-vace", "ltx": "ltx", "wan": "wan",  # the first hint found
             "cogvideo": "cogvideox", "stable-video-diffusion": "svd", "svd": "svd"}     # wins: the longer first


def family_of_pipeline(class_name: str) -> Family | None:
    return next((family for family in FAMILIES.values() if class_name in family.pipeline_names), None)


def family_of_id(model: str) -> Family | None:
    lowered = model.lower()
    return next((FAMILIES[name] for hint, name in HUB_HINTS.items() if hint in lowered), None)


def first_last_families() -> list[str]:
    return [family.name for family in FAMILIES.values() if family.first_last]
