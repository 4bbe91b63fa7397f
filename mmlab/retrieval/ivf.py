"""A small approximate nearest-neighbour index (IVF: an inverted file over k-means cells), and
how to measure it against exact search.

Introduced in notebooks/09_retrieval_evaluation.ipynb to evaluate an index rather than a model.
numpy only; a teaching index, not a fast one (lesson 08 uses a real vector database).

Build: cluster the unit vectors into `n_lists` cells (spherical k-means). Search: score the
query against the cell centres, open the `n_probe` best cells and rank only the vectors inside
them. Fewer cells opened = fewer vectors scored = faster, and some true neighbours missed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mmlab.similarity import TopK, _as_matrix


def _unit(vectors: Any, what: str) -> np.ndarray:
    array = _as_matrix(vectors, what)  # finite, non-zero rows
    return array / np.linalg.norm(array, axis=1, keepdims=True)


@dataclass
class IVFIndex:
    """Vectors grouped into cells around k-means centres. Build with `IVFIndex.build`."""

    vectors: np.ndarray  # (n, d) unit rows
    centres: np.ndarray  # (n_lists, d) unit rows
    cell: np.ndarray  # (n,) the cell of each vector

    def __post_init__(self) -> None:
        self.members = [np.flatnonzero(self.cell == c) for c in range(len(self.centres))]

    @classmethod
    def build(cls, vectors: Any, n_lists: int, *, iterations: int = 20, seed: int = 0) -> IVFIndex:
        """Cluster `vectors` into `n_lists` cells by spherical k-means (cosine) and return the
        index. Introduced in notebooks/09_retrieval_evaluation.ipynb."""
        data = _unit(vectors, "vectors")
        if isinstance(n_lists, bool) or not isinstance(n_lists, (int, np.integer)):
            raise ValueError(f"n_lists must be an int, got {n_lists!r}")
        if not 1 <= n_lists <= len(data):
            raise ValueError(
                f"n_lists must be between 1 and the {len(data)} vectors, got {n_lists}"
            )
        rng = np.random.default_rng(seed)
        centres = data[rng.choice(len(data), size=n_lists, replace=False)]
        for _ in range(iterations):
            cell = np.argmax(data @ centres.T, axis=1)
            for c in range(n_lists):
                members = data[cell == c]
                if len(members):  # an empty cell keeps its old centre
                    mean = members.sum(axis=0)
                    centres[c] = mean / max(np.linalg.norm(mean), 1e-12)
        return cls(vectors=data, centres=centres, cell=np.argmax(data @ centres.T, axis=1))

    def search(self, queries: Any, k: int, n_probe: int) -> tuple[TopK, np.ndarray]:
        """Return the top k found in the `n_probe` closest cells, and per query how many vectors
        were scored. Slots left empty (fewer than k vectors in the cells) hold index -1 and
        score -inf."""
        query = _unit(queries, "queries")
        if query.shape[1] != self.vectors.shape[1]:
            raise ValueError(
                f"queries have {query.shape[1]} dimensions, the index {self.vectors.shape[1]}"
            )
        n_lists = len(self.centres)
        if not isinstance(n_probe, (int, np.integer)) or not 1 <= n_probe <= n_lists:
            raise ValueError(f"n_probe must be an int between 1 and {n_lists}, got {n_probe!r}")
        if not isinstance(k, (int, np.integer)) or k < 1:
            raise ValueError(f"k must be a positive int, got {k!r}")
        probes = np.argsort(-(query @ self.centres.T), axis=1, kind="stable")[:, :n_probe]
        indices = np.full((len(query), k), -1)
        scores = np.full((len(query), k), -np.inf)
        scanned = np.zeros(len(query), dtype=int)
        for q in range(len(query)):
            candidates = np.concatenate([self.members[c] for c in probes[q]])
            found = self.vectors[candidates] @ query[q]
            best = np.argsort(-found, kind="stable")[:k]
            indices[q, : len(best)] = candidates[best]
            scores[q, : len(best)] = found[best]
            scanned[q] = len(candidates)
        return TopK(indices=indices, scores=scores), scanned


def neighbour_recall(approximate: Any, exact: Any) -> np.ndarray:
    """Per query, the share of the exact top k that the approximate top k also found (ANN
    recall@k; -1 slots never count). Both are (queries, k) index arrays.

    An item tied in score with the exact k-th neighbour but left out of `exact` counts as a miss
    when the index returns it instead: pass exact lists from the same tie order (`top_k`)."""
    found, truth = np.asarray(approximate), np.asarray(exact)
    if found.shape != truth.shape or found.ndim != 2:
        raise ValueError(
            f"approximate {found.shape} and exact {truth.shape} must be equal (queries, k)"
        )
    return np.array([len(set(f[f >= 0]) & set(t)) / truth.shape[1] for f, t in zip(found, truth)])
