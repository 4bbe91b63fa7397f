"""Exercises for notebooks/01_shared_space.ipynb: reading a similarity matrix, and turning cosines
into probabilities with a temperature."""

from __future__ import annotations

from typing import Any

import numpy as np

from mmlab.exercises.core import Question, call_answer


def _probe_matrices() -> list[np.ndarray]:
    """Square score tables where rows and columns disagree, so the direction read matters."""
    rng = np.random.default_rng(11)
    tables = [rng.uniform(-0.2, 0.6, size=(n, n)) for n in (4, 6, 8)]
    tricky = np.array([[0.9, 0.1, 0.0], [0.95, 0.3, 0.2], [0.1, 0.2, 0.4]])
    tables.append(tricky)  # row 1's best is column 0: only rows 0 and 2 match
    return tables


def _reference_top1(scores: np.ndarray) -> float:
    return float(np.mean(np.argmax(scores, axis=1) == np.arange(len(scores))))


class Top1Matches(Question):
    """Share of images (rows) whose highest-scoring caption (column) is their own."""

    name = "top1_matches"
    hints = [
        "Row i holds image i's cosine with every caption; its own caption is column i.",
        "np.argmax(S, axis=1) gives each row's best column; compare it with np.arange(len(S)).",
    ]
    stub_code = """
    def top1_matches(S):
        raise NotImplementedError  # your code here
    """
    solution_code = """
    def top1_matches(S):
        best = np.argmax(S, axis=1)
        return float(np.mean(best == np.arange(len(S))))
    """
    wrong_code = """
    def top1_matches(S):
        best = np.argmax(S, axis=0)
        return float(np.mean(best == np.arange(len(S))))
    """
    setup_code = "import numpy as np"
    success = "a trained model puts most row maxima on the diagonal; chance is 1 / N."

    def find_problem(self, answer: Any) -> str | None:
        for scores in _probe_matrices():
            got = call_answer(answer, scores.copy())
            if not isinstance(got, (float, int, np.floating, np.integer)):
                return f"return one number (a share between 0 and 1), not a {type(got).__name__}."
            got = float(got)
            if not 0.0 <= got <= 1.0:
                return f"a share lies between 0 and 1; yours gave {got:.3f} for a {len(scores)}×{len(scores)} table."
            if abs(got - _reference_top1(scores)) > 1e-9:
                return (
                    f"wrong share for a {len(scores)}×{len(scores)} table whose rows and columns "
                    "disagree: are you reading each image's row (its captions), not each "
                    "caption's column?"
                )
        return None


class ScaledSoftmax(Question):
    """Row-wise softmax of `scale * cosines`: the model's probabilities over candidate captions."""

    name = "softmax_probs"
    hints = [
        "Multiply the cosines by the scale, exponentiate, and divide each row by its own sum.",
        "exp(100) is too large for float32. Subtracting each row's maximum before np.exp "
        "changes nothing in the result and keeps the numbers small.",
    ]
    stub_code = """
    def softmax_probs(cosines, scale):
        raise NotImplementedError  # your code here
    """
    solution_code = """
    def softmax_probs(cosines, scale):
        logits = scale * np.asarray(cosines, dtype=np.float64)
        logits = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)
    """
    wrong_code = """
    def softmax_probs(cosines, scale):
        e = np.exp(scale * cosines)
        return e / e.sum()
    """
    setup_code = "import numpy as np"
    success = "a larger scale (a lower temperature) makes the same cosines far more decisive."

    def find_problem(self, answer: Any) -> str | None:
        rng = np.random.default_rng(5)
        cases = [(rng.uniform(0.1, 0.4, size=(3, 5)), scale) for scale in (1.0, 14.3, 100.0)]
        cases.append((np.full((2, 4), 0.99, dtype=np.float32), 100.0))  # float32 near 1
        for cosines, scale in cases:
            probs = np.asarray(call_answer(answer, cosines.copy(), scale), dtype=np.float64)
            where = f"(cosines of shape {cosines.shape}, scale {scale:g})"
            if probs.shape != cosines.shape:
                return f"the result should have the shape of the cosines {where}; yours is {probs.shape}."
            if not np.isfinite(probs).all():
                return f"your result holds NaN or inf {where}: something overflowed."
            if (probs < 0).any() or not np.allclose(probs.sum(axis=1), 1.0, atol=1e-6):
                return f"each row should be a distribution (non-negative, summing to 1) {where}."
            logits = scale * cosines.astype(np.float64)
            want = np.exp(logits - logits.max(axis=1, keepdims=True))
            want /= want.sum(axis=1, keepdims=True)
            if not np.allclose(probs, want, atol=1e-6):
                return f"the rows are distributions but not the softmax of scale × cosine {where}."
        return None


q1 = Top1Matches()
q2 = ScaledSoftmax()
