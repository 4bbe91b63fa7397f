"""Retrieval metrics, Winoground scores and attack success on hand-built cases."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab.evaluate import (
    matched_cosines,
    mean_reciprocal_rank,
    pairwise_preference,
    quadruple_similarities,
    ranks,
    recall_at_k,
    typographic_attack,
    winoground_passes,
    winoground_scores,
)

SCORES = np.array(
    [
        [0.9, 0.1, 0.2],  # query 0: correct item 0 ranked 1st
        [0.8, 0.3, 0.5],  # query 1: correct item 1 ranked 3rd
        [0.2, 0.7, 0.7],  # query 2: correct item 2 tied with a wrong one -> rank 2
    ]
)


def test_ranks_and_recall_by_hand():
    assert ranks(SCORES, [0, 1, 2]).tolist() == [1, 3, 2]
    assert recall_at_k(SCORES, [0, 1, 2], 1) == pytest.approx(1 / 3)
    assert recall_at_k(SCORES, [0, 1, 2], 2) == pytest.approx(2 / 3)
    assert recall_at_k(SCORES, [0, 1, 2], 3) == 1.0
    assert mean_reciprocal_rank(SCORES, [0, 1, 2]) == pytest.approx((1 + 1 / 3 + 1 / 2) / 3)


def test_any_relevant_item_counts():
    assert ranks(SCORES, [[0], {1, 0}, (2,)]).tolist() == [1, 1, 2]
    mask = np.eye(3, dtype=bool)
    assert ranks(SCORES, mask).tolist() == [1, 3, 2]


@pytest.mark.parametrize(
    ("relevant", "match"),
    [
        ([0, 1], "lists 2 queries"),
        ([0, 1, 7], "index 7 is outside"),
        ([0, 1, []], "query 2 has no relevant"),
    ],
)
def test_bad_relevance_is_named(relevant, match):
    with pytest.raises(ValueError, match=match):
        ranks(SCORES, relevant)


def test_winoground_scores_by_hand():
    # example 0: all right; 1: captions right, images wrong; 2: all wrong
    s00 = [0.9, 0.5, 0.1]
    s01 = [0.1, 0.6, 0.9]
    s10 = [0.2, 0.1, 0.9]
    s11 = [0.8, 0.7, 0.1]
    scores = winoground_scores(s00, s01, s10, s11)
    assert (scores.text, scores.image, scores.group, scores.n) == (
        pytest.approx(2 / 3),
        pytest.approx(1 / 3),
        pytest.approx(1 / 3),
        3,
    )


def test_winoground_on_random_scores_is_near_chance():
    rng = np.random.default_rng(0)
    s = winoground_scores(*rng.random((4, 20000)))
    assert abs(s.text - 0.25) < 0.02 and abs(s.image - 0.25) < 0.02 and abs(s.group - 1 / 6) < 0.02


def test_winoground_rejects_ragged():
    with pytest.raises(ValueError, match="equal"):
        winoground_scores([1, 2], [1], [1], [1])


def test_pairwise_preference():
    assert pairwise_preference([0.5, 0.2, 0.9], [0.4, 0.3, 0.1]) == pytest.approx(2 / 3)


def test_typographic_attack_by_hand():
    result = typographic_attack(
        clean_predictions=["circle", "star", "square", "circle"],
        attacked_predictions=["star", "star", "heart", "circle"],
        true_labels=["circle", "star", "square", "circle"],
        written_labels=["star", "heart", "heart", "square"],
    )
    assert result.clean_accuracy == 1.0
    assert result.attacked_accuracy == pytest.approx(0.5)
    assert result.success_rate == pytest.approx(0.5)


def test_typographic_attack_rejects_word_equal_to_truth():
    with pytest.raises(ValueError, match="item 1"):
        typographic_attack(["a", "b"], ["a", "b"], ["a", "b"], ["c", "b"])


def test_matched_cosines_by_hand():
    a = [[1.0, 0.0], [0.0, 2.0], [3.0, 4.0]]
    b = [[2.0, 0.0], [1.0, 0.0], [4.0, 3.0]]
    assert matched_cosines(a, b) == pytest.approx([1.0, 0.0, 24 / 25])


@pytest.mark.parametrize(
    ("a", "b", "match"),
    [
        ([[1.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]], "shape"),
        ([[1.0, 0.0], [0.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]], "a row 1 is the zero vector"),
        ([[1.0, 0.0]], [[np.nan, 0.0]], "b row 0 contains NaN"),
        ([1.0, 0.0], [1.0, 0.0], r"\(n, d\)"),
    ],
)
def test_matched_cosines_names_bad_input(a, b, match):
    with pytest.raises(ValueError, match=match):
        matched_cosines(a, b)


def test_quadruple_similarities_by_hand():
    # two quadruples of unit vectors given by their angle; caption i of quadruple k is row 2k+i
    def at(degrees):
        return [[np.cos(np.radians(d)), np.sin(np.radians(d))] for d in degrees]

    images = at([0, 90, 0, 90])
    texts = at([0, 60, 90, 0])
    s00, s01, s10, s11 = quadruple_similarities(images, texts)
    assert s00 == pytest.approx([1.0, 0.0], abs=1e-12)
    assert s01 == pytest.approx([0.0, 1.0], abs=1e-12)
    assert s10 == pytest.approx([0.5, 1.0], abs=1e-12)
    assert s11 == pytest.approx([np.sqrt(3) / 2, 0.0], abs=1e-12)
    scores = winoground_scores(s00, s01, s10, s11)  # quadruple 0 right, quadruple 1 swapped
    assert (scores.text, scores.image, scores.group, scores.n) == (0.5, 0.5, 0.5, 2)


def test_equal_caption_vectors_score_zero_ties_fail():
    images = np.array([[1.0, 0.0], [0.0, 1.0]])
    texts = np.array([[1.0, 1.0], [1.0, 1.0]])
    scores = winoground_scores(*quadruple_similarities(images, texts))
    assert (scores.text, scores.image, scores.group) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize(
    ("images", "texts", "match"),
    [
        (np.eye(3), np.eye(3), "got 3 items"),
        (np.eye(4), np.eye(4)[:2], "same example"),
        (np.eye(4)[0], np.eye(4)[0], r"\(n, d\)"),
    ],
)
def test_quadruple_similarities_names_bad_input(images, texts, match):
    with pytest.raises(ValueError, match=match):
        quadruple_similarities(images, texts)


def test_winoground_passes_per_example():
    passes = winoground_passes([0.9, 0.5, 0.1], [0.1, 0.6, 0.9], [0.2, 0.1, 0.9], [0.8, 0.7, 0.1])
    assert passes.text.tolist() == [True, True, False]
    assert passes.image.tolist() == [True, False, False]
    assert passes.group.tolist() == [True, False, False]


def test_winoground_ties_fail_and_nan_is_named():
    passes = winoground_passes([0.5], [0.5], [0.5], [0.5])
    assert not (passes.text[0] or passes.image[0] or passes.group[0])
    with pytest.raises(ValueError, match=r"s10\[0\] is nan"):
        winoground_passes([0.5], [0.5], [np.nan], [0.5])
