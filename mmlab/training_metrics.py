"""What the training loop measures: embeddings of a model in memory, retrieval recall, zero-shot.

Introduced in notebooks/02_contrastive_training.ipynb. The training loop logs validation
Recall@5 with these functions (Recall@K itself is mmlab.evaluate.recall_at_k); model cards and the quality test of the shipped weights report
Recall@1 and zero-shot accuracy with the same ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from mmlab.evaluate import recall_at_k
from mmlab.toy_clip import pixel_values_from_uint8


@torch.no_grad()
def embed_images(model: Any, processor: Any, images: Any, batch_size: int = 256) -> torch.Tensor:
    """Encode images (a (N, H, W, 3) uint8 array or a list of PIL images) with `model`.

    Returns an (N, d) float32 tensor of unit vectors.
    """
    array = (
        np.stack([np.asarray(im.convert("RGB")) for im in images])
        if isinstance(images, list)
        else images
    )
    was_training = model.training
    model.eval()
    chunks = []
    for start in range(0, len(array), batch_size):
        pixels = pixel_values_from_uint8(array[start : start + batch_size], processor)
        chunks.append(model.get_image_features(pixel_values=pixels).pooler_output)
    model.train(was_training)
    return F.normalize(torch.cat(chunks).float(), dim=-1)


@torch.no_grad()
def embed_texts(
    model: Any, processor: Any, texts: Sequence[str], batch_size: int = 512
) -> torch.Tensor:
    """Encode captions with `model` and the tokenizer inside `processor`.

    Returns an (N, d) float32 tensor of unit vectors.
    """
    was_training = model.training
    model.eval()
    chunks = []
    for start in range(0, len(texts), batch_size):
        tokens = tokenize(processor, texts[start : start + batch_size])
        chunks.append(model.get_text_features(**tokens).pooler_output)
    model.train(was_training)
    return F.normalize(torch.cat(chunks).float(), dim=-1)


def tokenize(processor: Any, texts: Sequence[str]) -> dict[str, torch.Tensor]:
    """Tokenise captions the way the processor does (its padding rule), never truncating.

    Raises ValueError naming the first caption longer than the tokenizer's max_length.
    Returns {"input_ids", "attention_mask"} tensors of shape (N, L).
    """
    tokenizer = processor.tokenizer
    max_length = tokenizer.model_max_length
    padding = tokenizer.init_kwargs.get("padding", "longest")
    ids = tokenizer(list(texts))["input_ids"]
    for index, row in enumerate(ids):
        if len(row) > max_length:
            raise ValueError(
                f"caption {index} ({texts[index]!r}) is {len(row)} tokens long; the model reads "
                f"at most max_length={max_length}: raise max_length in the config"
            )
    return tokenizer(list(texts), padding=padding, max_length=max_length, return_tensors="pt")


def distinct_caption_indices(captions: Sequence[str]) -> list[int]:
    """Return the indices of the captions that occur exactly once in `captions`."""
    counts = Counter(captions)
    return [i for i, caption in enumerate(captions) if counts[caption] == 1]


def retrieval_recall(
    image_emb: torch.Tensor, text_emb: torch.Tensor, captions: Sequence[str], k: int
) -> dict[str, float]:
    """Recall@k both ways over the scenes whose caption is unique in `captions`.

    Scenes sharing a caption are left out of queries and gallery alike, so each query has
    exactly one right answer. Returns {"t2i": ..., "i2t": ..., "n": number of scenes used}.
    """
    keep = distinct_caption_indices(captions)
    if len(keep) < k:
        raise ValueError(f"only {len(keep)} scenes have a distinct caption; k={k} is too large")
    images, texts = image_emb[keep].numpy(), text_emb[keep].numpy()
    own = list(range(len(keep)))  # query i's one right answer is item i
    return {
        "t2i": recall_at_k(texts @ images.T, own, k),
        "i2t": recall_at_k(images @ texts.T, own, k),
        "n": len(keep),
    }


def zero_shot_accuracy(
    image_emb: torch.Tensor, prompt_emb: torch.Tensor, prompt_labels: Sequence[str], truth
) -> float:
    """Share of images whose most similar prompt carries the true label.

    `prompt_emb` (P, d) embeds P prompts, `prompt_labels[p]` is the label prompt p stands for
    (several prompts may share a label), `truth[i]` is the label of image i. Returns a float.
    """
    if len(prompt_labels) != prompt_emb.shape[0] or len(truth) != image_emb.shape[0]:
        raise ValueError(
            f"{len(prompt_labels)} prompt labels for {prompt_emb.shape[0]} prompts and "
            f"{len(truth)} true labels for {image_emb.shape[0]} images: the counts must match"
        )
    best = (image_emb @ prompt_emb.T).argmax(dim=1).tolist()
    return float(np.mean([prompt_labels[p] == t for p, t in zip(best, truth, strict=True)]))


def zero_shot_attributes(model: Any, processor: Any, image_emb: torch.Tensor, factors) -> dict:
    """Zero-shot colour and shape accuracy on the single-object scenes among `factors`.

    Every "a {colour} {shape}" description of the toy world is a prompt; an image's predicted
    colour and shape are those of its most similar prompt. Returns {"color": ..., "shape": ...,
    "n": number of single-object scenes}.
    """
    from mmlab.toyworld.vocabulary import COLORS, SHAPES

    single = [i for i, f in enumerate(factors) if f["count"] == 1]
    if not single:
        raise ValueError("no single-object scene among the factors: zero-shot needs some")
    pairs = [(c, s) for c in COLORS for s in SHAPES]
    prompts = [f"{'an' if c[0] in 'aeiou' else 'a'} {c} {s}" for c, s in pairs]
    prompt_emb = embed_texts(model, processor, prompts)
    objects = [factors[i]["objects"][0] for i in single]
    images = image_emb[single]
    return {
        "color": zero_shot_accuracy(
            images, prompt_emb, [c for c, _ in pairs], [o["color"] for o in objects]
        ),
        "shape": zero_shot_accuracy(
            images, prompt_emb, [s for _, s in pairs], [o["shape"] for o in objects]
        ),
        "n": len(single),
    }


def quality_metrics(model: Any, processor: Any, test: Any) -> dict[str, float]:
    """The quality figures of a trained toy model on a fixed set (the shipped test set).

    Recall@1 both ways over the scenes with distinct captions, and zero-shot colour and shape
    accuracy on its single-object scenes. Returns a flat dict of floats and counts.
    """
    image_emb = embed_images(model, processor, list(test.images))
    text_emb = embed_texts(model, processor, list(test.captions))
    r1 = retrieval_recall(image_emb, text_emb, test.captions, k=1)
    r5 = retrieval_recall(image_emb, text_emb, test.captions, k=5)
    zero_shot = zero_shot_attributes(model, processor, image_emb, test.factors)
    return {
        "t2i_recall_at_1": round(r1["t2i"], 4),
        "i2t_recall_at_1": round(r1["i2t"], 4),
        "t2i_recall_at_5": round(r5["t2i"], 4),
        "i2t_recall_at_5": round(r5["i2t"], 4),
        "distinct_caption_scenes": r1["n"],
        "zero_shot_color": round(zero_shot["color"], 4),
        "zero_shot_shape": round(zero_shot["shape"], 4),
        "single_object_scenes": zero_shot["n"],
    }
