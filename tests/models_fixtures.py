"""Tiny random CLIP and SigLIP checkpoints for the tests of mmlab.models (toy_clip included).

They are built with the course's own `mmlab.models.toy_clip` from a small vocabulary of their own
(not the toy world's), saved as standard Hugging Face checkpoints, and loaded through `mmlab.load_model`,
the same public path a Hub id takes. Test modules import the fixtures they use from here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

VOCAB = "a an the red green blue square circle star left right of above below small large".split()
TINY = {
    "image_size": 32,
    "patch_size": 8,
    "width": 32,
    "layers": 2,
    "heads": 2,
    "proj_dim": 24,
    "max_length": 8,
}
CAPTIONS = [
    "a red square",
    "green circle above a blue star",
    "the small star",
    "blue circle left of the square",
    "an unknown word",
]


def build_checkpoint(folder: Path, kind: str, dtype: str = "float32", seed: int = 0) -> Path:
    """Build, save and return a tiny checkpoint of `kind` ("clip" or "siglip") in `folder`."""
    from mmlab.models.toy_clip import build_toy_model, model_card, save_checkpoint

    model, processor = build_toy_model(VOCAB, kind, seed=seed, **TINY)
    card = model_card(f"tiny-{kind}", f"tiny random {kind} for tests", None, "Test model.")
    return save_checkpoint(model, processor, folder, card, dtype=dtype)


def random_images(count: int, size: int = 32, seed: int = 0) -> np.ndarray:
    """(count, size, size, 3) uint8 noise images."""
    return np.random.default_rng(seed).integers(0, 256, (count, size, size, 3), dtype=np.uint8)


@pytest.fixture(scope="session")
def tiny_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """{"clip": folder, "siglip": folder}: tiny checkpoints saved in float32."""
    root = tmp_path_factory.mktemp("tiny_checkpoints")
    return {kind: build_checkpoint(root / kind, kind) for kind in ("clip", "siglip")}


@pytest.fixture(scope="session")
def tiny_models(tiny_dirs: dict[str, Path]) -> dict:
    """{"clip": Embedder, "siglip": Embedder} loaded with mmlab.load_model from the folders."""
    import mmlab

    return {kind: mmlab.load_model(str(folder)) for kind, folder in tiny_dirs.items()}
