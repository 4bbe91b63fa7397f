"""The two contrastive losses behind CLIP and SigLIP, written out to be read.

Introduced in notebooks/02_contrastive_training.ipynb.

Both losses take a batch of B (image, caption) pairs where row i of the images matches row i of
the captions, and optionally K extra "hard negative" captions (NegCLIP: a caption with two
attributes swapped) that match no image and only ever sit on the wrong side of the score.
Embeddings are L2-normalised here, so callers may pass raw tower outputs.

Published values: CLIP initialises its temperature at 0.07 (a logit scale of 1/0.07) and clips the
scale so that logits are never multiplied by more than 100 (Radford et al. 2021, arXiv:2103.00020,
section 2.5; open_clip's default `init_logit_scale = np.log(1 / 0.07)`, src/open_clip/model.py).
SigLIP starts at t' = log 10 (t = 10) and b = -10 (Zhai et al. 2023, arXiv:2303.15343, the
pseudocode of Algorithm 1).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

CLIP_INIT_LOGIT_SCALE = math.log(1 / 0.07)  # ln(1/0.07) ~ 2.659, i.e. a scale of ~14.3
CLIP_MAX_LOGIT_SCALE = math.log(100.0)  # the scale exp(t) never exceeds 100
SIGLIP_INIT_LOGIT_SCALE = math.log(10.0)  # t' = ln 10, so t = exp(t') = 10
SIGLIP_INIT_LOGIT_BIAS = -10.0


def clip_loss(
    image_emb: torch.Tensor,
    text_emb: torch.Tensor,
    logit_scale: torch.Tensor,
    extra_text_emb: torch.Tensor | None = None,
) -> torch.Tensor:
    """Symmetric InfoNCE: each image must pick its caption, each caption must pick its image.

    `logit_scale` is the learnable log-scale t (as in Hugging Face's CLIPModel); the logits are
    exp(min(t, ln 100)) * cos(image_i, caption_j). `extra_text_emb` (K, d) adds K columns of
    hard-negative captions that every image must also rank below its own caption, giving
    B x (B + K) image->text logits (NegCLIP). Returns the scalar mean of the two cross-entropies.
    """
    _check_pair(image_emb, text_emb, extra_text_emb)
    _check_scalar("logit_scale", logit_scale)
    x = F.normalize(image_emb, dim=-1)  # (B, d) unit image vectors
    y = F.normalize(text_emb, dim=-1)  # (B, d) unit caption vectors
    scale = logit_scale.clamp(max=CLIP_MAX_LOGIT_SCALE).exp()  # temperature 1/scale
    targets = torch.arange(x.shape[0], device=x.device)  # the match of row i is column i

    # image -> text: softmax over the B captions of the batch (+ the K hard negatives).
    captions = y if extra_text_emb is None else torch.cat([y, _flat(extra_text_emb)], dim=0)
    logits_per_image = scale * x @ captions.T  # (B, B + K)
    # text -> image: softmax over the B images; hard negatives have no image, so no row here.
    logits_per_text = scale * y @ x.T  # (B, B)

    loss_i2t = F.cross_entropy(logits_per_image, targets)  # -mean_i log p(caption_i | image_i)
    loss_t2i = F.cross_entropy(logits_per_text, targets)  # -mean_i log p(image_i | caption_i)
    return (loss_i2t + loss_t2i) / 2


def siglip_loss(
    image_emb: torch.Tensor,
    text_emb: torch.Tensor,
    logit_scale: torch.Tensor,
    logit_bias: torch.Tensor,
    extra_text_emb: torch.Tensor | None = None,
) -> torch.Tensor:
    """Sigmoid loss: every (image, caption) cell is its own yes/no question.

    Cell (i, j) has logit z_ij = exp(t') * cos(image_i, caption_j) + b and label +1 on the
    diagonal, -1 elsewhere; the loss is -sum log sigmoid(label * z) divided by the batch size B
    (the paper's pseudocode). `extra_text_emb` (K, d) adds K columns labelled -1 for every image.
    Returns a scalar.
    """
    _check_pair(image_emb, text_emb, extra_text_emb)
    _check_scalar("logit_scale", logit_scale)
    _check_scalar("logit_bias", logit_bias)
    x = F.normalize(image_emb, dim=-1)
    y = F.normalize(text_emb, dim=-1)
    if extra_text_emb is not None:
        y = torch.cat([y, _flat(extra_text_emb)], dim=0)  # (B + K, d)
    batch = x.shape[0]

    logits = logit_scale.exp() * x @ y.T + logit_bias  # (B, B + K)
    labels = -torch.ones_like(logits)  # -1: "this caption does not describe this image"
    labels[:, :batch] += 2 * torch.eye(batch, device=x.device, dtype=x.dtype)  # +1 on diagonal
    return -F.logsigmoid(labels * logits).sum() / batch


def _flat(extra_text_emb: torch.Tensor) -> torch.Tensor:
    """Unit rows (K, d); a (B, M, d) tensor -- M negatives per image -- becomes (B * M, d)."""
    return F.normalize(extra_text_emb.reshape(-1, extra_text_emb.shape[-1]), dim=-1)


def _check_pair(
    image_emb: torch.Tensor, text_emb: torch.Tensor, extra_text_emb: torch.Tensor | None
) -> None:
    """Raise a ValueError naming the offending tensor when the shapes cannot form a batch."""
    if image_emb.ndim != 2 or text_emb.ndim != 2:
        raise ValueError(
            f"image_emb and text_emb must be 2-D (batch, dim); got {tuple(image_emb.shape)} "
            f"and {tuple(text_emb.shape)}"
        )
    if image_emb.shape != text_emb.shape:
        raise ValueError(
            f"image_emb {tuple(image_emb.shape)} and text_emb {tuple(text_emb.shape)} must have "
            "the same shape: row i of each is one matching pair"
        )
    if image_emb.shape[0] < 1:
        raise ValueError("the batch is empty: image_emb has 0 rows")
    if extra_text_emb is not None and (
        extra_text_emb.ndim not in (2, 3) or extra_text_emb.shape[-1] != text_emb.shape[-1]
    ):
        raise ValueError(
            f"extra_text_emb must be (K, {text_emb.shape[-1]}) or (B, M, {text_emb.shape[-1]}); "
            f"got {tuple(extra_text_emb.shape)}"
        )


def _check_scalar(name: str, value: object) -> None:
    """Raise a TypeError unless `value` is a one-element tensor (a learnable parameter)."""
    if not isinstance(value, torch.Tensor) or value.numel() != 1:
        raise TypeError(
            f"{name} must be a one-element torch.Tensor (e.g. model.{name}); got {value!r}"
        )
