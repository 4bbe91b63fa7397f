"""Each lesson's wall time against its budget, and how much one busy core slows it, in one run.

    .venv/bin/python benchmarks/bench_lessons.py            # every lesson: idle, then beside a hog
    .venv/bin/python benchmarks/bench_lessons.py --no-hog   # budgets only
    .venv/bin/python benchmarks/bench_lessons.py 02 05      # lessons whose names contain 02 or 05

Every lesson runs top to bottom on a fresh kernel, offline, as the test suite runs it. With the
hog, each lesson runs twice in a row: once as the machine is, once beside a process that keeps
one core busy (what a browser or a second notebook does to a learner's laptop). Goals: each
lesson within its budget (its metadata, `"mmlab": {"budget_s": ...}`) on an idle machine, and no
lesson slower than 2x its idle time beside the hog (issue 14). The test suite itself only guards
against hangs (tests/notebooks/test_lessons_run.py), so these goals live here.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "notebooks"))

from conftest import NOTEBOOKS_DIR, execute  # noqa: E402
from nbclient.exceptions import CellTimeoutError  # noqa: E402
from test_lessons_run import budget_of  # noqa: E402

HOG_GOAL = 2.0  # beside a busy core, a lesson may take at most this many times its idle time


def run(path: Path) -> float:
    """Run one lesson offline on a fresh kernel; return its wall seconds, or infinity when a
    cell ran past ten times the budget (the run is then abandoned and reported as such)."""
    os.environ.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    with tempfile.TemporaryDirectory() as folder:
        os.environ["MMLAB_RECORD"] = str(Path(folder) / "recorded.json")
        start = time.perf_counter()
        try:
            execute(path, budget_of(path), guard_s=10 * budget_of(path))
        except CellTimeoutError:
            return float("inf")
        return time.perf_counter() - start


def run_beside_hog(path: Path) -> float:
    """Run one lesson while a child process spins on one core; return its wall seconds."""
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.5)  # let the hog take its core
        return run(path)
    finally:
        hog.kill()
        hog.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", help="parts of lesson names (default: all)")
    parser.add_argument("--no-hog", action="store_true", help="skip the runs beside a busy core")
    args = parser.parse_args()
    paths = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    if args.lessons:
        paths = [p for p in paths if any(part in p.name for part in args.lessons)]
        if not paths:
            raise SystemExit(f"no lesson name contains any of {args.lessons}")

    print(f"cpus {os.cpu_count()}, load average before {os.getloadavg()[0]:.2f}")
    print(f"{'lesson':34s} {'budget':>7s} {'idle':>7s} {'hog':>7s} {'hog/idle':>8s}")
    over, slowed = [], []
    for path in paths:
        budget, idle = budget_of(path), run(path)
        hogged = None if args.no_hog else run_beside_hog(path)
        ratio = "" if hogged is None else f"{hogged / idle:7.2f}x"
        hog_text = "" if hogged is None else f"{hogged:6.1f}s"
        print(f"{path.stem:34s} {budget:6.0f}s {idle:6.1f}s {hog_text:>7s} {ratio:>8s}", flush=True)
        if idle > budget:
            over.append(path.stem)
        if hogged is not None and hogged > HOG_GOAL * idle:
            slowed.append(path.stem)
    print(f"load average after {os.getloadavg()[0]:.2f}")
    print(f"over budget: {', '.join(over) or 'none'}")
    if not args.no_hog:
        print(f"slower than {HOG_GOAL:g}x beside the hog: {', '.join(slowed) or 'none'}")


if __name__ == "__main__":
    main()
