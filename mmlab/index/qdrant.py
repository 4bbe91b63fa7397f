"""`MultiModalIndex`: pictures and captions in one Qdrant collection, told apart by a `modality`
payload, guarded against vectors of another model.

Introduced in notebooks/08_vector_index.ipynb. The client decides where the data lives, and it
is the only line that changes between a notebook and a cluster:

    QdrantClient(":memory:")                 # embedded, in this process (qdrant-client local mode)
    QdrantClient(path="my_index")            # embedded, on disk; one process at a time
    QdrantClient(url="http://host:6333")     # a Qdrant server, or a distributed Qdrant cluster

Local mode is a brute-force engine written in Python with the server's API (fine up to ~20k
points); `mmlab.index.ann` runs Qdrant's own HNSW engine in-process.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mmlab.index.stamp import ModelMismatchError, ModelStamp

MODALITIES = ("image", "text")


@dataclass
class Hits:
    """One query's results, best first: point ids, cosine scores and payloads."""

    ids: list[str]
    scores: np.ndarray
    payloads: list[dict[str, Any]]


def open_local(path: str | Path | None = None) -> Any:
    """A QdrantClient embedded in this process: in memory (`path=None`) or in a folder.

    A second process opening the same folder gets a RuntimeError naming the folder (Qdrant's
    file lock); this process keeps it until `client.close()`.
    """
    from qdrant_client import QdrantClient

    if path is None:
        return QdrantClient(":memory:")
    try:
        return QdrantClient(path=str(path))
    except RuntimeError as error:
        if "already accessed" in str(error):
            raise RuntimeError(
                f"the index folder {str(path)!r} is open in another process; embedded Qdrant "
                "allows one process per folder (close it there, or run a Qdrant server)"
            ) from error
        raise


def check_modality(modality: str) -> str:
    if modality not in MODALITIES:
        raise ValueError(f"modality must be one of {MODALITIES}, got {modality!r}")
    return modality


def check_vectors(vectors: Any, dim: int, what: str) -> np.ndarray:
    """(n, dim) finite float32 rows of unit length, or a ValueError naming the first bad row."""
    array = np.asarray(vectors, dtype=np.float32)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] != dim:
        raise ModelMismatchError(
            f"{what}: vectors of shape {array.shape} offered to an index of {dim}-dimensional "
            "vectors (another model?)"
        )
    bad = np.flatnonzero(~np.isfinite(array).all(axis=1))
    if bad.size:
        raise ValueError(f"{what}: row {bad[0]} holds NaN or inf")
    norms = np.linalg.norm(array, axis=1)
    off = np.flatnonzero(np.abs(norms - 1) > 1e-3)
    if off.size:
        raise ValueError(f"{what}: row {off[0]} has length {norms[off[0]]:.4f}; expected 1")
    return array


class MultiModalIndex:
    """One Qdrant collection of unit vectors with a `modality` payload ("image" / "text").

    The collection's metadata records the stamp of the model that filled it; every `add` and
    `search` names the model its vectors come from and is refused (ModelMismatchError) if it is
    another. Opening an existing collection with another model's stamp is refused too.
    """

    def __init__(self, client: Any, collection: str, stamp: ModelStamp):
        from qdrant_client import models

        self.client, self.collection, self.stamp = client, collection, stamp
        if client.collection_exists(collection):
            stored = self.stored_stamp()
            if stored is None:
                raise ModelMismatchError(
                    f"collection {collection!r} records no model stamp; it was not made by "
                    "MultiModalIndex, so nothing says which model its vectors come from"
                )
            stored.require(stamp, f"opening collection {collection!r}")
            return
        client.create_collection(
            collection,
            vectors_config=models.VectorParams(size=stamp.dim, distance=models.Distance.COSINE),
            metadata=stamp.as_dict(),
        )
        with warnings.catch_warnings():  # local mode scans everything; a server uses the index
            warnings.filterwarnings("ignore", "Payload indexes have no effect", UserWarning)
            client.create_payload_index(collection, "modality", models.PayloadSchemaType.KEYWORD)

    def stored_stamp(self) -> ModelStamp | None:
        """The stamp recorded in the collection's metadata (None if it has none)."""
        metadata = self.client.get_collection(self.collection).config.metadata or {}
        return ModelStamp.from_dict(metadata) if "fingerprint" in metadata else None

    def add(
        self,
        ids: Sequence[str],
        vectors: Any,
        modality: str,
        stamp: ModelStamp,
        payloads: Sequence[dict[str, Any]] | None = None,
    ) -> int:
        """Upsert one batch of points of one modality; an id already present is overwritten.

        Returns the number of points sent.
        """
        from qdrant_client import models

        self.stamp.require(stamp, f"adding to {self.collection!r}")
        check_modality(modality)
        array = check_vectors(vectors, self.stamp.dim, f"adding to {self.collection!r}")
        payloads = list(payloads) if payloads is not None else [{} for _ in ids]
        if not (len(ids) == len(array) == len(payloads)):
            raise ValueError(
                f"{len(ids)} ids, {len(array)} vectors and {len(payloads)} payloads: "
                "one of each per point"
            )
        points = [
            models.PointStruct(id=i, vector=v.tolist(), payload={**p, "modality": modality})
            for i, v, p in zip(ids, array, payloads)
        ]
        self.client.upsert(self.collection, points=points, wait=True)
        return len(points)

    def search(self, query: Any, stamp: ModelStamp, k: int = 10, modality: str | None = None):
        """The k nearest points to each query row, optionally of one modality only.

        Returns a list of Hits, one per query row.
        """
        from qdrant_client import models

        self.stamp.require(stamp, f"searching {self.collection!r}")
        queries = check_vectors(query, self.stamp.dim, f"searching {self.collection!r}")
        where = None
        if modality is not None:
            condition = models.FieldCondition(
                key="modality", match=models.MatchValue(value=check_modality(modality))
            )
            where = models.Filter(must=[condition])
        requests = [
            models.QueryRequest(query=q.tolist(), filter=where, limit=k, with_payload=True)
            for q in queries
        ]
        responses = self.client.query_batch_points(self.collection, requests=requests)
        return [
            Hits(
                [str(p.id) for p in r.points],
                np.array([p.score for p in r.points], dtype=np.float32),
                [dict(p.payload or {}) for p in r.points],
            )
            for r in responses
        ]

    def existing(self, ids: Sequence[str]) -> set[str]:
        """Which of `ids` are already stored."""
        found = self.client.retrieve(self.collection, ids=list(ids), with_payload=False)
        return {str(p.id) for p in found}

    def count(self, modality: str | None = None) -> int:
        """How many points are stored (of one modality, if given)."""
        from qdrant_client import models

        where = None
        if modality is not None:
            condition = models.FieldCondition(
                key="modality", match=models.MatchValue(value=check_modality(modality))
            )
            where = models.Filter(must=[condition])
        return self.client.count(self.collection, count_filter=where, exact=True).count

    def all_ids(self) -> list[str]:
        """Every stored point id (scrolls the whole collection)."""
        ids, offset = [], None
        while True:
            points, offset = self.client.scroll(
                self.collection, limit=1000, offset=offset, with_payload=False
            )
            ids.extend(str(p.id) for p in points)
            if offset is None:
                return ids
