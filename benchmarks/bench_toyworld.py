"""How fast the toy world feeds a training loop: scenes per second on one core, and the share of
a training step that producing a batch would take.

    python benchmarks/bench_toyworld.py            # about 20 s
    python benchmarks/bench_toyworld.py --measure-step   # also time a real toy-CLIP step

The issue asks for at least 3,000 scenes/s at 64x64 (default options), i.e. under 5% of a training
step. Rates use the process's CPU time (this machine's 2 cores are shared, so wall time also counts
other people's work); wall-clock rates are printed beside them. The training-step time is an
assumption (0.15 s for a tiny CLIP on batch 128 on a 2-core laptop CPU) unless --measure-step
times one with mmlab.training.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

import numpy as np

from mmlab import toyworld

BATCH = 128
ASSUMED_STEP_S = 0.15
GOAL = 3000  # scenes/s at 64 px on one core (issue 3)
CASES = {
    "default (64 px, full captions)": {},
    "hard negatives": {"hard_negatives": True},
    "30% rendered words": {"words_fraction": 0.3},
    "hard negatives + words + audio": {
        "hard_negatives": True,
        "words_fraction": 0.3,
        "audio": True,
    },
    "224 px (for a real CLIP)": {"size": 224},
}


def rate(options: dict, seconds: float) -> tuple[float, float]:
    """Return (scenes per CPU second, scenes per wall second) for training_batch(**options)."""
    rng = np.random.default_rng(0)
    toyworld.training_batch(rng, BATCH, **options)  # warm the mask and font caches
    cpu0, wall0, n = time.process_time(), time.perf_counter(), 0
    while time.perf_counter() - wall0 < seconds:
        toyworld.training_batch(rng, BATCH, **options)
        n += BATCH
    return n / (time.process_time() - cpu0), n / (time.perf_counter() - wall0)


def measure_step_seconds() -> float:
    """Time forward + backward + optimiser step of the "toy-clip" config on a batch of BATCH.

    Uses mmlab.training (torch); the batch is drawn once, outside the timing.
    """
    import torch

    from mmlab.models.toy_clip import build_toy_model
    from mmlab.training import get_config
    from mmlab.training.loop import batch_loss, draw_batch, make_optimizer

    torch.set_flush_denormal(True)
    config = get_config("toy-clip", batch_size=BATCH)
    model, processor = build_toy_model(
        toyworld.vocabulary(), config.kind, seed=0, **config.model_kwargs()
    )
    optimizer = make_optimizer(model, config)
    batch = draw_batch(np.random.default_rng(0), config)
    times = []
    for _ in range(6):
        start = time.perf_counter()
        loss = batch_loss(model, processor, batch, config.kind)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        times.append(time.perf_counter() - start)
    return float(np.median(times[1:]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per case")
    parser.add_argument("--measure-step", action="store_true", help="time a toy-CLIP step")
    parser.add_argument("--step-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step_only:  # run by --measure-step in a child process, so torch's threads end there
        print(measure_step_seconds())
        return
    step_s, source = ASSUMED_STEP_S, "assumed (tiny CLIP, batch 128, 2-core CPU)"
    if args.measure_step:
        child = [sys.executable, __file__, "--step-only"]
        step_s = float(subprocess.run(child, check=True, capture_output=True).stdout.split()[-1])
        source = "measured: mmlab.training's toy-clip config on this machine"
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    print(f"training step: {step_s * 1000:.0f} ms for batch {BATCH}, {source}")
    print(f"load average before: {os.getloadavg()[0]:.1f} (other work slows these numbers)")
    header = f"{'case':34s} {'scenes/s (CPU)':>15s} {'(wall)':>8s} {'x goal':>7s} {'share':>7s}"
    print(header + "  (goal: 3,000 scenes/s; share: of one training step)")
    for name, options in CASES.items():
        cpu_rate, wall_rate = rate(options, args.seconds)
        share = BATCH / cpu_rate / step_s
        print(f"{name:34s} {cpu_rate:15,.0f} {wall_rate:8,.0f} {cpu_rate / GOAL:7.1f} {share:7.1%}")


if __name__ == "__main__":
    main()
