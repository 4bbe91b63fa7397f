"""What the training loop measures: embeddings of a model in memory, retrieval recall, zero-shot.

Introduced in notebooks/02_contrastive_training.ipynb. The training loop logs validation
Recall@1 and @5 with these functions (Recall@K itself is mmlab.evaluate.recall_at_k); model
cards and the quality test of the shipped weights report Recall@1 and zero-shot accuracy with the
same ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from mmlab import toyworld
from mmlab.evaluate import recall_at_k
from mmlab.models.toy_clip import pixel_values_from_uint8


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
    image_emb: Any, text_emb: Any, captions: Sequence[str], k: int
) -> dict[str, float]:
    """Recall@k both ways over the scenes whose caption is unique in `captions`.

    `image_emb` and `text_emb` are (N, d) unit vectors (torch or numpy), row i of each
    describing scene i. Scenes sharing a caption are left out of queries and gallery alike, so
    each query has exactly one right answer. Returns {"t2i": ..., "i2t": ..., "n": scenes used}.
    """
    keep = distinct_caption_indices(captions)
    if len(keep) < k:
        raise ValueError(f"only {len(keep)} scenes have a distinct caption; k={k} is too large")
    images, texts = np.asarray(image_emb)[keep], np.asarray(text_emb)[keep]
    own = list(range(len(keep)))  # query i's one right answer is item i
    return {
        "t2i": recall_at_k(texts @ images.T, own, k),
        "i2t": recall_at_k(images @ texts.T, own, k),
        "n": len(keep),
    }


def zero_shot_accuracy(
    image_emb: Any, prompt_emb: Any, prompt_labels: Sequence[str], truth: Sequence[str]
) -> float:
    """Share of images whose most similar prompt carries the true label.

    `prompt_emb` (P, d) embeds P prompts, `prompt_labels[p]` is the label prompt p stands for
    (several prompts may share a label), `truth[i]` is the label of image i. Returns a float.
    """
    images, prompts = np.asarray(image_emb), np.asarray(prompt_emb)
    if len(prompt_labels) != prompts.shape[0] or len(truth) != images.shape[0]:
        raise ValueError(
            f"{len(prompt_labels)} prompt labels for {prompts.shape[0]} prompts and "
            f"{len(truth)} true labels for {images.shape[0]} images: the counts must match"
        )
    best = (images @ prompts.T).argmax(axis=1)
    return float(np.mean([prompt_labels[p] == t for p, t in zip(best, truth, strict=True)]))


def zero_shot_attributes(encode_texts: Callable, image_emb: Any, factors: list[dict]) -> dict:
    """Zero-shot colour and shape accuracy on the single-object scenes among `factors`.

    Every "a {colour} {shape}" description of the toy world is a prompt, embedded with
    `encode_texts`; an image's predicted colour and shape are those of its most similar prompt.
    Returns {"color": ..., "shape": ..., "n": number of single-object scenes}.
    """
    single = [i for i, f in enumerate(factors) if f["count"] == 1]
    if not single:
        raise ValueError("no single-object scene among the factors: zero-shot needs some")
    pairs = [(c, s) for c in toyworld.COLORS for s in toyworld.SHAPES]
    prompt_emb = encode_texts([f"{'an' if c[0] in 'aeiou' else 'a'} {c} {s}" for c, s in pairs])
    objects = [factors[i]["objects"][0] for i in single]
    images = np.asarray(image_emb)[single]
    colors, shapes = [c for c, _ in pairs], [s for _, s in pairs]
    return {
        "color": zero_shot_accuracy(images, prompt_emb, colors, [o["color"] for o in objects]),
        "shape": zero_shot_accuracy(images, prompt_emb, shapes, [o["shape"] for o in objects]),
        "n": len(single),
    }


def quality_metrics(encode_images: Callable, encode_texts: Callable, test: Any) -> dict:
    """The quality figures of a toy model on a fixed set (the shipped test set).

    `encode_images` / `encode_texts` map a list of images / captions to (N, d) unit vectors
    (see `encoders`, or an mmlab.load_model embedder's encode_image / encode_text). Reports
    Recall@1 and @5 both ways over the scenes with distinct captions, and zero-shot colour and
    shape accuracy on the single-object scenes. Returns a flat dict of floats and counts.
    """
    image_emb = np.asarray(encode_images(list(test.images)))
    text_emb = np.asarray(encode_texts(list(test.captions)))
    r1 = retrieval_recall(image_emb, text_emb, test.captions, k=1)
    r5 = retrieval_recall(image_emb, text_emb, test.captions, k=5)
    zero_shot = zero_shot_attributes(encode_texts, image_emb, test.factors)
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


def encoders(model: Any, processor: Any) -> tuple[Callable, Callable]:
    """Return (encode_images, encode_texts) for a model in memory, as numpy unit vectors."""
    return (
        lambda images: embed_images(model, processor, images).numpy(),
        lambda texts: embed_texts(model, processor, texts).numpy(),
    )
