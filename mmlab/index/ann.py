"""Qdrant's own HNSW engine in this process (qdrant-edge): where approximate search over two
modalities goes wrong, and the two fixes.

Introduced in notebooks/08_vector_index.ipynb. An HNSW graph links each point to its nearest
neighbours. Over pictures and captions together, a caption's neighbours are captions (the
modality gap), so a text query walking the graph stays among captions: filtering to pictures
*after* the search leaves almost nothing. Qdrant's filter-aware search applies the filter while
it walks (and adds links per payload value when the field is indexed before the graph is built);
a graph per modality (a partition) avoids the problem altogether.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np


class EdgeIndex:
    """One qdrant-edge shard of unit vectors with a `modality` payload and an HNSW graph.

    `path=None` makes a temporary folder; a `path` that already holds a shard is reopened as it
    was saved (graph and settings included: `m`, `ef_construct` and `int8` given here are not
    applied to it). Add points with `add`, then `build()` the graph. `int8=True`
    also keeps an 8-bit copy of each vector (Qdrant's scalar quantization): the graph is built
    and walked on the small copies, and the best candidates are rescored with the full vectors.
    """

    def __init__(
        self,
        dim: int,
        path: str | Path | None = None,
        m: int = 16,
        ef_construct: int = 64,
        int8: bool = False,
    ):
        import qdrant_edge as qe

        self.dim = dim
        self.int8 = int8
        self.path = Path(path) if path is not None else Path(tempfile.mkdtemp(prefix="edge_"))
        if self.path.is_dir() and any(self.path.iterdir()):
            self.shard = qe.EdgeShard.load(str(self.path))
            return
        quantization = None
        if int8:
            quantization = qe.ScalarQuantizationConfig(qe.ScalarType.Int8, memory=qe.Memory.Pinned)
        config = qe.EdgeConfig(
            vectors=qe.EdgeVectorParams(size=dim, distance=qe.Distance.Cosine),
            hnsw_config=qe.HnswIndexConfig(m=m, ef_construct=ef_construct, full_scan_threshold=1),
            quantization_config=quantization,
            optimizers=qe.EdgeOptimizersConfig(indexing_threshold=1, default_segment_number=1),
        )
        self.shard = qe.EdgeShard.create(str(self.path), config)
        # indexed before the graph is built, so the graph gets extra links per modality
        self.shard.update(
            qe.UpdateOperation.create_field_index("modality", qe.PayloadSchemaType.Keyword)
        )

    def add(self, ids: Sequence[int], vectors: np.ndarray, modality: str, batch: int = 1000):
        """Upsert points with integer ids and one modality."""
        import qdrant_edge as qe

        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim or len(ids) != len(vectors):
            raise ValueError(f"need {len(ids)} vectors of {self.dim} dims, got {vectors.shape}")
        for start in range(0, len(ids), batch):
            points = [
                qe.Point(int(i), v.tolist(), {"modality": modality})
                for i, v in zip(ids[start : start + batch], vectors[start : start + batch])
            ]
            self.shard.update(qe.UpdateOperation.upsert_points(points))

    def build(self) -> float:
        """Build the HNSW graph (Qdrant's optimizer, in this process); returns seconds taken."""
        start = time.perf_counter()
        self.shard.optimize()
        return time.perf_counter() - start

    def search(
        self,
        queries: np.ndarray,
        k: int,
        modality: str | None = None,
        ef: int = 64,
        post_filter: bool = False,
        exact: bool = False,
    ) -> np.ndarray:
        """Ids of the k nearest points per query row, of `modality` if given; -1 pads a short
        list. `post_filter=True` searches the whole graph for `ef` candidates and keeps the
        ones of `modality` afterwards (what a filter outside the index does); `exact=True`
        scans every point. Returns an int64 array (q, k)."""
        import qdrant_edge as qe

        where = None
        if modality is not None and not post_filter:
            condition = qe.FieldCondition(key="modality", match=qe.MatchValue(modality))
            where = qe.Filter(must=[condition])
        limit = max(ef, k) if post_filter else k
        rescore = qe.QuantizationSearchParams(rescore=True) if self.int8 else None
        params = qe.SearchParams(hnsw_ef=ef, exact=exact, quantization=rescore)
        requests = [
            qe.QueryRequest(
                limit=limit,
                query=qe.Query.Nearest(query.tolist()),
                filter=where,
                params=params,
                with_payload=post_filter,
            )
            for query in np.asarray(queries, dtype=np.float32)
        ]
        out = np.full((len(requests), k), -1, dtype=np.int64)
        for row, found in enumerate(self.shard.query_batch(qe.QueryBatchRequest(requests))):
            if post_filter and modality is not None:
                found = [p for p in found if p.payload["modality"] == modality]
            ids = [int(p.id) for p in found[:k]]
            out[row, : len(ids)] = ids
        return out

    def close(self) -> None:
        self.shard.close()


def recall_at_k(found: np.ndarray, truth: np.ndarray) -> float:
    """Share of the exact top-k (`truth`, (q, k) ids) that an approximate search `found`."""
    found, truth = np.asarray(found), np.asarray(truth)
    if found.shape != truth.shape:
        raise ValueError(f"found {found.shape} and truth {truth.shape} must have one shape")
    hits = [len(set(f.tolist()) & set(t.tolist())) for f, t in zip(found, truth)]
    return float(np.sum(hits) / truth.size)


def exact_top_k(
    queries: np.ndarray, gallery: np.ndarray, k: int, block: int = 32_768
) -> np.ndarray:
    """Row indices of the k largest cosines per query: exact search, every query against every
    gallery row. The gallery is scored a `block` of rows at a time (a matrix product), and each
    block's top k merged into the running top k, so memory stays near q x `block` scores at a
    million rows. Both are scored in float32 (float64 input is cast). Returns an int64 array
    (q, k), best first."""
    queries = np.asarray(queries, dtype=np.float32)
    if not 1 <= k <= len(gallery):
        raise ValueError(f"k must lie in [1, {len(gallery)}] (the gallery's rows); got {k}")
    best_scores = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    best_ids = np.zeros((len(queries), 0), dtype=np.int64)
    for start in range(0, len(gallery), block):
        scores = queries @ np.asarray(gallery[start : start + block], dtype=np.float32).T
        keep = min(k, scores.shape[1])
        part = np.argpartition(-scores, keep - 1, axis=1)[:, :keep]
        best_scores = np.concatenate([best_scores, np.take_along_axis(scores, part, 1)], axis=1)
        best_ids = np.concatenate([best_ids, part + start], axis=1)
        if best_ids.shape[1] > k:
            top = np.argpartition(-best_scores, k - 1, axis=1)[:, :k]
            best_scores = np.take_along_axis(best_scores, top, 1)
            best_ids = np.take_along_axis(best_ids, top, 1)
    order = np.argsort(-best_scores, axis=1, kind="stable")
    return np.take_along_axis(best_ids, order, 1)
