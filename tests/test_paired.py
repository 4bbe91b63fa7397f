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


def test_binomial_test_known_values():
    from mmlab.paired import binomial_test

    # 39 right out of 216 with chance 1/9: P(X >= 39), X ~ Binomial(216, 1/9)
    correct = np.r_[np.ones(39, bool), np.zeros(177, bool)]
    result = binomial_test(correct, 1 / 9)
    assert (result.hits, result.n) == (39, 216)
    assert result.p_value == pytest.approx(0.00162491, abs=1e-7)  # scipy.stats.binomtest agrees
    assert result.verdict().startswith("above chance")
    assert binomial_test(np.zeros(10, bool), 0.5).p_value == pytest.approx(1.0)
    assert binomial_test(np.ones(3, bool), 0.5).p_value == pytest.approx(1 / 8)
    assert binomial_test(np.array([1, 0, 0, 0]), 0.25).verdict().startswith("not detectably")
    assert binomial_test(np.ones(5000, bool), 0.001).p_value == 0.0  # large n: no overflow


def test_binomial_test_rejects_bad_input():
    from mmlab.paired import binomial_test

    with pytest.raises(ValueError, match="chance"):
        binomial_test(np.ones(3, bool), 1.0)
    with pytest.raises(ValueError, match="booleans"):
        binomial_test(np.array([0.5, 1.0]), 0.5)
    with pytest.raises(ValueError, match="1-D"):
        binomial_test(np.ones((2, 2), bool), 0.5)


def test_auroc_counts_pairs_and_ties():
    from mmlab.paired import auroc

    assert auroc([3, 4], [1, 2]) == 1.0
    assert auroc([1, 2], [3, 4]) == 0.0
    assert auroc([1, 3], [2]) == 0.5
    assert auroc([2, 2], [2]) == 0.5  # ties count half
    with pytest.raises(ValueError, match="NaN"):
        auroc([np.nan], [1.0])


def test_paired_bootstrap_finds_a_real_difference_and_not_a_null_one():
    from mmlab.paired import paired_bootstrap

    rng = np.random.default_rng(0)
    x = rng.normal(size=200)
    mean = np.mean
    clear = paired_bootstrap(mean, (x + 0.5,), (x,), 200, resamples=500)
    assert clear.difference == pytest.approx(0.5) and clear.low > 0 and clear.p_value < 0.01
    assert clear.verdict("A", "B").startswith("A is higher")
    assert "p < 0.004" in clear.verdict("A", "B")  # 500 resamples resolve p down to 2 / 500
    null = paired_bootstrap(mean, (x,), (x + rng.normal(0, 0.01, 200),), 200, resamples=500)
    assert null.low < 0 < null.high or abs(null.difference) < 0.01
    with pytest.raises(ValueError, match="one row per item"):
        paired_bootstrap(mean, (x,), (x[:10],), 200)
