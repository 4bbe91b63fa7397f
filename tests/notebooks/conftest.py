"""Collects each lesson's wall time and prints the table at the end of the test run."""

from __future__ import annotations

WALL_TIMES: dict[str, tuple[float, float, str]] = {}


def pytest_terminal_summary(terminalreporter):
    if not WALL_TIMES:
        return
    terminalreporter.section("notebook wall times")
    for name, (seconds, budget, status) in sorted(WALL_TIMES.items()):
        terminalreporter.write_line(
            f"{name:40s} {seconds:6.1f} s  (budget {budget:.0f} s) {status}"
        )
