"""The seed policy: every seed derives from the film's seed and a stable name, never from chance.

A shot's seed hashes (film seed, shot id, take), so adding, removing or reordering other shots
never changes it, and each new take of a shot gets its own seed.
"""

from __future__ import annotations

import hashlib

from longcut.storyboard.schema import SEED_LIMIT


def derive_seed(film_seed: int, *names: object) -> int:
    text = "\0".join(["longcut-seed-v1", str(film_seed), *(str(name) for name in names)])
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % SEED_LIMIT


def shot_seed(film_seed: int, shot_id: str, take: int) -> int:
    return derive_seed(film_seed, "shot", shot_id, take)


def character_seed(film_seed: int, character_id: str) -> int:
    return derive_seed(film_seed, "character", character_id)
