"""`python -m mmlab.training --config NAME --out DIR`: train a named config, measure it on the
shipped test set, and save a Hugging Face checkpoint with its model card.

Introduced in notebooks/02_contrastive_training.ipynb (each shipped checkpoint is one command).
"""

from __future__ import annotations

import argparse
import copy
import json
from pathlib import Path

import torch

from mmlab import toyworld
from mmlab.models.toy_clip import save_checkpoint
from mmlab.training.card import card_markdown, hand_written_sections
from mmlab.training.configs import CONFIGS, get_config
from mmlab.training.loop import train
from mmlab.training.metrics import encoders, quality_metrics


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line. Returns the parsed arguments."""
    parser = argparse.ArgumentParser(
        prog="python -m mmlab.training", description="Train a toy CLIP / SigLIP on the toy world."
    )
    parser.add_argument("--config", required=True, choices=sorted(CONFIGS), help="named recipe")
    parser.add_argument("--out", required=True, type=Path, help="checkpoint directory to write")
    parser.add_argument("--steps", type=int, help="override the config's number of steps")
    parser.add_argument("--threads", type=int, help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    return parser.parse_args(argv)


def run_cli(argv: list[str] | None = None) -> Path:
    """Train, evaluate the float16 weights as shipped, and save. Returns the output directory."""
    args = parse_args(argv)
    if args.threads is not None:
        if args.threads < 1:
            raise ValueError(f"--threads must be >= 1; got {args.threads}")
        torch.set_num_threads(args.threads)
    overrides = {} if args.steps is None else {"steps": args.steps}
    config = get_config(args.config, **overrides)
    result = train(config, progress=not args.no_progress)

    as_shipped = copy.deepcopy(result.model).half().float()  # what loading the fp16 file gives
    metrics = quality_metrics(*encoders(as_shipped, result.processor), toyworld.load("test"))
    metrics["val_t2i_recall_at_5"] = round(result.history.val_recall_at_5[-1], 4)
    command = f"python -m mmlab.training --config {args.config} --out {args.out}"
    command += "" if args.steps is None else f" --steps {args.steps}"
    command += "" if args.threads is None else f" --threads {args.threads}"
    card = card_markdown(args.config, result, metrics, command)
    kept = hand_written_sections(args.out / "README.md")  # e.g. toy-clip's "## What it took"
    card += f"\n{kept}\n" if kept else ""
    out = save_checkpoint(result.model, result.processor, args.out, card)
    history = {
        name: [round(v, 4) if isinstance(v, float) else v for v in values]
        for name, values in result.history.to_dict().items()
    }
    (out / "training_history.json").write_text(json.dumps(history), encoding="utf-8")
    print(json.dumps({"out": str(out), "wall_s": round(result.wall_s, 1), **metrics}, indent=2))
    return out
