"""An untrained twin of a loaded model: same architecture, processor and tokenizer, random weights.

Introduced in notebooks/01_shared_space.ipynb, where the similarity matrix of a trained model is
set beside the one its untrained twin produces: two freshly initialised encoders write into
unrelated coordinates, so their cosines say nothing about which caption fits which picture.
"""

from __future__ import annotations

from typing import Any

from mmlab.models.embedder import Embedder


def untrained_copy(model: Embedder, seed: int = 0) -> Embedder:
    """Return a new Embedder with `model`'s architecture and processor and freshly drawn weights.

    The weights come from the model class's own initialisation (what training starts from),
    drawn from `seed` without touching the global torch random state; `model` is not changed.
    Introduced in notebooks/01_shared_space.ipynb.
    Returns an Embedder named "<name> (untrained)" on the same device and dtype.
    """
    import torch

    if not isinstance(model, Embedder):
        raise TypeError(
            f"model must be an Embedder from mmlab.load_model, got {type(model).__name__}"
        )
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise TypeError(f"seed must be an int, got {seed!r}")
    hf_model: Any = model.model
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        fresh = type(hf_model)(hf_model.config)
    fresh.to(device=model.device, dtype=model.dtype)
    return Embedder(fresh, model.processor, f"{model.name} (untrained)", model.device, model.dtype)
