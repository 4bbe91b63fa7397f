"""Exercises for notebooks/00_welcome.ipynb: cosine similarity and unit vectors."""

from __future__ import annotations

from typing import Any

import numpy as np

from mmlab.exercises.core import Question, call_answer


def _probe_vectors() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(7)
    pairs = [(rng.normal(size=8), rng.normal(size=8)) for _ in range(5)]
    pairs.append((np.array([1.0, 0.0, 0.0]), np.array([0.0, 2.0, 0.0])))
    return pairs


class Cosine(Question):
    """Write cosine similarity for two 1-D vectors."""

    name = "cosine"
    hints = [
        "Cosine similarity is a dot product divided by the two lengths.",
        "np.dot(a, b) gives the dot product; np.linalg.norm(a) gives the length of a.",
    ]
    stub_code = """
    def cosine(a, b):
        raise NotImplementedError  # your code here
    """
    solution_code = """
    def cosine(a, b):
        return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))
    """
    wrong_code = """
    def cosine(a, b):
        return float(np.dot(a, b))
    """
    setup_code = "import numpy as np"
    success = "cosine similarity ignores length and keeps only direction."

    def find_problem(self, answer: Any) -> str | None:
        for a, b in _probe_vectors():
            got = float(call_answer(answer, a, b))
            want = float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
            if not np.isfinite(got):
                return "your function returned a value that is not a finite number."
            if abs(got) > 1 + 1e-6:
                return f"a cosine lies between -1 and 1; yours gave {got:.3f} for two 8-d vectors."
            if abs(got - want) > 1e-6:
                return (
                    "your value is in range but not the cosine: try a vector against itself, "
                    "and a vector against a stretched copy of itself — both should give 1."
                )
        return None


class UnitRows(Question):
    """L2-normalise each row of a matrix (what every embedder does before comparing)."""

    name = "unit_rows"
    hints = [
        "Divide each row by its own length, not the matrix by one number.",
        "np.linalg.norm(X, axis=1, keepdims=True) gives one length per row, shaped to broadcast.",
    ]
    stub_code = """
    def unit_rows(X):
        raise NotImplementedError  # your code here
    """
    solution_code = """
    def unit_rows(X):
        return X / np.linalg.norm(X, axis=1, keepdims=True)
    """
    wrong_code = """
    def unit_rows(X):
        return X / np.linalg.norm(X)
    """
    setup_code = "import numpy as np"
    success = "after this, a matrix product of two such matrices is a table of cosines."

    def find_problem(self, answer: Any) -> str | None:
        X = np.random.default_rng(3).normal(size=(6, 5)) * np.arange(1, 7)[:, None]
        original = X.copy()
        out = np.asarray(call_answer(answer, X))
        if not np.array_equal(X, original):
            return "your function changed its input in place; return a new array instead."
        if out.shape != X.shape:
            return f"the result should keep the input's shape {X.shape}; yours is {out.shape}."
        lengths = np.linalg.norm(out, axis=1)
        if not np.allclose(lengths, 1.0, atol=1e-6):
            return f"every row should have length 1; yours have lengths {np.round(lengths, 3)}."
        same_direction = np.sum(out * X, axis=1) / np.linalg.norm(X, axis=1)
        if not np.allclose(same_direction, 1.0, atol=1e-6):
            return "the rows have length 1 but no longer point where the input rows pointed."
        return None


q1 = Cosine()
q2 = UnitRows()
