"""Content credentials: a C2PA manifest, signed with the user's certificate, saying the film was made by AI.

The manifest's `c2pa.created` action gives the film's digital source type (trainedAlgorithmicMedia, or
compositeWithTrainedAlgorithmicMedia where footage is cut in). Every shot's take is an ingredient
(`componentOf`), hashed by c2pa from the take's file, named `shot SHOT take N`, with what made it in its
description and metadata (backend, its version, model, seed, the take's key; not the prompt, which a studio
may not want in a delivered file), and placed by a `c2pa.placed` action that carries the shot's own source
type; a clip graded toward another shot adds a `c2pa.color_adjustments` action on its ingredient.

Signing is the very last step (any remux after it would drop the manifest). It needs the optional
extra `sign` (c2pa-python). The certificate must be issued by a CA (c2pa refuses self-signed leaves),
with digitalSignature key usage and an extended key usage such as emailProtection.
"""

from __future__ import annotations

import json
from pathlib import Path

from dataclasses import dataclass

from .. import __version__
from ..atomic import atomic_path
from ..errors import LongcutError
from ..media.xmp import TRAINED_ALGORITHMIC_MEDIA, film_source_type
from .timeline import Clip, MadeBy, Timeline

ALGORITHMS = {"ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "ED25519"}


@dataclass(frozen=True)
class Ingredient:
    """A take the film is made of: its definition in the manifest, the file c2pa hashes, and the actions on it."""

    definition: dict
    file: Path
    actions: tuple[dict, ...]


def manifest(timeline: Timeline) -> dict:
    agent = f"longcut {__version__} (backend {timeline.backend}, models: {timeline.models_label})"
    created = {"action": "c2pa.created", "digitalSourceType": film_source_type(timeline.has_footage), "softwareAgent": agent}
    return {
        "claim_generator_info": [{"name": "longcut", "version": __version__}],
        "title": timeline.title,
        "assertions": [{"label": "c2pa.actions", "data": {"actions": [created]}}],
    }


def ingredients(timeline: Timeline) -> list[Ingredient]:
    """One ingredient per clip, in the film's order: the take as it was made (before any grade)."""
    unknown = MadeBy(timeline.backend, model=timeline.models_label)  # a cut saved before longcut recorded MadeBy
    return [_ingredient(clip, clip.made_by or unknown) for clip in timeline.clips]


def _ingredient(clip: Clip, made_by: MadeBy) -> Ingredient:
    # the take as it was made: a graded clip plays a graded copy, with a key of its own
    graded = clip.color_match
    take_key, take_file = (graded.take_key, graded.take_path) if graded else (clip.key, clip.path)
    label = f"take-{clip.shot_id}"  # shot ids are unique in a film; the actions name the ingredient by it
    facts = {"shot": clip.shot_id, "scene": clip.scene_id, "take": clip.take, "key": take_key,
             "backend": made_by.backend, "backend_version": made_by.version, "model": made_by.model,
             "generated": not made_by.footage}
    if not made_by.footage:
        facts["seed"] = clip.seed
    definition = {"title": f"shot {clip.shot_id} take {clip.take}", "format": "video/mp4", "relationship": "componentOf",
                  "instance_id": f"longcut:take:{take_key}", "label": label, "description": made_by.describe(clip.seed),
                  "metadata": {"longcut": facts}}
    placed = {"action": "c2pa.placed", "parameters": {"ingredientIds": [label]},
              "softwareAgent": {"name": made_by.backend, "version": made_by.version or __version__}}
    if not made_by.footage:
        placed["digitalSourceType"] = TRAINED_ALGORITHMIC_MEDIA
    actions = [placed]
    if clip.color_match is not None:
        actions.append({"action": "c2pa.color_adjustments", "parameters": {"ingredientIds": [label]},
                        "description": f"graded toward shot {clip.color_match.toward} ({clip.color_match.method})"})
    return Ingredient(definition, take_file, tuple(actions))


def sign(source: Path, target: Path, timeline: Timeline, certificate: Path, key: Path, algorithm: str = "ES256") -> None:
    """Write target: source with a signed C2PA manifest. Nothing is written at target if signing fails."""
    try:
        import c2pa
    except ImportError:
        raise LongcutError("signing needs c2pa-python", hint="pip install 'longcut[sign]'") from None
    if algorithm not in ALGORITHMS:
        raise LongcutError(f"unknown signing algorithm `{algorithm}`", hint=f"use one of {', '.join(sorted(ALGORITHMS))}")
    try:
        chain, private = certificate.read_bytes(), key.read_bytes()
    except OSError as error:
        raise LongcutError(f"cannot read {error.filename}: {error.strerror}",
                           hint="--sign takes the certificate chain (PEM) and its private key (PEM)") from None
    builder = _builder(c2pa, timeline)
    try:
        signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(getattr(c2pa.C2paSigningAlg, algorithm), chain, private, None))
        with atomic_path(target) as temporary, open(source, "rb") as reading, open(temporary, "wb") as writing:
            builder.sign(signer, "video/mp4", reading, writing)
    except c2pa.C2paError as error:
        raise LongcutError(f"C2PA signing failed: {error}",
                           hint="use a certificate chain issued by a CA (not self-signed), with digitalSignature key "
                           "usage and an extended key usage such as emailProtection, and its matching private key") from None


def _builder(c2pa, timeline: Timeline):
    """The manifest with every take as an ingredient (c2pa reads and hashes each take's file here)."""
    builder = c2pa.Builder(json.dumps(manifest(timeline)))
    for ingredient in ingredients(timeline):
        try:
            with open(ingredient.file, "rb") as take:
                builder.add_ingredient(json.dumps(ingredient.definition), "video/mp4", take)
            for action in ingredient.actions:
                builder.add_action(json.dumps(action))
        except (OSError, c2pa.C2paError) as error:
            raise LongcutError(f"C2PA: cannot add {ingredient.definition['title']} ({ingredient.file}) as an "
                               f"ingredient: {error}", hint="run `longcut status FILM --verify` to find a damaged "
                               "take, then render again") from None
    return builder
