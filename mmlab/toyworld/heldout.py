"""Held-out compositions: colour-shape pairs and a count-shape pair that the training stream
never shows, so that lessons can measure compositional generalisation.

Introduced in notebooks/05_compositional_failures.ipynb. Every colour, shape and count appears in
training; only these combinations do not.
"""

from __future__ import annotations

from mmlab.toyworld.captions import CaptionPlan
from mmlab.toyworld.scenes import Scene

HELD_OUT_PAIRS: tuple[tuple[str, str], ...] = (
    ("red", "square"),
    ("blue", "star"),
    ("yellow", "heart"),
    ("purple", "triangle"),
)
# No training caption, at any level of detail, says "three circles": no training scene holds
# exactly three circles, nor exactly three of one colour, nor of one colour and size.
HELD_OUT_COUNT: tuple[int, str] = (3, "circle")


def held_out_reasons(scene: Scene) -> list[str]:
    """Return why `scene` is held out from training (empty list: it may appear in training)."""
    reasons = [
        f"{o.color} {o.shape}" for o in scene.objects if (o.color, o.shape) in HELD_OUT_PAIRS
    ]
    count, shape = HELD_OUT_COUNT
    kinds = [(o.color, o.size) for o in scene.objects if o.shape == shape]
    by_color = [sum(c == color for c, _ in kinds) for color, _ in kinds]
    by_color_size = [kinds.count(k) for k in kinds]
    if count in (len(kinds), *by_color, *by_color_size):
        reasons.append(f"{count} {shape}s")
    return sorted(set(reasons))


def is_held_out(scene: Scene) -> bool:
    """Return True if `scene` contains a held-out composition."""
    return bool(held_out_reasons(scene))


def plan_mentions_held_out(plan: CaptionPlan) -> bool:
    """Return True if a caption plan names a held-out colour-shape pair or count-shape pair."""
    count, shape = HELD_OUT_COUNT
    for p in plan.phrases:
        if (p.color, p.shape) in HELD_OUT_PAIRS:
            return True
        if p.shape == shape and p.count == count and not p.negated:
            return True
    return False
