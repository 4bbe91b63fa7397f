"""The infinite seeded training stream: `training_batch(rng, batch_size)` returns images, captions
and (optionally) NegCLIP-style hard-negative captions and audio for one training step.

Introduced in notebooks/02_contrastive_training.ipynb.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from mmlab.toyworld.captions import (
    DETAILS,
    DRAWS_PER_CAPTION,
    plan_for,
    text,
    unstated_counts,
    without_word,
)
from mmlab.toyworld.negatives import count_negative, negated_caption, training_negative
from mmlab.toyworld.rendering import check_size, render_array
from mmlab.toyworld.sampling import sample_scenes
from mmlab.toyworld.scenes import MAX_OBJECTS, Scene, check_rng
from mmlab.toyworld.vocabulary import check_choice


@dataclass
class ToyBatch:
    """One training batch: uint8 images (B, size, size, 3), captions, scenes, and optionally
    hard-negative captions (with their kinds) and audio (B, samples) float32. Hard negatives
    are one per image with `hard_negatives`; with negated captions or count negatives, one per
    caption that allows one (so possibly fewer than B): each is one more column of the loss."""

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
    naming_words: float = 0.0,
    silent_words: float = 0.0,
    detail: str = "full",
    hard_negatives: bool = False,
    holdout: bool = True,
    audio: bool = False,
    pairs: Sequence[tuple[str, str]] | None = None,
    n_objects: Sequence[int] = (1, 2, 3, 4),
    negated_captions: float = 0.0,
    stated_counts: float = 1.0,
    count_negatives: bool = False,
) -> ToyBatch:
    """Return one batch of the training stream, drawn from `rng`.

    Introduced in notebooks/02_contrastive_training.ipynb. Captions are random paraphrases at the
    given `detail` ("shape", "color" or "full"); a share `words_fraction` of images carries a
    rendered word that its caption mentions; a share `naming_words` a word that names the shape
    of one object in the picture and a share `silent_words` a random word, neither mentioned by
    the caption (the word-label twins of notebooks/06_text_in_image.ipynb). With `hard_negatives=True`, `.negatives` holds one
    false caption per image (a swapped attribute or relation where possible, NegCLIP-style).
    With `holdout=True` (the default) no scene and no caption contains a held-out composition.
    `audio=True` adds `.audio`, each scene's sound (mmlab.toyworld.audio); `pairs` and
    `n_objects` restrict the (colour, shape) pairs and object counts drawn.

    Options of notebooks/05_compositional_failures.ipynb: a share `negated_captions` of the
    pictures get a true negated caption ("a A and no B", either word order) and its false twin as
    a hard negative (`negatives.negated_caption`; pictures whose caption affirms no single object
    keep theirs); `stated_counts` is the share of groups of two or more whose caption gives the
    number (the rest read "red circles"); `count_negatives=True` adds, for each caption with a
    stated count, the caption with that count moved by one (`negatives.count_negative`).
    """
    check_rng(rng)
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be an int >= 1, got {batch_size!r}")
    size = check_size(size)
    check_choice(detail, DETAILS, "detail")
    shares = {"words_fraction": words_fraction, "naming_words": naming_words}
    shares["silent_words"] = silent_words
    for name, share in shares.items():
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"{name} {share!r} must lie in [0, 1]")
    if sum(shares.values()) > 1.0:
        raise ValueError(f"the shares of pictures with a word add up to more than 1: {shares}")
    for name, share in (("negated_captions", negated_captions), ("stated_counts", stated_counts)):
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
            raise ValueError(f"{name} {share!r} must be a number in [0, 1]")
    negative_options = {"hard_negatives": hard_negatives, "count_negatives": count_negatives}
    negative_options["negated_captions"] = negated_captions > 0
    if sum(bool(on) for on in negative_options.values()) > 1:
        chosen = [name for name, on in negative_options.items() if on]
        raise ValueError(f"{' and '.join(chosen)} each bring their own negatives: choose one")
    scenes = sample_scenes(
        rng,
        batch_size,
        words_fraction=sum(shares.values()),
        holdout=holdout,
        pairs=pairs,
        n_objects=n_objects,
    )
    silent = [False] * batch_size
    if naming_words or silent_words:  # no extra draws otherwise: older recipes keep their stream
        scenes, silent = unmentioned_words(rng, scenes, words_fraction, naming_words, silent_words)
    draws = rng.random((batch_size, DRAWS_PER_CAPTION)).tolist()
    plans = [plan_for(scene, detail, draws=d) for scene, d in zip(scenes, draws)]
    plans = [without_word(plan) if quiet else plan for plan, quiet in zip(plans, silent)]
    if stated_counts < 1:  # no extra draws otherwise: older recipes keep their stream
        plans = [unstated_counts(p, rng.random(len(p.phrases)) < stated_counts) for p in plans]
    batch = ToyBatch(render_array(scenes, size), [text(p) for p in plans], scenes)
    if hard_negatives:
        found = [training_negative(s, p, rng, holdout) for s, p in zip(scenes, plans)]
        batch.negative_kinds = [kind for kind, _ in found]
        batch.negatives = [negative for _, negative in found]
    if negated_captions > 0:
        negated_batch(rng, batch, plans, negated_captions, holdout)
    if count_negatives:
        found = [count_negative(s, p, rng, holdout) for s, p in zip(scenes, plans)]
        batch.negatives = [negative for negative in found if negative is not None]
        batch.negative_kinds = ["count_change"] * len(batch.negatives)
    if audio:
        from mmlab.toyworld.audio import waveforms

        batch.audio = waveforms(scenes, rng)
    return batch


def negated_batch(
    rng: np.random.Generator, batch: ToyBatch, plans: list, share: float, holdout: bool
) -> None:
    """Rewrite a share of the batch's captions as true negated captions, in place, and set
    `.negatives` to their false twins (one per rewritten caption). Introduced in
    notebooks/05_compositional_failures.ipynb."""
    chosen = (rng.random(len(batch)) < share).tolist()
    batch.negatives = []
    for i, (scene, plan, pick) in enumerate(zip(batch.scenes, plans, chosen)):
        pair = negated_caption(scene, plan, rng, holdout) if pick else None
        if pair is not None:
            batch.captions[i] = pair[0]
            batch.negatives.append(pair[1])
    batch.negative_kinds = ["negation"] * len(batch.negatives)


def unmentioned_words(
    rng: np.random.Generator,
    scenes: list[Scene],
    mentioned: float,
    naming: float,
    silent: float,
) -> tuple[list[Scene], list[bool]]:
    """Split the scenes that carry a word into mentioned, naming and silent words, in
    proportion to the three shares; a naming word is replaced by the shape of one of the scene's
    objects, drawn at random. Returns the scenes and, per scene, whether its caption must leave
    the word out. Introduced in notebooks/06_text_in_image.ipynb.
    """
    total = mentioned + naming + silent
    where = rng.random(len(scenes)) * total
    which = rng.integers(0, MAX_OBJECTS, len(scenes))
    out, quiet = [], []
    for scene, u, k in zip(scenes, where.tolist(), which.tolist()):
        if scene.word is None or u < mentioned:
            out.append(scene)
            quiet.append(False)
            continue
        if u < mentioned + naming:
            scene = replace(scene, word=scene.objects[k % len(scene.objects)].shape)
        out.append(scene)
        quiet.append(True)
    return out, quiet


def training_stream(seed: int, batch_size: int, **options) -> Iterator[ToyBatch]:
    """Yield training batches forever from `numpy.random.default_rng(seed)`.

    Introduced in notebooks/02_contrastive_training.ipynb; `options` go to `training_batch`.
    """
    rng = np.random.default_rng(seed)
    while True:
        yield training_batch(rng, batch_size, **options)
