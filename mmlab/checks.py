"""Input checks shared by the public functions: lists of strings that must not be bare strings.

A bare string is itself a sequence of characters, so `zero_shot(model, vectors, "red")` would
silently use the labels "r", "e" and "d". Every function that takes a list of strings passes it
through `string_list` first. Introduced with notebooks/01_shared_space.ipynb (zero-shot labels).
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
