"""Build, save and feed the toy CLIP / SigLIP models that the course trains on the toy world.

Everything here produces *standard* Hugging Face objects (a `CLIPModel` or `SiglipModel`, a
`CLIPProcessor` or `SiglipProcessor` with a word-level tokenizer), so a checkpoint written by
`save_checkpoint` loads with `AutoModel` / `AutoProcessor` and with `mmlab.load_model(out_dir)`,
exactly like a model from the Hub.

Introduced in notebooks/02_contrastive_training.ipynb (the training lesson builds one in the open).
"""

from __future__ import annotations

import copy
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # heavy imports stay inside the functions that need them
    import torch
    from transformers import PreTrainedModel, PreTrainedTokenizerFast, ProcessorMixin

# Special tokens and their ids. The EOS id must not be 2: HF's CLIP text tower then falls back to
# an "argmax of the token ids" pooling rule and silently pools the wrong token.
PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<bos>", "<eos>"
SPECIAL_TOKENS = (PAD, UNK, BOS, EOS)
PAD_ID, UNK_ID, BOS_ID, EOS_ID = 0, 1, 2, 3

KINDS = ("clip", "siglip")
ACTIVATIONS = ("quick_gelu", "gelu", "gelu_pytorch_tanh", "relu")
PADDINGS = ("longest", "max_length")
SAVE_DTYPES = ("float16", "bfloat16", "float32")

# CLIP starts its temperature at 0.07 (Radford et al. 2021); SigLIP at t' = ln 10, b = -10
# (Zhai et al. 2023 pseudocode). Both are stored as the log of the multiplier.
CLIP_LOGIT_SCALE_INIT = math.log(1 / 0.07)
SIGLIP_LOGIT_SCALE_INIT = math.log(10.0)
SIGLIP_LOGIT_BIAS_INIT = -10.0

_WORD = re.compile(r"[a-z0-9_]+")


def _check_vocabulary(vocabulary: list[str]) -> list[str]:
    """Return the vocabulary as a list, or raise naming the first bad word and the rule it breaks."""
    if isinstance(vocabulary, str) or not hasattr(vocabulary, "__iter__"):
        raise TypeError(
            f"vocabulary must be a list of words, got {type(vocabulary).__name__}: {vocabulary!r:.60}"
        )
    words = list(vocabulary)
    if not words:
        raise ValueError("vocabulary is empty: give at least one word")
    seen: dict[str, int] = {}
    for index, word in enumerate(words):
        if not isinstance(word, str):
            raise TypeError(f"vocabulary[{index}] is {type(word).__name__} {word!r}, expected str")
        if word in SPECIAL_TOKENS:
            raise ValueError(f"vocabulary[{index}] = {word!r} is a reserved special token")
        if not _WORD.fullmatch(word):
            raise ValueError(
                f"vocabulary[{index}] = {word!r}: words must be lowercase letters, digits or '_' "
                "(the tokenizer lowercases text and splits it at spaces and punctuation)"
            )
        if word in seen:
            raise ValueError(f"vocabulary[{index}] = {word!r} repeats vocabulary[{seen[word]}]")
        seen[word] = index
    return words


def build_tokenizer(
    vocabulary: list[str], max_length: int = 16, padding: str = "longest"
) -> PreTrainedTokenizerFast:
    """Build a word-level tokenizer over `vocabulary`: one token per word, "<bos> words <eos>".

    Text is lowercased and punctuation is read as a space; unknown words become "<unk>". Ids:
    <pad>=0, <unk>=1, <bos>=2, <eos>=3, then the words in the order given. `padding` ("longest" or
    "max_length") and truncation to `max_length` are stored as the tokenizer's defaults, which the
    processor applies when it tokenises (SigLIP needs "max_length": it pools the last position).

    Introduced in notebooks/02_contrastive_training.ipynb.
    Returns a `PreTrainedTokenizerFast` (saved as tokenizer.json + tokenizer_config.json).
    """
    from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    words = _check_vocabulary(vocabulary)
    if padding not in PADDINGS:
        raise ValueError(f"padding={padding!r} is not one of {PADDINGS}")
    if not isinstance(max_length, int) or max_length < 3:
        raise ValueError(f"max_length={max_length!r}: need an int >= 3 (<bos>, a word, <eos>)")

    vocab = {token: i for i, token in enumerate(SPECIAL_TOKENS)}
    vocab.update({word: len(SPECIAL_TOKENS) + i for i, word in enumerate(words)})
    backend = Tokenizer(models.WordLevel(vocab, unk_token=UNK))
    backend.normalizer = normalizers.Sequence(
        [normalizers.Lowercase(), normalizers.Replace(Regex(r"[^\w\s]"), " ")]
    )
    backend.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    backend.post_processor = processors.TemplateProcessing(
        single=f"{BOS} $A {EOS}", special_tokens=[(BOS, BOS_ID), (EOS, EOS_ID)]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=backend,
        bos_token=BOS,
        eos_token=EOS,
        pad_token=PAD,
        unk_token=UNK,
        model_max_length=max_length,
        padding_side="right",
        # Defaults the processor reads from the tokenizer's init kwargs when it tokenises.
        padding=padding,
        truncation=True,
        max_length=max_length,
    )


def _text_config(
    vocab_size: int, width: int, layers: int, heads: int, max_length: int, activation: str | None
) -> dict:
    return {
        "vocab_size": vocab_size,
        "hidden_size": width,
        "intermediate_size": 4 * width,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "max_position_embeddings": max_length,
        "pad_token_id": PAD_ID,
        "bos_token_id": BOS_ID,
        "eos_token_id": EOS_ID,
        **({"hidden_act": activation} if activation else {}),
    }


def _vision_config(
    image_size: int, patch_size: int, width: int, layers: int, heads: int, activation: str | None
) -> dict:
    return {
        "image_size": image_size,
        "patch_size": patch_size,
        "num_channels": 3,
        "hidden_size": width,
        "intermediate_size": 4 * width,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        **({"hidden_act": activation} if activation else {}),
    }


def _check_sizes(image_size: int, patch_size: int, width: int, heads: int, kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"kind={kind!r} is not one of {KINDS}")
    if image_size % patch_size:
        raise ValueError(f"image_size={image_size} is not a multiple of patch_size={patch_size}")
    if width % heads:
        raise ValueError(f"width={width} is not a multiple of heads={heads}")


def build_toy_model(
    vocabulary: list[str],
    kind: str = "clip",
    *,
    image_size: int = 64,
    patch_size: int = 8,
    width: int = 128,
    layers: int = 4,
    heads: int = 4,
    proj_dim: int = 64,
    max_length: int = 16,
    activation: str | None = None,
    seed: int = 0,
) -> tuple[PreTrainedModel, ProcessorMixin]:
    """Build a freshly initialised toy CLIP (kind="clip") or SigLIP (kind="siglip") and its processor.

    Both towers get `layers` transformer layers of `width` with `heads` heads. CLIP projects both
    towers to `proj_dim` and starts its logit scale at ln(1/0.07); SigLIP has no separate
    projection (its embedding size is `width`; `proj_dim` applies to CLIP only) and starts at
    t' = ln 10, b = -10 as in the paper. The image processor resizes the whole picture to
    image_size x image_size (no centre crop); SigLIP's tokenizer pads to `max_length`.
    `activation` is the MLP non-linearity of both towers, one of ACTIVATIONS; None keeps the
    architecture's own (CLIP "quick_gelu", SigLIP "gelu_pytorch_tanh").
    The weights are drawn from `seed` without touching the global torch random state.

    Introduced in notebooks/02_contrastive_training.ipynb.
    Returns (model, processor): a `CLIPModel` / `SiglipModel` in eval mode, and a
    `CLIPProcessor` / `SiglipProcessor`.
    """
    import torch
    from transformers import CLIPConfig, CLIPModel, SiglipConfig, SiglipModel

    _check_sizes(image_size, patch_size, width, heads, kind)
    if activation is not None and activation not in ACTIVATIONS:
        raise ValueError(f"activation={activation!r} is not None or one of {ACTIVATIONS}")
    tokenizer = build_tokenizer(
        vocabulary, max_length=max_length, padding="longest" if kind == "clip" else "max_length"
    )
    text = _text_config(len(tokenizer), width, layers, heads, max_length, activation)
    vision = _vision_config(image_size, patch_size, width, layers, heads, activation)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        if kind == "clip":
            config = CLIPConfig(
                text_config={**text, "projection_dim": proj_dim},
                vision_config={**vision, "projection_dim": proj_dim},
                projection_dim=proj_dim,
                logit_scale_init_value=CLIP_LOGIT_SCALE_INIT,
            )
            model = CLIPModel(config)
        else:
            config = SiglipConfig(
                text_config={**text, "projection_size": width}, vision_config=vision
            )
            model = SiglipModel(config)
    with torch.no_grad():
        if kind == "clip":
            model.logit_scale.fill_(CLIP_LOGIT_SCALE_INIT)
        else:
            model.logit_scale.fill_(SIGLIP_LOGIT_SCALE_INIT)
            model.logit_bias.fill_(SIGLIP_LOGIT_BIAS_INIT)
    model.eval()
    return model, _build_processor(kind, tokenizer, image_size)


def _build_processor(kind: str, tokenizer: Any, image_size: int) -> ProcessorMixin:
    """A processor that resizes the whole image to a square (nothing cropped away)."""
    from transformers import CLIPProcessor, SiglipProcessor
    from transformers.models.clip.image_processing_pil_clip import CLIPImageProcessorPil
    from transformers.models.siglip.image_processing_pil_siglip import SiglipImageProcessorPil

    square = {"height": image_size, "width": image_size}
    if kind == "clip":
        images = CLIPImageProcessorPil(size=square, crop_size=square, do_center_crop=False)
        return CLIPProcessor(image_processor=images, tokenizer=tokenizer)
    return SiglipProcessor(
        image_processor=SiglipImageProcessorPil(size=square), tokenizer=tokenizer
    )


def model_card(name: str, purpose: str, metrics: dict[str, float] | None, body: str) -> str:
    """Write a model card (README.md text) with the front matter `mmlab.available_models()` reads.

    `purpose` is one line (what the model is for); `metrics` maps a metric name to its value
    (None or {} for an untrained model); `body` is free markdown below the front matter.

    Introduced in notebooks/02_contrastive_training.ipynb.
    Returns the card as a string.
    """
    import json

    if "\n" in purpose:
        raise ValueError(f"purpose must be one line, got {purpose!r}")
    lines = [
        "---",
        "library_name: transformers",
        "license: mit",
        "tags: [mmlab, toy-world, contrastive]",
        "mmlab:",
        f"  name: {json.dumps(name)}",
        f"  purpose: {json.dumps(purpose)}",
        f"  metrics: {json.dumps(metrics or {})}",
        "---",
        "",
    ]
    return "\n".join(lines) + body.strip() + "\n"


def save_checkpoint(
    model: PreTrainedModel,
    processor: ProcessorMixin,
    out_dir: str | Path,
    card_markdown: str,
    dtype: str = "float16",
) -> Path:
    """Save a standard Hugging Face checkpoint: config.json, model.safetensors, tokenizer.json,
    tokenizer_config.json, processor_config.json, preprocessor_config.json and README.md.

    The weights are stored in `dtype` ("float16" by default, "bfloat16" or "float32"); the model
    passed in is not changed. `card_markdown` becomes README.md (see `model_card` for the front
    matter that `mmlab.available_models()` reads).

    Introduced in notebooks/02_contrastive_training.ipynb.
    Returns the output directory as a Path.
    """
    import torch

    from mmlab.models.hf_logs import default_siglip_ids_warning_hidden

    if dtype not in SAVE_DTYPES:
        raise ValueError(f"dtype={dtype!r} is not one of {SAVE_DTYPES}")
    if not isinstance(card_markdown, str) or not card_markdown.strip():
        raise ValueError("card_markdown is empty: every checkpoint needs a model card")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    to_save = copy.deepcopy(model).to(getattr(torch, dtype))
    with default_siglip_ids_warning_hidden():
        to_save.save_pretrained(out, safe_serialization=True)
    processor.save_pretrained(out)
    # Also a preprocessor_config.json, which AutoImageProcessor reads on its own.
    processor.image_processor.save_pretrained(out)
    (out / "README.md").write_text(card_markdown, encoding="utf-8")
    return out


def _normalisation_table(image_processor: Any) -> np.ndarray:
    """(3, 256) float32: what the processor's rescale + normalise turn each byte value into."""
    values = np.arange(256, dtype=np.uint8).reshape(1, 256)
    table = np.repeat(values, 3, axis=0)
    if image_processor.do_rescale:
        table = (table.astype(np.float64) * image_processor.rescale_factor).astype(np.float32)
    else:
        table = table.astype(np.float32)
    if image_processor.do_normalize:
        mean = np.asarray(image_processor.image_mean, dtype=np.float32).reshape(3, 1)
        std = np.asarray(image_processor.image_std, dtype=np.float32).reshape(3, 1)
        table = (table - mean) / std
    return table


def _needs_resizing(image_processor: Any, height: int, width: int) -> bool:
    """True unless the processor's resize and crop would leave an height x width image unchanged."""
    size = image_processor.size
    target = (size.get("height"), size.get("width"))
    if image_processor.do_resize and target != (height, width):
        return True
    if getattr(image_processor, "do_center_crop", False):
        crop = image_processor.crop_size
        return (crop.get("height"), crop.get("width")) != (height, width)
    return False


def pixel_values_from_uint8(images: np.ndarray, processor: Any) -> torch.Tensor:
    """Turn a (B, H, W, 3) uint8 batch into the processor's pixel_values, fast.

    Images already at the processor's size skip PIL: each byte is mapped through a 256-entry table
    built with the processor's own rescale and normalise arithmetic, so the result equals
    `processor(images=list(images))["pixel_values"]` (tested). Other sizes go through the processor.

    Introduced in notebooks/02_contrastive_training.ipynb (called once per training step).
    Returns a float32 tensor of shape (B, 3, H, W).
    """
    import torch

    if not isinstance(images, np.ndarray):
        raise TypeError(f"images must be a numpy array, got {type(images).__name__}")
    if images.dtype != np.uint8 or images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(
            f"images must be a (B, H, W, 3) uint8 array, got shape {images.shape} {images.dtype}"
        )
    if images.shape[0] == 0:
        raise ValueError("images is an empty batch (B = 0)")
    image_processor = getattr(processor, "image_processor", processor)
    if _needs_resizing(image_processor, images.shape[1], images.shape[2]):
        out = image_processor(
            images=list(images), input_data_format="channels_last", return_tensors="pt"
        )["pixel_values"]
        return out.to(torch.float32)
    table = torch.from_numpy(_normalisation_table(image_processor))
    channels_first = torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2).long()
    return torch.stack([table[c][channels_first[:, c]] for c in range(3)], dim=1)
