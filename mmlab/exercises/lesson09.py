"""Exercises for notebooks/09_retrieval_evaluation.ipynb: average precision of one ranking, and an
exact randomisation test over every sign pattern."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from mmlab.exercises.core import Question, call_answer


def _reference_ap(relevant: np.ndarray) -> float:
    hits = np.flatnonzero(relevant)
    return float(np.mean(np.arange(1, len(hits) + 1) / (hits + 1)))


class AveragePrecision(Question):
    """Average precision of one full ranking given as a 0/1 array, best first."""

    name = "average_precision"
    hints = [
        "Precision at rank r is (relevant items in the top r) / r; np.cumsum counts the first part.",
        "Average the precision only at the ranks where a relevant item sits, not at every rank.",
    ]
    stub_code = """
    def average_precision(relevant):
        raise NotImplementedError  # your code here
    """
    solution_code = """
    def average_precision(relevant):
        relevant = np.asarray(relevant) > 0
        precision = np.cumsum(relevant) / np.arange(1, len(relevant) + 1)
        return precision[relevant].mean()
    """
    wrong_code = """
    def average_precision(relevant):
        relevant = np.asarray(relevant) > 0
        precision = np.cumsum(relevant) / np.arange(1, len(relevant) + 1)
        return precision.mean()
    """
    setup_code = "import numpy as np"
    success = "that is AP; its mean over queries is MAP."

    def find_problem(self, answer: Any) -> str | None:
        rng = np.random.default_rng(9)
        cases = [np.array([1, 0, 0, 0]), np.array([0, 0, 0, 1]), np.array([0, 1, 0, 1, 1, 0])]
        cases += [(rng.random(20) < 0.3).astype(int) | np.eye(1, 20, 19, dtype=int)[0]]
        for relevant in cases:
            got = call_answer(answer, relevant.copy())
            where = f"(ranking {relevant.tolist()})"
            try:
                value = float(got)
            except (TypeError, ValueError):
                return f"return one number {where}, not {type(got).__name__}."
            if not 0 <= value <= 1:
                return f"average precision lies between 0 and 1; yours is {value:.3f} {where}."
            if not np.isclose(value, _reference_ap(relevant)):
                return (
                    f"your value {value:.4f} is not the average precision {where}; check which "
                    "ranks you average over."
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
    success = "every sign pattern tried: with few queries the test needs no random numbers."

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
        return None


q1 = AveragePrecision()
q2 = ExactPValue()
