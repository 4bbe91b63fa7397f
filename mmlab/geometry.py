"""The shape of a shared space: the modality gap and what centring each modality does to it.

Introduced in notebooks/03_shared_space_map.ipynb. Liang et al. 2022 ("Mind the Gap") measure the
gap as the distance between the centroids of the image vectors and the text vectors: 0.82 for
OpenAI's CLIP ViT-B/16 on MSCOCO captions (the model their released code loads, its Figure 1
notebook). `project_out` removes a direction (such as a "written text" direction) from vectors;
it is introduced in notebooks/06_text_in_image.ipynb. numpy only.
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


def _orthonormal_basis(directions: Any, dimensions: int) -> np.ndarray:
    """Gram-Schmidt on the rows of `directions`: an orthonormal basis of their span.

    A row already in the span of the rows before it adds nothing to the span and no axis to the
    basis (17 word vectors in a 16-dimensional space span at most 16 axes); a zero row is an
    error, named by its index.
    """
    array = np.asarray(directions, dtype=np.float64)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] != dimensions:
        raise ValueError(
            f"directions must be a ({dimensions},) vector or a (k, {dimensions}) array, "
            f"got shape {np.shape(directions)}"
        )
    if not np.isfinite(array).all():
        row = int(np.flatnonzero(~np.isfinite(array).all(axis=1))[0])
        raise ValueError(f"direction {row} contains NaN or infinite values")
    basis: list[np.ndarray] = []
    for row, direction in enumerate(array):
        length = np.linalg.norm(direction)
        if length == 0:
            raise ValueError(f"direction {row} is the zero vector; it names no direction")
        rest = direction / length
        for axis in basis:
            rest = rest - (rest @ axis) * axis
        if np.linalg.norm(rest) >= 1e-8:  # else: already in the span, no new axis
            basis.append(rest / np.linalg.norm(rest))
    return np.stack(basis)


def project_out(vectors: Any, directions: Any) -> np.ndarray:
    """Remove from each row of `vectors` its component along `directions`, then renormalise.

    `directions` is one direction of shape (d,) or several of shape (k, d) (any lengths, not
    necessarily orthogonal or independent: the span of the rows is removed). Used in
    notebooks/06_text_in_image.ipynb to project a "written text" direction out of image vectors.
    Returns unit rows of shape (n, d) (a single (d,) vector comes back as (d,)).
    """
    array = np.asarray(vectors, dtype=np.float64)
    single = array.ndim == 1
    rows = array[None, :] if single else array
    if rows.ndim != 2 or rows.shape[0] == 0 or rows.shape[1] == 0:
        raise ValueError(f"vectors must be a (d,) vector or an (n, d) array, got {array.shape}")
    if not np.isfinite(rows).all():
        row = int(np.flatnonzero(~np.isfinite(rows).all(axis=1))[0])
        raise ValueError(f"vectors row {row} contains NaN or infinite values")
    basis = _orthonormal_basis(directions, rows.shape[1])
    if basis.shape[0] >= rows.shape[1]:
        raise ValueError(f"the directions span all {rows.shape[1]} dimensions: nothing is left")
    rest = rows - (rows @ basis.T) @ basis
    norms = np.linalg.norm(rest, axis=1, keepdims=True)
    scale = np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-300)
    flat = np.flatnonzero(norms[:, 0] <= 1e-9 * scale[:, 0])
    if flat.size:
        raise ValueError(
            f"vectors row {int(flat[0])} lies within the directions; nothing of it is left"
        )
    result = rest / norms
    return result[0] if single else result
