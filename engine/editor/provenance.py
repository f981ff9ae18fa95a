"""Content credentials: a C2PA manifest, signed with the user's certificate, saying the film was made by AI.

Signing is the very last step (any remux after it would drop the manifest). It needs the optional
extra `sign` (c2pa-python). The certificate must be issued by a CA (c2pa refuses self-signed leaves),
with digitalSignature key usage and an extended key usage such as emailProtection.
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import __version__
from ..atomic import atomic_path
from ..errors import LongcutError
from .timeline import Timeline

AI_SOURCE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
ALGORITHMS = {"ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "ED25519"}


def manifest(timeline: Timeline) -> dict:
    agent = f"longcut {__version__} (backend {timeline.backend}{', models ' + ', '.join(timeline.models) if timeline.models else ''})"
    return {
        "claim_generator_info": [{"name": "longcut", "version": __version__}],
        "title": timeline.title,
        "assertions": [{
            "label": "c2pa.actions",
            "data": {"actions": [{"action": "c2pa.created", "digitalSourceType": AI_SOURCE, "softwareAgent": agent}]},
        }],
    }


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
    try:
        signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(getattr(c2pa.C2paSigningAlg, algorithm), chain, private, None))
        builder = c2pa.Builder(json.dumps(manifest(timeline)))
        with atomic_path(target) as temporary, open(source, "rb") as reading, open(temporary, "wb") as writing:
            builder.sign(signer, "video/mp4", reading, writing)
    except c2pa.C2paError as error:
        raise LongcutError(f"C2PA signing failed: {error}",
                           hint="use a certificate chain issued by a CA (not self-signed), with digitalSignature key "
                           "usage and an extended key usage such as emailProtection, and its matching private key") from None
