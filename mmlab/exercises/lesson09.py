"""Exercises for notebooks/09_retrieval_evaluation.ipynb: nDCG with exponential gains, and an
exact randomisation test over every sign pattern that equals the sign test on 0/1 values."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from mmlab.exercises.core import Question, call_answer
from mmlab.paired import sign_test


def _reference_ndcg(grades: np.ndarray, k: int) -> float:
    discount = 1 / np.log2(np.arange(2, len(grades) + 2))
    gains = 2.0 ** np.asarray(grades) - 1
    ideal = np.sort(gains)[::-1]
    return float((gains[:k] * discount[:k]).sum() / (ideal[:k] * discount[:k]).sum())


class NdcgExponential(Question):
    """nDCG@k of one full ranking with gains 2**grade - 1 (the notebook shows gains = grade)."""

    name = "ndcg_exponential"
    hints = [
        "The gain of an item is 2**grade - 1: grade 0 gives 0, grade 1 gives 1, grade 2 gives 3.",
        "The ideal DCG sorts the *gains* from highest to lowest, then takes the same top k with "
        "the same discount 1 / log2(rank + 1).",
    ]
    stub_code = """
    def ndcg_exponential(grades, k):
        raise NotImplementedError  # your code here
    """
    solution_code = """
    def ndcg_exponential(grades, k):
        gains = 2.0 ** np.asarray(grades) - 1
        discount = 1 / np.log2(np.arange(2, len(gains) + 2))
        ideal = np.sort(gains)[::-1]
        return (gains[:k] * discount[:k]).sum() / (ideal[:k] * discount[:k]).sum()
    """
    wrong_code = """
    def ndcg_exponential(grades, k):
        gains = np.asarray(grades, dtype=float)
        discount = 1 / np.log2(np.arange(2, len(gains) + 2))
        ideal = np.sort(gains)[::-1]
        return (gains[:k] * discount[:k]).sum() / (ideal[:k] * discount[:k]).sum()
    """
    setup_code = "import numpy as np"
    success = "a grade-2 item now counts three times a grade-1 item; say which gain a figure uses."

    def find_problem(self, answer: Any) -> str | None:
        rng = np.random.default_rng(9)
        cases = [
            (np.array([2, 0, 0, 0]), 3),
            (np.array([0, 1, 0, 2, 0]), 3),
            (np.array([1, 2, 0, 0, 1, 0]), 2),
            (np.array([0, 2, 0, 1, 0, 0, 1, 0]), 5),
            (np.r_[rng.integers(0, 3, 19), 2], 10),
        ]
        for grades, k in cases:
            got = call_answer(answer, grades.copy(), k)
            where = f"(grades {grades.tolist()}, k = {k})"
            try:
                value = float(got)
            except (TypeError, ValueError):
                return f"return one number {where}, not {type(got).__name__}."
            if not 0 <= value <= 1 + 1e-9:
                return f"nDCG lies between 0 and 1; yours is {value:.3f} {where}."
            if not np.isclose(value, _reference_ndcg(grades, k)):
                return (
                    f"your value {value:.4f} is not nDCG@{k} with gains 2**grade - 1 {where}; "
                    "check the gains and the ideal order."
                )
        return None


class ExactPValue(Question):
    """Two-sided exact randomisation p-value over all sign patterns of per-query differences."""

    name = "exact_p_value"
    hints = [
        "itertools.product((1, -1), repeat=n) gives every pattern of n signs (2**n of them).",
        "For each pattern take the mean of signs * differences; count the patterns whose absolute "
        "mean is at least the observed absolute mean (allow for rounding with a tiny tolerance).",
    ]
    stub_code = """
    def exact_p_value(differences):
        raise NotImplementedError  # your code here
    """
    solution_code = """
    def exact_p_value(differences):
        d = np.asarray(differences, dtype=float)
        signs = np.array(list(itertools.product((1, -1), repeat=len(d))))
        means = np.abs(signs @ d) / len(d)
        return np.mean(means >= abs(d.mean()) - 1e-12)
    """
    wrong_code = """
    def exact_p_value(differences):
        d = np.asarray(differences, dtype=float)
        signs = np.array(list(itertools.product((1, -1), repeat=len(d))))
        means = signs @ d / len(d)
        return np.mean(means >= d.mean() - 1e-12)
    """
    setup_code = "import itertools\nimport numpy as np"
    success = (
        "every sign pattern tried, and on 0/1 values it equals mmlab.paired.sign_test: flipping "
        "the sign of a -1/+1 difference is the sign test's fair coin."
    )

    def find_problem(self, answer: Any) -> str | None:
        cases = [
            np.array([1.0, 1, 1, 1, 1, 0, 0]),
            np.array([-1.0, -1, -1, 0, 0, 1]),
            np.array([0.3, -0.1, 0.25, 0.4, -0.05, 0.2, 0.1, 0.15]),
            np.zeros(5),
        ]
        for d in cases:
            got = call_answer(answer, d.copy())
            where = f"(differences {d.tolist()})"
            try:
                value = float(got)
            except (TypeError, ValueError):
                return f"return one number {where}, not {type(got).__name__}."
            if not 0 < value <= 1:
                return f"a p-value lies in (0, 1]; yours is {value:.3f} {where}."
            signs = np.array(list(itertools.product((1, -1), repeat=len(d))))
            expected = np.mean(np.abs(signs @ d) / len(d) >= abs(d.mean()) - 1e-12)
            if not np.isclose(value, expected):
                return (
                    f"your p-value {value:.4f} is not the exact two-sided one {where}; a "
                    "difference in either direction counts as extreme."
                )
        rng = np.random.default_rng(5)
        a, b = rng.random(12) < 0.7, rng.random(12) < 0.4
        value = float(call_answer(answer, a.astype(float) - b.astype(float)))
        if not np.isclose(value, sign_test(a, b).p_value):
            return (
                f"on 0/1 success values your p-value {value:.4f} differs from the sign test's "
                f"{sign_test(a, b).p_value:.4f}; the two should agree."
            )
        return None


q1 = NdcgExponential()
q2 = ExactPValue()
