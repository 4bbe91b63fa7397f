"""Order-blind text: captions with their words sorted or shuffled, and a text encoder that cannot
see word order (a bag-of-words baseline).

Introduced in notebooks/05_compositional_failures.ipynb. `shuffled_words` scrambles each caption
(the ARO argument: does retrieval still work without word order?); `OrderBlindEncoder` wraps any
model so that its text tower reads each caption's words in sorted order, which gives two captions
with the same words exactly the same vector. numpy only; the model is whatever
`mmlab.load_model` returned.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np


def _caption_list(texts: Any, what: str = "texts") -> tuple[list[str], bool]:
    """Return (list of captions, whether a single str was given); name any bad item."""
    single = isinstance(texts, str)
    items = [texts] if single else texts
    try:
        items = list(items)
    except TypeError:
        raise TypeError(
            f"{what} must be a str or a list of str, got {type(texts).__name__}"
        ) from None
    if not items:
        raise ValueError(f"{what} is empty")
    for index, item in enumerate(items):
        if not isinstance(item, str):
            raise TypeError(f"{what}[{index}] is a {type(item).__name__}, not a str: {item!r}")
        if not item.split():
            raise ValueError(f"{what}[{index}] holds no words: {item!r}")
    return items, single


def sorted_words(texts: Any) -> Any:
    """Return each caption with its words in alphabetical order (a str for a str, else a list).

    Two captions with the same words, in any order, become the same string.
    Introduced in notebooks/05_compositional_failures.ipynb.
    """
    items, single = _caption_list(texts)
    out = [" ".join(sorted(item.split())) for item in items]
    return out[0] if single else out


def shuffled_words(texts: Any, seed: int = 0) -> Any:
    """Return each caption with its words in a random order, reproducibly from `seed`.

    The words themselves are kept (same multiset); only their order changes. A str gives a str,
    a list a list. Introduced in notebooks/05_compositional_failures.ipynb.
    """
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"seed must be an int, got {seed!r}")
    items, single = _caption_list(texts)
    rng = np.random.default_rng(int(seed))
    out = []
    for item in items:
        words = item.split()
        out.append(" ".join(words[i] for i in rng.permutation(len(words))))
    return out[0] if single else out


def same_words(a: str, b: str) -> bool:
    """Return True when captions `a` and `b` hold the same words, each as often, in any order.

    Introduced in notebooks/05_compositional_failures.ipynb (a Winoground pair's two captions).
    """
    (first, second), _ = _caption_list([a, b], "captions")
    return Counter(first.split()) == Counter(second.split())


class OrderBlindEncoder:
    """A bag-of-words baseline built from a real text tower: each caption's words are sorted
    before `model.encode_text` sees them, so word order cannot change a text vector.

    `encode_image` is the wrapped model's own. Introduced in
    notebooks/05_compositional_failures.ipynb. Returns what the model returns: (n, dim) unit rows.
    """

    def __init__(self, model: Any) -> None:
        missing = [
            m for m in ("encode_text", "encode_image") if not callable(getattr(model, m, None))
        ]
        if missing:
            raise TypeError(
                f"model must have encode_text and encode_image methods; "
                f"{type(model).__name__} lacks {', '.join(missing)}"
            )
        self.model = model

    def __repr__(self) -> str:
        return f"OrderBlindEncoder({self.model!r})"

    def encode_text(self, texts: Any, **kwargs: Any) -> np.ndarray:
        """Embed each caption with its words in sorted order."""
        return self.model.encode_text(sorted_words(texts), **kwargs)

    def encode_image(self, images: Any, **kwargs: Any) -> np.ndarray:
        """Embed images with the wrapped model (unchanged)."""
        return self.model.encode_image(images, **kwargs)
