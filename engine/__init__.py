"""Making the film: backends, the render plan, the take store, the editor and the command line."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("longcut")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0.1.0"
