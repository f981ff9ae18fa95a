"""Which shots are made together in one generation: a scene's `one_take: true` makes each of its chains of shots that
continue one another (`continues:`, one after the other in the scene) one generation with a prompt per shot, where
the video family can (engine.backends: `one_pass`); the generation is then cut back into a take per shot, each
starting exactly on the last frame of the one before, so takes, picks, exports and the report work as for any shot.

A chain stops where a shot is continued by more than one (a branch) or by a shot of another scene, and at a title
card or footage (made by longcut, not a model).
"""

from __future__ import annotations

from collections.abc import Sequence

from longcut.storyboard import Screenplay, ShotGraph

from .request import ShotRequest


def one_take_chains(screenplay: Screenplay, graph: ShotGraph) -> list[tuple[str, ...]]:
    """Every chain of two or more shots that one_take scenes make in one generation, head first, in film order."""
    chains = []
    for scene in screenplay.film.scenes:
        if not scene.one_take:
            continue
        ids = {shot.id for shot in scene.shots}
        made = {shot.id for shot in scene.shots if shot.card is None and shot.footage is None}
        taken: set[str] = set()
        for shot in scene.shots:
            if shot.id in taken or shot.id not in made or graph.parent(shot.id) in made:
                continue  # a chain starts on a shot that continues none of this scene's
            chain = [shot.id]
            while True:
                children = graph.children(chain[-1])
                if len(children) != 1 or children[0] not in ids or children[0] not in made:
                    break
                chain.append(children[0])
            taken.update(chain)
            if len(chain) > 1:
                chains.append(tuple(chain))
    return chains


def one_take_ends(requests: Sequence[ShotRequest]) -> list[int]:
    """Where each shot of a one_take generation ends in it (its frame count, exclusive): every shot after the first
    starts on the last frame of the one before, so the generation is the shots' frames less one per seam, and its
    length is the last of these."""
    ends, end = [], 0
    for number, request in enumerate(requests):
        end += request.frames - (1 if number else 0)
        ends.append(end)
    return ends
