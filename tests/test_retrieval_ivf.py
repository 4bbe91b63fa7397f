"""The teaching IVF index: all cells opened is exact search; fewer cells score fewer vectors."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab.retrieval.ivf import IVFIndex, neighbour_recall
from mmlab.similarity import cosine_matrix, top_k


def data(seed=0, n=400, d=16):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(8, d))
    return centres[rng.integers(0, 8, n)] + 0.5 * rng.normal(size=(n, d)), rng.normal(size=(30, d))


def test_opening_every_cell_is_exact_search():
    vectors, queries = data()
    index = IVFIndex.build(vectors, n_lists=10)
    found, scanned = index.search(queries, 5, n_probe=10)
    exact = top_k(cosine_matrix(queries, vectors), 5)
    np.testing.assert_array_equal(found.indices, exact.indices)
    np.testing.assert_allclose(found.scores, exact.scores, atol=1e-12)
    assert (scanned == len(vectors)).all()
    assert neighbour_recall(found.indices, exact.indices).mean() == 1.0


def test_fewer_cells_score_fewer_vectors_and_recall_grows_with_n_probe():
    vectors, queries = data(1)
    index = IVFIndex.build(vectors, n_lists=16, seed=2)
    exact = top_k(cosine_matrix(queries, vectors), 10).indices
    recalls, scanned = [], []
    for n_probe in (1, 2, 4, 8, 16):
        found, count = index.search(queries, 10, n_probe)
        recalls.append(neighbour_recall(found.indices, exact).mean())
        scanned.append(count.mean())
    assert recalls == sorted(recalls) and recalls[0] < 1.0 == recalls[-1]
    assert scanned == sorted(scanned) and scanned[0] < len(vectors) / 4
    assert sorted(np.bincount(index.cell, minlength=16)) != [0] * 16


def test_empty_slots_are_marked():
    vectors = np.eye(4)[[0, 0, 1, 2, 3, 3]] + 0.01 * np.arange(6)[:, None]
    index = IVFIndex.build(vectors, n_lists=4, seed=0)
    found, _ = index.search(vectors[:1], 5, n_probe=1)
    empty = found.indices[0] == -1
    assert empty.any() and np.isneginf(found.scores[0][empty]).all()


def test_bad_arguments_are_refused():
    vectors, queries = data(2, n=20)
    with pytest.raises(ValueError, match="n_lists"):
        IVFIndex.build(vectors, n_lists=30)
    index = IVFIndex.build(vectors, n_lists=4)
    with pytest.raises(ValueError, match="n_probe"):
        index.search(queries, 3, n_probe=5)
    with pytest.raises(ValueError, match="dimensions"):
        index.search(queries[:, :3], 3, n_probe=1)
    bad = vectors.copy()
    bad[7, 2] = np.nan
    with pytest.raises(ValueError, match="row 7"):
        IVFIndex.build(bad, n_lists=2)
    with pytest.raises(ValueError, match="equal"):
        neighbour_recall(np.zeros((2, 3), int), np.zeros((2, 4), int))
