"""Train a tiny CLIP (or SigLIP) from scratch on the toy world: the loop a reader holds in one screen.

Introduced in notebooks/02_contrastive_training.ipynb:

    from mmlab.training import train, get_config
    result = train(get_config("live"))      # about 30 s on one idle CPU thread
    result.history.loss                     # the curve to plot

From a shell, `python -m mmlab.training --config toy-clip --out data/models/toy-clip` trains a
named config and saves a Hugging Face checkpoint with its model card (mmlab/training/cli.py).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from mmlab import toyworld
from mmlab.losses import CLIP_MAX_LOGIT_SCALE, clip_loss, siglip_loss
from mmlab.models.toy_clip import (
    SIGLIP_LOGIT_BIAS_INIT,
    SIGLIP_LOGIT_SCALE_INIT,
    build_toy_model,
    pixel_values_from_uint8,
)
from mmlab.training.configs import TrainConfig, own_loss
from mmlab.training.metrics import embed_images, embed_texts, retrieval_recall, tokenize

__all__ = ["History", "TrainResult", "train"]

# Captions are embedded in this many groups of similar length (see text_features); 3 measured
# fastest on the toy captions (batch 128 of the toy-clip mix, 1 thread).
LENGTH_GROUPS = 3
# Rounds of centre_towers' moving the two clouds towards each other (the gap left halves or so
# with every round: 1.5 -> 0.0003 in 50 on an untrained tau = 0.01 twin of the live recipe).
CENTRE_ROUNDS = 50


@dataclass
class History:
    """What a run logged: per step the loss and the logit scale; every `eval_every` steps the
    validation text->image Recall@1 and @5 (over val scenes with distinct captions) and the
    training time so far, validation excluded."""

    step: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    scale: list[float] = field(default_factory=list)  # exp(t); the temperature is 1 / scale
    bias: list[float] = field(default_factory=list)  # SigLIP only
    seconds: list[float] = field(default_factory=list)  # wall time since the run started
    eval_step: list[int] = field(default_factory=list)
    val_recall_at_1: list[float] = field(default_factory=list)
    val_recall_at_5: list[float] = field(default_factory=list)
    train_seconds: list[float] = field(default_factory=list)  # at each eval, validation excluded

    @property
    def temperature(self) -> list[float]:
        """Return the softmax temperature 1 / scale at every step."""
        return [1.0 / s for s in self.scale]

    def record(self, step: int, loss: float, model: Any, seconds: float) -> None:
        """Append one step's loss, the model's current scale (and bias) and the clock."""
        self.step.append(step)
        self.loss.append(loss)
        self.scale.append(model.logit_scale.exp().item())
        if hasattr(model, "logit_bias"):
            self.bias.append(model.logit_bias.item())
        self.seconds.append(seconds)

    def to_dict(self) -> dict[str, list]:
        """Return every logged series as a plain dict of lists (JSON-friendly)."""
        return {name: list(getattr(self, name)) for name in self.__dataclass_fields__}


@dataclass
class TrainResult:
    """The trained model (eval mode), its processor, the history and the config it came from."""

    model: Any
    processor: Any
    history: History
    config: TrainConfig
    wall_s: float


def train(
    config: TrainConfig,
    *,
    progress: bool = True,
    val: Any = None,
    on_step: Callable[[int, Any, Any], None] | None = None,
    stop_when: Callable[[History], bool] | None = None,
) -> TrainResult:
    """Train a fresh toy model on the toy world's endless stream of (image, caption) batches.

    `val` is a validation set with `.images` and `.captions` (default: toyworld.load("val")).
    `on_step(step, model, processor)`, when given, is called after every optimiser step (e.g. to
    look at the similarity matrix of a fixed batch while it turns diagonal). `stop_when(history)`,
    when given, is asked after every validation and ends the run early when it returns True.
    Introduced in notebooks/02_contrastive_training.ipynb.
    Returns a TrainResult; the same config on the same CPU gives the same loss curve.
    """
    from tqdm.auto import tqdm

    start = time.perf_counter()
    torch.set_flush_denormal(True)  # tiny random weights otherwise hit slow denormal maths
    rng = np.random.default_rng(config.seed)  # the data stream
    if config.start_from is None:
        model, processor = build_toy_model(
            toyworld.vocabulary(), config.kind, seed=config.seed, **config.model_kwargs()
        )
    else:  # continue a shipped checkpoint (float32, trainable)
        model, processor = checkpoint_to_continue(config.start_from)
    if config.loss_name == "sigmoid" and not hasattr(model, "logit_bias"):
        add_sigmoid_bias(model)  # CLIP's towers, SigLIP's loss
    if config.temperature_init is not None:
        with torch.no_grad():
            model.logit_scale.fill_(-math.log(config.temperature_init))  # scale = 1 / temperature
    model.logit_scale.requires_grad_(config.learn_scale)  # False: a fixed temperature
    optimizer = make_optimizer(model, config)
    val = toyworld.load("val") if val is None else val
    if config.centre_at_init:  # shipped 64-px pictures, as lesson 03 measures the gap: centred on
        # training batches (drawn at the model's 72 px), the test gap at the start stayed at 0.18
        centre_towers(model, processor, val.images, val.captions)
    history, validating = History(), 0.0  # seconds spent on validation so far

    model.train()
    bar = tqdm(range(1, config.steps + 1), desc=f"training {config.kind}", disable=not progress)
    for step in bar:
        batch = draw_batch(rng, config, step)
        loss = batch_loss(model, processor, batch, config.kind, config.loss_name)
        if not torch.isfinite(loss):
            raise FloatingPointError(
                f"step {step}: the loss is {loss.item()}, so training stopped (nothing was saved). "
                f"The usual cause is a learning rate too high for this model (lr={config.lr:g}, "
                f"warm-up {config.warmup_steps} steps): try 10x lower, or a longer warm-up"
            )
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        for group in optimizer.param_groups:
            group["lr"] = config.lr * lr_factor(config, step)
        optimizer.step()
        if config.loss_name == "softmax":  # keep the stored scale where the loss clamps it (<= 100)
            with torch.no_grad():
                model.logit_scale.clamp_(max=CLIP_MAX_LOGIT_SCALE)
        history.record(step, loss.item(), model, time.perf_counter() - start)
        if on_step is not None:
            on_step(step, model, processor)

        if step % config.eval_every == 0 or step == config.steps:
            before = time.perf_counter()
            history.train_seconds.append(before - start - validating)
            validate(model, processor, val, history, step)
            validating += time.perf_counter() - before
            bar.set_postfix(loss=f"{loss.item():.3f}", val_r5=f"{history.val_recall_at_5[-1]:.2f}")
            if stop_when is not None and stop_when(history):
                break
            mark = config.stop_at_val_r1
            if mark is not None and history.val_recall_at_1[-1] >= mark:
                break
    model.eval()
    return TrainResult(model, processor, history, config, time.perf_counter() - start)


def checkpoint_to_continue(name: str) -> tuple[Any, Any]:
    """Load the shipped checkpoint `name` for more training: (model in float32, processor)."""
    from mmlab.models.loading import load_model

    embedder = load_model(name, device="cpu")
    model = embedder.model.float()
    for parameter in model.parameters():
        parameter.requires_grad_(True)
    return model, embedder.processor


def centre_towers(model: Any, processor: Any, images: Any, captions: list[str]) -> float:
    """Move CLIP's two clouds of embeddings onto one centre (in place), each along the gap.

    Liang et al. 2022 ("Mind the Gap") ask whether the gap is the loss's own choice or left over
    from initialisation: start both clouds at one place and see whether training at a low
    temperature pulls them apart again. On these pictures and captions, this shifts the picture
    cloud against the gap vector (picture centre minus caption centre, of the unit vectors) and
    the caption cloud along it, half each, until their centres meet; the shift is written into
    the bias of the layer norm that feeds each tower's (bias-free, linear) projection, so it
    moves every later embedding too. Introduced in notebooks/03_shared_space_map.ipynb.
    Returns the gap left on these pairs (a few thousandths after CENTRE_ROUNDS rounds).
    """
    unit = torch.nn.functional.normalize
    with torch.no_grad():
        pixels = pixel_values_from_uint8(np.asarray(images), processor)
        raw_images = model.get_image_features(pixel_values=pixels).pooler_output
        raw_texts = text_features(model, processor, list(captions), "clip")
        shift_images, shift_texts = torch.zeros_like(raw_images[0]), torch.zeros_like(raw_texts[0])
        for _ in range(CENTRE_ROUNDS):
            moved_images, moved_texts = raw_images + shift_images, raw_texts + shift_texts
            gap = unit(moved_images).mean(0) - unit(moved_texts).mean(0)
            shift_images -= gap / 2 * moved_images.norm(dim=1).mean()  # in raw lengths
            shift_texts += gap / 2 * moved_texts.norm(dim=1).mean()
        for shift, projection, norm in (
            (shift_images, model.visual_projection, model.vision_model.post_layernorm),
            (shift_texts, model.text_projection, model.text_model.final_layer_norm),
        ):
            norm.bias += torch.linalg.lstsq(projection.weight, shift[:, None]).solution[:, 0]
        left = unit(raw_images + shift_images).mean(0) - unit(raw_texts + shift_texts).mean(0)
    return float(left.norm())


def validate(model: Any, processor: Any, val: Any, history: History, step: int) -> None:
    """Append validation text->image Recall@1 and @5 at `step` to `history` (in place)."""
    image_emb = embed_images(model, processor, val.images)
    text_emb = embed_texts(model, processor, val.captions)
    history.eval_step.append(step)
    for k, series in ((1, history.val_recall_at_1), (5, history.val_recall_at_5)):
        series.append(retrieval_recall(image_emb, text_emb, val.captions, k=k)["t2i"])


def draw_batch(rng: np.random.Generator, config: TrainConfig, step: int | None = None) -> Any:
    """Draw one training batch from the toy world, split equally across `config.details`.

    During the first `config.singles_steps` steps (when `step` is given) every picture holds one
    object and every caption names only its colour and shape ("a red circle"): a warm-up in
    which both towers must find shape, before busy scenes let colour, count and place carry them.
    Returns a toyworld.ToyBatch (images, captions, scenes, and negatives when asked for).
    """
    if step is not None and step <= config.singles_steps:
        return toyworld.training_batch(
            rng, config.batch_size, detail="color", n_objects=(1,), **config.data_kwargs()
        )
    sizes = [
        len(part) for part in np.array_split(np.arange(config.batch_size), len(config.details))
    ]
    parts = [
        toyworld.training_batch(rng, n, detail=detail, **config.data_kwargs())
        for n, detail in zip(sizes, config.details)
        if n > 0
    ]
    if len(parts) == 1:
        return parts[0]
    with_negatives = any(p.negatives is not None for p in parts)
    return toyworld.ToyBatch(
        images=np.concatenate([p.images for p in parts]),
        captions=[c for p in parts for c in p.captions],
        scenes=[s for p in parts for s in p.scenes],
        negatives=[n for p in parts for n in p.negatives or []] if with_negatives else None,
    )


def batch_loss(
    model: Any, processor: Any, batch: Any, kind: str, loss: str | None = None
) -> torch.Tensor:
    """Embed one toy-world batch with both towers and return the contrastive loss: `loss`
    "softmax" (CLIP's InfoNCE) or "sigmoid" (SigLIP's), by default the one of `kind`.

    Hard-negative captions (`batch.negatives`, when present) go through the text tower too and
    become extra columns of the logit matrix. Returns a scalar tensor with a graph.
    """
    pixels = pixel_values_from_uint8(batch.images, processor)
    negatives = batch.negatives or []
    image_emb = model.get_image_features(pixel_values=pixels).pooler_output
    all_text = text_features(model, processor, list(batch.captions) + list(negatives), kind)
    text_emb, extra = all_text[: len(batch.captions)], all_text[len(batch.captions) :]
    extra = extra if len(negatives) else None
    if (loss or own_loss(kind)) == "softmax":
        return clip_loss(image_emb, text_emb, model.logit_scale, extra_text_emb=extra)
    return siglip_loss(image_emb, text_emb, model.logit_scale, model.logit_bias, extra)


def add_sigmoid_bias(model: Any) -> None:
    """Give a CLIP model what SigLIP's loss needs and start it where SigLIP starts: a learned
    bias b = -10 beside the scale t = 10 (Zhai et al. 2023). Lesson 02 trains CLIP's towers with
    it, so that SigLIP against CLIP compares the loss alone. Changes `model` in place."""
    with torch.no_grad():
        model.logit_scale.fill_(SIGLIP_LOGIT_SCALE_INIT)
    model.logit_bias = torch.nn.Parameter(torch.full((), SIGLIP_LOGIT_BIAS_INIT))


def text_features(model: Any, processor: Any, texts: list[str], kind: str) -> torch.Tensor:
    """Run the text tower on `texts` in LENGTH_GROUPS groups of similar length (CLIP only).

    CLIP's text tower is causal and reads the end-of-text token, so the padding after a caption
    never reaches its feature: padding each group only to its own longest caption gives the same
    features (equal up to float rounding, tested) with less work than padding every caption to
    the longest of the batch. SigLIP pads to max_length by design, so it runs as one group.
    Returns a (len(texts), d) tensor with a graph, rows in the order of `texts`.
    """
    if kind != "clip":
        return model.get_text_features(**tokenize(processor, texts)).pooler_output
    by_length = np.argsort([len(text.split()) for text in texts], kind="stable")
    groups = [g for g in np.array_split(by_length, LENGTH_GROUPS) if len(g)]
    parts = [
        model.get_text_features(**tokenize(processor, [texts[i] for i in g])).pooler_output
        for g in groups
    ]
    return torch.cat(parts)[torch.from_numpy(np.argsort(np.concatenate(groups)))]


def make_optimizer(model: Any, config: TrainConfig) -> torch.optim.Optimizer:
    """AdamW with weight decay on weight matrices only (not norms, biases, scale or bias).

    Returns the optimizer; `train` sets its learning rate every step from `lr_factor`.
    """
    decay = [p for p in model.parameters() if p.ndim >= 2]
    no_decay = [p for p in model.parameters() if p.ndim < 2]
    groups = [
        {"params": decay, "weight_decay": config.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=config.lr, betas=(0.9, 0.98), eps=1e-6)


def lr_factor(config: TrainConfig, step: int) -> float:
    """Multiplier of the peak learning rate at `step` (1-based): linear warm-up, then either
    constant or a cosine that ends at 5% of the peak on the last step. Returns a float."""
    if step <= config.warmup_steps:
        return step / max(1, config.warmup_steps)
    if config.schedule == "constant":
        return 1.0
    progress = (step - config.warmup_steps) / max(1, config.steps - config.warmup_steps)
    return 0.05 + 0.95 * 0.5 * (1.0 + math.cos(math.pi * progress))
