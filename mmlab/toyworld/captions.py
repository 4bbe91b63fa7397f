"""Captions: a structured plan (which objects, how many, which relation, which opening) and its
text, with three levels of detail and word-order variants.

Introduced in notebooks/01_shared_space.ipynb. `caption(scene)` gives the canonical caption;
`caption(scene, rng)` a random paraphrase. `holds(plan, scene)` says whether a plan is true of a
scene: hard negatives are built on plans and checked with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from mmlab.toyworld.scenes import MAX_OBJECTS, Scene, ToyObject, check_rng, relations
from mmlab.toyworld.vocabulary import (
    COUNT_WORDS,
    OCR_PHRASE,
    PLURALS,
    RELATIONS,
    TEMPLATES,
    WORD_PHRASE,
    check_choice,
)

DETAILS: tuple[str, ...] = ("shape", "color", "full")


@dataclass(frozen=True)
class Phrase:
    """A group of objects named in a caption: `count` of them, with the named factors.

    With `count_stated=False` a group of two or more is written as a bare plural ("red circles"),
    as most web captions are: the plan still knows the count, the text does not say it.
    """

    count: int
    shape: str
    color: str | None = None
    size: str | None = None
    negated: bool = False
    count_stated: bool = True

    def matches(self, obj: ToyObject) -> bool:
        """Return True if `obj` fits this phrase's shape, colour and size (where named)."""
        return (
            obj.shape == self.shape
            and (self.color is None or obj.color == self.color)
            and (self.size is None or obj.size == self.size)
        )


@dataclass(frozen=True)
class CaptionPlan:
    """What a caption says: phrases joined by "and" or by one relation, an opening, a word."""

    phrases: tuple[Phrase, ...]
    relation: str | None = None
    template: int = 0
    word: str | None = None


def _article(next_word: str) -> str:
    return "an" if next_word[0] in "aeiou" else "a"


def phrase_text(phrase: Phrase) -> str:
    """Return the words of one phrase, e.g. "two large red circles" or "no blue square"."""
    adjectives = [w for w in (phrase.size, phrase.color) if w is not None]
    if phrase.negated:
        return " ".join(["no", *adjectives, phrase.shape])
    if phrase.count == 1:
        words = [*adjectives, phrase.shape]
        return " ".join([_article(words[0]), *words])
    number = [COUNT_WORDS[phrase.count]] if phrase.count_stated else []
    return " ".join([*number, *adjectives, PLURALS[phrase.shape]])


def text(plan: CaptionPlan) -> str:
    """Return the caption text of a plan: lowercase words separated by single spaces."""
    parts = [phrase_text(p) for p in plan.phrases]
    if plan.relation is not None:
        body = f"{parts[0]} {RELATIONS[plan.relation]} {parts[1]}"
    else:
        body = " and ".join(parts)
    words = [TEMPLATES[plan.template], body]
    if plan.word is not None and not plan.phrases:  # only a word in the image
        words.append(f"{OCR_PHRASE} {plan.word}")
    elif plan.word is not None:
        words.append(f"{WORD_PHRASE[0]} {plan.word} {WORD_PHRASE[1]}")
    return " ".join(w for w in words if w)


def max_caption_words() -> int:
    """Return the most words any caption or hard negative can have (a tokenizer's max length,
    before special tokens): the longest opening, four phrases of four words joined by "and",
    and the rendered-word phrase."""
    opening = max(len(t.split()) for t in TEMPLATES)
    phrases = MAX_OBJECTS * 4 + (MAX_OBJECTS - 1)  # "a large red circle and ..."
    relation = 2 * 4 + max(len(r.split()) for r in RELATIONS.values())
    word = len(WORD_PHRASE[0].split()) + 1 + len(WORD_PHRASE[1].split())
    return opening + max(phrases, relation) + word


def _key(obj: ToyObject, detail: str) -> tuple[str, str | None, str | None]:
    if detail == "shape":
        return (obj.shape, None, None)
    if detail == "color":
        return (obj.shape, obj.color, None)
    return (obj.shape, obj.color, obj.size)


# Uniform numbers one random caption uses: a sort key per group, the opening, the relation.
DRAWS_PER_CAPTION = 6


def plan_for(
    scene: Scene,
    detail: str = "full",
    rng: np.random.Generator | None = None,
    draws: Sequence[float] | None = None,
) -> CaptionPlan:
    """Return a true caption plan for `scene` at the given level of detail.

    Objects with the same named factors are grouped and counted. Without `rng` the plan is
    canonical (reading order, bare opening, "above" before "to the left of"); with `rng` the
    group order, the opening and the relation word (among the true ones) are drawn at random.
    `draws` (DRAWS_PER_CAPTION uniform numbers in [0, 1)) replaces `rng` where a batch has drawn
    its numbers at once. At detail "full" a two-object scene is described by a spatial relation.
    """
    check_choice(detail, DETAILS, "detail")
    if draws is None and rng is not None:
        draws = check_rng(rng).random(DRAWS_PER_CAPTION).tolist()
    groups: dict[tuple, list[ToyObject]] = {}
    for obj in sorted(scene.objects, key=lambda o: (o.row, o.col)):
        groups.setdefault(_key(obj, detail), []).append(obj)
    keys = list(groups)
    if draws is not None and len(keys) > 1:
        keys = [k for _, k in sorted(zip(draws, keys), key=lambda pair: pair[0])]
    phrases = tuple(Phrase(len(groups[k]), *k) for k in keys)
    relation = None
    if detail == "full" and len(scene.objects) == 2 and len(phrases) == 2:
        true = relations(groups[keys[0]][0], groups[keys[1]][0])
        relation = true[int(draws[5] * len(true))] if draws is not None else true[-1]
    template = int(draws[4] * len(TEMPLATES)) if draws is not None else 0
    return CaptionPlan(phrases, relation, template, scene.word)


def caption(scene: Scene, rng: np.random.Generator | None = None, detail: str = "full") -> str:
    """Return a caption of `scene` (canonical without `rng`, a random paraphrase with it).

    Introduced in notebooks/01_shared_space.ipynb. Detail "shape" names shapes and counts,
    "color" adds colours ("a red circle"), "full" adds sizes and a spatial relation.
    """
    return text(plan_for(scene, detail, rng))


def holds(plan: CaptionPlan, scene: Scene) -> bool:
    """Return True if the caption plan is true of the scene.

    Counts are exact ("two red circles" is false of three red circles); "no X" means none;
    a relation holds if some object of the first phrase stands in it to some of the second;
    a mentioned word must be the rendered word.
    """
    matches = [[o for o in scene.objects if p.matches(o)] for p in plan.phrases]
    for phrase, found in zip(plan.phrases, matches):
        if len(found) != (0 if phrase.negated else phrase.count):
            return False
    if plan.relation is not None:
        pairs = ((a, b) for a in matches[0] for b in matches[1])
        if not any(plan.relation in relations(a, b) for a, b in pairs):
            return False
    return plan.word is None or plan.word == scene.word


def unstated_counts(plan: CaptionPlan, stated: Sequence[bool]) -> CaptionPlan:
    """Return the plan with the number left out of every group of two or more whose entry in
    `stated` (one per phrase) is False: "two red circles" becomes "red circles". A single object
    keeps its "a". Introduced in notebooks/05_compositional_failures.ipynb (the sparse-count twin).
    """
    if len(stated) != len(plan.phrases):
        raise ValueError(f"stated has {len(stated)} entries for {len(plan.phrases)} phrases")
    phrases = tuple(
        replace(p, count_stated=bool(keep)) if p.count > 1 else p
        for p, keep in zip(plan.phrases, stated)
    )
    return replace(plan, phrases=phrases)


def without_word(plan: CaptionPlan) -> CaptionPlan:
    """Return the plan without its rendered-word phrase."""
    return replace(plan, word=None)
