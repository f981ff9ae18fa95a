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
