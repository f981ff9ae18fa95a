"""Shared fixtures. Tests run real code on real files: small films rendered by the real backends and ffmpeg."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"
# The reference screenplay as the design gives it, beside the checkout; a verbatim copy is kept in tests/data.
SHARED_FORMAT = ROOT.parent / "shared" / "format"

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture
def reference_film() -> Path:
    return DATA / "reference" / "film.yaml"


@pytest.fixture(scope="module")
def rendered_once(tmp_path_factory) -> Path:
    """The tiny film (tests/films.py), rendered and cut once for a test module."""
    from .cli import run
    from .films import tiny_film

    film = tiny_film(tmp_path_factory.mktemp("film"))
    run("render", film)
    return film


@pytest.fixture
def rendered(rendered_once, tmp_path) -> Path:
    """A fresh copy of the rendered tiny film (takes, lock, film and cut), for a test to change or damage."""
    from .films import film_copy

    return film_copy(rendered_once, tmp_path)
