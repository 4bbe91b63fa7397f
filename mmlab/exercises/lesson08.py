"""Exercises for notebooks/08_vector_index.ipynb: recall of an approximate search against exact
search, and an id made from content."""

from __future__ import annotations

import uuid
from typing import Any

import numpy as np

from mmlab.exercises.core import Question, call_answer


class RecallAgainstExact(Question):
    """Recall@k of an approximate search: the share of the exact top-k it found."""

    name = "recall_against_exact"
    hints = [
        "For each query, count how many ids of its exact row appear anywhere in its found row.",
        "Order does not matter, and -1 (a padded empty slot) matches nothing. Divide by the "
        "number of exact ids in all rows.",
    ]
    stub_code = """
    def recall_against_exact(found, exact):
        raise NotImplementedError  # your code here
    """
    solution_code = """
    def recall_against_exact(found, exact):
        shared = [len(set(f) & set(e)) for f, e in zip(found.tolist(), exact.tolist())]
        return sum(shared) / exact.size
    """
    wrong_code = """
    def recall_against_exact(found, exact):
        return float(np.mean(found == exact))
    """
    setup_code = "import numpy as np"
    success = "this is the recall every ANN benchmark quotes: against exact search, not labels."

    def find_problem(self, answer: Any) -> str | None:
        cases = [
            (np.array([[1, 2, 3]]), np.array([[3, 2, 1]]), 1.0, "the same ids in another order"),
            (np.array([[1, -1, -1]]), np.array([[1, 2, 3]]), 1 / 3, "a short list padded with -1"),
            (np.array([[4, 5], [6, 7]]), np.array([[5, 9], [1, 2]]), 0.25, "two queries"),
            (np.array([[7, 8, 9]]), np.array([[1, 2, 3]]), 0.0, "nothing in common"),
        ]
        for found, exact, expected, what in cases:
            got = call_answer(answer, found.copy(), exact.copy())
            try:
                value = float(got)
            except (TypeError, ValueError):
                return f"return one number between 0 and 1; for {what} you returned {got!r}."
            if not np.isclose(value, expected):
                return f"for {what} your recall is {value:.3f}; count shared ids row by row."
        return None


class ContentId(Question):
    """A point id made from a file's bytes, so the same content always gets the same id."""

    name = "content_id"
    hints = [
        "hashlib.sha256(data).digest() gives 32 bytes that depend only on the content.",
        "Qdrant accepts integers or UUID strings as ids; uuid.UUID(bytes=...) takes 16 bytes.",
    ]
    stub_code = """
    def content_id(data):
        raise NotImplementedError  # your code here
    """
    solution_code = """
    def content_id(data):
        return str(uuid.UUID(bytes=hashlib.sha256(data).digest()[:16]))
    """
    wrong_code = """
    def content_id(data):
        return str(uuid.uuid4())
    """
    setup_code = "import hashlib\nimport uuid"
    success = "re-running an ingest now finds every file it stored before."

    def find_problem(self, answer: Any) -> str | None:
        samples = [b"a picture", b"a picture ", b"", bytes(range(256))]
        first = [call_answer(answer, s) for s in samples]
        for got in first:
            try:
                uuid.UUID(str(got))
            except ValueError:
                return f"Qdrant needs a UUID string or an integer; you returned {got!r}."
        if [call_answer(answer, s) for s in samples] != first:
            return "the same bytes gave two different ids: a re-run would store them twice."
        if len(set(map(str, first))) != len(first):
            return "two different contents got the same id: one would overwrite the other."
        return None


q1 = RecallAgainstExact()
q2 = ContentId()
