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

    `path=None` makes a temporary folder. Add points with `add`, then `build()` the graph.
    """

    def __init__(
        self, dim: int, path: str | Path | None = None, m: int = 16, ef_construct: int = 64
    ):
        import qdrant_edge as qe

        self.dim = dim
        self.path = Path(path) if path is not None else Path(tempfile.mkdtemp(prefix="edge_"))
        config = qe.EdgeConfig(
            vectors=qe.EdgeVectorParams(size=dim, distance=qe.Distance.Cosine),
            hnsw_config=qe.HnswIndexConfig(m=m, ef_construct=ef_construct, full_scan_threshold=1),
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
        params = qe.SearchParams(hnsw_ef=ef, exact=exact)
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


def exact_top_k(queries: np.ndarray, gallery: np.ndarray, k: int, batch: int = 1024) -> np.ndarray:
    """Row indices of the k largest cosines per query (batched numpy; exact search)."""
    out = np.empty((len(queries), k), dtype=np.int64)
    for start in range(0, len(queries), batch):
        scores = queries[start : start + batch] @ gallery.T
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(scores, part, 1), axis=1)
        out[start : start + batch] = np.take_along_axis(part, order, 1)
    return out
