"""Every lesson runs top to bottom on a fresh kernel, offline, without hanging; and every lesson is
stored without outputs, so a learner opens it clean.

A lesson's time budget (its metadata) is a speed goal, measured by benchmarks/bench_lessons.py
(`make bench`). Here it only sets a guard against hangs, HANG_FACTOR times the budget, so that a
learner who runs `make test` on a busy laptop does not see red for a slow machine."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from conftest import NOTEBOOKS_DIR, execute
from expected import EXPECTED

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
DEFAULT_BUDGET_S = 120
HANG_FACTOR = 5  # a lesson this many times over its budget is taken to hang


def budget_of(path: Path) -> float:
    """A lesson may state its own budget in its metadata: {"mmlab": {"budget_s": 60}}."""
    metadata = json.loads(path.read_text())["metadata"]
    return float(metadata.get("mmlab", {}).get("budget_s", DEFAULT_BUDGET_S))


def dirty_cells(notebook: dict) -> list[int]:
    """Indices of code cells stored with outputs or an execution count."""
    return [
        index
        for index, cell in enumerate(notebook["cells"])
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]


def test_there_are_lessons():
    assert NOTEBOOKS, f"no notebooks in {NOTEBOOKS_DIR}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_lesson_is_stored_without_outputs(path):
    bad = dirty_cells(json.loads(path.read_text()))
    assert not bad, f"{path.name}: code cells {bad} hold outputs; run `make strip` and commit"


def test_a_notebook_with_outputs_is_caught():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# x"), nbformat.v4.new_code_cell("1 + 1")]
    assert dirty_cells(notebook) == []
    notebook.cells[1].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"})]
    notebook.cells[1].execution_count = 1
    assert dirty_cells(notebook) == [1]


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(p, marks=pytest.mark.timeout(HANG_FACTOR * budget_of(p)), id=p.name)
        for p in NOTEBOOKS
    ],
)
def test_lesson_runs_offline(path, monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # the kernel inherits this environment
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("MMLAB_RECORD", str(tmp_path / "recorded.json"))
    execute(path, budget_of(path), guard_s=HANG_FACTOR * budget_of(path))
    check_quoted_numbers(path.name, tmp_path / "recorded.json")


def check_quoted_numbers(name: str, recorded_file: Path) -> None:
    """Every number the lesson recorded matches the figure its prose quotes, and vice versa."""
    recorded = json.loads(recorded_file.read_text()) if recorded_file.exists() else {}
    expected = EXPECTED.get(name, {})
    assert set(recorded) == set(expected), (
        f"{name}: recorded {sorted(recorded)} but tests/notebooks/expected.py lists {sorted(expected)}"
    )
    for key, (value, tolerance) in expected.items():
        assert abs(recorded[key] - value) <= tolerance, (
            f"{name}: {key} = {recorded[key]:.4f}, prose quotes {value} ± {tolerance}"
        )
