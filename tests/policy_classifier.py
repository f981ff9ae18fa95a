"""A small local content classifier for the tests: a bag of weighted words, the shape a studio's model-based
classifier takes behind the `longcut.policies` hook (a text in, (category, excerpt) pairs out)."""

from __future__ import annotations

import re

WEIGHTS = {"rifle": 0.6, "pistol": 0.6, "grenade": 0.9, "ammunition": 0.5, "aims": 0.3, "fires": 0.3}
THRESHOLD = 0.8


def check(text: str) -> list[tuple[str, str]]:
    """`weapons` when the weights of the words found add up to THRESHOLD; the excerpt is the heaviest word."""
    found = [(WEIGHTS[word.lower()], word) for word in re.findall(r"[A-Za-z]+", text) if word.lower() in WEIGHTS]
    if sum(weight for weight, _ in found) < THRESHOLD:
        return []
    return [("weapons", max(found)[1])]
