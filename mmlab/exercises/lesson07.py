"""Exercises for notebooks/07_choosing_a_model.ipynb: a "none of these" decision on sigmoid
probabilities, and truncating embeddings with re-normalisation."""

from __future__ import annotations

from typing import Any

import numpy as np

from mmlab.exercises.core import Question, call_answer, unit_rows


class NoneOfThese(Question):
    """Best candidate per row, or -1 when its (sigmoid) probability is below the threshold."""

    name = "none_of_these"
    hints = [
        "Each row is one picture; argmax along axis 1 gives its best candidate.",
        "Compare each row's largest probability with the threshold; np.where picks per row.",
    ]
    stub_code = """
    def none_of_these(probabilities, threshold):
        raise NotImplementedError  # your code here
    """
    solution_code = """
    def none_of_these(probabilities, threshold):
        best = probabilities.argmax(axis=1)
        return np.where(probabilities.max(axis=1) >= threshold, best, -1)
    """
    wrong_code = """
    def none_of_these(probabilities, threshold):
        return probabilities.argmax(axis=1)
    """
    setup_code = "import numpy as np"
    success = "with independent sigmoid scores one threshold means the same for any candidate list."

    def find_problem(self, answer: Any) -> str | None:
        rng = np.random.default_rng(7)
        for n, k, threshold in ((6, 4, 0.5), (20, 9, 0.3), (5, 1, 0.9)):
            probs = rng.random((n, k)) ** 2
            probs[0] = 0.01  # one row where nothing matches
            got = np.asarray(call_answer(answer, probs.copy(), threshold)).ravel()
            where = f"({n} pictures, {k} candidates, threshold {threshold})"
            if got.shape != (n,):
                return f"return one answer per picture {where}; yours has shape {got.shape}."
            if not np.issubdtype(got.dtype, np.integer):
                return f"return integer indices (or -1) {where}, not {got.dtype} values."
            expected = np.where(probs.max(axis=1) >= threshold, probs.argmax(axis=1), -1)
            if got[0] != -1:
                return f"a picture whose every probability is 0.01 should get -1 {where}."
            if not np.array_equal(got, expected):
                bad = int(np.flatnonzero(got != expected)[0])
                return f"picture {bad} gets {got[bad]} {where}: check the best index and the threshold."
        return None


class Truncate(Question):
    """The first d coordinates of each unit vector, re-normalised to length 1."""

    name = "truncate"
    hints = [
        "vectors[:, :d] keeps the first d coordinates of every row.",
        "The shortened rows are no longer unit vectors: divide each by its own length.",
    ]
    stub_code = """
    def truncate(vectors, d):
        raise NotImplementedError  # your code here
    """
    solution_code = """
    def truncate(vectors, d):
        short = vectors[:, :d]
        return short / np.linalg.norm(short, axis=1, keepdims=True)
    """
    wrong_code = """
    def truncate(vectors, d):
        return vectors[:, :d]
    """
    setup_code = "import numpy as np"
    success = "cosine similarity needs unit vectors again after the cut."

    def find_problem(self, answer: Any) -> str | None:
        rng = np.random.default_rng(8)
        for n, big, d in ((5, 16, 4), (3, 64, 32), (7, 8, 8)):
            vectors = unit_rows(rng.normal(size=(n, big)))
            got = np.asarray(call_answer(answer, vectors.copy(), d), dtype=np.float64)
            where = f"({n} vectors of {big} dimensions, d = {d})"
            if got.shape != (n, d):
                return f"return shape ({n}, {d}) {where}; yours has shape {got.shape}."
            if not np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-6):
                return f"your rows are not unit vectors {where}."
            short = vectors[:, :d]
            if not np.allclose(
                got, short / np.linalg.norm(short, axis=1, keepdims=True), atol=1e-6
            ):
                return f"your rows do not point along the first {d} coordinates {where}."
        return None


q1 = NoneOfThese()
q2 = Truncate()
