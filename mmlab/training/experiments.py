"""Lesson 02's part-3 experiments, defined once, and the reference curves recorded from them.

Introduced in notebooks/02_contrastive_training.ipynb. Each experiment is the "live" recipe with
one thing changed (batch size, a fixed temperature, the sigmoid loss with SigLIP's towers or
with CLIP's). The full-length runs are
recorded by `python scripts/record_reference_curves.py` into data/reference-curves/, one small
JSON file per experiment (the format: `reference_record`), and read back by `load_reference`.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mmlab.evaluate import ranks
from mmlab.paths import data_dir
from mmlab.training.configs import TrainConfig, get_config
from mmlab.training.metrics import distinct_caption_indices, embed_images, embed_texts

# Steps of every reference run (the lesson's own runs default to fewer).
REFERENCE_STEPS = 1000
SCRIPT = "scripts/record_reference_curves.py"


@dataclass(frozen=True)
class Experiment:
    """One part-3 run: the label the lesson shows and its overrides of the "live" config."""

    label: str
    overrides: dict[str, Any]

    def config(self, steps: int = REFERENCE_STEPS, **extra: Any) -> TrainConfig:
        """Return get_config("live", steps=steps, **overrides, **extra)."""
        return get_config("live", steps=steps, **{**self.overrides, **extra})


# Keys name the JSON files (`<key>.json`) and the script's --only choices.
EXPERIMENTS: dict[str, Experiment] = {
    "clip-batch-128": Experiment("CLIP, batch 128", {"batch_size": 128}),
    "clip-batch-32": Experiment("CLIP, batch 32", {"batch_size": 32}),
    "clip-fixed-0.07": Experiment(
        "CLIP, fixed at 0.07", {"batch_size": 128, "learn_scale": False, "temperature_init": 0.07}
    ),
    "clip-fixed-1.0": Experiment(
        "CLIP, fixed at 1.0", {"batch_size": 128, "learn_scale": False, "temperature_init": 1.0}
    ),
    "siglip-batch-128": Experiment("SigLIP, batch 128", {"kind": "siglip", "batch_size": 128}),
    "siglip-batch-32": Experiment("SigLIP, batch 32", {"kind": "siglip", "batch_size": 32}),
    # the sigmoid loss on CLIP's towers: SigLIP vs CLIP with nothing but the loss changed
    "sigmoid-batch-128": Experiment(
        "CLIP towers, sigmoid loss, batch 128", {"loss": "sigmoid", "batch_size": 128}
    ),
    "sigmoid-batch-32": Experiment(
        "CLIP towers, sigmoid loss, batch 32", {"loss": "sigmoid", "batch_size": 32}
    ),
}

HISTORY_SERIES = (
    "eval_step", "val_recall_at_1", "val_recall_at_5", "train_seconds", "scale", "window_loss",
)  # fmt: skip


def reference_dir() -> Path:
    """Return the folder of the shipped reference curves (<data>/reference-curves)."""
    return data_dir() / "reference-curves"


def query_hits(model: Any, processor: Any, val: Any) -> dict[str, list[int]]:
    """Per-query validation text->image hits of a trained model, at 1 and at 5.

    The queries are the captions of the val scenes whose caption is unique, in the order of
    `distinct_caption_indices(val.captions)` (ascending scene index); each query's one right
    answer is its own scene among those scenes (ties pessimistic), exactly as the training loop's
    validation Recall@K. Returns {"at_1": [0/1, ...], "at_5": [0/1, ...]}.
    """
    keep = distinct_caption_indices(val.captions)
    images = embed_images(model, processor, np.asarray(val.images)[keep]).numpy()
    texts = embed_texts(model, processor, [val.captions[i] for i in keep]).numpy()
    rank = ranks(texts @ images.T, list(range(len(keep))))
    return {"at_1": (rank <= 1).astype(int).tolist(), "at_5": (rank <= 5).astype(int).tolist()}


def history_at_evals(history: Any) -> dict[str, list[float]]:
    """The History at every validation: eval_step, val_recall_at_1 and _5, train_seconds, the
    logit scale at that step, and `window_loss`, the mean training loss over the steps since the
    previous validation (the loss of one step is noisy). Returns a dict of equal-length lists."""
    scale, window_loss, previous = [], [], 0
    for step in history.eval_step:
        scale.append(history.scale[step - 1])  # History.step counts from 1, one entry per step
        window_loss.append(float(np.mean(history.loss[previous:step])))
        previous = step
    return {
        "eval_step": list(history.eval_step),
        "val_recall_at_1": list(history.val_recall_at_1),
        "val_recall_at_5": list(history.val_recall_at_5),
        "train_seconds": list(history.train_seconds),
        "scale": scale,
        "window_loss": window_loss,
    }


@dataclass(frozen=True)
class ReferenceRun:
    """One recorded reference run, as `load_reference` returns it.

    `config` is the full TrainConfig dict; `history` holds the HISTORY_SERIES lists (one entry
    per validation); `hits_at_1` / `hits_at_5` are the final model's per-query 0/1 hits in the
    order `query_hits` documents; `command` reproduces the file."""

    name: str
    label: str
    config: dict[str, Any]
    command: str
    torch: str
    cpu: str
    threads: int
    wall_s: float
    history: dict[str, list[float]]
    hits_at_1: np.ndarray
    hits_at_5: np.ndarray


def reference_record(
    name: str, result: Any, val: Any, command: str, cpu: str, extra: dict | None = None
) -> dict:
    """Build the JSON-ready dict of one finished run (a TrainResult) of experiment `name`:
    name, label, config, `extra_overrides` (fields set beyond the experiment's own, normally
    none), command, torch version, cpu, threads, wall_s, the history at every validation and
    the final model's per-query hits (`query_hits`)."""
    import torch

    hits = query_hits(result.model, result.processor, val)
    return {
        "name": name,
        "label": EXPERIMENTS[name].label,
        "config": result.config.to_dict(),
        "extra_overrides": dict(extra or {}),
        "command": command,
        "torch": torch.__version__,
        "cpu": cpu,
        "threads": torch.get_num_threads(),
        "wall_s": round(result.wall_s, 1),
        "history": history_at_evals(result.history),
        "query_order": "val scenes with a distinct caption, ascending scene index",
        "hits_at_1": hits["at_1"],
        "hits_at_5": hits["at_5"],
    }


def load_reference(folder: str | Path | None = None) -> dict[str, ReferenceRun]:
    """Read every experiment's reference curve from `folder` (default: reference_dir()).

    Raises FileNotFoundError naming the missing file and the command that records it, and
    ValueError naming the file when its name, history or hit lists do not fit.
    Introduced in notebooks/02_contrastive_training.ipynb. Returns {name: ReferenceRun}.
    """
    folder = reference_dir() if folder is None else Path(folder)
    runs = {name: _read_run(folder / f"{name}.json", name) for name in EXPERIMENTS}
    sizes = {name: len(run.hits_at_1) for name, run in runs.items()}
    if len(set(sizes.values())) != 1:
        raise ValueError(f"{folder}: the runs were validated on different query counts: {sizes}")
    return runs


# Every field a reference file must hold (the format: `reference_record`).
RECORD_FIELDS = (
    "name", "label", "config", "command", "torch", "cpu", "threads", "wall_s", "history",
    "hits_at_1", "hits_at_5",
)  # fmt: skip


def _read_run(path: Path, name: str) -> ReferenceRun:
    if not path.is_file():
        raise FileNotFoundError(
            f"no reference curve {path}: record it with `python {SCRIPT} --only {name}` "
            f"(or all eight with `python {SCRIPT}`)"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not valid JSON ({error}): record it again") from None
    if not isinstance(data, dict) or data.get("name") != name:
        name_found = data.get("name") if isinstance(data, dict) else None
        raise ValueError(f"{path} holds the run {name_found!r}; expected {name!r}")
    missing = sorted(set(RECORD_FIELDS) - set(data))
    if missing:
        raise ValueError(f"{path} lacks the fields {missing}: record it again")
    _check_recipe(path, name, data)
    history = data["history"]
    lengths = {key: len(history.get(key, [])) for key in HISTORY_SERIES}
    if len(set(lengths.values())) != 1 or not lengths["eval_step"]:
        raise ValueError(f"{path}: the history series must be non-empty and equal: {lengths}")
    hits = {k: np.asarray(data[f"hits_at_{k}"]) for k in (1, 5)}
    if len(hits[1]) != len(hits[5]) or not len(hits[1]):
        raise ValueError(
            f"{path}: hits_at_1 has {len(hits[1])} queries and hits_at_5 {len(hits[5])}; "
            "both must hold one 0/1 per validation query"
        )
    for k, values in hits.items():
        if not np.isin(values, (0, 1)).all():
            raise ValueError(f"{path}: hits_at_{k} must hold only 0 and 1")
        final = history[f"val_recall_at_{k}"][-1]
        if not abs(values.mean() - final) <= 1e-6:  # also refuses a NaN final recall
            raise ValueError(
                f"{path}: hits_at_{k} average {values.mean():.4f} but the last validation "
                f"Recall@{k} is {final:.4f}: the hits are not from the final model"
            )
    return ReferenceRun(
        name=name,
        label=data["label"],
        config=data["config"],
        command=data["command"],
        torch=data["torch"],
        cpu=data["cpu"],
        threads=int(data["threads"]),
        wall_s=float(data["wall_s"]),
        history=history,
        hits_at_1=hits[1].astype(bool),
        hits_at_5=hits[5].astype(bool),
    )


def _check_recipe(path: Path, name: str, data: dict) -> None:
    """Refuse a file whose config is not today's experiment at its recorded steps (plus the
    `extra_overrides` it names): a stale curve after the "live" recipe changed, say. A field
    added to TrainConfig after the file was recorded counts at its default (which keeps the
    behaviour the run had)."""
    extra = data.get("extra_overrides", {})
    expected = EXPERIMENTS[name].config(steps=data["config"]["steps"], **extra).to_dict()
    expected = json.loads(json.dumps(expected))  # tuples become lists, as in the file
    defaults = {f.name: f.default for f in dataclasses.fields(TrainConfig)}
    recorded = json.loads(json.dumps({**defaults, **data["config"]}))
    changed = sorted(k for k in expected if recorded.get(k) != expected[k])
    if changed:
        raise ValueError(
            f"{path} was recorded with another recipe than today's {name!r} (fields "
            f"{changed}): record it again with `python {SCRIPT} --only {name}`"
        )
