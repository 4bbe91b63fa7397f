"""The figures each lesson's prose quotes, one JSON file per lesson in tests/notebooks/expected/:
{"key": [value, tolerance], ...} for notebooks/<stem>.ipynb.

A lesson records each quoted number with `mmlab.lesson.record(key, value)`; after running the
lesson the test suite checks every recorded key against its file, and fails on a key recorded
without an expectation or expected but never recorded. When a lesson's prose changes, change its
file in the same commit.
"""

from __future__ import annotations

import json
from pathlib import Path

FOLDER = Path(__file__).resolve().parent / "expected"

EXPECTED: dict[str, dict[str, tuple[float, float]]] = {
    f"{path.stem}.ipynb": {
        key: (float(v), float(t)) for key, (v, t) in json.loads(path.read_text()).items()
    }
    for path in sorted(FOLDER.glob("*.json"))
}
