"""Vocabulary and captions: closed vocabulary, detail levels, plans true of their scenes."""

from __future__ import annotations

import re

import numpy as np
import pytest

from mmlab import toyworld as tw
from mmlab.toyworld.captions import plan_for, text


def test_vocabulary_is_sorted_lowercase_and_unique():
    words = tw.vocabulary()
    assert words == sorted(set(words))
    assert all(re.fullmatch(r"[a-z]+", w) for w in words)
    assert set(tw.RENDERED_WORDS) <= set(words)


def test_enough_visually_named_factors():
    assert len(tw.SHAPES) >= 8 and len(tw.COLORS) >= 8
    assert set(tw.RELATIONS) == {"left", "right", "above", "below"}
    palette = np.array(list(tw.COLORS.values()), dtype=float)
    distances = np.linalg.norm(palette[:, None] - palette[None], axis=-1)
    np.fill_diagonal(distances, np.inf)
    # Shade noise moves a colour by at most 15 per channel (26 in RGB distance): stay unambiguous.
    assert distances.min() > 2 * 15 * np.sqrt(3)


@pytest.mark.parametrize("detail", tw.DETAILS)
def test_captions_use_only_vocabulary_words_and_are_true(detail):
    rng = np.random.default_rng(3)
    vocab = set(tw.vocabulary())
    scenes = tw.sample_scenes(rng, 600, words_fraction=0.5, holdout=False)
    for scene in scenes:
        for plan in (plan_for(scene, detail), plan_for(scene, detail, rng)):
            caption = text(plan)
            assert caption == " ".join(caption.split()), caption
            assert set(caption.split()) <= vocab, caption
            assert tw.holds(plan, scene), caption


def test_simplest_caption_for_zero_shot():
    scene = tw.make_scene([("circle", "red", "large", 1, 1)])
    assert tw.caption(scene, detail="color") == "a red circle"
    assert tw.caption(scene, detail="shape") == "a circle"
    assert tw.caption(scene) == "a large red circle"
    orange = tw.make_scene([("star", "orange", "small", 0, 0)])
    assert tw.caption(orange, detail="color") == "an orange star"


def test_a_word_alone_is_captioned_the_word_x():
    scene = tw.make_scene([], word="star")
    assert tw.caption(scene) == "the word star"
    assert tw.holds(tw.plan_for(scene), scene)
    assert not tw.holds(tw.plan_for(tw.make_scene([], word="heart")), scene)


def test_full_detail_names_a_true_relation_and_counts_groups():
    scene = tw.make_scene([("circle", "red", "large", 1, 0), ("square", "blue", "small", 1, 2)])
    assert tw.caption(scene) == "a large red circle to the left of a small blue square"
    rng = np.random.default_rng(0)
    variants = {tw.caption(scene, rng) for _ in range(200)}
    assert any("to the right of" in v for v in variants)  # word-order variant
    assert any(v.startswith("a photo of") for v in variants)  # paraphrased opening
    group = tw.make_scene(
        [
            ("star", "green", "large", 0, 0),
            ("star", "green", "large", 0, 1),
            ("heart", "pink", "small", 2, 2),
        ]
    )
    assert tw.caption(group) == "two large green stars and a small pink heart"
    assert tw.caption(group, detail="shape") == "two stars and a heart"


def test_holds_rejects_false_captions():
    scene = tw.make_scene([("circle", "red", "large", 1, 0), ("square", "blue", "small", 1, 2)])
    wrong = [
        tw.CaptionPlan((tw.Phrase(1, "circle", "blue"),)),
        tw.CaptionPlan((tw.Phrase(2, "circle", "red"),)),
        tw.CaptionPlan((tw.Phrase(1, "circle"), tw.Phrase(1, "square")), relation="right"),
        tw.CaptionPlan((tw.Phrase(1, "circle", negated=True),)),
        tw.CaptionPlan((tw.Phrase(1, "circle"),), word="star"),
    ]
    assert not any(tw.holds(plan, scene) for plan in wrong)


def test_unknown_detail_is_rejected():
    scene = tw.make_scene([("circle", "red", "large", 1, 1)])
    with pytest.raises(ValueError, match="detail 'everything'.*shape, color, full"):
        tw.caption(scene, detail="everything")


def test_max_caption_words_bounds_every_caption_and_is_reached():
    limit = tw.max_caption_words()
    batch = tw.training_batch(
        np.random.default_rng(4), 3000, words_fraction=0.5, hard_negatives=True, holdout=False
    )
    assert max(len(c.split()) for c in batch.captions + batch.negatives) <= limit
    objects = [("semicircle", c, "large", 0, k) for k, c in enumerate(["red", "blue", "green"])]
    scene = tw.make_scene([*objects, ("star", "pink", "small", 1, 0)], word="heart")
    plan = tw.plan_for(scene)
    longest = tw.text(tw.CaptionPlan(plan.phrases, None, 1, "heart"))  # "a picture of ..."
    assert len(longest.split()) == limit
