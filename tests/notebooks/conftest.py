"""Runs a lesson on a fresh kernel, records its wall time, and prints the table at the end."""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
WALL_TIMES: dict[str, tuple[float, float, str]] = {}


def execute(
    path: Path, budget_s: float, label: str | None = None, guard_s: float | None = None
) -> nbformat.NotebookNode:
    """Execute the notebook top to bottom on a new kernel (which inherits os.environ), with
    `guard_s` (default: `budget_s`) as the per-cell limit; record the wall time and the budget
    under `label`. Returns the notebook with its outputs."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=int(guard_s or budget_s),
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS_DIR)}},
    )
    start = time.perf_counter()
    status = "FAILED"
    try:
        client.execute()
        status = "ok"
    finally:
        WALL_TIMES[label or path.name] = (time.perf_counter() - start, budget_s, status)
    return notebook


def pytest_terminal_summary(terminalreporter):
    if not WALL_TIMES:
        return
    terminalreporter.section("notebook wall times")
    for name, (seconds, budget, status) in sorted(WALL_TIMES.items()):
        terminalreporter.write_line(
            f"{name:40s} {seconds:6.1f} s  (budget {budget:.0f} s{', over' if seconds > budget else ''}) {status}"
        )
