"""Paired comparisons of two systems on the same items (the exact sign test, a paired bootstrap)
and one system against chance (the exact binomial test).

Introduced in notebooks/07_choosing_a_model.ipynb. When two models answer the same questions,
only the items where they disagree say which is better; the sign test asks how surprising the
split of those items would be if both were equally good (a fair coin per disagreement).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
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
