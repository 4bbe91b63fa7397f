"""The embedded models: one Hugging Face checkpoint per sub-folder of data/models/.

A model is listed when its folder holds a config.json; its one-line description comes from the
`mmlab:` block of the YAML front matter of its README.md model card (see
`mmlab.models.toy_clip.model_card`), so a new checkpoint appears without any code change:

    ---
    mmlab:
      purpose: "toy CLIP trained on the toy world; the course default"
      metrics: {"test_image_to_text_R@1": 0.61}
    ---

Introduced in notebooks/00_welcome.ipynb.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mmlab.paths import models_dir

DEFAULT_MODEL = "toy-clip"


def embedded_path(name: str) -> Path | None:
    """Return the folder of the embedded model `name`, or None if there is no such model.

    Introduced in notebooks/00_welcome.ipynb.
    """
    if not isinstance(name, str) or not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    folder = models_dir() / name
    return folder if (folder / "config.json").is_file() else None


def embedded_names() -> list[str]:
    """Return the names of the embedded models, sorted. Introduced in notebooks/00_welcome.ipynb."""
    root = models_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "config.json").is_file())


def read_card(folder: Path) -> dict[str, Any]:
    """Return the `mmlab:` block of folder/README.md's front matter ({} when there is none).

    Introduced in notebooks/00_welcome.ipynb.
    """
    import yaml

    card = folder / "README.md"
    if not card.is_file():
        return {}
    text = card.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return {}
    front, _, _ = text[3:].partition("\n---")
    try:
        meta = yaml.safe_load(front) or {}
    except yaml.YAMLError as error:
        raise ValueError(f"{card}: the front matter is not valid YAML: {error}") from error
    block = meta.get("mmlab", {}) if isinstance(meta, dict) else {}
    return block if isinstance(block, dict) else {}


def _format_metrics(metrics: Any) -> str:
    if not metrics:
        return "no metrics (untrained)"
    if not isinstance(metrics, dict):
        return f"metrics: {metrics}"
    parts = [f"{k} {v:.3g}" if isinstance(v, float) else f"{k} {v}" for k, v in metrics.items()]
    return ", ".join(parts)


def describe(folder: Path) -> str:
    """One line about an embedded model: purpose, architecture, size on disk, metrics.

    Introduced in notebooks/00_welcome.ipynb.
    """
    card = read_card(folder)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    weights = folder / "model.safetensors"
    size = f"{weights.stat().st_size / 1e6:.1f} MB" if weights.is_file() else "no weights file"
    purpose = card.get("purpose") or "no purpose given in its model card"
    model_type = config.get("model_type", "unknown type")
    return f"{purpose} | {model_type}, {size} | {_format_metrics(card.get('metrics'))}"


def available_models() -> dict[str, str]:
    """List the embedded models (usable offline) with one line each from their model cards.

    Any Hugging Face CLIP or SigLIP id also works with `mmlab.load_model` when online or cached.
    Introduced in notebooks/00_welcome.ipynb.
    Returns {name: "purpose | architecture, size | metrics"}, sorted by name.
    """
    return {name: describe(models_dir() / name) for name in embedded_names()}
