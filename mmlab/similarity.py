"""Similarity and search over unit vectors: cosine matrices, top-k, zero-shot classification.

Introduced in notebooks/01_shared_space.ipynb (cosine matrices, zero-shot) and
notebooks/04_cross_modal_search.ipynb (top-k search, prompt ensembles). numpy only; the model is
whatever `mmlab.load_model` returned (anything with `encode_text`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mmlab.checks import string_list


def _as_matrix(vectors: Any, what: str) -> np.ndarray:
    array = np.asarray(vectors, dtype=np.float64)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.shape[0] == 0:
        raise ValueError(f"{what} must be a non-empty (n, d) array, got shape {array.shape}")
    if not np.isfinite(array).all():
        row = int(np.argwhere(~np.isfinite(array))[0][0])
        raise ValueError(f"{what} row {row} contains NaN or infinite values")
    norms = np.linalg.norm(array, axis=1)
    if (norms == 0).any():
        raise ValueError(
            f"{what} row {int(np.argmin(norms))} is the zero vector; it has no direction"
        )
    return array


def cosine_matrix(a: Any, b: Any) -> np.ndarray:
    """Return the (len(a), len(b)) table of cosine similarities between the rows of a and b.

    Rows need not be unit length: each is divided by its own length first (that is what makes
    it a cosine). Introduced in notebooks/01_shared_space.ipynb.
    """
    a, b = _as_matrix(a, "a"), _as_matrix(b, "b")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"a has {a.shape[1]} dimensions but b has {b.shape[1]}")
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return np.clip(a @ b.T, -1.0, 1.0)


@dataclass(frozen=True)
class TopK:
    """Search results: for each query, gallery `indices` and their `scores`, best first."""

    indices: np.ndarray  # (n_queries, k) int
    scores: np.ndarray  # (n_queries, k) float


def top_k(scores: Any, k: int) -> TopK:
    """Return the k highest-scoring columns of each row, best first; ties go to the lower index.

    `scores` is a (n_queries, n_gallery) matrix such as `cosine_matrix(queries, gallery)`.
    Introduced in notebooks/04_cross_modal_search.ipynb.
    """
    matrix = np.asarray(scores, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError(f"scores must be a (queries, gallery) matrix, got shape {matrix.shape}")
    if not np.isfinite(matrix).all():
        row = int(np.argwhere(~np.isfinite(matrix))[0][0])
        raise ValueError(f"scores row {row} contains NaN or infinite values; they cannot be ranked")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= matrix.shape[1]:
        raise ValueError(
            f"k must be an int between 1 and the gallery size {matrix.shape[1]}; got {k!r}"
        )
    order = np.argsort(-matrix, axis=1, kind="stable")[:, :k]
    return TopK(indices=order, scores=np.take_along_axis(matrix, order, axis=1))


def _distinct_labels(labels: Any) -> list[str]:
    """Labels as a list of distinct str; a repeated label would make accuracy ambiguous."""
    labels = string_list(labels, "labels")
    seen: dict[str, int] = {}
    for index, label in enumerate(labels):
        if label in seen:
            raise ValueError(f"labels[{index}] = {label!r} repeats labels[{seen[label]}]")
        seen[label] = index
    return labels


def class_text_vectors(
    model: Any, labels: list[str], templates: list[str] | tuple[str, ...]
) -> np.ndarray:
    """Return one unit vector per label: the mean of its prompts' text vectors, renormalised.

    With one template this is just the encoded prompt; with several it is CLIP's prompt
    ensemble (averaging in embedding space). Each template must contain "{}" once.
    Introduced in notebooks/01_shared_space.ipynb; ensembles in notebooks/04_cross_modal_search.ipynb.
    """
    labels = _distinct_labels(labels)
    templates = string_list(templates, "templates", allow_empty=True)
    if not templates:
        raise ValueError('templates is empty: use ["{}"] for the bare label')
    for index, template in enumerate(templates):
        if template.count("{}") != 1:
            raise ValueError(f'template {index} ({template!r}) must contain "{{}}" exactly once')
    prompts = [template.format(label) for label in labels for template in templates]
    vectors = model.encode_text(prompts).reshape(len(labels), len(templates), -1).mean(axis=1)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@dataclass(frozen=True)
class ZeroShot:
    """Zero-shot classification: per image the predicted label index, the probabilities over
    labels (the model's own softmax or sigmoid) and the raw cosines."""

    labels: list[str]
    predictions: np.ndarray  # (n_images,) int
    probabilities: np.ndarray  # (n_images, n_labels)
    cosines: np.ndarray  # (n_images, n_labels)

    def accuracy(self, true_labels: list[str]) -> float:
        """Share of images whose predicted label equals the true one."""
        true_labels = string_list(true_labels, "true_labels")
        if len(true_labels) != len(self.predictions):
            raise ValueError(f"{len(true_labels)} true labels for {len(self.predictions)} images")
        unknown = sorted(set(true_labels) - set(self.labels))
        if unknown:
            raise ValueError(f"true labels {unknown} are not among the candidates {self.labels}")
        truth = np.array([self.labels.index(label) for label in true_labels])
        return float(np.mean(truth == self.predictions))


def zero_shot(
    model: Any,
    image_vectors: Any,
    labels: list[str],
    templates: list[str] | tuple[str, ...] = ("{}",),
) -> ZeroShot:
    """Classify images by the label whose prompt(s) their vectors are closest to.

    Introduced in notebooks/01_shared_space.ipynb. Returns a `ZeroShot`.
    """
    labels = _distinct_labels(labels)
    text_vectors = class_text_vectors(model, labels, templates)
    cosines = cosine_matrix(image_vectors, text_vectors)
    return ZeroShot(
        labels=labels,
        predictions=np.argmax(cosines, axis=1),
        probabilities=model.probabilities(cosines, axis=1),
        cosines=cosines,
    )
