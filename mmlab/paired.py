"""Paired comparisons of two systems on the same items: the exact sign test.

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
