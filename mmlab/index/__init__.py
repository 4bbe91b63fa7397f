"""One multi-modal index on a real vector database: Qdrant embedded in the notebook (the same
client code runs against a Qdrant server or cluster), and PostgreSQL + pgvector.

Introduced in notebooks/08_vector_index.ipynb. Modules:
  stamp.py      which model made a vector (name, dimension, weight fingerprint) and the guard
  qdrant.py     `MultiModalIndex`: one Qdrant collection, a `modality` payload, the guard
  ingest.py     a folder of pictures, incrementally, with content hashes as ids
  calibrate.py  per-modality score calibration before merging result lists
  ann.py        Qdrant's HNSW engine in-process (qdrant-edge): filtered vs post-filtered search
  pgvector.py   the same index on PostgreSQL + pgvector (CHECK constraint, partial HNSW indexes)
  pgserver.py   a throwaway PostgreSQL server on 127.0.0.1 (tests, benchmarks)
"""

from mmlab.index.stamp import ModelMismatchError, ModelStamp, content_id, stamp_of

__all__ = ["ModelMismatchError", "ModelStamp", "content_id", "stamp_of"]
