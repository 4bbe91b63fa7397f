"""Model cards for trained toy checkpoints: config, data, steps, wall time, hardware, metrics and
the loss curve (a table and a plot in plain text).

Introduced in notebooks/02_contrastive_training.ipynb (every shipped checkpoint carries one).
"""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

import numpy as np

PURPOSES = {
    "live": "the quick recipe the training lesson runs live (not shipped)",
    "toy-clip": "default embedded toy CLIP: plain contrastive training, some images carry words",
    "toy-clip-negclip": "twin of toy-clip trained with swapped-caption hard negatives (NegCLIP)",
    "toy-siglip": "twin of toy-clip with SigLIP's towers (Hugging Face layout) and sigmoid loss",
    "toy-clip-negated": "toy-clip trained on with negated captions and their false twins",
    "toy-clip-few-counts": "twin of toy-clip whose captions give the number of 5% of groups",
    "toy-clip-few-counts-countneg": (
        "toy-clip-few-counts trained on with count-swapped hard negatives"
    ),
    "toy-clip-few-counts-stated": "toy-clip-few-counts trained on with every count stated",
    "toy-clip-few-counts-stated-countneg": (
        "toy-clip-few-counts trained on with every count stated and count-swapped negatives"
    ),
    "toy-clip-few-counts-trained-on": (
        "toy-clip-few-counts trained on as long as its fine-tunes, nothing changed: a control"
    ),
    "toy-clip-trained-on": (
        "toy-clip trained on as long as toy-clip-negated, nothing changed: a control"
    ),
    "label-words-0": "word-label twin: words on half the pictures, never naming the object",
    "label-words-0.25": "word-label twin: a quarter of the pictures carry their object's shape",
    "label-words-0.5": "word-label twin: half the pictures carry their object's shape as a word",
    "label-words-1": "word-label twin: every picture carries one of its objects' shapes as a word",
    "gap-tau-0.01": "toy-clip's recipe at a fixed temperature of 0.01, for the modality-gap lesson",
    "gap-tau-1": "toy-clip's recipe at a fixed temperature of 1, for the modality-gap lesson",
    "gap-tau-learned": (
        "toy-clip's recipe learning its temperature from CLIP's 0.07, trained twice as long"
    ),
    "gap-tau-0.01-short": (
        "300 steps at a fixed temperature of 0.01, stopped while its gap is still CLIP-sized"
    ),
    "gap-tau-0.01-shifted": (
        "gap-tau-0.01 with its two clouds moved onto one centre, then trained on at 0.01"
    ),
    "toy-clip-shifted": (
        "toy-clip with its two clouds moved onto one centre, then trained on at 0.1"
    ),
}


def unmentioned_words(config: Any) -> str:
    """Return the card's words about rendered words no caption mentions ("" when there are none):
    the word-label twins of notebooks/06_text_in_image.ipynb."""
    naming, silent = config.naming_words_fraction, config.silent_words_fraction
    if not naming and not silent:
        return ""
    return (
        f", words their captions do not mention on {naming + silent:.0%}: on {naming:.0%} of "
        f"images the shape of an object in the picture, on {silent:.0%} a random word"
    )


def caption_options(config: Any) -> str:
    """Return the card's words on negated captions, unstated counts and count negatives ("" when
    the config uses none): the negation and counting twins of
    notebooks/05_compositional_failures.ipynb."""
    parts = []
    if config.negated_captions_fraction:
        parts.append(
            f'negated captions on {config.negated_captions_fraction:.0%} of pictures ("a A and '
            'no B", either order; its false twin "no A and a B" as a hard negative)'
        )
    if config.stated_counts_fraction < 1:
        parts.append(
            f"the number stated for {config.stated_counts_fraction:.0%} of groups of two or more "
            '(the rest a bare plural, "red circles")'
        )
    if config.count_negatives:
        parts.append("count-swapped hard negatives (a stated count moved by one)")
    return "".join(f"; {part}" for part in parts)


def cpu_name() -> str:
    """Return the CPU's model name (from /proc/cpuinfo on Linux), else platform's guess."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def hardware() -> str:
    """Return one line naming the CPU model, its core count and the torch build used."""
    import torch

    return (
        f"{cpu_name()}; {os.cpu_count()} cores visible, torch {torch.__version__} with "
        f"{torch.get_num_threads()} threads; device cpu"
    )


def window_means(values: list[float], windows: int) -> tuple[list[int], list[float]]:
    """Split `values` into `windows` equal runs; return (last 1-based step of each, its mean)."""
    edges = np.linspace(0, len(values), windows + 1).round().astype(int)
    ends = [int(e) for e in edges[1:] if e > 0]
    means = [float(np.mean(values[a:b])) for a, b in zip(edges[:-1], edges[1:]) if b > a]
    return ends, means


def text_plot(values: list[float], width: int = 60, height: int = 10) -> str:
    """Draw `values` (e.g. a loss curve) as rows of characters, mean per column. Returns text."""
    _, cols = window_means(values, min(width, len(values)))
    low, high = min(cols), max(cols)
    span = (high - low) or 1.0
    levels = [round((v - low) / span * (height - 1)) for v in cols]
    rows = []
    for level in range(height - 1, -1, -1):
        label = f"{low + span * level / (height - 1):7.3f} |"
        rows.append(label + "".join("*" if lv == level else " " for lv in levels))
    rows.append(" " * 8 + "+" + "-" * len(cols))
    rows.append(" " * 9 + f"step 1 .. {len(values)}")
    return "\n".join(rows)


def loss_table(history: Any, rows: int = 10) -> str:
    """A markdown table of the loss (mean over equal windows), scale and validation Recall@5."""
    ends, means = window_means(history.loss, rows)
    recall = dict(zip(history.eval_step, history.val_recall_at_5))
    lines = ["| up to step | mean loss | logit scale | val t->i R@5 |", "|---|---|---|---|"]
    for end, mean in zip(ends, means):
        near = max((s for s in recall if s <= end), default=None)
        r5 = f"{recall[near]:.3f} (step {near})" if near else "-"
        lines.append(f"| {end} | {mean:.4f} | {history.scale[end - 1]:.2f} | {r5} |")
    return "\n".join(lines)


# The quality bars issue 5 sets for the default embedded model (toy-clip).
BARS = {
    "t2i_recall_at_1": 0.90,
    "i2t_recall_at_1": 0.90,
    "zero_shot_color": 0.95,
    "zero_shot_shape": 0.95,
}


def bars_section(metrics: dict[str, float]) -> str:
    """A markdown table of the measured figures against the default model's bars. Returns text."""
    lines = [
        "## Against the default model's bars",
        "",
        "| metric | measured | bar | |",
        "|---|---|---|---|",
    ]
    for key, bar in BARS.items():
        value = metrics.get(key)
        verdict = "-" if value is None else ("met" if value >= bar else "**not met**")
        lines.append(f"| {key} | {value} | >= {bar} | {verdict} |")
    return "\n".join(lines)


def stop_line(result: Any) -> str:
    """The card's note on a run that stops at a validation mark (empty when it has none)."""
    config, history = result.config, result.history
    if config.stop_at_val_r1 is None:
        return ""
    reached = history.val_recall_at_1[-1] >= config.stop_at_val_r1
    outcome = (
        f"reached at step {history.eval_step[-1]}"
        if reached
        else f"**not reached** by the cap; {history.val_recall_at_1[-1]:.3f} at the end"
    )
    return (
        f"\n- stop: at validation text->image R@1 >= {config.stop_at_val_r1:g}, measured every "
        f"{config.eval_every} steps, or after {config.steps} steps: {outcome}"
    )


def origin(config: Any) -> str:
    """How the run began, for the card's first line: "from scratch" or from a shipped model."""
    if config.start_from is None:
        return "from scratch"
    return f"on from the shipped {config.start_from}"


def centre_line(config: Any) -> str:
    """The card's note on a run started from a checkpoint or with both clouds at one centre."""
    line = (
        ""
        if config.start_from is None
        else (f"\n- start: the weights of data/models/{config.start_from}, trained on from there")
    )
    if not config.centre_at_init:
        return line
    return line + (
        "\n- start: before step 1 the picture and caption clouds were moved onto one centre, "
        "measured on\n  the validation pairs (mmlab.training.loop.centre_towers): no gap at the start"
    )


def schedule_lines(config: Any, history: Any) -> str:
    """The card's lines on the warm-up on single objects, the learning rate and the scale."""
    singles = (
        f"- warm-up on single objects: {config.singles_steps} steps (one object per picture, "
        "captions\n  naming its colour and shape only), then the mix above"
        if config.singles_steps
        else "- no warm-up on single objects"
    )
    scale = history.scale[-1]
    return (
        f"{singles}; peak learning rate {config.lr:g} after a {config.warmup_steps}-step linear "
        f"warm-up, then {config.schedule}\n"
        + (
            f"- logit scale: learned, {scale:.2f} at the end"
            if config.learn_scale
            else f"- logit scale: held at {scale:.2f} (temperature {1 / scale:.3g})"
        )
    )


def card_markdown(name: str, result: Any, metrics: dict[str, float], command: str) -> str:
    """Write the README.md of a trained checkpoint (front matter from toy_clip.model_card).

    `metrics` are the measured test-set figures; `command` reproduces the checkpoint.
    Returns the card text.
    """
    from mmlab.models.toy_clip import model_card

    config = result.config
    steps = len(result.history.step)  # fewer than config.steps when the run stopped at a mark
    seen = steps * config.batch_size
    body = f"""# {name}

A tiny {config.kind.upper()} trained {origin(config)} on the mmlab toy world.
Purpose: {PURPOSES.get(name, name)}.

Reproduce: `{command}` (seed {config.seed}; the same CPU and thread count
give the same loss curve).

## Training

- steps: {steps} of batch {config.batch_size} = {seen:,} (image, caption) pairs drawn
  afresh from the toy world's seeded stream (no fixed training set){stop_line(result)}{centre_line(config)}
- data: held-out compositions {"excluded" if config.holdout else "included"}; caption levels
  {", ".join(config.details)} (equal shares of each batch); rendered words on
  {config.words_fraction:.0%} of images{unmentioned_words(config)}; hard negatives
  {"on" if config.hard_negatives else "off"}{caption_options(config)}
{schedule_lines(config, result.history)}
- wall time: {result.wall_s:.0f} s including data generation and validation
- hardware: {hardware()}

## Metrics (shipped test set, this checkpoint in float32)

```json
{json.dumps(metrics, indent=2)}
```

{bars_section(metrics)}

## Loss curve

{loss_table(result.history)}

```
{text_plot(result.history.loss)}
```

## Config

```json
{json.dumps(config.to_dict(), indent=2)}
```
"""
    return model_card(name, PURPOSES.get(name, name), metrics, body)


def hand_written_sections(card_path: Path) -> str:
    """Sections a person appended after the generated "## Config" block of an earlier card.

    Retraining into the same folder (`make checkpoints`) regenerates the card; this returns the
    appended text (e.g. toy-clip's "## What it took"), so that it is carried over rather than
    lost. Returns "" when there is no earlier card or nothing after its config block.
    """
    if not card_path.is_file():
        return ""
    _, found, rest = card_path.read_text(encoding="utf-8").partition("\n## Config\n")
    _, closed, after = rest.partition("```json\n")[2].partition("\n```\n")
    return after.strip() if found and closed else ""
