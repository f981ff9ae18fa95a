"""The plug-in registries: one per kind, each an entry-point group, read from the installed packages' metadata.

longcut's own plug-ins are declared in its pyproject.toml like anyone else's, so there is one list of each kind and
a package can add one (or replace a built-in) by registering the same group:
- `longcut.backends`: video backends (engine.backends.Backend);
- `longcut.keyframes`: keyframe backends (engine.backends.KeyframeBackend);
- `longcut.exporters`: export formats (engine.export).
Content classifiers (`longcut.policies`) are read by storyboard.policy, which imports nothing of the engine.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import import_module
from importlib.metadata import entry_points

BACKENDS = "longcut.backends"
KEYFRAMES = "longcut.keyframes"
EXPORTERS = "longcut.exporters"


@lru_cache(maxsize=None)
def registry(group: str) -> dict[str, str]:
    """Name -> "module:attribute" of every plug-in registered under `group`."""
    return {point.name: point.value for point in entry_points(group=group)}


def load(target: str):
    """The object a registry's "module:attribute" names (an ImportError when its extra is not installed)."""
    module_name, _, attribute = target.partition(":")
    return getattr(import_module(module_name), attribute)
