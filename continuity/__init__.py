"""What keeps a film coherent: the seed policy, the character and location looks, frame hand-off."""

from .chains import one_take_chains, one_take_ends
from .keyframes import FIRST, LAST, KeyframeRequest, gives_pictures, keyframe_requests, keyframe_stage
from .request import CharacterLook, DialogueCue, FootageSource, GivenFrames, LocationLook, ShotRequest, TakeChoice, default_choice, resolve
from .seeds import derive_seed, shot_seed

__all__ = ["FIRST", "LAST", "KeyframeRequest", "gives_pictures", "keyframe_requests", "keyframe_stage", "CharacterLook", "DialogueCue", "FootageSource", "GivenFrames", "LocationLook", "ShotRequest", "TakeChoice", "default_choice",
           "derive_seed", "one_take_chains", "one_take_ends", "resolve", "shot_seed"]
