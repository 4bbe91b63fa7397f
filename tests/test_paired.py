"""The exact sign test (mmlab.paired)."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab.paired import sign_test


def test_sign_test_counts_only_disagreements():
    a = np.array([1, 1, 1, 1, 1, 1, 0, 0], dtype=bool)
    b = np.array([1, 1, 0, 0, 0, 0, 0, 0], dtype=bool)
    result = sign_test(a, b)
    assert (result.a_only, result.b_only) == (4, 0)
    assert result.p_value == pytest.approx(2 / 16)  # two-sided: 2 * 0.5**4


def test_sign_test_known_values_and_symmetry():
    a = np.r_[np.ones(15, bool), np.zeros(5, bool)]
    b = ~a
    assert sign_test(a, b).p_value == pytest.approx(0.04138947, abs=1e-6)  # binom(20), k <= 5
    assert sign_test(a, b).p_value == sign_test(b, a).p_value
    assert sign_test(a, a).p_value == 1.0


def test_verdict_follows_the_test():
    strong = sign_test(np.ones(30, bool), np.zeros(30, bool))
    assert strong.verdict("A", "B").startswith("A is better")
    weak = sign_test(np.array([1, 0], bool), np.array([0, 1], bool))
    assert weak.verdict("A", "B").startswith("no detectable difference")


def test_sign_test_rejects_mismatched_or_non_boolean_input():
    with pytest.raises(ValueError, match="same items"):
        sign_test(np.ones(3, bool), np.ones(4, bool))
    with pytest.raises(ValueError, match="booleans"):
        sign_test(np.array([0.5, 1.0]), np.array([1.0, 0.0]))
