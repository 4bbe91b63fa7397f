"""The probes lesson 05 builds on the fly: negation duels and choices, and counting series."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab.toyworld import load
from mmlab.toyworld.captions import caption
from mmlab.toyworld.heldout import HELD_OUT_COUNT
from mmlab.toyworld.probes import (
    choice_correct,
    count_series,
    negation_choices,
    negation_duels,
    negation_phrases,
)

TRUE = "a small blue square and no large orange heart"
FALSE = "no small blue square and a large orange heart"


def test_phrases_are_split():
    assert negation_phrases(TRUE, FALSE) == ("small blue square", "large orange heart")


@pytest.mark.parametrize(
    "true, false",
    [
        ("a small blue square and a large orange heart", FALSE),
        (TRUE, "no small blue square and an large orange heart"),
        (TRUE, "no small blue square and a large red heart"),
    ],
)
def test_an_item_of_another_form_is_refused_by_quoting_it(true, false):
    with pytest.raises(ValueError, match="does not read|is not the negation probe"):
        negation_phrases(true, false)


def test_duels_keep_the_words_and_move_the_order():
    duels = negation_duels(TRUE, FALSE)
    assert duels["as shipped"] == (TRUE, FALSE)
    assert duels["reordered"] == (
        "no large orange heart and a small blue square",
        "a large orange heart and no small blue square",
    )
    for true, false in duels.values():
        assert sorted(true.split()) == sorted(false.split())


def test_choices_hold_one_true_caption_in_either_order():
    first = negation_choices(TRUE, FALSE, absent_first=False)
    assert first[0] == TRUE and len(set(first)) == 4
    last = negation_choices(TRUE, FALSE, absent_first=True)
    assert last[0] == "no large orange heart and a small blue square"
    assert all(option.startswith(("a large", "no large")) for option in last)


def test_every_shipped_negation_item_parses():
    probe = load("negation")
    for true, false in zip(probe.captions, probe.negatives):
        negation_phrases(true, false)


def test_choice_correct_counts_a_tie_as_a_failure():
    scores = np.array([[0.9, 0.1, 0.2], [0.5, 0.5, 0.1], [0.1, 0.8, 0.2]])
    assert choice_correct(scores).tolist() == [True, False, False]
    assert choice_correct(scores, correct=1).tolist() == [False, False, True]
    with pytest.raises(ValueError, match="not an option"):
        choice_correct(scores, correct=3)
    with pytest.raises(ValueError, match=r"scores\[0, 1\]"):
        choice_correct(np.array([[0.1, np.nan]]))


def test_a_series_differs_only_in_count():
    series = count_series(1, 9)
    assert series == count_series(1, 9)  # deterministic
    for one in series:
        assert [len(s.objects) for s in one.scenes] == [1, 2, 3, 4]
        assert list(one.captions) == [caption(s) for s in one.scenes]
        last = one.scenes[-1]
        for k, scene in enumerate(one.scenes, start=1):
            assert scene.objects == last.objects[:k] and scene.background == last.background
        kinds = {(o.shape, o.color, o.size) for o in last.objects}
        assert kinds == {(one.shape, one.color, one.size)}
    assert [one.held_out for one in series] == [s.shape == HELD_OUT_COUNT[1] for s in series]
    assert any(one.held_out for one in series)


def test_count_series_refuses_a_bad_size():
    with pytest.raises(ValueError, match="positive int"):
        count_series(0, 0)
