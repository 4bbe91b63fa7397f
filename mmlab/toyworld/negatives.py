"""Hard negatives and minimal pairs, each labelled by kind.

Introduced in notebooks/05_compositional_failures.ipynb. `hard_negative(scene, kind)` returns a true
caption, a false caption that differs from it in one factor of the named kind, and (where one
exists) the scene the false caption describes. Kinds:

- "attribute_swap": two objects trade colours (red circle + blue square -> blue circle + red square)
- "relation_swap": the two sides of a relation trade places (A left of B -> B left of A)
- "count_change": one group gets one object more or fewer (two circles -> three circles)
- "negation": "a A and no B" -> "no A and a B"
- "typographic": the object is named by the word written in the image (a circle with "star");
  used in notebooks/06_text_in_image.ipynb
- "attribute_replace": one colour (or shape) replaced by another (for one-object scenes)
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from mmlab.toyworld.captions import CaptionPlan, Phrase, holds, plan_for, text
from mmlab.toyworld.heldout import is_held_out, plan_mentions_held_out
from mmlab.toyworld.scenes import (
    GRID_COLS,
    GRID_ROWS,
    ROWS_WITH_WORD,
    Scene,
    check_rng,
    with_objects,
)
from mmlab.toyworld.vocabulary import COLORS, SHAPES, check_choice

KINDS: tuple[str, ...] = (
    "attribute_swap",
    "relation_swap",
    "count_change",
    "negation",
    "typographic",
    "attribute_replace",
)


@dataclass(frozen=True)
class HardNegative:
    """A true caption of `scene`, a false one of the given kind, and the scene it would fit."""

    kind: str
    scene: Scene
    positive: str
    negative: str
    positive_plan: CaptionPlan
    negative_plan: CaptionPlan
    negative_scene: Scene | None


def _pick(options: list, rng: np.random.Generator | None):
    if not options:
        return None
    return options[int(rng.random() * len(options))] if rng is not None else options[0]


def _matched(scene: Scene, phrase: Phrase) -> list[int]:
    return [i for i, o in enumerate(scene.objects) if phrase.matches(o)]


def _attribute_swap(plan, scene, rng, holdout):
    ps = plan.phrases
    options = [
        (i, j)
        for i in range(len(ps))
        for j in range(i + 1, len(ps))
        if ps[i].color and ps[j].color and not ps[i].negated and not ps[j].negated
        and ps[i].color != ps[j].color and ps[i].shape != ps[j].shape
    ]  # fmt: skip
    choice = _pick(options, rng)
    if choice is None:
        return None
    i, j = choice
    phrases = list(ps)
    phrases[i], phrases[j] = replace(ps[i], color=ps[j].color), replace(ps[j], color=ps[i].color)

    def swapped() -> Scene:
        (a,), (b,) = _matched(scene, ps[i]), _matched(scene, ps[j])
        objects = list(scene.objects)
        objects[a] = replace(objects[a], color=scene.objects[b].color)
        objects[b] = replace(objects[b], color=scene.objects[a].color)
        return with_objects(scene, objects)

    single = ps[i].count == 1 and ps[j].count == 1
    return plan, replace(plan, phrases=tuple(phrases)), swapped if single else None


def _relation_swap(plan, scene, rng, holdout):
    if plan.relation is None:
        return None
    first, second = plan.phrases

    def swapped() -> Scene:
        (a,), (b,) = _matched(scene, first), _matched(scene, second)
        objects = list(scene.objects)
        oa, ob = objects[a], objects[b]
        objects[a] = replace(oa, row=ob.row, col=ob.col)
        objects[b] = replace(ob, row=oa.row, col=oa.col)
        return with_objects(scene, objects)

    return plan, replace(plan, phrases=(second, first)), swapped


def _free_cells(scene: Scene) -> list[tuple[int, int]]:
    rows = ROWS_WITH_WORD if scene.word is not None else GRID_ROWS
    used = {o.cell for o in scene.objects}
    return [(r, c) for r in range(rows) for c in range(GRID_COLS) if (r, c) not in used]


def _count_change(plan, scene, rng, holdout):
    if plan.relation is not None:  # "A left of B" names single objects: no count to change
        return None
    options = [
        (i, d)
        for i, p in enumerate(plan.phrases)
        if not p.negated and p.count_stated  # "red circles" says no number to change
        for d in (1, -1)
        if 1 <= p.count + d <= 4
    ]
    choice = _pick(options, rng)
    if choice is None:
        return None
    i, delta = choice
    phrases = list(plan.phrases)
    phrases[i] = replace(phrases[i], count=phrases[i].count + delta)
    free = _free_cells(scene)
    cell = _pick(free, rng) if delta > 0 else None

    def changed() -> Scene:
        objects = list(scene.objects)
        members = _matched(scene, plan.phrases[i])
        if delta < 0:
            del objects[members[-1]]
        else:
            objects.append(replace(objects[members[0]], row=cell[0], col=cell[1]))
        return with_objects(scene, objects)

    possible = len(scene.objects) > 1 if delta < 0 else (len(scene.objects) < 4 and bool(free))
    return plan, replace(plan, phrases=tuple(phrases)), changed if possible else None


def _absent_phrase(scene, like: Phrase, rng, holdout):
    options = [
        replace(like, shape=s, color=c if like.color else None)
        for c in COLORS
        for s in SHAPES
        if not any(o.shape == s and (like.color is None or o.color == c) for o in scene.objects)
    ]
    options = [p for p in options if not (holdout and plan_mentions_held_out(CaptionPlan((p,))))]
    return _pick(options, rng)


def _negation(plan, scene, rng, holdout):
    singles = [p for p in plan.phrases if p.count == 1 and not p.negated]
    present = _pick(singles, rng)
    if present is None:
        return None
    absent = _absent_phrase(scene, present, rng, holdout)
    if absent is None:
        return None
    positive = CaptionPlan((present, replace(absent, negated=True)), None, plan.template, plan.word)
    negative = CaptionPlan((replace(present, negated=True), absent), None, plan.template, plan.word)

    def replaced() -> Scene:
        objects = list(scene.objects)
        (a,) = _matched(scene, present)
        obj = objects[a]
        objects[a] = replace(
            obj, shape=absent.shape, color=absent.color or obj.color, size=absent.size or obj.size
        )
        return with_objects(scene, objects)

    return positive, negative, replaced


def _typographic(plan, scene, rng, holdout):
    word = scene.word
    if word is None:
        return None
    positive = replace(plan, word=None)
    options = []
    for i, p in enumerate(positive.phrases):
        if word in SHAPES and word != p.shape:
            options.append((i, replace(p, shape=word)))
        if word in COLORS and p.color is not None and word != p.color:
            options.append((i, replace(p, color=word)))
    choice = _pick(options, rng)
    if choice is None:
        return None
    i, phrase = choice
    phrases = list(positive.phrases)
    phrases[i] = phrase
    return positive, replace(positive, phrases=tuple(phrases)), None


def _attribute_replace(plan, scene, rng, holdout):
    options = []
    for i, p in enumerate(plan.phrases):
        if p.negated:
            continue
        if p.color is not None:
            options += [(i, "color", c) for c in COLORS if c != p.color]
        else:
            options += [(i, "shape", s) for s in SHAPES if s != p.shape]
    start = int(rng.random() * len(options)) if rng is not None else 0
    for k in range(len(options)):  # the first valid option from a random starting point
        i, name, value = options[(start + k) % len(options)]
        phrases = list(plan.phrases)
        phrases[i] = replace(phrases[i], **{name: value})
        negative = replace(plan, phrases=tuple(phrases))
        if not holds(negative, scene) and not (holdout and plan_mentions_held_out(negative)):
            return plan, negative, None
    return None


_FINDERS = {
    "attribute_swap": _attribute_swap,
    "relation_swap": _relation_swap,
    "count_change": _count_change,
    "negation": _negation,
    "typographic": _typographic,
    "attribute_replace": _attribute_replace,
}


def _find(scene, kind, plan, rng, holdout, with_scene):
    """Return (positive plan, negative plan, negative scene or None), or None, all checked."""
    result = _FINDERS[kind](plan, scene, rng, holdout)
    if result is None:
        return None
    positive, negative, build_scene = result
    if not holds(positive, scene) or holds(negative, scene):
        return None
    if holdout and (plan_mentions_held_out(positive) or plan_mentions_held_out(negative)):
        return None
    negative_scene = build_scene() if with_scene and build_scene is not None else None
    if negative_scene is not None and (
        not holds(negative, negative_scene) or (holdout and is_held_out(negative_scene))
    ):
        negative_scene = None
    return positive, negative, negative_scene


def hard_negative(
    scene: Scene,
    kind: str,
    *,
    detail: str = "full",
    rng: np.random.Generator | None = None,
    plan: CaptionPlan | None = None,
    holdout: bool = False,
) -> HardNegative | None:
    """Return a hard negative of `kind` for `scene`, or None when the scene does not allow one.

    Introduced in notebooks/05_compositional_failures.ipynb. The positive caption is true of
    `scene` (checked), the negative is false of it (checked), and the negative scene (where one
    exists) fits the negative caption. With `holdout=True` neither caption names a held-out
    composition. `plan` fixes the positive caption (default: `plan_for(scene, detail, rng)`).
    """
    check_choice(kind, KINDS, "hard-negative kind")
    if rng is not None:
        check_rng(rng)
    plan = plan if plan is not None else plan_for(scene, detail, rng)
    found = _find(scene, kind, plan, rng, holdout, with_scene=True)
    if found is None:
        return None
    positive, negative, negative_scene = found
    return HardNegative(
        kind, scene, text(positive), text(negative), positive, negative, negative_scene
    )


def training_negative(
    scene: Scene, plan: CaptionPlan, rng: np.random.Generator, holdout: bool = True
) -> tuple[str, str]:
    """Return (kind, false caption): one NegCLIP-style negative for a training caption, a swap
    where the caption allows one (relation or attribute), else a count change or a replaced
    attribute.

    Introduced in notebooks/05_compositional_failures.ipynb.
    """
    swaps = ["relation_swap", "attribute_swap"]
    if rng.random() < 0.5:
        swaps.reverse()
    others = ["count_change", "attribute_replace"]
    if rng.random() < 0.5:
        others.reverse()
    for kind in (*swaps, *others):
        found = _find(scene, kind, plan, rng, holdout, with_scene=False)
        if found is not None:
            return kind, text(found[1])
    raise ValueError(f"no hard negative exists for the caption {text(plan)!r}")


def negated_caption(
    scene: Scene, plan: CaptionPlan, rng: np.random.Generator, holdout: bool = True
) -> tuple[str, str] | None:
    """Return (true, false) negated captions for a training picture, or None where its caption
    names no single object to affirm (or no absent object is left to deny).

    The pair is the "negation" kind's ("a A and no B" against "no A and a B", both checked
    against the scene), written in either word order with equal chance ("no B and a A" against
    "a B and no A"), so which object comes first says nothing. Introduced in
    notebooks/05_compositional_failures.ipynb (the twin trained with negated captions).
    """
    found = _find(scene, "negation", plan, rng, holdout, with_scene=False)
    if found is None:
        return None
    positive, negative, _ = found
    if rng.random() < 0.5:  # the absent object first
        positive = replace(positive, phrases=positive.phrases[::-1])
        negative = replace(negative, phrases=negative.phrases[::-1])
    return text(positive), text(negative)


def count_negative(
    scene: Scene, plan: CaptionPlan, rng: np.random.Generator, holdout: bool = True
) -> str | None:
    """Return the caption with one stated count moved by one ("two red circles" -> "three red
    circles", "a red circle" -> "two red circles"), checked false of the scene, or None where the
    caption states no count that can change (relations, bare plurals). Teaching CLIP to Count's
    counterfactual caption, the "count_change" kind only. Introduced in
    notebooks/05_compositional_failures.ipynb (the count-negatives fine-tune).
    """
    found = _find(scene, "count_change", plan, rng, holdout, with_scene=False)
    return None if found is None else text(found[1])
