"""Time to quality of the toy CLIP's training recipes on this CPU, old and new in one run.

    .venv/bin/python benchmarks/bench_time_to_quality.py              # both recipes, 1 thread
    .venv/bin/python benchmarks/bench_time_to_quality.py --threads 2

For each recipe: training wall seconds (data and steps; validation excluded, which runs every
`--every` steps) until validation text->image Recall@5 first reaches 0.8 and Recall@1 first
reaches 0.9, then the ratio old / new. Goal (issue 15): the new recipe at least 3x faster to both
marks. A run stops at the Recall@1 mark or after `--limit` training seconds. Both recipes run
one after the other in this process (or at the same time in two, with `--only before` and
`--only after`), so other work on the machine should weigh on both alike: the script prints the
load average before and after so a reader can judge that.

BEFORE is the recipe toy-clip was trained with before issue 15 (quick_gelu, 8-pixel patches of
64-pixel pictures, 500 warm-up steps on single objects, a learned temperature, 10,000 cosine
steps), written out here since no shipped checkpoint uses it any more. AFTER is today's toy-clip
(mmlab/training/configs.py): one 24-pixel patch per cell of the 72-pixel picture's grid, GELU, the
temperature held at 0.1, no warm-up on single objects, 4,000 cosine steps; the data mix is the same.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time

import torch
from threadpoolctl import threadpool_limits

from mmlab import toyworld
from mmlab.training import TrainConfig, get_config, train

MARKS = {"val_recall_at_5": 0.8, "val_recall_at_1": 0.9}

BEFORE = TrainConfig(
    width=64,
    layers=3,
    heads=4,
    lr=1e-3,
    steps=10000,
    warmup_steps=60,
    singles_steps=500,
    words_fraction=0.2,
    details=("full", "full", "color"),
)
AFTER = get_config("toy-clip")


def time_to_marks(config, every: int, limit_s: float) -> dict[str, float | int | None]:
    """Train `config` until every mark in MARKS is reached (or `limit_s` training seconds pass).

    Returns, per mark, the training seconds and the step at the first validation that reached
    it (None when it was not reached), the CPU seconds this process had used by then
    (validation included: a check on wall seconds that other work on the machine inflates), and
    the last validation's Recall@1 and @5.
    """
    config = dataclasses.replace(config, eval_every=every)
    cpu_seconds = []  # process CPU time at each validation

    def reached(history) -> bool:
        cpu_seconds.append(time.process_time() - cpu_start)
        return history.val_recall_at_1[-1] >= MARKS["val_recall_at_1"] or (
            history.train_seconds[-1] > limit_s
        )

    cpu_start = time.process_time()

    history = train(config, progress=False, val=toyworld.load("val"), stop_when=reached).history
    out: dict[str, float | int | None] = {}
    for name, bar in MARKS.items():
        hits = [i for i, value in enumerate(getattr(history, name)) if value >= bar]
        out[f"{name}_s"] = round(history.train_seconds[hits[0]], 1) if hits else None
        out[f"{name}_step"] = history.eval_step[hits[0]] if hits else None
        out[f"{name}_cpu_s"] = round(cpu_seconds[hits[0]], 1) if hits else None
        out[f"last_{name}"] = round(getattr(history, name)[-1], 3)
    out["last_step"] = history.eval_step[-1]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1)")
    parser.add_argument("--every", type=int, default=50, help="steps between validations")
    parser.add_argument("--limit", type=float, default=3600, help="training seconds per recipe")
    parser.add_argument(
        "--only", choices=("before", "after"), help="one recipe (run two at once to share the load)"
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    threadpool_limits(args.threads)  # numpy's BLAS too, as mmlab.setup does
    print(f"torch threads {torch.get_num_threads()}, cpus {os.cpu_count()}, "
          f"load average before {os.getloadavg()[0]:.2f}", flush=True)  # fmt: skip
    results = {}
    for name, config in (("before", BEFORE), ("after", AFTER)):
        if args.only in (None, name):
            results[name] = time_to_marks(config, args.every, args.limit)
            print(name, results[name], flush=True)
    if args.only:
        return
    for mark, bar in MARKS.items():
        old, new = results["before"][f"{mark}_s"], results["after"][f"{mark}_s"]
        ratio = f"{old / new:.2f}x faster" if old and new else "not both reached"
        print(f"{mark} >= {bar}: before {old} s, after {new} s: {ratio} (goal >= 3x)")
        old, new = results["before"][f"{mark}_cpu_s"], results["after"][f"{mark}_cpu_s"]
        if old and new:
            print(f"  in CPU seconds (validation included): {old} vs {new}: {old / new:.2f}x")
    print(f"load average after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
