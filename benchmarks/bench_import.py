"""Import time of `mmlab` versus `torch`, measured in one run (goal: mmlab <= 0.3 s).

Each import runs in a fresh interpreter; the interpreter's own start-up (`python -c pass`) is
subtracted. The median of several runs is reported, since these machines are noisy.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

RUNS = 7


def seconds(statement: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], check=True)
    return time.perf_counter() - start


def median_import_time(statement: str) -> float:
    base = statistics.median(seconds("pass") for _ in range(RUNS))
    return statistics.median(seconds(statement) for _ in range(RUNS)) - base


if __name__ == "__main__":
    seconds("import torch, mmlab")  # warm the file cache for both
    mmlab_s = median_import_time("import mmlab")
    torch_s = median_import_time("import torch")
    print(
        f"import mmlab: {mmlab_s:.3f} s   (goal <= 0.3 s: {'met' if mmlab_s <= 0.3 else 'MISSED'})"
    )
    print(f"import torch: {torch_s:.3f} s")
    print(f"ratio torch / mmlab: {torch_s / max(mmlab_s, 1e-3):.0f}x")
