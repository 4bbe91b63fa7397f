"""Paired comparisons against scipy (exact randomisation test, percentile bootstrap) and the
queries-needed formula against a simulation."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from mmlab import paired


def scipy_sign_flip_p(a, b, n_resamples):
    result = stats.permutation_test(
        (a, b),
        lambda x, y, axis: np.mean(x - y, axis=axis),
        permutation_type="samples",
        n_resamples=n_resamples,
        alternative="two-sided",
        vectorized=True,
    )
    return result.pvalue


@pytest.mark.parametrize("seed", range(5))
def test_exact_randomisation_test_matches_scipy(seed):
    rng = np.random.default_rng(seed)
    a = rng.random(11)
    b = a - rng.normal(0.1 * seed, 0.3, size=11)
    ours = paired.randomisation_test(a, b, n_resamples=10_000)  # 2**11 patterns: exact
    assert ours == pytest.approx(scipy_sign_flip_p(a, b, np.inf), abs=1e-12)


def test_exact_test_on_zero_one_values_with_ties():
    a = np.array([1, 1, 1, 1, 1, 0, 1, 1, 0, 1], dtype=float)  # success@1 of two systems
    b = np.array([0, 0, 1, 0, 0, 0, 1, 0, 0, 1], dtype=float)
    assert paired.randomisation_test(a, b) == pytest.approx(scipy_sign_flip_p(a, b, np.inf))
    assert paired.randomisation_test(a, b) == pytest.approx(2 / 2**5)  # 5 non-zero differences


def test_monte_carlo_randomisation_test_is_close_to_exact_and_never_zero():
    rng = np.random.default_rng(7)
    a = rng.random(16)
    b = a - rng.normal(0.1, 0.3, size=16)
    exact = paired.randomisation_test(a, b, n_resamples=2**16)
    sampled = paired.randomisation_test(a, b, n_resamples=20_000, seed=1)
    assert sampled == pytest.approx(exact, abs=4 * np.sqrt(exact * (1 - exact) / 20_000) + 1e-4)
    far = paired.randomisation_test(np.full(200, 0.5), np.zeros(200), n_resamples=1000)
    assert far == 1 / 1001


def test_bootstrap_interval_matches_scipy_percentile():
    rng = np.random.default_rng(3)
    a = (rng.random(300) < 0.8).astype(float)
    b = (rng.random(300) < 0.7).astype(float)
    low, high = paired.bootstrap_interval(a, b, n_resamples=20_000)
    theirs = stats.bootstrap(
        (a - b,), np.mean, method="percentile", n_resamples=20_000, random_state=0
    ).confidence_interval
    assert low == pytest.approx(theirs.low, abs=0.006)
    assert high == pytest.approx(theirs.high, abs=0.006)
    assert low < (a - b).mean() < high


def test_compare_reports_everything():
    a, b = np.r_[np.ones(40), np.zeros(10)], np.r_[np.ones(30), np.zeros(20)]
    result = paired.compare(a, b, n_resamples=2000)
    assert result.mean_difference == pytest.approx(0.2)
    assert 0 < result.low < 0.2 < result.high and result.p_value < 0.01
    assert result.n_queries == 50 and "95% CI" in str(result)
    assert result.method == "exact sign test"
    assert result.verdict("A", "B") == "A is better"
    assert paired.compare(b, a, n_resamples=2000).verdict("A", "B") == "B is better"
    tied = paired.compare(a, a[::-1], n_resamples=2000)
    assert tied.verdict("A", "B") == "no detectable difference between A and B"


@pytest.mark.parametrize("seed", range(6))
def test_randomisation_test_equals_the_sign_test_on_zero_one_values(seed):
    rng = np.random.default_rng(seed)
    a = rng.random(400) < 0.7
    b = rng.random(400) < 0.7 - 0.02 * seed
    ours = paired.randomisation_test(a.astype(float), b.astype(float))
    assert ours == paired.sign_test(a, b).p_value
    assert paired.compare(a, b).p_value == ours


def test_monte_carlo_floor_is_printed_as_a_bound():
    rng = np.random.default_rng(2)
    a = rng.normal(1.0, 0.1, 300)
    result = paired.compare(a, a - 0.5 - rng.random(300) * 0.1, n_resamples=1000)
    assert result.method == "Monte Carlo randomisation" and result.p_value == 1 / 1001
    assert "p < 1/1,001" in str(result)


def test_exact_branch_is_capped():
    rng = np.random.default_rng(4)
    a = rng.random(40)
    b = a - rng.normal(0.05, 0.2, 40)
    result = paired.compare(a, b, n_resamples=2**30 // 2**10)  # 2**40 patterns: not enumerated
    assert result.method == "Monte Carlo randomisation"


def test_queries_needed_gives_the_asked_power_in_simulation():
    sd, effect = 0.4, 0.05
    n = paired.queries_needed(sd, effect)
    assert n == int(np.ceil(((1.959964 + 0.841621) * sd / effect) ** 2))
    rng = np.random.default_rng(0)
    diffs = rng.normal(effect, sd, size=(2000, n))
    z = diffs.mean(axis=1) / (diffs.std(axis=1, ddof=1) / np.sqrt(n))
    power = np.mean(np.abs(z) > 1.959964)
    assert power == pytest.approx(0.8, abs=0.03)
    assert paired.queries_needed(sd, effect / 2) >= 4 * n - 3  # half the effect: four times


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="equal length"):
        paired.compare([1, 0, 1], [1, 0])
    with pytest.raises(ValueError, match=r"b\[1\] is nan"):
        paired.compare([1, 0, 1], [1, np.nan, 1])
    with pytest.raises(ValueError, match="confidence"):
        paired.bootstrap_interval([1, 0], [0, 0], confidence=95)
    with pytest.raises(ValueError, match="effect"):
        paired.queries_needed(0.3, 0)
    for bad in (0, 1, 99, 1.5e4, True):
        with pytest.raises(ValueError, match="n_resamples"):
            paired.compare([1.0, 0.2, 0.4], [0.0, 0.1, 0.4], n_resamples=bad)
    with pytest.raises(ValueError, match="n_resamples"):
        paired.paired_bootstrap(np.mean, ([1.0, 2.0],), ([0.0, 1.0],), 2, resamples=0)
    with pytest.raises(ValueError, match="sd_of_differences"):
        paired.queries_needed(float("nan"), 0.1)
