"""The screenplay: schema, loader and shot graph. Nothing here knows how shots are rendered."""

from .errors import Mark, Problem, ScreenplayError
from .graph import ShotGraph
from .loader import load
from .screenplay import Screenplay, ShotEntry

__all__ = ["Mark", "Problem", "ScreenplayError", "Screenplay", "ShotEntry", "ShotGraph", "load"]
