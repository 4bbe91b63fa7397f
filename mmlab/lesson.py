"""Numbers a lesson quotes in its prose, recorded so that the test suite can check them.

Introduced in notebooks/01_shared_space.ipynb. A lesson computes a number, shows it and calls
`record("zero_shot_colour_accuracy", acc)`. When the test suite runs the lesson it sets
MMLAB_RECORD to a file; every recorded value is written there as JSON, and
tests/notebooks/expected.py asserts each one against the figure the prose quotes, with a tolerance.
Outside the test suite `record` only returns the value.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

RECORDED: dict[str, float] = {}


def record(key: str, value: float) -> float:
    """Remember `value` under `key` (and write all values to $MMLAB_RECORD if set); return it."""
    if not isinstance(key, str) or not key.isidentifier():
        raise ValueError(f"key must be a short identifier such as 'recall_at_1', got {key!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{key}: value {value!r} is not a finite number")
    RECORDED[key] = number
    target = os.environ.get("MMLAB_RECORD")
    if target:
        Path(target).write_text(json.dumps(RECORDED, indent=1, sort_keys=True))
    return number
