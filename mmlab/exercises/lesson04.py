"""Exercises for notebooks/04_cross_modal_search.ipynb: top-k search over a gallery, and a prompt
ensemble's class vector."""

from __future__ import annotations

from typing import Any

import numpy as np

from mmlab.exercises.core import Question, call_answer, unit_rows


class Search(Question):
    """Indices of the k gallery vectors closest to one query vector, best first."""

    name = "search"
    hints = [
        "With unit vectors, gallery @ query gives one cosine per gallery item.",
        "np.argsort sorts from smallest to largest; you want the largest first.",
    ]
    stub_code = """
    def search(query, gallery, k):
        raise NotImplementedError  # your code here
    """
    solution_code = """
    def search(query, gallery, k):
        scores = gallery @ query
        return np.argsort(-scores)[:k]
    """
    wrong_code = """
    def search(query, gallery, k):
        scores = gallery @ query
        return np.argsort(scores)[:k]
    """
    setup_code = "import numpy as np"
    success = "that is all exact search is: one matrix-vector product and a sort."

    def find_problem(self, answer: Any) -> str | None:
        rng = np.random.default_rng(21)
        for n, d, k in ((20, 8, 3), (50, 16, 5), (7, 4, 7)):
            gallery = unit_rows(rng.normal(size=(n, d)))
            query = unit_rows(rng.normal(size=d))
            got = np.asarray(call_answer(answer, query.copy(), gallery.copy(), k)).ravel()
            where = f"(a gallery of {n}, k = {k})"
            if got.shape != (k,):
                return f"return k = {k} indices {where}; yours has shape {got.shape}."
            if not np.issubdtype(got.dtype, np.integer):
                return f"return integer gallery indices {where}, not {got.dtype} values."
            if len(set(got.tolist())) != k or got.min() < 0 or got.max() >= n:
                return (
                    f"the indices should be {k} different positions between 0 and {n - 1} {where}."
                )
            scores = gallery @ query
            if not np.all(np.diff(scores[got]) <= 1e-12):
                return f"your results are not in order of decreasing cosine {where}."
            if not np.isclose(scores[got].min(), np.sort(scores)[-k]):
                return f"the results are ordered but are not the {k} closest items {where}."
        return None


class EnsembleVector(Question):
    """One class vector from several prompt vectors: CLIP's prompt ensemble."""

    name = "ensemble_vector"
    hints = [
        "Average the prompt vectors (one per row) into one vector.",
        "Other class vectors are compared by cosine, so the average should also be a unit vector.",
    ]
    stub_code = """
    def ensemble_vector(prompt_vectors):
        raise NotImplementedError  # your code here
    """
    solution_code = """
    def ensemble_vector(prompt_vectors):
        mean = prompt_vectors.mean(axis=0)
        return mean / np.linalg.norm(mean)
    """
    wrong_code = """
    def ensemble_vector(prompt_vectors):
        return prompt_vectors.mean(axis=0)
    """
    setup_code = "import numpy as np"
    success = "averaging in embedding space, then renormalising, is exactly CLIP's ensemble."

    def find_problem(self, answer: Any) -> str | None:
        rng = np.random.default_rng(4)
        for n, d in ((5, 8), (2, 3), (12, 32)):
            prompts = unit_rows(rng.normal(size=(n, d)) + rng.normal(size=d))
            got = np.asarray(call_answer(answer, prompts.copy()), dtype=np.float64)
            where = f"({n} prompt vectors of {d} dimensions)"
            if got.shape != (d,):
                return f"return one vector of shape ({d},) {where}; yours has shape {got.shape}."
            if not np.isfinite(got).all():
                return f"your vector holds NaN or inf {where}."
            if not np.isclose(np.linalg.norm(got), 1.0, atol=1e-6):
                return f"your vector has length {np.linalg.norm(got):.3f} {where}; it should be 1."
            mean = prompts.mean(axis=0)
            if not np.isclose(got @ mean / np.linalg.norm(mean), 1.0, atol=1e-6):
                return f"your unit vector does not point along the prompts' average {where}."
        return None


q1 = Search()
q2 = EnsembleVector()
