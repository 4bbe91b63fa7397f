"""Hard galleries: distractor scenes made from each query's own scene, so that a retriever has
to read every factor of the caption to rank the right scene first.

Introduced in notebooks/09_retrieval_evaluation.ipynb. Kinds of distractor:

- "attribute_swap", "relation_swap", "count_change": the twin scene of `hard_negative` (two
  objects trade colours; two objects trade places; one group gains or loses an object);
- "size_change", "colour_change": near-duplicates: one object made the other size, or given
  another colour (never a held-out colour-shape pair);
- held-out compositions are added by the caller (the shipped "heldout" set).

Every distractor is checked to make its source scene's canonical caption false.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from mmlab.toyworld.captions import holds, plan_for
from mmlab.toyworld.heldout import is_held_out
from mmlab.toyworld.negatives import hard_negative
from mmlab.toyworld.scenes import Scene, with_objects
from mmlab.toyworld.vocabulary import COLORS, SIZES

TWIN_KINDS: tuple[str, ...] = ("attribute_swap", "relation_swap", "count_change")
NEAR_KINDS: tuple[str, ...] = ("size_change", "colour_change")


@dataclass(frozen=True)
class Distractor:
    """A scene made from scene `source` of the query set, and how (`kind`)."""

    scene: Scene
    source: int
    kind: str


def _near_duplicate(scene: Scene, kind: str, rng: np.random.Generator) -> Scene:
    objects = list(scene.objects)
    i = int(rng.integers(len(objects)))
    obj = objects[i]
    if kind == "size_change":
        objects[i] = replace(obj, size=SIZES[1 - SIZES.index(obj.size)])
    else:
        others = [c for c in COLORS if c != obj.color]
        objects[i] = replace(obj, color=others[int(rng.integers(len(others)))])
    return with_objects(scene, objects)


def distractors(
    scenes: Sequence[Scene],
    rng: np.random.Generator,
    kinds: Sequence[str] = TWIN_KINDS + NEAR_KINDS,
    draws: int = 1,
) -> list[Distractor]:
    """Return distractors for each scene: each kind is drawn `draws` times (a scene with four
    objects allows several colour swaps), a repeated scene is kept once, and only scenes of
    which the source caption (canonical, full detail) is false and that hold no held-out
    composition are kept. Introduced in notebooks/09_retrieval_evaluation.ipynb."""
    unknown = sorted(set(kinds) - set(TWIN_KINDS + NEAR_KINDS))
    if unknown:
        raise ValueError(f"unknown distractor kinds {unknown}; allowed: {TWIN_KINDS + NEAR_KINDS}")
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        raise ValueError(f"draws must be a positive int, got {draws!r}")
    out = []
    for source, scene in enumerate(scenes):
        plan = plan_for(scene)
        kept: set[Scene] = set()
        for kind in kinds:
            for _ in range(draws):
                if kind in TWIN_KINDS:
                    found = hard_negative(scene, kind, rng=rng, plan=plan, holdout=True)
                    made = found.negative_scene if found is not None else None
                else:
                    made = _near_duplicate(scene, kind, rng)
                if made is None or made in kept or holds(plan, made) or is_held_out(made):
                    continue
                kept.add(made)
                out.append(Distractor(made, source, kind))
    return out
