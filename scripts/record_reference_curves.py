"""Record the reference curves of lesson 02's part-3 experiments (mmlab.training.experiments).

    python scripts/record_reference_curves.py                         # all eight, REFERENCE_STEPS
    python scripts/record_reference_curves.py --only clip-batch-32    # one of them
    python scripts/record_reference_curves.py --steps 4 --set width=32 --out /tmp/curves

Each run trains from scratch with mmlab.training.train on one CPU thread and writes
<out>/<name>.json (a few kB; fields in mmlab.training.experiments.reference_record) and
<out>/README.md. `--set FIELD=VALUE` changes a TrainConfig field beyond the experiment's own (for
quick checks); the file records it, and the lesson shows whatever recipe the file holds.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shlex
import time
from pathlib import Path

import torch

from mmlab import toyworld
from mmlab.training import TrainConfig, train
from mmlab.training.card import cpu_name
from mmlab.training.experiments import (
    EXPERIMENTS,
    REFERENCE_STEPS,
    SCRIPT,
    reference_dir,
    reference_record,
)


def parse_set(items: list[str]) -> dict:
    """Turn ["width=32", "lr=0.001", "temperature_init=null"] into TrainConfig overrides: each
    VALUE is read as JSON (numbers, true / false, null, lists), else kept as a string."""
    defaults = {f.name: f.default for f in dataclasses.fields(TrainConfig)}
    overrides = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or key not in defaults:
            raise SystemExit(
                f"--set {item!r}: need FIELD=VALUE with FIELD one of {sorted(defaults)}"
            )
        try:
            value = json.loads(text)  # numbers, true / false, null, lists
        except json.JSONDecodeError:
            value = text  # a bare word: a string field such as kind or schedule
        if isinstance(defaults[key], bool) and not isinstance(value, bool):
            raise SystemExit(f"--set {item!r}: {key} takes true or false")
        overrides[key] = tuple(value) if isinstance(value, list) else value
    return overrides


def command_for(name: str, steps: int, sets: list[str]) -> str:
    """Return the shell command that records experiment `name` again, as it was recorded."""
    words = ["python", SCRIPT, "--only", name, "--steps", str(steps)]
    for item in sets:
        words += ["--set", item]
    return shlex.join(words)


def readme(steps: int) -> str:
    """Return the text of the folder's README.md."""
    rows = [f"| `{name}.json` | {e.label} | `{e.overrides}` |" for name, e in EXPERIMENTS.items()]
    return "\n".join(
        [
            "# Reference curves of lesson 02's experiments",
            "",
            "Full-length runs of the eight part-3 experiments of",
            "notebooks/02_contrastive_training.ipynb, shown beside whatever the learner runs.",
            "Each is the `live` recipe (mmlab/training/configs.py) with the overrides below,",
            f"trained for {steps} steps from scratch on one CPU thread. Recorded by",
            "",
            f"    python {SCRIPT}",
            "",
            "(one run: `--only NAME`); do not edit by hand. Read with",
            "`mmlab.training.experiments.load_reference()`, which refuses a file whose recipe is",
            "not today's experiment.",
            "",
            "| file | run | overrides of `live` |",
            "|---|---|---|",
            *rows,
            "",
            "Each file holds: `name`, `label`, `config` (every TrainConfig field),",
            "`extra_overrides`, `command` (reproduces the file), `torch`, `cpu`, `threads`,",
            "`wall_s`; `history`, one entry per validation: `eval_step`, `val_recall_at_1`,",
            "`val_recall_at_5` (text->image over the val scenes with a distinct caption),",
            "`train_seconds` (validation excluded), `scale` (the logit scale at that step) and",
            "`window_loss` (mean training loss since the previous validation); `hits_at_1` and",
            "`hits_at_5`, the final model's per-query 0/1 hits in `query_order` (the val scenes",
            "with a distinct caption, ascending scene index), for paired tests between runs.",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> list[Path]:
    """Train the chosen experiments and write their JSON files; return the paths written."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=sorted(EXPERIMENTS), action="append")
    parser.add_argument("--steps", type=int, default=REFERENCE_STEPS)
    parser.add_argument("--out", type=Path, default=None, help="default: data/reference-curves")
    parser.add_argument("--set", dest="sets", action="append", default=[], metavar="FIELD=VALUE")
    args = parser.parse_args(argv)
    extra = parse_set(args.sets)
    out = reference_dir() if args.out is None else args.out
    out.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)
    val, cpu, written = toyworld.load("val"), cpu_name(), []
    for name in args.only or list(EXPERIMENTS):
        config = EXPERIMENTS[name].config(steps=args.steps, **extra)
        start = time.perf_counter()
        result = train(config, progress=False, val=val)
        record = reference_record(
            name, result, val, command_for(name, args.steps, args.sets), cpu, extra
        )
        path = out / f"{name}.json"
        path.write_text(json.dumps(record, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"{name}: {time.perf_counter() - start:.0f} s, {path} ({path.stat().st_size} bytes)")
        written.append(path)
    (out / "README.md").write_text(readme(args.steps), encoding="utf-8")
    return written


if __name__ == "__main__":
    main()
