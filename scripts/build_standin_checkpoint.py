"""Write an untrained stand-in for the embedded default model, data/models/toy-clip/.

The stand-in has the architecture of the "toy-clip" training config and the toy world's
vocabulary, with freshly initialised weights (seed 0), so `mmlab.load_model()` works offline
before the trained checkpoint ships. `python -m mmlab.training --config toy-clip --out
data/models/toy-clip` replaces it with trained weights and a new model card.

Usage: python scripts/build_standin_checkpoint.py [--out data/models/toy-clip]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from mmlab import toyworld
from mmlab.models.toy_clip import build_toy_model, model_card, save_checkpoint
from mmlab.paths import models_dir
from mmlab.training import get_config

CARD_BODY = """
# toy-clip (untrained stand-in)

A CLIP-style model (ViT image tower, transformer text tower, softmax contrastive objective) at toy
scale, with the architecture of `mmlab.training.configs.CONFIGS["toy-clip"]` and the toy world's
{words}-word vocabulary. Its weights are **random** (seed 0): it exists so that
`mmlab.load_model()` works offline until the trained checkpoint replaces it. Its similarities
mean nothing yet; every retrieval metric should sit at chance.

- Architecture: {kwargs}
- Weights: fp16 safetensors, {params:,} parameters
- Built by: `python scripts/build_standin_checkpoint.py`
- Replace with: `python -m mmlab.training --config toy-clip --out data/models/toy-clip`
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=models_dir() / "toy-clip")
    args = parser.parse_args()
    vocabulary = toyworld.vocabulary()
    kwargs = get_config("toy-clip").model_kwargs()
    model, processor = build_toy_model(vocabulary, kind="clip", seed=0, **kwargs)
    params = sum(p.numel() for p in model.parameters())
    body = CARD_BODY.format(words=len(vocabulary), kwargs=kwargs, params=params)
    purpose = "untrained stand-in for the toy CLIP (random weights; replaced by training)"
    card = model_card("toy-clip", purpose, None, body)
    out = save_checkpoint(model, processor, args.out, card, dtype="float16")
    size = (out / "model.safetensors").stat().st_size / 1e6
    print(f"wrote {out} ({params:,} parameters, {size:.2f} MB)")


if __name__ == "__main__":
    main()
