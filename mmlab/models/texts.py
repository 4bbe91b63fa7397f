"""Check texts and tokenise them for a model, warning once when any are cut to fit its context.

Introduced in notebooks/01_shared_space.ipynb.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np


class TruncationWarning(UserWarning):
    """Some texts were longer than the model's context and were cut."""


def split_texts(texts: Any) -> list[str]:
    """Turn a str or a list/tuple/array of str into a list of str, refusing anything else.

    Introduced in notebooks/01_shared_space.ipynb.
    Returns a non-empty list of str in the order given.
    """
    if texts is None:
        raise TypeError("texts is None: expected a str or a list of str")
    if isinstance(texts, str):
        return [texts]
    if isinstance(texts, np.ndarray):
        texts = texts.tolist()
    if not isinstance(texts, Sequence):
        raise TypeError(f"texts is a {type(texts).__name__}: expected a str or a list of str")
    items = list(texts)
    if not items:
        raise ValueError("texts is empty: give at least one text")
    for index, text in enumerate(items):
        if not isinstance(text, str):
            raise TypeError(
                f"texts[{index}] is {type(text).__name__} {text!r:.60}: every text must be a str"
            )
    return items


def warn_if_truncated(
    tokenizer: Any, texts: list[str], context_length: int, model_name: str
) -> int:
    """Warn once (TruncationWarning) if any text has more tokens than `context_length`.

    Introduced in notebooks/01_shared_space.ipynb.
    Returns how many texts will be cut.
    """
    lengths = [
        len(ids)
        for ids in tokenizer(texts, truncation=False, padding=False, verbose=False)["input_ids"]
    ]
    cut = [index for index, length in enumerate(lengths) if length > context_length]
    if cut:
        shown = ", ".join(str(index) for index in cut[:10]) + (", ..." if len(cut) > 10 else "")
        warnings.warn(
            f"{len(cut)} of {len(texts)} texts are longer than {model_name}'s context and were "
            f"cut to {context_length} tokens (longest: {max(lengths)} tokens; indices {shown})",
            TruncationWarning,
            stacklevel=3,
        )
    return len(cut)


def tokenize(tokenizer: Any, texts: list[str], context_length: int, pad_to_context: bool) -> dict:
    """Tokenise a batch to tensors, truncated to the context; padded to it when `pad_to_context`
    (SigLIP pools the last position, so it must see the length it was trained with), else to the
    longest text in the batch.

    Introduced in notebooks/01_shared_space.ipynb.
    Returns the tokenizer's BatchEncoding (input_ids, attention_mask) as PyTorch tensors.
    """
    return tokenizer(
        texts,
        padding="max_length" if pad_to_context else "longest",
        truncation=True,
        max_length=context_length,
        return_tensors="pt",
    )
