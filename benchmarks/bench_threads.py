"""How many CPU threads should the live training of notebooks/02_contrastive_training.ipynb use?

    .venv/bin/python benchmarks/bench_threads.py            # 1 thread vs every count up to the cores
    .venv/bin/python benchmarks/bench_threads.py --steps 40

Each thread count trains the "live" model for a few steps in a fresh child process (torch fixes
its thread pool at start-up), twice, alternating, so a change in the machine's load hits every
count alike. Prints seconds per step and the ratio to one thread, with the load average before
and after so a reader can judge the run. The lesson trains on one thread; this script is the
measurement behind that choice.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time


def time_steps(threads: int, steps: int, warmup: int) -> float:
    """Run in the child: seconds per training step of the live model with `threads` threads."""
    import numpy as np
    import torch

    from mmlab import toyworld
    from mmlab.models.toy_clip import build_toy_model
    from mmlab.training import get_config
    from mmlab.training.loop import batch_loss, draw_batch, make_optimizer

    torch.set_num_threads(threads)
    torch.set_flush_denormal(True)
    config = get_config("live")
    model, processor = build_toy_model(toyworld.vocabulary(), "clip", **config.model_kwargs())
    model.train()
    optimizer = make_optimizer(model, config)
    rng = np.random.default_rng(0)
    for step in range(warmup + steps):
        if step == warmup:
            start = time.perf_counter()
        loss = batch_loss(model, processor, draw_batch(rng, config), config.kind)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    return (time.perf_counter() - start) / steps


def measure(threads: int, steps: int, warmup: int) -> float:
    """Start a child process for one thread count; return its seconds per step."""
    command = [sys.executable, __file__, "--child", str(threads), "--steps", str(steps),
               "--warmup", str(warmup)]  # fmt: skip
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return float(json.loads(output.strip().splitlines()[-1])["seconds_per_step"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20, help="timed steps per run")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.steps < 1 or args.warmup < 0:
        raise ValueError(f"--steps must be >= 1 and --warmup >= 0; got {args.steps}, {args.warmup}")
    if args.child is not None:
        print(json.dumps({"seconds_per_step": time_steps(args.child, args.steps, args.warmup)}))
        return

    counts = sorted({1, os.cpu_count() or 1})
    print(f"cpus {os.cpu_count()}, load average before {os.getloadavg()[0]:.2f}")
    seconds: dict[int, list[float]] = {n: [] for n in counts}
    for _ in range(2):
        for n in counts:
            seconds[n].append(measure(n, args.steps, args.warmup))
    best_one = min(seconds[1])
    for n in counts:
        best = min(seconds[n])
        print(f"{n} thread(s): {best:.3f} s/step (best of 2), {best / best_one:.2f}x one thread")
    print(f"load average after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
