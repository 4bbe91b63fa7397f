"""Scores that lessons measure: retrieval Recall@K and MRR, Winoground-style text / image / group
scores, and typographic attack success.

Recall@K follows the usual convention: a query is a hit when any correct item is in its top K.
In IR terms that is success@K (hit rate); `mmlab.retrieval` (lesson 09) has IR recall@K (the
share of the relevant items found), nDCG@K, MAP and paired tests, checked against trec_eval.
Introduced in notebooks/04_cross_modal_search.ipynb (retrieval), notebooks/05_compositional_failures.ipynb
(Winoground scores) and notebooks/06_text_in_image.ipynb (attack success). numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mmlab.checks import finite_scores, positive_int, string_list
from mmlab.retrieval.measures import reciprocal_rank, success_at_k
from mmlab.similarity import _as_matrix

RELEVANT_FORMS = (
    "`relevant` takes one of three forms: one gallery index per query (a list or 1-D int "
    "array, e.g. [3, 0, 7]); a list of index collections, one per query (e.g. [[3, 4], [0], "
    "{7}]); or a boolean numpy array of the scores' shape (np.asarray(mask, dtype=bool))"
)


def _indices_of(query: int, correct: Any) -> list[int]:
    """The gallery indices one query lists as relevant; bools and non-integers are refused."""
    if isinstance(correct, np.ndarray):
        if correct.ndim > 1 or not np.issubdtype(correct.dtype, np.integer):
            raise TypeError(
                f"relevant[{query}] is a {correct.ndim}-D {correct.dtype} array. {RELEVANT_FORMS}"
            )
        correct = correct.tolist()
    if isinstance(correct, (bool, np.bool_)):
        raise TypeError(f"relevant[{query}] is a bool, which reads as an index. {RELEVANT_FORMS}")
    if isinstance(correct, (int, np.integer)):
        return [int(correct)]
    if not isinstance(correct, (list, tuple, set, frozenset, range)):
        raise TypeError(
            f"relevant[{query}] is a {type(correct).__name__} {correct!r:.40}. {RELEVANT_FORMS}"
        )
    items = list(correct)
    for item in items:
        if isinstance(item, (bool, np.bool_)) or not isinstance(item, (int, np.integer)):
            raise TypeError(
                f"relevant[{query}] holds {item!r} ({type(item).__name__}); indices must be ints "
                f"(a row of True/False is a mask). {RELEVANT_FORMS}"
            )
    return [int(item) for item in items]


def _relevance(scores: np.ndarray, relevant: Any) -> np.ndarray:
    """Return a boolean (queries, gallery) matrix from any of the forms in RELEVANT_FORMS.

    Anything else, or anything that could be read two ways (a nested list of bools, a 0/1 int
    matrix), is refused with a message that lists the accepted forms.
    """
    n_queries, n_gallery = scores.shape
    if isinstance(relevant, np.ndarray) and relevant.dtype == bool:
        if relevant.shape != scores.shape:
            raise ValueError(f"relevant has shape {relevant.shape}, scores {scores.shape}")
        mask = relevant
    else:
        if isinstance(relevant, np.ndarray) and relevant.ndim != 1:
            raise TypeError(
                f"relevant is a {relevant.ndim}-D {relevant.dtype} array, which could be a mask "
                f"or index lists. {RELEVANT_FORMS}"
            )
        if isinstance(relevant, (str, bytes)) or not hasattr(relevant, "__iter__"):
            raise TypeError(f"relevant is a {type(relevant).__name__}. {RELEVANT_FORMS}")
        items = list(relevant)
        if len(items) != n_queries:
            raise ValueError(f"relevant lists {len(items)} queries but scores has {n_queries}")
        mask = np.zeros(scores.shape, dtype=bool)
        for query, correct in enumerate(items):
            for index in _indices_of(query, correct):
                if not 0 <= index < n_gallery:
                    raise ValueError(
                        f"query {query}: relevant index {index} is outside the gallery (0..{n_gallery - 1})"
                    )
                mask[query, index] = True
    empty = np.flatnonzero(~mask.any(axis=1))
    if empty.size:
        raise ValueError(f"query {int(empty[0])} has no relevant item; Recall is undefined for it")
    return mask


def ranks(scores: Any, relevant: Any) -> np.ndarray:
    """Return, per query, the 1-based rank of its best-ranked relevant item.

    Ties are broken pessimistically: an irrelevant item with the same score ranks above.
    `relevant` takes the forms in RELEVANT_FORMS; NaN or infinite scores are refused.
    """
    matrix = finite_scores(scores)
    mask = _relevance(matrix, relevant)
    best_relevant = np.where(mask, matrix, -np.inf).max(axis=1)
    better_or_tied_wrong = ((matrix >= best_relevant[:, None]) & ~mask).sum(axis=1)
    return better_or_tied_wrong + 1


def recall_at_k(scores: Any, relevant: Any, k: int) -> float:
    """Share of queries with a relevant item in their top k: the CLIP papers' R@K, which in IR
    terms is **success@K** (hit rate), not IR recall@K (`mmlab.retrieval.recall_at_k`, the share
    of a query's relevant items found; lesson 09). The two coincide with one relevant item.

    `relevant` takes one of the forms in RELEVANT_FORMS; ties are broken pessimistically.
    Introduced in lesson 04. Returns the mean of `mmlab.retrieval.success_at_k` over queries.
    """
    k = positive_int(k)
    matrix = finite_scores(scores)
    return float(success_at_k(matrix, _relevance(matrix, relevant), k).mean())


def mean_reciprocal_rank(scores: Any, relevant: Any) -> float:
    """Mean of 1 / rank of the first relevant item (ties pessimistic). Introduced in lesson 04.
    Returns the mean of `mmlab.retrieval.reciprocal_rank` over queries."""
    matrix = finite_scores(scores)
    return float(reciprocal_rank(matrix, _relevance(matrix, relevant)).mean())


@dataclass(frozen=True)
class WinogroundScores:
    """Text, image and group scores (shares of examples, 0..1) over Winoground-style pairs."""

    text: float
    image: float
    group: float
    n: int


@dataclass(frozen=True)
class WinogroundPasses:
    """Per example, whether it passes the text, image and group test (boolean arrays)."""

    text: np.ndarray
    image: np.ndarray
    group: np.ndarray


def winoground_passes(s00: Any, s01: Any, s10: Any, s11: Any) -> WinogroundPasses:
    """Apply the three Winoground tests to every example; sij = similarity of caption i with
    image j. Ties fail. Returns boolean arrays, one entry per example, so that two models can be
    compared example by example. Introduced in notebooks/05_compositional_failures.ipynb.
    """
    arrays = [np.asarray(s, dtype=np.float64).ravel() for s in (s00, s01, s10, s11)]
    if len({a.size for a in arrays}) != 1 or arrays[0].size == 0:
        raise ValueError(
            f"s00, s01, s10, s11 must have one equal, non-zero length; got {[a.size for a in arrays]}"
        )
    for name, values in zip(("s00", "s01", "s10", "s11"), arrays):
        if not np.isfinite(values).all():
            item = int(np.flatnonzero(~np.isfinite(values))[0])
            raise ValueError(
                f"{name}[{item}] is {values[item]}: a NaN or infinite score cannot be compared"
            )
    a00, a01, a10, a11 = arrays
    text = (a00 > a10) & (a11 > a01)
    image = (a00 > a01) & (a11 > a10)
    return WinogroundPasses(text=text, image=image, group=text & image)


def winoground_scores(s00: Any, s01: Any, s10: Any, s11: Any) -> WinogroundScores:
    """Score two-image / two-caption examples; sij = similarity of caption i with image j.

    Text score: each image prefers its own caption (s00 > s10 and s11 > s01).
    Image score: each caption prefers its own image (s00 > s01 and s11 > s10).
    Group score: both. Ties fail. Chance is 0.25 / 0.25 / 1/6 (Thrush et al. 2022).
    Introduced in notebooks/05_compositional_failures.ipynb.
    """
    passes = winoground_passes(s00, s01, s10, s11)
    return WinogroundScores(
        text=float(passes.text.mean()),
        image=float(passes.image.mean()),
        group=float(passes.group.mean()),
        n=passes.text.size,
    )


def pairwise_preference(positive: Any, negative: Any) -> float:
    """Share of items whose true caption scores above its hard negative (ARO-style accuracy).

    Introduced in notebooks/05_compositional_failures.ipynb. Chance is 0.5.
    """
    pos, neg = (
        np.asarray(positive, dtype=np.float64).ravel(),
        np.asarray(negative, dtype=np.float64).ravel(),
    )
    if pos.size != neg.size or pos.size == 0:
        raise ValueError(
            f"positive and negative need one equal, non-zero length; got {pos.size}, {neg.size}"
        )
    for name, values in (("positive", pos), ("negative", neg)):
        if not np.isfinite(values).all():
            item = int(np.flatnonzero(~np.isfinite(values))[0])
            raise ValueError(
                f"{name}[{item}] is {values[item]}: NaN or infinite scores cannot be compared"
            )
    return float(np.mean(pos > neg))


def matched_cosines(a: Any, b: Any) -> np.ndarray:
    """Return the cosine of row i of `a` with row i of `b`, for every i (a length-n array).

    Use it to score each image against its own caption, or against its own hard negative:
    `pairwise_preference(matched_cosines(I, T_true), matched_cosines(I, T_false))`.
    Introduced in notebooks/05_compositional_failures.ipynb.
    """
    rows = []
    for name, vectors in (("a", a), ("b", b)):
        if np.ndim(vectors) != 2:  # one vector is not a set of matched rows
            raise ValueError(f"{name} must be an (n, d) array, got shape {np.shape(vectors)}")
        array = _as_matrix(vectors, name)  # the checks cosine_matrix makes: finite, non-zero
        rows.append(array / np.linalg.norm(array, axis=1, keepdims=True))
    first, second = rows
    if first.shape != second.shape:
        raise ValueError(f"a has shape {first.shape} but b has {second.shape}; they must match")
    return np.clip((first * second).sum(axis=1), -1.0, 1.0)


def quadruple_similarities(
    image_vectors: Any, text_vectors: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Turn a Winoground-style set into the four arrays `winoground_scores` takes.

    Items 2k and 2k+1 form quadruple k: image 2k with caption 2k, image 2k+1 with caption 2k+1
    (the toy "winoground" set's layout). Returns (s00, s01, s10, s11), each of length n / 2, where
    sij[k] is the cosine of caption i with image j of quadruple k. Introduced in
    notebooks/05_compositional_failures.ipynb.
    """
    images = np.asarray(image_vectors, dtype=np.float64)
    texts = np.asarray(text_vectors, dtype=np.float64)
    if images.ndim != 2 or texts.ndim != 2:
        raise ValueError(
            f"image_vectors and text_vectors must be (n, d) arrays, got shapes "
            f"{images.shape} and {texts.shape}"
        )
    if images.shape != texts.shape:
        raise ValueError(
            f"image_vectors has shape {images.shape} but text_vectors {texts.shape}; "
            "item i of each must be the same example"
        )
    if images.shape[0] == 0 or images.shape[0] % 2:
        raise ValueError(
            f"a quadruple set holds pairs of items (2k, 2k+1); got {images.shape[0]} items"
        )
    caption = (texts[0::2], texts[1::2])
    image = (images[0::2], images[1::2])
    return (
        matched_cosines(caption[0], image[0]),
        matched_cosines(caption[0], image[1]),
        matched_cosines(caption[1], image[0]),
        matched_cosines(caption[1], image[1]),
    )


@dataclass(frozen=True)
class AttackResult:
    """Typographic attack: accuracy on clean and attacked images, and the attack success rate
    (share of attacked images classified as the written word)."""

    clean_accuracy: float
    attacked_accuracy: float
    success_rate: float


def typographic_attack(
    clean_predictions: Any, attacked_predictions: Any, true_labels: Any, written_labels: Any
) -> AttackResult:
    """Compare predictions on clean images and on the same objects with a conflicting word.

    All arguments are equal-length sequences of labels; a written label must differ from the true
    one. Introduced in notebooks/06_text_in_image.ipynb.
    """
    names = ("clean_predictions", "attacked_predictions", "true_labels", "written_labels")
    arguments = (clean_predictions, attacked_predictions, true_labels, written_labels)
    clean, attacked, truth, written = (
        np.asarray(string_list(x, name), dtype=object) for x, name in zip(arguments, names)
    )
    sizes = {len(clean), len(attacked), len(truth), len(written)}
    if len(sizes) != 1 or len(clean) == 0:
        raise ValueError(f"all four sequences need one equal, non-zero length; got {sorted(sizes)}")
    same = np.flatnonzero(truth == written)
    if same.size:
        raise ValueError(
            f"item {int(same[0])}: the written word {written[same[0]]!r} is its true label"
        )
    return AttackResult(
        clean_accuracy=float(np.mean(clean == truth)),
        attacked_accuracy=float(np.mean(attacked == truth)),
        success_rate=float(np.mean(attacked == written)),
    )
