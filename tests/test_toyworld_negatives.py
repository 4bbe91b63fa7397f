"""Hard negatives differ from their positive in exactly the intended factor."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np
import pytest

from mmlab import toyworld as tw
from mmlab.toyworld.captions import holds


def _negatives(kind, n=300, **sample):
    rng = np.random.default_rng(abs(hash(kind)) % 1000)
    scenes = tw.sample_scenes(rng, n, holdout=False, **sample)
    found = [tw.hard_negative(s, kind, rng=rng) for s in scenes]
    found = [h for h in found if h is not None]
    assert len(found) >= 50, f"too few {kind} negatives: {len(found)}"
    for h in found:
        assert holds(h.positive_plan, h.scene) and not holds(h.negative_plan, h.scene)
        assert h.kind == kind
        if h.negative_scene is not None:
            assert holds(h.negative_plan, h.negative_scene)
            assert not holds(h.positive_plan, h.negative_scene)
    return found


def _differing(a, b):
    return [i for i, (p, q) in enumerate(zip(a.phrases, b.phrases)) if p != q]


def test_attribute_swap_trades_two_colours_and_nothing_else():
    for h in _negatives("attribute_swap"):
        pos, neg = h.positive_plan, h.negative_plan
        i, j = _differing(pos, neg)
        p, q = pos.phrases[i], pos.phrases[j]
        assert neg.phrases[i] == replace(p, color=q.color)
        assert neg.phrases[j] == replace(q, color=p.color)
        assert (pos.relation, pos.template, pos.word) == (neg.relation, neg.template, neg.word)
        assert Counter(h.positive.split()) == Counter(h.negative.split())
        if h.negative_scene is not None:
            before, after = h.scene.objects, h.negative_scene.objects
            changed = [k for k in range(len(before)) if before[k] != after[k]]
            assert len(changed) == 2
            a, b = changed
            assert after[a] == replace(before[a], color=before[b].color)
            assert after[b] == replace(before[b], color=before[a].color)


def test_relation_swap_reverses_the_two_sides():
    for h in _negatives("relation_swap", n_objects=(2,)):
        pos, neg = h.positive_plan, h.negative_plan
        assert pos.relation is not None and neg.relation == pos.relation
        assert neg.phrases == pos.phrases[::-1]
        assert Counter(h.positive.split()) == Counter(h.negative.split())
        before, after = h.scene.objects, h.negative_scene.objects
        assert [o.cell for o in after] == [o.cell for o in before][::-1]
        assert [replace(o, row=0, col=0) for o in after] == [
            replace(o, row=0, col=0) for o in before
        ]


def test_count_change_moves_one_count_by_one():
    for h in _negatives("count_change"):
        pos, neg = h.positive_plan, h.negative_plan
        (i,) = _differing(pos, neg)
        assert abs(neg.phrases[i].count - pos.phrases[i].count) == 1
        assert neg.phrases[i] == replace(pos.phrases[i], count=neg.phrases[i].count)
        if h.negative_scene is not None:
            delta = len(h.negative_scene.objects) - len(h.scene.objects)
            assert delta == neg.phrases[i].count - pos.phrases[i].count


def test_negation_flips_which_object_is_denied():
    for h in _negatives("negation"):
        pos, neg = h.positive_plan, h.negative_plan
        assert [p.negated for p in pos.phrases] == [False, True]
        assert [p.negated for p in neg.phrases] == [True, False]
        assert [replace(p, negated=False) for p in pos.phrases] == [
            replace(p, negated=False) for p in neg.phrases
        ]
        assert (
            h.negative.startswith(("no ", "a picture of no", "an image of no"))
            or " no " in h.negative
        )


def test_typographic_negative_names_the_written_word():
    found = _negatives("typographic", n_objects=(1,), words_fraction=1.0)
    for h in found:
        pos, neg = h.positive_plan, h.negative_plan
        assert pos.word is None and neg.word is None
        (i,) = _differing(pos, neg)
        p, q = pos.phrases[i], neg.phrases[i]
        changed = {k for k in ("shape", "color") if getattr(p, k) != getattr(q, k)}
        assert len(changed) == 1
        assert getattr(q, changed.pop()) == h.scene.word


def test_attribute_replace_changes_one_attribute():
    for h in _negatives("attribute_replace", n_objects=(1,)):
        (i,) = _differing(h.positive_plan, h.negative_plan)
        p, q = h.positive_plan.phrases[i], h.negative_plan.phrases[i]
        assert sum(getattr(p, k) != getattr(q, k) for k in ("shape", "color", "size", "count")) == 1


def test_impossible_kinds_give_none_and_unknown_kinds_raise():
    single = tw.make_scene([("circle", "red", "large", 0, 0)])
    assert tw.hard_negative(single, "relation_swap") is None
    assert tw.hard_negative(single, "attribute_swap") is None
    assert tw.hard_negative(single, "typographic") is None
    with pytest.raises(ValueError, match="hard-negative kind 'swap'.*allowed: attribute_swap"):
        tw.hard_negative(single, "swap")


def test_winoground_quadruples_share_words_and_match_only_their_own_image():
    wino = tw.load("winoground")
    assert len(wino) % 2 == 0 and len(wino) >= 100
    for k in range(0, len(wino), 2):
        s0, s1 = wino.scenes[k], wino.scenes[k + 1]
        c0, c1 = wino.captions[k], wino.captions[k + 1]
        assert wino.factors[k]["quad"] == wino.factors[k + 1]["quad"] == k // 2
        assert c0 != c1 and Counter(c0.split()) == Counter(c1.split())
        assert wino.negatives[k] == c1 and wino.negatives[k + 1] == c0
        for scene, own, other_scene in ((s0, c0, s1), (s1, c1, s0)):
            assert tw.caption(scene) == own
            assert tw.holds(tw.plan_for(scene), scene)
            assert not tw.holds(tw.plan_for(other_scene), scene)
    assert set(wino.kinds) == {"relation_swap", "attribute_swap"}
