"""Load a CLIP- or SigLIP-style model and turn texts and images into unit vectors.

    model = mmlab.load_model()                  # the embedded toy CLIP, offline
    model = mmlab.load_model("openai/clip-vit-base-patch32")   # online, or cached
    vectors = model.encode_image(images)        # (n, dim) float32, unit norm
    mmlab.available_models()                    # the embedded models, one line each

Modules: images (reading and checking pictures), texts (checking and tokenising), embedder (the
Embedder class), loading (load_model), registry (the embedded checkpoints in data/models/).
Importing this package does not import torch; `load_model` does.

Introduced in notebooks/01_shared_space.ipynb.
"""

from __future__ import annotations

from mmlab.models.loading import ModelNotAvailableError, load_model
from mmlab.models.registry import DEFAULT_MODEL, available_models
from mmlab.models.texts import TruncationWarning, UnknownWordsWarning

__all__ = [
    "DEFAULT_MODEL",
    "ModelNotAvailableError",
    "TruncationWarning",
    "UnknownWordsWarning",
    "available_models",
    "load_model",
]
