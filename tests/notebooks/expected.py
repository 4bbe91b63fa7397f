"""The figures each lesson's prose quotes: {notebook: {key: (value, tolerance)}}.

A lesson records each quoted number with `mmlab.lesson.record(key, value)`; after running the
lesson the test suite checks every recorded key against this table, and fails on a key recorded
without an expectation or expected but never recorded. When a lesson's prose changes, change it
here in the same commit.
"""

from __future__ import annotations

EXPECTED: dict[str, dict[str, tuple[float, float]]] = {}
