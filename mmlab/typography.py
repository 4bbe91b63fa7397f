"""Typographic-attack probes on the toy world: for each picture of one object with a conflicting
word written under it, the labels to choose from, the label the word names, the same scene
without its word, and zero-shot predictions with or without a prompt that names the word.

Introduced in notebooks/06_text_in_image.ipynb. A picture of a brown semicircle with the word
"orange" written on it is classified among the nine colours of a semicircle ("a red semicircle",
..., "an orange semicircle"); with a shape word, among the eight shapes in its colour. Only the
attribute the word attacks varies, so the attack is measured on its own. The scoring itself is
`mmlab.evaluate.typographic_attack`. numpy only; the model is anything with `encode_text`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from mmlab.toyworld.captions import CaptionPlan, Phrase, text
from mmlab.toyworld.scenes import Scene
from mmlab.toyworld.vocabulary import COLORS, RENDERED_WORDS, SHAPES, WORD_PHRASE, check_choice


def label(color: str, shape: str, word: str | None = None) -> str:
    """Return the toy caption of one object, e.g. "an orange semicircle", or with `word`
    "a red circle with the word star written on it" (the toy vocabulary's phrase)."""
    check_choice(color, tuple(COLORS), "colour")
    check_choice(shape, SHAPES, "shape")
    if word is not None:
        check_choice(word, RENDERED_WORDS, "rendered word")
    return text(CaptionPlan((Phrase(1, shape, color),), word=word))


@dataclass(frozen=True)
class AttackItem:
    """One attacked picture: the labels it is classified among, its true label, the label the
    written word names, the word, and which attribute ("color" or "shape") the word attacks."""

    candidates: tuple[str, ...]
    true: str
    written: str
    word: str
    attribute: str


def attack_item(scene: Scene) -> AttackItem:
    """Return the `AttackItem` of a one-object scene whose written word names another colour or
    shape than the object's. Introduced in notebooks/06_text_in_image.ipynb."""
    if not isinstance(scene, Scene):
        raise TypeError(f"expected a toy-world Scene, got {type(scene).__name__}")
    if len(scene.objects) != 1:
        raise ValueError(f"an attacked scene holds one object, this one {len(scene.objects)}")
    if scene.word is None:
        raise ValueError("the scene has no written word: there is no attack to measure")
    (obj,) = scene.objects
    word = scene.word
    if word in (obj.color, obj.shape):
        raise ValueError(f"the written word {word!r} names the object itself, not a conflict")
    if word in COLORS:
        candidates = tuple(label(c, obj.shape) for c in COLORS)
        return AttackItem(
            candidates, label(obj.color, obj.shape), label(word, obj.shape), word, "color"
        )
    candidates = tuple(label(obj.color, s) for s in SHAPES)
    return AttackItem(
        candidates, label(obj.color, obj.shape), label(obj.color, word), word, "shape"
    )


def without_word(scene: Scene) -> Scene:
    """Return the same scene with its written word removed (objects and nuisances unchanged):
    the clean picture an attacked one is compared with."""
    if not isinstance(scene, Scene):
        raise TypeError(f"expected a toy-world Scene, got {type(scene).__name__}")
    if not scene.objects:
        raise ValueError(
            f"the scene holds only the word {scene.word!r}; without it nothing is left"
        )
    return replace(scene, word=None)


def predict(
    model: Any,
    image_vectors: Any,
    items: Sequence[AttackItem],
    named_words: Sequence[str | None] | None = None,
) -> list[str]:
    """Classify each picture among its item's candidates; return the predicted labels.

    `image_vectors` holds one row per item. With `named_words`, item i's prompts name the word
    given for it ("a red circle with the word star written on it"; None leaves the plain label):
    the prompt defence of notebooks/06_text_in_image.ipynb. Every distinct prompt is encoded once.
    """
    vectors = np.asarray(image_vectors, dtype=np.float64)
    items = list(items)
    if vectors.ndim != 2 or vectors.shape[0] != len(items):
        raise ValueError(
            f"image_vectors must hold one row per item ({len(items)}), got shape {vectors.shape}"
        )
    for i, item in enumerate(items):
        if not isinstance(item, AttackItem):
            raise TypeError(f"item {i} is a {type(item).__name__}, not an AttackItem")
    words = [None] * len(items) if named_words is None else list(named_words)
    if len(words) != len(items):
        raise ValueError(f"named_words has {len(words)} entries for {len(items)} items")
    prompts = []
    for item, word in zip(items, words):
        if word is not None:
            check_choice(word, RENDERED_WORDS, "named word")
        suffix = "" if word is None else f" {WORD_PHRASE[0]} {word} {WORD_PHRASE[1]}"
        prompts.append([candidate + suffix for candidate in item.candidates])
    unique = sorted({p for row in prompts for p in row})
    index = {p: i for i, p in enumerate(unique)}
    text_vectors = np.asarray(model.encode_text(unique), dtype=np.float64)
    predictions = []
    for vector, item, row in zip(vectors, items, prompts):
        scores = text_vectors[[index[p] for p in row]] @ vector
        predictions.append(item.candidates[int(np.argmax(scores))])
    return predictions
