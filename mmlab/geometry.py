"""The shape of a shared space: the modality gap and what centring each modality does to it.

Introduced in notebooks/03_shared_space_map.ipynb. Liang et al. 2022 ("Mind the Gap") measure the
gap as the distance between the centroids of the image vectors and the text vectors (0.82 for
CLIP). numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mmlab.similarity import cosine_matrix


def _unit(vectors: Any, what: str) -> np.ndarray:
    array = np.asarray(vectors, dtype=np.float64)
    if array.ndim != 2 or array.shape[0] < 2:
        raise ValueError(f"{what} must be an (n, d) array with n >= 2, got shape {array.shape}")
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    if (norms == 0).any() or not np.isfinite(array).all():
        row = int(np.flatnonzero((norms[:, 0] == 0) | ~np.isfinite(array).all(axis=1))[0])
        raise ValueError(f"{what} row {row} is zero or not finite")
    return array / norms


def _mean_off_diagonal(square: np.ndarray) -> float:
    n = square.shape[0]
    return float((square.sum() - np.trace(square)) / (n * (n - 1)))


@dataclass(frozen=True)
class ModalityGap:
    """Geometry of paired image and text vectors (all cosines are means over pairs)."""

    centroid_distance: float  # ||mean(images) - mean(texts)||, Liang et al.'s gap
    image_image: float  # mean cosine between different images
    text_text: float  # mean cosine between different texts
    image_text: float  # mean cosine over all image-text pairs
    matched: float  # mean cosine of each image with its own caption


def modality_gap(image_vectors: Any, text_vectors: Any) -> ModalityGap:
    """Measure the gap between row-aligned image and text vectors (row i of each is a pair).

    Introduced in notebooks/03_shared_space_map.ipynb. Returns a `ModalityGap`.
    """
    images, texts = _unit(image_vectors, "image_vectors"), _unit(text_vectors, "text_vectors")
    if images.shape != texts.shape:
        raise ValueError(
            f"image_vectors {images.shape} and text_vectors {texts.shape} must be paired"
        )
    cross = cosine_matrix(images, texts)
    return ModalityGap(
        centroid_distance=float(np.linalg.norm(images.mean(axis=0) - texts.mean(axis=0))),
        image_image=_mean_off_diagonal(images @ images.T),
        text_text=_mean_off_diagonal(texts @ texts.T),
        image_text=float(cross.mean()),
        matched=float(np.mean(np.diag(cross))),
    )


def centre(vectors: Any, mean: Any = None) -> np.ndarray:
    """Subtract a modality's centroid (its own by default) and renormalise each row.

    Centring both modalities removes the gap by construction. Introduced in
    notebooks/03_shared_space_map.ipynb. Returns unit vectors of the same shape.
    """
    unit = _unit(vectors, "vectors")
    centroid = unit.mean(axis=0) if mean is None else np.asarray(mean, dtype=np.float64)
    if centroid.shape != (unit.shape[1],):
        raise ValueError(f"mean must have shape ({unit.shape[1]},), got {centroid.shape}")
    shifted = unit - centroid
    norms = np.linalg.norm(shifted, axis=1, keepdims=True)
    if (norms < 1e-12).any():
        raise ValueError(
            f"row {int(np.argmin(norms))} equals the centroid; it has no direction left"
        )
    return shifted / norms
