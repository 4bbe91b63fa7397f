"""Re-record the figures a lesson quotes, after a deliberate change (e.g. a retrained checkpoint).

Usage: python scripts/record_expected.py notebooks/05_compositional_failures.ipynb [...]
Runs each lesson offline on a fresh kernel with MMLAB_RECORD set, then rewrites
tests/notebooks/expected/<stem>.json with the recorded values. A key keeps its tolerance; a new
key gets DEFAULT_TOLERANCE (review it). Prints every value that moved by more than its
tolerance, so that the commit message can say what changed and the prose can be reread.
Only for figures the prose quotes through f-strings; a sentence typed by hand must be reread.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ROOT / "tests" / "notebooks" / "expected"
DEFAULT_TOLERANCE = 0.02


def record(path: Path) -> dict[str, float]:
    """Run the lesson offline and return the figures it recorded."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "recorded.json"
        os.environ.update(MMLAB_RECORD=str(target), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
        notebook = nbformat.read(path, as_version=4)
        NotebookClient(
            notebook, timeout=600, resources={"metadata": {"path": str(path.parent)}}
        ).execute()
        return json.loads(target.read_text()) if target.exists() else {}


def update(path: Path) -> None:
    """Rewrite the lesson's expected file from a fresh run and report what moved."""
    file = EXPECTED / f"{path.stem}.json"
    old = json.loads(file.read_text()) if file.exists() else {}
    new = record(path)
    result = {}
    for key in sorted(new):
        value, tolerance = new[key], old.get(key, [None, DEFAULT_TOLERANCE])[1]
        result[key] = [round(value, 4), tolerance]
        before = old.get(key, [None])[0]
        if before is None or abs(before - value) > tolerance:
            print(f"{path.stem}: {key}: {before} -> {value:.4f} (tolerance {tolerance})")
    for key in sorted(set(old) - set(new)):
        print(f"{path.stem}: {key}: no longer recorded, dropped")
    file.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for name in sys.argv[1:]:
        update(Path(name).resolve())
