"""mmlab: a Jupyter-first course on multi-modal embeddings (text and images in one vector space).

The top level stays small, in the spirit of openai/CLIP:

    import mmlab
    mmlab.setup(seed=0)              # seeds, device, offline mode (notebooks/00_welcome.ipynb)
    model = mmlab.load_model()       # the embedded toy CLIP, or a Hugging Face CLIP / SigLIP id
    test = mmlab.toyworld.load("test")

`import mmlab` is cheap: torch, transformers, umap and plotly are imported only when a function
first needs them. Submodules (toyworld, losses, training, similarity, evaluate, plots, widgets,
exercises) load on first attribute access.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# name -> module that defines it; imported on first use (PEP 562).
_LAZY_FUNCTIONS = {
    "setup": "mmlab.env",
    "doctor": "mmlab.env",
    "load_model": "mmlab.models",
    "available_models": "mmlab.models",
}
_LAZY_MODULES = {
    "env",
    "toyworld",
    "models",
    "losses",
    "training",
    "similarity",
    "evaluate",
    "geometry",
    "bag_of_words",
    "typography",
    "binding",
    "paired",
    "lesson",
    "plots",
    "widgets",
    "playground",
    "exercises",
}

__all__ = sorted([*_LAZY_FUNCTIONS, *_LAZY_MODULES, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _LAZY_FUNCTIONS:
        module = importlib.import_module(_LAZY_FUNCTIONS[name])
        value = getattr(module, name)
    elif name in _LAZY_MODULES:
        value = importlib.import_module(f"mmlab.{name}")
    else:
        raise AttributeError(f"module 'mmlab' has no attribute {name!r}")
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return __all__
