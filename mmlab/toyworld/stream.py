"""The infinite seeded training stream: `training_batch(rng, batch_size)` returns images, captions
and (optionally) NegCLIP-style hard-negative captions and audio for one training step.

Introduced in notebooks/02_contrastive_training.ipynb.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from mmlab.toyworld.captions import DETAILS, DRAWS_PER_CAPTION, plan_for, text
from mmlab.toyworld.negatives import training_negative
from mmlab.toyworld.rendering import check_size, render_array
from mmlab.toyworld.sampling import sample_scenes
from mmlab.toyworld.scenes import Scene, check_rng
from mmlab.toyworld.vocabulary import check_choice


@dataclass
class ToyBatch:
    """One training batch: uint8 images (B, size, size, 3), captions, scenes, and optionally
    one hard-negative caption per image (with its kind) and audio (B, samples) float32."""

    images: np.ndarray
    captions: list[str]
    scenes: list[Scene]
    negatives: list[str] | None = None
    negative_kinds: list[str] | None = None
    audio: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.captions)


def training_batch(
    rng: np.random.Generator,
    batch_size: int,
    *,
    size: int = 64,
    words_fraction: float = 0.0,
    detail: str = "full",
    hard_negatives: bool = False,
    holdout: bool = True,
    audio: bool = False,
    pairs: Sequence[tuple[str, str]] | None = None,
    n_objects: Sequence[int] = (1, 2, 3, 4),
) -> ToyBatch:
    """Return one batch of the training stream, drawn from `rng`.

    Introduced in notebooks/02_contrastive_training.ipynb. Captions are random paraphrases at the
    given `detail` ("shape", "color" or "full"); a share `words_fraction` of images carries a
    rendered word that its caption mentions. With `hard_negatives=True`, `.negatives` holds one
    false caption per image (a swapped attribute or relation where possible, NegCLIP-style).
    With `holdout=True` (the default) no scene and no caption contains a held-out composition.
    `audio=True` adds `.audio`, each scene's sound (mmlab.toyworld.audio); `pairs` and
    `n_objects` restrict the (colour, shape) pairs and object counts drawn.
    """
    check_rng(rng)
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be an int >= 1, got {batch_size!r}")
    size = check_size(size)
    check_choice(detail, DETAILS, "detail")
    scenes = sample_scenes(
        rng,
        batch_size,
        words_fraction=words_fraction,
        holdout=holdout,
        pairs=pairs,
        n_objects=n_objects,
    )
    draws = rng.random((batch_size, DRAWS_PER_CAPTION)).tolist()
    plans = [plan_for(scene, detail, draws=d) for scene, d in zip(scenes, draws)]
    batch = ToyBatch(render_array(scenes, size), [text(p) for p in plans], scenes)
    if hard_negatives:
        found = [training_negative(s, p, rng, holdout) for s, p in zip(scenes, plans)]
        batch.negative_kinds = [kind for kind, _ in found]
        batch.negatives = [negative for _, negative in found]
    if audio:
        from mmlab.toyworld.audio import waveforms

        batch.audio = waveforms(scenes, rng)
    return batch


def training_stream(seed: int, batch_size: int, **options) -> Iterator[ToyBatch]:
    """Yield training batches forever from `numpy.random.default_rng(seed)`.

    Introduced in notebooks/02_contrastive_training.ipynb; `options` go to `training_batch`.
    """
    rng = np.random.default_rng(seed)
    while True:
        yield training_batch(rng, batch_size, **options)
