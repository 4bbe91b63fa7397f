"""Which model made a vector: its name, its dimension and a fingerprint of its weights.

Introduced in notebooks/08_vector_index.ipynb. Vectors from two models are not comparable
(lesson 07), even when both have the same dimension, so an index records the stamp of the model
that filled it and refuses vectors stamped by any other model.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any


class ModelMismatchError(ValueError):
    """Vectors of one model offered to an index built with another."""


@dataclass(frozen=True)
class ModelStamp:
    """A model's name, vector dimension and weight fingerprint (hex digest)."""

    name: str
    dim: int
    fingerprint: str

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"name must be a non-empty string, got {self.name!r}")
        if isinstance(self.dim, bool) or not isinstance(self.dim, int) or self.dim < 1:
            raise ValueError(f"dim must be an int >= 1, got {self.dim!r}")
        if not isinstance(self.fingerprint, str) or len(self.fingerprint) < 8:
            raise ValueError(f"fingerprint must be a hex string, got {self.fingerprint!r}")

    @property
    def key(self) -> str:
        """One string naming the model exactly: 'name/dim/fingerprint'."""
        return f"{self.name}/{self.dim}/{self.fingerprint}"

    def as_dict(self) -> dict[str, Any]:
        return {"model": self.name, "dim": self.dim, "fingerprint": self.fingerprint}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelStamp:
        return cls(str(data["model"]), int(data["dim"]), str(data["fingerprint"]))

    def require(self, other: ModelStamp, what: str) -> None:
        """Raise ModelMismatchError unless `other` is this very model; `what` names the act."""
        if not isinstance(other, ModelStamp):
            raise TypeError(f"{what}: expected a ModelStamp, got {type(other).__name__}")
        if other == self:
            return
        differs = [
            f"{field} {getattr(other, field)!r} != {getattr(self, field)!r}"
            for field in ("name", "dim", "fingerprint")
            if getattr(other, field) != getattr(self, field)
        ]
        raise ModelMismatchError(
            f"{what}: vectors of model {other.name!r} refused by an index built with "
            f"{self.name!r} ({'; '.join(differs)}). Vectors of different models are not "
            "comparable: re-embed everything with one model, or use a new collection."
        )


def weights_fingerprint(module: Any) -> str:
    """SHA-256 over a torch module's parameter names, shapes, dtypes and bytes (first 16 hex).

    Two models with the same architecture and different weights get different fingerprints.
    """
    import torch

    digest = hashlib.sha256()
    for name, tensor in sorted(module.state_dict().items()):
        array = tensor.detach().cpu().contiguous().reshape(-1)
        digest.update(f"{name}|{tuple(tensor.shape)}|{tensor.dtype}".encode())
        digest.update(array.view(torch.uint8).numpy().tobytes())  # any dtype, bf16 included
    return digest.hexdigest()[:16]


def stamp_of(model: Any) -> ModelStamp:
    """The stamp of an mmlab embedder (`mmlab.load_model()`): name, dim, weight fingerprint."""
    for attribute in ("name", "dim", "model"):
        if not hasattr(model, attribute):
            raise TypeError(f"stamp_of needs an mmlab embedder; {model!r} has no .{attribute}")
    return ModelStamp(str(model.name), int(model.dim), weights_fingerprint(model.model))


def content_id(data: bytes) -> str:
    """A stable point id for some content: the first 128 bits of its SHA-256, as a UUID string.

    The same bytes always get the same id, so adding them twice stores them once.
    """
    if not isinstance(data, bytes | bytearray):
        raise TypeError(f"content_id needs bytes, got {type(data).__name__}")
    return str(uuid.UUID(bytes=hashlib.sha256(data).digest()[:16]))
