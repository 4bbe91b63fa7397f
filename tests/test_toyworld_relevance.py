"""Graded relevance of captions to scenes, and the hard gallery's distractors."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab import toyworld
from mmlab.toyworld import make_scene, plan_for
from mmlab.toyworld.captions import holds
from mmlab.toyworld.galleries import distractors
from mmlab.toyworld.relevance import grade, grade_matrix

RED_CIRCLE = make_scene([("circle", "red", "large", 0, 0)])
RED_CIRCLE_AND_SQUARE = make_scene(
    [("circle", "red", "small", 1, 0), ("square", "blue", "large", 1, 2)]
)
BLUE_CIRCLE = make_scene([("circle", "blue", "large", 2, 2)])


def test_grades_by_hand():
    short = plan_for(RED_CIRCLE, "color")  # "a red circle"
    assert grade(short, RED_CIRCLE) == 2  # names everything there
    assert grade(short, RED_CIRCLE_AND_SQUARE) == 1  # true, but there is more
    assert grade(short, BLUE_CIRCLE) == 0  # false
    full = plan_for(RED_CIRCLE)  # "a large red circle"
    assert grade(full, RED_CIRCLE_AND_SQUARE) == 0  # that circle is small


def test_grade_matrix_equals_grading_every_pair():
    test = toyworld.load("test")
    scenes = test.scenes[:120]
    for detail in ("shape", "color", "full"):
        plans = [plan_for(s, detail) for s in scenes[:60]]
        fast = grade_matrix(plans, scenes)
        slow = np.array([[grade(p, s) for s in scenes] for p in plans])
        np.testing.assert_array_equal(fast, slow)
        assert (np.diag(fast) == 2).all()  # every caption describes its own scene completely


def test_distractors_make_their_source_caption_false():
    scenes = toyworld.load("test").scenes[:80]
    made = distractors(scenes, np.random.default_rng(0), draws=2)
    kinds = {d.kind for d in made}
    assert kinds == {
        "attribute_swap",
        "relation_swap",
        "count_change",
        "size_change",
        "colour_change",
    }
    for d in made:
        assert not holds(plan_for(scenes[d.source]), d.scene)
        assert not toyworld.is_held_out(d.scene)
    pairs = [(d.source, d.scene) for d in made]
    assert len(pairs) == len(set(pairs))  # a repeated draw is kept once


def test_distractor_arguments_are_checked():
    with pytest.raises(ValueError, match="unknown distractor kinds"):
        distractors([RED_CIRCLE], np.random.default_rng(0), kinds=["shuffle"])
    with pytest.raises(ValueError, match="draws"):
        distractors([RED_CIRCLE], np.random.default_rng(0), draws=0)
