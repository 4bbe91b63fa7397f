"""One embedder over any CLIP- or SigLIP-style model: texts and images in, unit vectors out.

Introduced in notebooks/01_shared_space.ipynb.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from mmlab.models.images import load_rgb, split_batch
from mmlab.models.texts import split_texts, tokenize, warn_about_tokens

# Above this many items, encode_* shows a tqdm progress bar (unless progress=False).
PROGRESS_THRESHOLD = 512
KINDS = {"clip": "softmax", "siglip": "sigmoid"}


def _features(output: Any) -> torch.Tensor:
    """transformers 5 returns an output object from get_*_features; 4.x returned the tensor."""
    return output if isinstance(output, torch.Tensor) else output.pooler_output


def _unit_rows(features: torch.Tensor, what: str, offset: int) -> np.ndarray:
    """Cast to float32 and divide each row by its L2 norm (the models do not normalise).

    A row that is NaN, infinite or all zero is refused, naming `what`[offset + row]: such a
    vector would rank anywhere and every score built on it would be wrong without a sign.
    """
    features = features.to(torch.float32)
    bad = ~torch.isfinite(features).all(dim=-1)
    if bool(bad.any()):
        row = offset + int(bad.nonzero()[0])
        raise ValueError(
            f"the model returned NaN or infinite values for {what}[{row}]: its weights are "
            "probably broken (a training run that diverged, or a corrupt checkpoint)"
        )
    norms = features.norm(dim=-1, keepdim=True)
    if bool((norms == 0).any()):
        row = offset + int((norms[:, 0] == 0).nonzero()[0])
        raise ValueError(
            f"the model returned an all-zero vector for {what}[{row}]: it has no direction"
        )
    return (features / norms).cpu().numpy()


def _batches(count: int, batch_size: int, progress: bool | None, what: str):
    """Yield (start, stop) slices, with a tqdm.auto bar for large inputs."""
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size={batch_size!r}: need a positive int")
    starts = range(0, count, batch_size)
    if progress or (progress is None and count > PROGRESS_THRESHOLD):
        from tqdm.auto import tqdm

        starts = tqdm(starts, desc=f"encoding {what}", unit="batch")
    for start in starts:
        yield start, min(start + batch_size, count)


class Embedder:
    """Texts and images in, (n, dim) float32 unit vectors out, for a CLIP or SigLIP model.

    Attributes: `name`, `dim`, `kind` ("softmax" for CLIP-style, "sigmoid" for SigLIP-style),
    `logit_scale` (the factor cosines are multiplied by: exp of the model's learned log-scale),
    `logit_bias` (SigLIP's bias; None for CLIP), `context_length` (tokens per text), `device`,
    `dtype`, and the underlying Hugging Face `model` and `processor`.
    Built by `mmlab.load_model`. Introduced in notebooks/01_shared_space.ipynb.
    """

    def __init__(
        self, model: Any, processor: Any, name: str, device: torch.device, dtype: torch.dtype
    ) -> None:
        model_type = model.config.model_type
        if model_type not in KINDS:
            raise ValueError(f"model type {model_type!r} is not one of {sorted(KINDS)}")
        self.model = model.eval()
        self.processor = processor
        self.name = name
        self.device = device
        self.dtype = dtype
        self.kind = KINDS[model_type]
        text_config = model.config.text_config
        self.context_length = int(text_config.max_position_embeddings)
        if model_type == "clip":
            self.dim = int(model.config.projection_dim)
        else:
            self.dim = int(getattr(text_config, "projection_size", None) or text_config.hidden_size)
        self.logit_scale = float(model.logit_scale.detach().float().exp())
        bias = getattr(model, "logit_bias", None)
        self.logit_bias = None if bias is None else float(bias.detach().float())

    def __repr__(self) -> str:
        return (
            f"Embedder({self.name!r}, kind={self.kind!r}, dim={self.dim}, "
            f"device={str(self.device)!r}, dtype={str(self.dtype).replace('torch.', '')!r})"
        )

    def encode_text(
        self,
        texts: str | list[str],
        batch_size: int = 64,
        progress: bool | None = None,
        pad_to_context: bool | None = None,
    ) -> np.ndarray:
        """Embed a str or a list of str. Texts longer than the context are cut, and words the
        tokenizer does not know become its unknown token: one warning per call for each
        (TruncationWarning, UnknownWordsWarning). A NaN or infinite output is refused, naming
        the text. `pad_to_context`: pad every text to the full context (None: only for
        SigLIP-style models, which were trained that way; notebooks/07 sets it to show why).

        Introduced in notebooks/01_shared_space.ipynb.
        Returns an (n, dim) float32 array with unit-norm rows, in the order given.
        """
        items = split_texts(texts)
        tokenizer = self.processor.tokenizer
        warn_about_tokens(tokenizer, items, self.context_length, self.name)
        if pad_to_context is None:
            pad_to_context = self.kind == "sigmoid"
        rows = []
        with torch.inference_mode():
            for start, stop in _batches(len(items), batch_size, progress, "texts"):
                inputs = tokenize(tokenizer, items[start:stop], self.context_length, pad_to_context)
                inputs = {key: value.to(self.device) for key, value in inputs.items()}
                features = _features(self.model.get_text_features(**inputs))
                rows.append(_unit_rows(features, "texts", start))
        return np.concatenate(rows)

    def pixel_values(self, images: list[Any], offset: int = 0) -> torch.Tensor:
        """Read, check and preprocess a list of images; `offset` numbers them in error messages.

        Introduced in notebooks/01_shared_space.ipynb.
        Returns the processor's pixel_values as a float32 (B, 3, H, W) tensor on the CPU.
        """
        from mmlab.models.toy_clip import pixel_values_from_uint8

        arrays = [np.asarray(load_rgb(item, offset + i)) for i, item in enumerate(images)]
        if len({array.shape for array in arrays}) == 1:
            return pixel_values_from_uint8(np.stack(arrays), self.processor)
        processed = self.processor.image_processor(
            images=arrays, input_data_format="channels_last", return_tensors="pt"
        )
        return processed["pixel_values"].to(torch.float32)

    def encode_image(
        self, images: Any, batch_size: int = 32, progress: bool | None = None
    ) -> np.ndarray:
        """Embed one image or a list of images (PIL images, file paths or numpy arrays).

        Files are read one batch at a time; a bad item raises an error naming its index and path.
        Introduced in notebooks/01_shared_space.ipynb.
        Returns an (n, dim) float32 array with unit-norm rows, in the order given.
        """
        items = split_batch(images)
        rows = []
        with torch.inference_mode():
            for start, stop in _batches(len(items), batch_size, progress, "images"):
                pixels = self.pixel_values(items[start:stop], offset=start)
                pixels = pixels.to(device=self.device, dtype=self.dtype)
                features = _features(self.model.get_image_features(pixel_values=pixels))
                rows.append(_unit_rows(features, "images", start))
        return np.concatenate(rows)

    def logits(self, cosines: np.ndarray) -> np.ndarray:
        """Turn cosine similarities into the model's logits: cosine * logit_scale (+ logit_bias).

        Introduced in notebooks/01_shared_space.ipynb.
        Returns a float64 array of the same shape.
        """
        values = np.asarray(cosines, dtype=np.float64)
        if values.size and not np.isfinite(values).all():
            raise ValueError("cosines contain NaN or infinite values")
        if values.size and np.abs(values).max() > 1.0 + 1e-3:
            raise ValueError(
                f"cosines must lie in [-1, 1], got a value of {np.abs(values).max():.4g}: "
                "pass similarities of unit vectors, not logits"
            )
        return values * self.logit_scale + (self.logit_bias or 0.0)

    def probabilities(self, cosines: np.ndarray, axis: int = -1) -> np.ndarray:
        """Turn cosine similarities into the model's own probabilities.

        CLIP-style ("softmax"): a softmax over the candidates along `axis` (rows of
        `image_vectors @ text_vectors.T` give, per image, a distribution over the texts).
        SigLIP-style ("sigmoid"): an independent sigmoid per pair; `axis` is not used.
        Introduced in notebooks/01_shared_space.ipynb.
        Returns a float64 array of the same shape.
        """
        logits = self.logits(cosines)
        if self.kind == "sigmoid":
            return 1.0 / (1.0 + np.exp(-logits))
        shifted = np.exp(logits - logits.max(axis=axis, keepdims=True))
        return shifted / shifted.sum(axis=axis, keepdims=True)
