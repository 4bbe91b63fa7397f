"""Remove outputs, execution counts and widget state from notebooks, in place.

Usage: python scripts/strip_notebooks.py notebooks/*.ipynb
Lessons are stored clean so that a learner opens them fresh; the test suite checks this.
"""

from __future__ import annotations

import sys

import nbformat


def strip(path: str) -> bool:
    """Strip one notebook; return True when the file changed."""
    notebook = nbformat.read(path, as_version=4)
    before = nbformat.writes(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    notebook.metadata.pop("widgets", None)
    after = nbformat.writes(notebook)
    if after != before:
        nbformat.write(notebook, path)
    return after != before


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"{'stripped' if strip(name) else 'clean   '} {name}")
