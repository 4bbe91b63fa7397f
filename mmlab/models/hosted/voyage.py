"""Voyage AI's multimodal embeddings API: the request body we send and the response we accept.

Introduced in notebooks/07_choosing_a_model.ipynb. Read on 2026-11-28 in Voyage's reference
(docs.voyageai.com/reference/multimodal-embeddings-api-1) and the MongoDB copy of the same API
(mongodb.com/docs/api/doc/atlas-embedding-and-reranking-api, operation createMultimodalEmbedding):

- POST {base}/multimodalembeddings with `Authorization: Bearer <key>` and a JSON body
  `{"inputs": [{"content": [{"type": "text", "text": ...} | {"type": "image_base64",
  "image_base64": "data:image/png;base64,..."} | {"type": "image_url", "image_url": ...}]}],
  "model": ..., "input_type": null | "query" | "document", "truncation": true,
  "output_dimension": null | 256 | 512 | 1024 | 2048}` (the last for voyage-multimodal-3.5).
  One request uses image_base64 or image_url, never both.
- The answer: `{"object": "list", "data": [{"object": "embedding", "embedding": [...],
  "index": i}], "model": ..., "usage": {"text_tokens": ..., "image_pixels": ...,
  "total_tokens": ...}}` (field names as the official Python client, voyageai-python, reads them).
- Limits as documented: at most 1,000 inputs a request, at most 320,000 tokens a request
  (an image counts about one token per 560 pixels), at most 16 million pixels and 20 MB an image.

Only the standard library and Pillow: the client sends with urllib.
"""

from __future__ import annotations

import base64
import io
import math
from typing import Any

import numpy as np
from PIL import Image

VOYAGE_URL = "https://api.voyageai.com/v1"
ENDPOINT = "/multimodalembeddings"
DEFAULT_MODEL = "voyage-multimodal-3.5"
KEY_VARIABLE = "VOYAGE_API_KEY"
INPUT_TYPES = (None, "query", "document")
MAX_INPUTS = 1_000
MAX_TOKENS = 320_000
PIXELS_PER_TOKEN = 560
MAX_IMAGE_PIXELS = 16_000_000


def text_piece(text: str) -> dict:
    """One text input: {"content": [{"type": "text", "text": text}]}."""
    return {"content": [{"type": "text", "text": text}]}


def png_bytes(image: Image.Image) -> bytes:
    """Encode an RGB image as PNG (lossless, so equal pixels give equal bytes and one cache key)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def image_piece(png: bytes) -> dict:
    """One image input, sent inline as a base64 data URL (image/png)."""
    url = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return {"content": [{"type": "image_base64", "image_base64": url}]}


def estimated_tokens(piece: dict) -> int:
    """An estimate of what one input counts against the per-request token limit.

    Text: its UTF-8 byte count, an upper bound (a tokenizer never makes more tokens than bytes).
    Images: pixels divided by 560, rounded up, as the documentation counts them — not an upper
    bound: the provider may count a small image as more than its pixels.
    """
    total = 0
    for part in piece["content"]:
        if part["type"] == "text":
            total += len(part["text"].encode("utf-8"))
        else:
            data = base64.b64decode(part["image_base64"].split(",", 1)[1])
            with Image.open(io.BytesIO(data)) as image:
                total += math.ceil(image.width * image.height / PIXELS_PER_TOKEN)
    return max(total, 1)


def request_body(
    pieces: list[dict], model: str, input_type: str | None, output_dimension: int | None
) -> dict:
    """The JSON body of one request. Introduced in notebooks/07_choosing_a_model.ipynb."""
    if input_type not in INPUT_TYPES:
        raise ValueError(f"input_type={input_type!r} is not one of {INPUT_TYPES}")
    if not 1 <= len(pieces) <= MAX_INPUTS:
        raise ValueError(f"{len(pieces)} inputs in one request: the API takes 1 to {MAX_INPUTS}")
    body: dict[str, Any] = {"inputs": pieces, "model": model, "truncation": True}
    if input_type is not None:
        body["input_type"] = input_type
    if output_dimension is not None:
        body["output_dimension"] = int(output_dimension)
    return body


class MalformedResponseError(ValueError):
    """The server answered 200 but its body is not the documented response."""


def truncate_unit(matrix: np.ndarray, dim: int | None) -> np.ndarray:
    """Keep the first `dim` columns (all when None) and scale each row to length 1, as float32.

    Used by the client (`dim=`) and the local server (`output_dimension`). Introduced in
    notebooks/07_choosing_a_model.ipynb. Raises ValueError when `dim` exceeds the width and
    MalformedResponseError naming the first all-zero row.
    """
    if dim is not None:
        if dim > matrix.shape[1]:
            raise ValueError(f"dim={dim} but the embeddings have {matrix.shape[1]} dimensions")
        matrix = matrix[:, :dim]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    if (norms == 0).any():
        bad = int(np.flatnonzero(norms[:, 0] == 0)[0])
        raise MalformedResponseError(f"embedding {bad} is all zeros: it has no direction")
    return (matrix / norms).astype(np.float32)


def parse_response(payload: Any, expected: int) -> np.ndarray:
    """Check a response body and return its embeddings as (expected, d) float32, in input order.

    Raises MalformedResponseError naming what is wrong: not an object, no `data` list, an item
    without a numeric `embedding` or an integer `index`, missing or repeated indices, rows of
    different lengths, NaN or infinite values.
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        raise MalformedResponseError("the response has no 'data' list")
    data = payload["data"]
    if len(data) != expected:
        raise MalformedResponseError(f"sent {expected} inputs, got {len(data)} embeddings back")
    rows: dict[int, list] = {}
    for position, item in enumerate(data):
        index = item.get("index") if isinstance(item, dict) else None
        vector = item.get("embedding") if isinstance(item, dict) else None
        if not isinstance(index, int) or not isinstance(vector, list) or not vector:
            raise MalformedResponseError(
                f"data[{position}] lacks an integer 'index' or a non-empty 'embedding' list"
            )
        if index in rows or not 0 <= index < expected:
            raise MalformedResponseError(
                f"data[{position}] has index {index}: repeated or out of range"
            )
        rows[index] = vector
    if len({len(v) for v in rows.values()}) != 1:
        raise MalformedResponseError("the embeddings have different lengths")
    try:
        matrix = np.array([rows[i] for i in range(expected)], dtype=np.float32)
    except (TypeError, ValueError) as error:
        raise MalformedResponseError(f"an embedding holds a non-number: {error}") from None
    if not np.isfinite(matrix).all():
        raise MalformedResponseError("an embedding holds NaN or infinite values")
    return matrix
