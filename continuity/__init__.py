"""What keeps a film coherent: the seed policy, the character and location looks, frame hand-off."""

from .request import CharacterLook, DialogueCue, FootageSource, LocationLook, ShotRequest, TakeChoice, default_choice, resolve
from .seeds import derive_seed, shot_seed

__all__ = ["CharacterLook", "DialogueCue", "FootageSource", "LocationLook", "ShotRequest", "TakeChoice", "default_choice",
           "derive_seed", "resolve", "shot_seed"]
