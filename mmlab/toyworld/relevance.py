"""Graded relevance of a caption to a scene, for retrieval evaluation.

Introduced in notebooks/09_retrieval_evaluation.ipynb. A caption that names fewer factors ("a red
circle") is true of many scenes, some fully and some partly described by it:

- grade 2: the caption is true of the scene and names every object in it;
- grade 1: the caption is true of the scene, which holds other objects as well;
- grade 0: the caption is false of the scene (checked with `captions.holds`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mmlab.toyworld.captions import CaptionPlan, holds
from mmlab.toyworld.scenes import Scene


def grade(plan: CaptionPlan, scene: Scene) -> int:
    """Return 2, 1 or 0: how well the caption plan describes the scene (see the module)."""
    if not holds(plan, scene):
        return 0
    named = [p for p in plan.phrases if not p.negated]
    covered = sum(any(p.matches(o) for p in named) for o in scene.objects)
    return 2 if covered == len(scene.objects) else 1


def _keys(scene: Scene) -> set[tuple]:
    """Every (shape, colour or None, size or None) a phrase could name and find in the scene."""
    keys = set()
    for o in scene.objects:
        keys.update({(o.shape, None, None), (o.shape, o.color, None), (o.shape, o.color, o.size)})
        keys.add((o.shape, None, o.size))
    return keys


def grade_matrix(plans: Sequence[CaptionPlan], scenes: Sequence[Scene]) -> np.ndarray:
    """Return the (captions, scenes) int matrix of grades. Scenes lacking an object that a
    phrase names are skipped before the full check, so thousands of pairs take well under a
    second. Introduced in notebooks/09_retrieval_evaluation.ipynb."""
    holding: dict[tuple, set[int]] = {}
    for index, scene in enumerate(scenes):
        for key in _keys(scene):
            holding.setdefault(key, set()).add(index)
    everything = set(range(len(scenes)))
    grades = np.zeros((len(plans), len(scenes)), dtype=np.int64)
    for q, plan in enumerate(plans):
        candidates = set(everything)
        for p in plan.phrases:
            if not p.negated:
                candidates &= holding.get((p.shape, p.color, p.size), set())
        for index in candidates:
            grades[q, index] = grade(plan, scenes[index])
    return grades
