"""Training a tiny CLIP (or SigLIP) from scratch on the toy world: the package behind lesson 02.

Introduced in notebooks/02_contrastive_training.ipynb:

    from mmlab.training import train, get_config
    result = train(get_config("live"))

Its modules, each importing only those listed before it (and mmlab.models, never the reverse):
`configs` (the named recipes), `metrics` (what a run measures), `loop` (the one-screen `train`),
`experiments` (lesson 02's part-3 runs and their recorded reference curves),
`card` (a checkpoint's model card) and `cli` (`python -m mmlab.training --config NAME --out DIR`).
"""

from __future__ import annotations

from mmlab.training.configs import CONFIGS, TrainConfig, get_config
from mmlab.training.loop import History, TrainResult, train

__all__ = ["CONFIGS", "History", "TrainConfig", "TrainResult", "get_config", "train"]
