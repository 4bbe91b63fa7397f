"""A cache of hosted embeddings keyed by a hash of exactly what was sent, so that running a
notebook again does not pay the provider again.

Introduced in notebooks/07_choosing_a_model.ipynb. One small .npy file per vector under a folder;
the key is the SHA-256 of the model, the input type, the output dimension and the input's bytes
(the text, or the PNG of the image), so a changed picture or setting is a different key.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np


def default_folder() -> Path:
    """$MMLAB_CACHE/hosted, else ~/.cache/mmlab/hosted."""
    root = os.environ.get("MMLAB_CACHE") or Path.home() / ".cache" / "mmlab"
    return Path(root).expanduser() / "hosted"


def content_key(settings: dict, piece: dict) -> str:
    """SHA-256 (hex) of the request settings and one input, serialised canonically."""
    text = json.dumps([settings, piece], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Vectors on disk by content key. `hits` and `misses` count look-ups since creation.

    Introduced in notebooks/07_choosing_a_model.ipynb.
    """

    def __init__(self, folder: str | os.PathLike | None = None) -> None:
        self.folder = Path(folder).expanduser() if folder is not None else default_folder()
        self.hits = 0
        self.misses = 0

    def __repr__(self) -> str:
        return f"EmbeddingCache({str(self.folder)!r}, hits={self.hits}, misses={self.misses})"

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.npy"

    def get(self, key: str) -> np.ndarray | None:
        """The stored vector for `key`, or None (a file that cannot be read counts as a miss)."""
        path = self._path(key)
        try:
            vector = np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            self.misses += 1
            return None
        self.hits += 1
        return vector

    def put(self, key: str, vector: np.ndarray) -> None:
        """Store one vector (written to a temporary name, then renamed: no half-written files)."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        with open(partial, "wb") as handle:
            np.save(handle, np.asarray(vector, dtype=np.float32), allow_pickle=False)
        os.replace(partial, path)
