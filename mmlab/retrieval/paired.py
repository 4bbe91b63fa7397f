"""Comparing two systems on the same queries: per-query differences, a paired bootstrap
confidence interval, a randomisation (sign-flip permutation) test, and how many queries a
difference of a given size needs.

Introduced in notebooks/09_retrieval_evaluation.ipynb. numpy and the standard library only.
Both systems must be measured on the same queries in the same order: pass per-query values
(for example `per_query(...)["success@1"]` of each system), never means.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np


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


@dataclass(frozen=True)
class PairedComparison:
    """Mean of a - b over queries, its bootstrap interval, and the randomisation test's p."""

    mean_difference: float
    low: float
    high: float
    confidence: float
    p_value: float
    n_queries: int
    n_resamples: int

    def __str__(self) -> str:
        return (
            f"mean difference {self.mean_difference:+.4f}, {self.confidence:.0%} CI "
            f"[{self.low:+.4f}, {self.high:+.4f}], randomisation p = {self.p_value:.4g} "
            f"({self.n_queries} queries)"
        )


def bootstrap_interval(
    a: Any, b: Any, *, confidence: float = 0.95, n_resamples: int = 10_000, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean per-query difference a - b: resample queries
    with replacement (the pair stays together), take the mean difference each time, and keep
    the middle `confidence` share of those means."""
    diff = differences(a, b)
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")
    rng = np.random.default_rng(seed)
    means = np.empty(n_resamples)
    for start in range(0, n_resamples, 1000):  # 1000 resamples at a time keeps memory small
        size = min(1000, n_resamples - start)
        picks = rng.integers(0, diff.size, size=(size, diff.size))
        means[start : start + size] = diff[picks].mean(axis=1)
    tail = (1 - confidence) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return float(low), float(high)


def randomisation_test(a: Any, b: Any, *, n_resamples: int = 10_000, seed: int = 0) -> float:
    """Two-sided p-value of the paired randomisation test: under "no difference" each query's
    difference is as likely to have either sign, so flip signs at random and count how often
    |mean| reaches the observed one. Exact (every sign pattern) when 2**n <= n_resamples;
    otherwise Monte Carlo with the +1 correction, so p is never 0."""
    diff = differences(a, b)
    observed = abs(diff.mean())
    tolerance = 1e-12 * max(1.0, float(np.abs(diff).max()))  # equal means must count as equal
    if 2**diff.size <= n_resamples:
        signs = np.array(list(itertools.product((1.0, -1.0), repeat=diff.size)))
        flipped = np.abs(signs @ diff) / diff.size
        return float(np.mean(flipped >= observed - tolerance))
    rng = np.random.default_rng(seed)
    count = 0
    for start in range(0, n_resamples, 1000):
        size = min(1000, n_resamples - start)
        signs = rng.integers(0, 2, size=(size, diff.size)) * 2.0 - 1.0
        count += int(np.sum(np.abs(signs @ diff) / diff.size >= observed - tolerance))
    return (count + 1) / (n_resamples + 1)


def compare(
    a: Any, b: Any, *, confidence: float = 0.95, n_resamples: int = 10_000, seed: int = 0
) -> PairedComparison:
    """Paired comparison of two systems' per-query values: mean a - b, its bootstrap interval
    and the randomisation test's p-value. Introduced in notebooks/09_retrieval_evaluation.ipynb."""
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
    )


def queries_needed(
    sd_of_differences: float, effect: float, *, alpha: float = 0.05, power: float = 0.8
) -> int:
    """Queries a paired test needs to detect a mean difference `effect` with probability
    `power` at two-sided level `alpha`, when per-query differences have standard deviation
    `sd_of_differences`: n = ((z(1 - alpha/2) + z(power)) * sd / effect)^2 (normal
    approximation; measure the sd on a pilot set of queries)."""
    if not (math.isfinite(sd_of_differences) and sd_of_differences > 0):
        raise ValueError(f"sd_of_differences must be a positive number, got {sd_of_differences!r}")
    if not (math.isfinite(effect) and effect != 0):
        raise ValueError(f"effect must be a non-zero number, got {effect!r}")
    if not (0 < alpha < 1 and 0 < power < 1):
        raise ValueError(f"alpha and power must be between 0 and 1; got {alpha!r}, {power!r}")
    z = NormalDist().inv_cdf
    return math.ceil(((z(1 - alpha / 2) + z(power)) * sd_of_differences / abs(effect)) ** 2)
