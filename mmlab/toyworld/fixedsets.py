"""Builders of the fixed evaluation and probe sets shipped under data/toyworld/.

Introduced in notebooks/01_shared_space.ipynb. Each builder draws from its own seeded
generator, so `build_all()` gives the same records on every run; scripts/make_toyworld_data.py
writes them to disk and `mmlab.toyworld.load(name)` reads them back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from mmlab.toyworld.captions import caption, plan_for
from mmlab.toyworld.heldout import HELD_OUT_COUNT, HELD_OUT_PAIRS, held_out_reasons
from mmlab.toyworld.negatives import hard_negative
from mmlab.toyworld.sampling import sample_scenes
from mmlab.toyworld.scenes import Scene, with_objects
from mmlab.toyworld.vocabulary import COLORS, FONTS, RENDERED_WORDS, SHAPES, SIZES

BASE_SEED = 20240531
SPLIT_SIZE = 500
PROBE_SIZE = 200
QUADRUPLES = 100


@dataclass(frozen=True)
class Record:
    """One item of a fixed set: a scene, its caption, and optional negative and extra factors."""

    scene: Scene
    caption: str
    negative: str | None = None
    kind: str | None = None
    extra: dict = field(default_factory=dict)


def _rng(name: str) -> np.random.Generator:
    return np.random.default_rng([BASE_SEED, *name.encode()])


def _split(name: str) -> list[Record]:
    """In-distribution scenes (no held-out composition) with distinct canonical captions."""
    rng, records, seen = _rng(name), [], set()
    while len(records) < SPLIT_SIZE:
        for scene in sample_scenes(rng, SPLIT_SIZE):
            text = caption(scene)
            if text not in seen and len(records) < SPLIT_SIZE:
                seen.add(text)
                records.append(Record(scene, text))
    return records


def _heldout() -> list[Record]:
    """Scenes that each contain a held-out composition (a colour-shape pair or three circles)."""
    rng, records = _rng("heldout"), []
    count, shape = HELD_OUT_COUNT
    others = [s for s in SHAPES if s != shape]
    scenes = sample_scenes(rng, PROBE_SIZE, holdout=False, n_objects=(1, 2, 3))
    for i, scene in enumerate(scenes):
        objects = list(scene.objects)
        if i % 3 == 2 and len(objects) == 3:  # some 3-object scenes: three identical circles
            first = objects[0]
            objects = [replace(o, shape=shape, color=first.color, size=first.size) for o in objects]
        else:
            color, held_shape = HELD_OUT_PAIRS[i % len(HELD_OUT_PAIRS)]
            objects[0] = replace(objects[0], color=color, shape=held_shape)
            objects[1:] = [replace(o, shape=others[j]) if o.shape == shape else o
                           for j, o in enumerate(objects[1:])]  # fmt: skip
        scene = with_objects(scene, objects)
        records.append(Record(scene, caption(scene), extra={"held_out": held_out_reasons(scene)}))
    return records


def _singles() -> list[Record]:
    """One object per image, every colour-shape pair three times, captioned "a red circle"."""
    rng, records = _rng("singles"), []
    scenes = sample_scenes(rng, 3 * len(COLORS) * len(SHAPES), holdout=False, n_objects=(1,))
    pairs = [(c, s) for c in COLORS for s in SHAPES] * 3
    for scene, (color, shape), k in zip(scenes, pairs, range(len(pairs))):
        (obj,) = scene.objects
        obj = replace(obj, color=color, shape=shape, size=SIZES[k // (len(pairs) // 3) % 2])
        scene = with_objects(scene, [obj])
        extra = {"held_out": held_out_reasons(scene)}
        records.append(Record(scene, caption(scene, detail="color"), extra=extra))
    return records


def _negatives(kind: str) -> list[Record]:
    """Scenes with a true caption and a hard negative of one kind (in-distribution scenes)."""
    rng, records = _rng(kind), []
    options: dict = {"holdout": True}
    detail = "full"
    if kind == "relation_swap":
        options["n_objects"] = (2,)
    if kind == "typographic":
        options.update(n_objects=(1,), words_fraction=1.0)
        detail = "color"
    while len(records) < PROBE_SIZE:
        for scene in sample_scenes(rng, PROBE_SIZE, **options):
            plan = plan_for(scene, detail)  # canonical caption; rng picks the swap
            found = hard_negative(scene, kind, rng=rng, plan=plan, holdout=True)
            if found is not None and len(records) < PROBE_SIZE:
                records.append(Record(scene, found.positive, found.negative, kind))
    return records


def _winoground() -> list[Record]:
    """Quadruples: two images and two captions with the same words (pairs 2i, 2i + 1)."""
    rng, records = _rng("winoground"), []
    while len(records) < 2 * QUADRUPLES:
        for scene in sample_scenes(rng, QUADRUPLES, n_objects=(2,)):
            kind = ("relation_swap", "attribute_swap")[len(records) // 2 % 2]
            found = hard_negative(scene, kind, rng=rng, plan=plan_for(scene), holdout=True)
            if found is None or found.negative_scene is None or len(records) >= 2 * QUADRUPLES:
                continue
            if sorted(found.positive.split()) != sorted(found.negative.split()):
                continue
            quad = len(records) // 2
            records.append(Record(scene, found.positive, found.negative, kind, {"quad": quad}))
            records.append(
                Record(found.negative_scene, found.negative, found.positive, kind, {"quad": quad})
            )
    return records


def _ocr(font: str) -> list[Record]:
    """Images that hold only a word, captioned "the word star"; the same scenes for every font."""
    scenes = sample_scenes(_rng("ocr"), PROBE_SIZE, n_objects=(1,), words_fraction=1.0)
    records = []
    for i, scene in enumerate(scenes):
        word = RENDERED_WORDS[i % len(RENDERED_WORDS)]
        scene = replace(scene, objects=(), word=word, font=font)
        records.append(Record(scene, caption(scene)))
    return records


BUILDERS: dict[str, tuple[Callable[[], list[Record]], str]] = {
    "val": (lambda: _split("val"), "validation scenes, distinct captions, no held-out composition"),
    "test": (lambda: _split("test"), "test scenes, distinct captions, no held-out composition"),
    "heldout": (_heldout, "every scene contains a held-out composition (factor held_out)"),
    "singles": (_singles, "one object; every colour-shape pair 3 times; captions 'a red circle'"),
    "attribute_swap": (lambda: _negatives("attribute_swap"), "negative swaps two colours"),
    "relation_swap": (lambda: _negatives("relation_swap"), "negative swaps a relation"),
    "count_change": (lambda: _negatives("count_change"), "negative changes one count by one"),
    "negation": (lambda: _negatives("negation"), "'a A and no B' versus 'no A and a B'"),
    "typographic": (lambda: _negatives("typographic"), "negative names the written word"),
    "winoground": (_winoground, "quadruples: items 2i and 2i+1 swap captions (same words)"),
    **{
        f"ocr_{font}": (
            lambda font=font: _ocr(font),
            f"only a written word ('the word star') in the {font} font"
            + (" (the training font)" if font == "sans" else " (never in training)"),
        )
        for font in FONTS
    },
}
SET_NAMES: tuple[str, ...] = tuple(BUILDERS)


def build(name: str) -> list[Record]:
    """Return the records of one fixed set."""
    if name not in BUILDERS:
        raise ValueError(f"unknown toy-world set {name!r}; allowed: {', '.join(SET_NAMES)}")
    return BUILDERS[name][0]()
