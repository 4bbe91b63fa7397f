"""Paired comparisons of two systems on the same items, and one system against chance.

Introduced in notebooks/07_choosing_a_model.ipynb (the exact sign test, a paired bootstrap of any
statistic, the exact binomial test, AUROC). When two models answer the same questions, only the
items where they disagree say which is better; the sign test asks how surprising the split of
those items would be if both were equally good (a fair coin per disagreement).

notebooks/09_retrieval_evaluation.ipynb adds the per-query tools: `differences`, a bootstrap
interval of the mean difference, the randomisation (sign-flip) test, `compare` (both at once,
with one verdict rule) and `queries_needed`. Pass per-query values of both systems on the same
queries in the same order, never means. On 0/1 values (success@K) the randomisation test is
computed exactly and equals the sign test.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np


@dataclass(frozen=True)
class SignTest:
    """`a_only`: items only A got right; `b_only`: only B; `p_value`: two-sided exact."""

    a_only: int
    b_only: int
    p_value: float

    def verdict(self, a: str, b: str, alpha: float = 0.05) -> str:
        """One sentence for a lesson: which is better on these items, or no detectable difference."""
        split = f"{self.a_only} items only {a} got right, {self.b_only} only {b}"
        if self.p_value >= alpha:
            return f"no detectable difference ({split}; sign test p = {self.p_value:.2g})"
        better = a if self.a_only > self.b_only else b
        return f"{better} is better ({split}; sign test p = {self.p_value:.2g})"


def sign_test(a_correct: Any, b_correct: Any) -> SignTest:
    """Exact two-sided sign test (McNemar's exact test) on two boolean arrays of the same items.

    Introduced in notebooks/07_choosing_a_model.ipynb. Returns a SignTest.
    """
    a = np.asarray(a_correct)
    b = np.asarray(b_correct)
    if a.shape != b.shape or a.ndim != 1 or len(a) == 0:
        raise ValueError(f"need two 1-D arrays over the same items, got {a.shape} and {b.shape}")
    for name, values in (("a_correct", a), ("b_correct", b)):
        if values.dtype != bool and not np.isin(values, (0, 1)).all():
            raise ValueError(f"{name} must hold booleans (or 0/1), one per item")
    a, b = a.astype(bool), b.astype(bool)
    a_only, b_only = int(np.sum(a & ~b)), int(np.sum(b & ~a))
    n = a_only + b_only
    tail = sum(math.comb(n, k) for k in range(min(a_only, b_only) + 1)) / 2**n if n else 1.0
    return SignTest(a_only, b_only, min(1.0, 2 * tail))


@dataclass(frozen=True)
class BinomialTest:
    """`hits` right out of `n`, against a `chance` rate; `p_value`: one-sided exact (above)."""

    hits: int
    n: int
    chance: float
    p_value: float

    def verdict(self, alpha: float = 0.05) -> str:
        """One clause for a lesson: above chance or not, with the numbers."""
        split = f"{self.hits}/{self.n} against chance {self.chance:.3g}"
        if self.p_value < alpha:
            return f"above chance ({split}; binomial test p = {self.p_value:.2g})"
        return f"not detectably above chance ({split}; binomial test p = {self.p_value:.2g})"


def binomial_test(correct: Any, chance: float) -> BinomialTest:
    """Exact one-sided binomial test: could `correct` (booleans, one per item) come from guessing
    with success rate `chance`? The p-value is P(X >= hits) for X ~ Binomial(n, chance).

    Introduced in notebooks/07_choosing_a_model.ipynb. Returns a BinomialTest.
    """
    values = np.asarray(correct)
    if values.ndim != 1 or len(values) == 0:
        raise ValueError(f"need a 1-D array of booleans, one per item, got shape {values.shape}")
    if values.dtype != bool and not np.isin(values, (0, 1)).all():
        raise ValueError("correct must hold booleans (or 0/1), one per item")
    if isinstance(chance, bool) or not 0.0 < float(chance) < 1.0:
        raise ValueError(f"chance={chance!r}: need a rate strictly between 0 and 1")
    n, hits, rate = len(values), int(values.astype(bool).sum()), float(chance)

    def log_term(k: int) -> float:  # log of C(n, k) rate^k (1 - rate)^(n - k), safe for large n
        log_comb = math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
        return log_comb + k * math.log(rate) + (n - k) * math.log1p(-rate)

    tail = sum(math.exp(log_term(k)) for k in range(hits, n + 1))
    return BinomialTest(hits, n, rate, min(1.0, tail))


def auroc(positive: Any, negative: Any) -> float:
    """Area under the ROC curve: P(a positive item's score > a negative one's), ties count half.

    Introduced in notebooks/07_choosing_a_model.ipynb: how well a score separates two groups
    at every threshold at once, so no operating point has to be chosen.
    """
    pos, neg = np.asarray(positive, dtype=np.float64), np.asarray(negative, dtype=np.float64)
    if pos.ndim != 1 or neg.ndim != 1 or not len(pos) or not len(neg):
        raise ValueError(f"need two non-empty 1-D score arrays, got {pos.shape} and {neg.shape}")
    if not (np.isfinite(pos).all() and np.isfinite(neg).all()):
        raise ValueError("scores hold NaN or infinite values")
    above = (pos[:, None] > neg[None, :]).mean()
    tied = (pos[:, None] == neg[None, :]).mean()
    return float(above + tied / 2)


@dataclass(frozen=True)
class BootstrapDifference:
    """`difference`: statistic(A) - statistic(B) on the items; `low`, `high`: its 95% interval;
    `p_value`: two-sided, twice the smaller share of resamples on either side of zero, never
    below 2 / `resamples` (the test cannot resolve smaller values)."""

    difference: float
    low: float
    high: float
    p_value: float
    resamples: int

    def verdict(self, a: str, b: str, alpha: float = 0.05) -> str:
        """One clause for a lesson: which is higher, or no detectable difference."""
        span = (
            f"difference {self.difference:+.3f}, 95% interval {self.low:+.3f} to {self.high:+.3f}"
        )
        floor = 2 / self.resamples
        p = f"p < {floor:.2g}" if self.p_value <= floor else f"p = {self.p_value:.2g}"
        if self.p_value >= alpha:
            return f"no detectable difference ({span}; paired bootstrap {p})"
        higher = a if self.difference > 0 else b
        return f"{higher} is higher ({span}; paired bootstrap {p})"


def paired_bootstrap(
    statistic: Any, a: tuple, b: tuple, n_items: int, resamples: int = 2000, seed: int = 0
) -> BootstrapDifference:
    """Paired bootstrap of statistic(*a) - statistic(*b): every resample draws the same items
    (rows of each array in `a` and `b`, all of length `n_items`) for both systems.

    Introduced in notebooks/07_choosing_a_model.ipynb. Returns a BootstrapDifference.
    """
    arrays = [np.asarray(x) for x in (*a, *b)]
    if any(len(x) != n_items for x in arrays):
        raise ValueError(f"every array must hold one row per item ({n_items})")
    resamples = _check_resamples(resamples)
    rng = np.random.default_rng(seed)
    observed = statistic(*a) - statistic(*b)
    draws = np.empty(resamples)
    for i in range(resamples):
        rows = rng.integers(0, n_items, n_items)
        draws[i] = statistic(*(x[rows] for x in arrays[: len(a)])) - statistic(
            *(x[rows] for x in arrays[len(a) :])
        )
    low, high = np.percentile(draws, [2.5, 97.5])
    side = min(np.mean(draws <= 0), np.mean(draws >= 0))
    p_value = min(1.0, 2 * max(side, 1 / resamples))
    return BootstrapDifference(float(observed), float(low), float(high), float(p_value), resamples)


# Per-query comparisons (notebooks/09_retrieval_evaluation.ipynb).

EXACT_LIMIT = 16  # the exact randomisation test enumerates 2**n sign patterns: n <= 16 only
MIN_RESAMPLES = 100  # fewer resamples give no usable interval or p-value


def differences(a: Any, b: Any) -> np.ndarray:
    """Return a - b per query, after checking both are equal-length, finite, 1-D arrays."""
    first = np.asarray(a, dtype=np.float64)
    second = np.asarray(b, dtype=np.float64)
    if first.ndim != 1 or first.shape != second.shape or first.size < 2:
        raise ValueError(
            f"a and b must be per-query values of one equal length >= 2; got shapes "
            f"{first.shape} and {second.shape}"
        )
    for name, values in (("a", first), ("b", second)):
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise ValueError(f"{name}[{int(bad[0])}] is {values[bad[0]]}; values must be finite")
    return first - second


def _check_resamples(n_resamples: Any) -> int:
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, (int, np.integer)):
        raise ValueError(f"n_resamples must be an int, got {n_resamples!r}")
    if n_resamples < MIN_RESAMPLES:
        raise ValueError(f"n_resamples={n_resamples}: need at least {MIN_RESAMPLES}")
    return int(n_resamples)


def _is_binary(diff: np.ndarray) -> bool:
    """True when every difference is -1, 0 or 1 (two systems' 0/1 values, such as success@K)."""
    return bool(np.isin(diff, (-1.0, 0.0, 1.0)).all())


@dataclass(frozen=True)
class PairedComparison:
    """Mean of a - b over queries, its bootstrap interval, and the randomisation test's p.

    `method` names how p was computed: "exact sign test" (0/1 values), "exact randomisation"
    (at most EXACT_LIMIT non-zero differences) or "Monte Carlo randomisation" (then p is never
    below 1 / (n_resamples + 1), its floor)."""

    mean_difference: float
    low: float
    high: float
    confidence: float
    p_value: float
    n_queries: int
    n_resamples: int
    method: str = "Monte Carlo randomisation"

    def p_text(self) -> str:
        """The p-value as a lesson prints it: "p < 1/(N+1)" at the Monte Carlo floor."""
        floor = 1 / (self.n_resamples + 1)
        if self.method.startswith("Monte Carlo") and self.p_value <= floor:
            return f"p < 1/{self.n_resamples + 1:,} (no resample reached the observed difference)"
        return f"p = {self.p_value:.2g}"

    def verdict(self, a: str, b: str, alpha: float = 0.05) -> str:
        """The one rule: a difference is claimed when the test's p < alpha, in the direction of
        the mean difference; otherwise "no detectable difference". Returns one clause."""
        if self.p_value >= alpha or self.mean_difference == 0:
            return f"no detectable difference between {a} and {b}"
        return f"{a} is better" if self.mean_difference > 0 else f"{b} is better"

    def __str__(self) -> str:
        return (
            f"mean difference {self.mean_difference:+.4f}, {self.confidence:.0%} CI "
            f"[{self.low:+.4f}, {self.high:+.4f}], {self.method} {self.p_text()} "
            f"({self.n_queries} queries)"
        )


def bootstrap_interval(
    a: Any, b: Any, *, confidence: float = 0.95, n_resamples: int = 10_000, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean per-query difference a - b: resample queries
    with replacement (the pair stays together), take the mean difference each time, and keep
    the middle `confidence` share of those means. Returns (low, high)."""
    diff = differences(a, b)
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")
    n_resamples = _check_resamples(n_resamples)
    rng = np.random.default_rng(seed)
    means = np.empty(n_resamples)
    for start in range(0, n_resamples, 1000):  # 1000 resamples at a time keeps memory small
        size = min(1000, n_resamples - start)
        picks = rng.integers(0, diff.size, size=(size, diff.size))
        means[start : start + size] = diff[picks].mean(axis=1)
    tail = (1 - confidence) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return float(low), float(high)


def _test_method(diff: np.ndarray, n_resamples: int) -> str:
    changed = int(np.count_nonzero(diff))
    if _is_binary(diff):
        return "exact sign test"
    if changed <= EXACT_LIMIT and 2**changed <= n_resamples:
        return "exact randomisation"
    return "Monte Carlo randomisation"


def randomisation_test(a: Any, b: Any, *, n_resamples: int = 10_000, seed: int = 0) -> float:
    """Two-sided p-value of the paired randomisation test: under "no difference" each query's
    difference is as likely to have either sign, so flip signs and count how often |mean|
    reaches the observed one. Queries with difference 0 do not change under a flip.

    Exact on 0/1 values (differences -1, 0, 1): then it is the exact sign test and equals
    `sign_test(a, b).p_value`. Exact over every sign pattern when at most EXACT_LIMIT
    differences are non-zero and 2**those <= n_resamples; otherwise Monte Carlo with the +1
    correction, so p is never below 1 / (n_resamples + 1). Returns the p-value."""
    diff = differences(a, b)
    n_resamples = _check_resamples(n_resamples)
    method = _test_method(diff, n_resamples)
    if method == "exact sign test":
        return sign_test(diff > 0, diff < 0).p_value
    changed = diff[diff != 0]
    observed = abs(diff.sum())  # the same n divides every mean: compare sums
    tolerance = 1e-12 * max(1.0, float(np.abs(diff).sum()))  # equal means must count as equal
    if method == "exact randomisation":
        signs = np.array(list(itertools.product((1.0, -1.0), repeat=changed.size)))
        return float(np.mean(np.abs(signs @ changed) >= observed - tolerance))
    rng = np.random.default_rng(seed)
    count = 0
    for start in range(0, n_resamples, 1000):
        size = min(1000, n_resamples - start)
        signs = rng.integers(0, 2, size=(size, changed.size)) * 2.0 - 1.0
        count += int(np.sum(np.abs(signs @ changed) >= observed - tolerance))
    return (count + 1) / (n_resamples + 1)


def compare(
    a: Any, b: Any, *, confidence: float = 0.95, n_resamples: int = 10_000, seed: int = 0
) -> PairedComparison:
    """Paired comparison of two systems' per-query values: mean a - b, its bootstrap interval
    and the randomisation test's p-value (exact sign test on 0/1 values). Introduced in
    notebooks/09_retrieval_evaluation.ipynb. Returns a PairedComparison."""
    diff = differences(a, b)
    low, high = bootstrap_interval(a, b, confidence=confidence, n_resamples=n_resamples, seed=seed)
    return PairedComparison(
        mean_difference=float(diff.mean()),
        low=low,
        high=high,
        confidence=confidence,
        p_value=randomisation_test(a, b, n_resamples=n_resamples, seed=seed),
        n_queries=diff.size,
        n_resamples=n_resamples,
        method=_test_method(diff, n_resamples),
    )


def queries_needed(
    sd_of_differences: float, effect: float, *, alpha: float = 0.05, power: float = 0.8
) -> int:
    """Queries a paired test needs to detect a mean difference `effect` with probability
    `power` at two-sided level `alpha`, when per-query differences have standard deviation
    `sd_of_differences`: n = ((z(1 - alpha/2) + z(power)) * sd / effect)^2 (normal
    approximation; measure the sd on a pilot set of queries, and choose `effect` before
    looking at the comparison you plan: the smallest difference worth detecting)."""
    if not (math.isfinite(sd_of_differences) and sd_of_differences > 0):
        raise ValueError(f"sd_of_differences must be a positive number, got {sd_of_differences!r}")
    if not (math.isfinite(effect) and effect != 0):
        raise ValueError(f"effect must be a non-zero number, got {effect!r}")
    if not (0 < alpha < 1 and 0 < power < 1):
        raise ValueError(f"alpha and power must be between 0 and 1; got {alpha!r}, {power!r}")
    z = NormalDist().inv_cdf
    return math.ceil(((z(1 - alpha / 2) + z(power)) * sd_of_differences / abs(effect)) ** 2)
