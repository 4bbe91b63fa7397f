"""Managed (hosted) embedding APIs behind mmlab's embedder interface, and a local stand-in.

    from mmlab.models.hosted import HostedEmbedder, LocalVoyageServer
    hosted = HostedEmbedder(base_url=server.base_url)   # or the default: Voyage's real API
    vectors = hosted.encode_image(images, input_type="document")

Modules: voyage (the documented request and response format), client (HostedEmbedder: batching,
retries, key handling, truncation), cache (vectors by content hash), local_server (an offline
server in Voyage's format over a local model, with failure switches).

Introduced in notebooks/07_choosing_a_model.ipynb.
"""

from __future__ import annotations

from mmlab.models.hosted.cache import EmbeddingCache
from mmlab.models.hosted.client import HostedAPIError, HostedEmbedder
from mmlab.models.hosted.local_server import LocalVoyageServer
from mmlab.models.hosted.voyage import MalformedResponseError

__all__ = [
    "EmbeddingCache",
    "HostedAPIError",
    "HostedEmbedder",
    "LocalVoyageServer",
    "MalformedResponseError",
]
