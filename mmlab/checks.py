"""Input checks shared by the public functions: lists of strings that must not be bare strings,
score matrices that must be finite, and counts such as K that must be positive ints.

A bare string is itself a sequence of characters, so `zero_shot(model, vectors, "red")` would
silently use the labels "r", "e" and "d". Every function that takes a list of strings passes it
through `string_list` first. Introduced with notebooks/01_shared_space.ipynb (zero-shot labels);
`finite_scores` and `positive_int` serve the retrieval measures of lessons 04 and 09.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def string_list(values: Any, what: str, allow_empty: bool = False) -> list[str]:
    """Return `values` (a list, tuple or 1-D array of str) as a list of str.

    Refuses a bare str (with the fix: wrap it in a list), None, non-sequences, non-str items
    (naming the index) and, unless `allow_empty`, an empty list. `what` names the argument in
    the messages. Returns a new list in the order given.
    """
    if isinstance(values, (str, bytes)):
        raise TypeError(
            f"{what} is the single string {values!r:.60}, which would be read letter by letter; "
            f"pass a list of strings, e.g. [{values!r:.40}]"
        )
    if isinstance(values, np.ndarray):
        if values.ndim != 1:
            raise TypeError(f"{what} is a {values.ndim}-D array: expected a list of str")
        values = values.tolist()
    if values is None or not isinstance(values, (list, tuple)):
        raise TypeError(f"{what} is a {type(values).__name__}: expected a list of str")
    items = list(values)
    if not items and not allow_empty:
        raise ValueError(f"{what} is empty: give at least one")
    for index, item in enumerate(items):
        if not isinstance(item, str):
            raise TypeError(f"{what}[{index}] is {type(item).__name__} {item!r:.60}: expected str")
    return items


def finite_scores(scores: Any, row_names: Any = None) -> np.ndarray:
    """Return `scores` as a float64 (queries, items) matrix; refuse an empty or non-2-D one, and
    NaN or infinity naming the first bad row (with its name from `row_names`, if given) and
    column. Used by mmlab.evaluate (lesson 04) and mmlab.retrieval (lesson 09)."""
    matrix = np.asarray(scores, dtype=np.float64)
    if matrix.ndim != 2 or 0 in matrix.shape:
        raise ValueError(f"scores must be a non-empty (queries, items) matrix, got {matrix.shape}")
    bad = np.argwhere(~np.isfinite(matrix))
    if bad.size:
        row, column = (int(i) for i in bad[0])
        name = f" (query {row_names[row]!r})" if row_names is not None else ""
        raise ValueError(
            f"scores row {row}{name}, column {column} is {matrix[row, column]}: a NaN or infinite "
            "score cannot be ranked (did the model or the training diverge?)"
        )
    return matrix


def positive_int(value: Any, what: str = "k") -> int:
    """Return `value` as an int if it is a positive int (not a bool, not a float); else refuse,
    naming `what`."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{what} must be a positive int, got {value!r}")
    return int(value)
