"""Check texts and tokenise them for a model, warning once when any are cut to fit its context
or hold words the model does not know.

Introduced in notebooks/01_shared_space.ipynb.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np


class TruncationWarning(UserWarning):
    """Some texts were longer than the model's context and were cut."""


class UnknownWordsWarning(UserWarning):
    """Some words are not in the model's vocabulary: it reads each as one unknown token."""


def split_texts(texts: Any) -> list[str]:
    """Turn a str or a list/tuple/array of str into a list of str, refusing anything else.

    Introduced in notebooks/01_shared_space.ipynb.
    Returns a non-empty list of str in the order given.
    """
    if texts is None:
        raise TypeError("texts is None: expected a str or a list of str")
    if isinstance(texts, str):
        return [texts]
    if isinstance(texts, (bytes, bytearray)):
        raise TypeError(f"texts is bytes {texts!r:.40}: decode it first, e.g. data.decode('utf-8')")
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


def warn_about_tokens(
    tokenizer: Any, texts: list[str], context_length: int, model_name: str
) -> tuple[int, list[str]]:
    """Tokenise `texts` once and warn, once per call each, about what the model will not see:
    texts longer than `context_length` (TruncationWarning) and words the tokenizer only knows
    as its unknown token (UnknownWordsWarning: the toy models know the words of
    `mmlab.toyworld.vocabulary()`, so "a purple elephant" and "a purple giraffe" are the same
    text to them).

    Introduced in notebooks/01_shared_space.ipynb.
    Returns (how many texts will be cut, the distinct unknown words in order of appearance).
    """
    encoded = tokenizer(
        texts, truncation=False, padding=False, verbose=False, return_offsets_mapping=True
    )
    lengths = [len(ids) for ids in encoded["input_ids"]]
    cut = [index for index, length in enumerate(lengths) if length > context_length]
    if cut:
        shown = ", ".join(str(index) for index in cut[:10]) + (", ..." if len(cut) > 10 else "")
        warnings.warn(
            f"{len(cut)} of {len(texts)} texts are longer than {model_name}'s context and were "
            f"cut to {context_length} tokens (longest: {max(lengths)} tokens; indices {shown})",
            TruncationWarning,
            stacklevel=3,
        )
    unknown: dict[str, None] = {}
    touched = 0
    unk_id = getattr(tokenizer, "unk_token_id", None)
    for text, ids, offsets in zip(texts, encoded["input_ids"], encoded["offset_mapping"]):
        found = [text[start:stop] for i, (start, stop) in zip(ids, offsets) if i == unk_id]
        touched += bool(found)
        unknown.update(dict.fromkeys(word.lower() for word in found))
    if unk_id is not None and unknown:
        words = list(unknown)
        shown = ", ".join(repr(w) for w in words[:10]) + (", ..." if len(words) > 10 else "")
        warnings.warn(
            f"{len(words)} word(s) that {model_name} does not know ({shown}) in {touched} of "
            f"{len(texts)} texts: each is read as one unknown token, so these texts lose them "
            "(the toy models' words: mmlab.toyworld.vocabulary())",
            UnknownWordsWarning,
            stacklevel=3,
        )
    return len(cut), list(unknown)


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
