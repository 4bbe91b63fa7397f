"""`HostedEmbedder`: a managed multimodal embedding API behind the same `encode_text` /
`encode_image` interface as mmlab's local models.

Introduced in notebooks/07_choosing_a_model.ipynb. It speaks Voyage AI's documented format
(mmlab.models.hosted.voyage) over urllib: batches within the provider's limits, a timeout per
request, retries with exponential back-off on 429 and 5xx answers and on timeouts (a Retry-After
header is honoured), the API key read from an environment variable at each request (never
stored, printed or echoed in an error), query / document input types, optional truncation to
fewer dimensions with re-normalisation, and a cache by content hash (mmlab.models.hosted.cache).
"""

from __future__ import annotations

import email.utils
import json
import os
import random
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from mmlab.models.hosted import voyage
from mmlab.models.hosted.cache import EmbeddingCache, content_key
from mmlab.models.images import load_rgb, split_batch
from mmlab.models.texts import split_texts

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """Turn every 3xx answer into an HTTPError instead of following it with the key."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_NO_REDIRECTS = urllib.request.build_opener(_RefuseRedirects())


def check_base_url(url: str) -> str:
    """Return `url` without a trailing slash; refuse anything but https, or http to this machine.

    Introduced in notebooks/07_choosing_a_model.ipynb: plain http would send the key in clear.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url.rstrip("/")
    if parts.scheme == "http" and parts.hostname in LOCAL_HOSTS:
        return url.rstrip("/")
    raise ValueError(
        f"base_url={url!r}: use https:// (plain http:// only to 127.0.0.1 or localhost), "
        "so that the API key never crosses a network in clear"
    )


class HostedAPIError(RuntimeError):
    """The provider refused a request or never answered; `status` is the HTTP status or None."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def _redact(text: str, secret: str) -> str:
    return text.replace(secret, "<redacted>") if secret else text


def _detail(raw: bytes) -> str:
    """The human part of an error body: its "detail" or "message" field, else its first 200 chars."""
    text = raw.decode("utf-8", "replace")
    try:
        body = json.loads(text)
    except ValueError:
        return text[:200]
    if isinstance(body, dict):
        return str(body.get("detail") or body.get("message") or body)[:200]
    return text[:200]


def retry_after_s(header: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (a number of seconds or an HTTP date), or None."""
    if not header:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class HostedEmbedder:
    """Texts and images in, (n, dim) float32 unit vectors out, computed by a hosted API.

    `model`: the provider's model name. `base_url`: the API root; the default is Voyage's, and
    notebooks/07 points it at a local server. `key_variable`: the environment variable holding
    the API key. `dim`: keep only the first `dim` coordinates and re-normalise (None keeps all).
    `output_dimension`: ask the provider for that many dimensions instead. `timeout_s`: per
    request. `max_retries`: further tries after a 429, a 5xx or a timeout, waiting
    `backoff_s * 2**attempt` (halved at random, at most `max_wait_s`) or what Retry-After says.
    `cache`: True for the default folder, a folder, an EmbeddingCache, or False for none.
    `stats` counts requests, tries and the usage the provider reported.
    Introduced in notebooks/07_choosing_a_model.ipynb.
    """

    kind = "hosted"

    def __init__(
        self,
        model: str = voyage.DEFAULT_MODEL,
        *,
        base_url: str = voyage.VOYAGE_URL,
        key_variable: str = voyage.KEY_VARIABLE,
        dim: int | None = None,
        output_dimension: int | None = None,
        timeout_s: float = 30.0,
        max_retries: int = 4,
        backoff_s: float = 1.0,
        max_wait_s: float = 60.0,
        cache: bool | str | os.PathLike | EmbeddingCache = True,
    ) -> None:
        for name, value in (("dim", dim), ("output_dimension", output_dimension)):
            if value is not None and (not isinstance(value, int) or value < 1):
                raise ValueError(f"{name}={value!r}: need a positive int or None")
        if not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError(f"max_retries={max_retries!r}: need an int >= 0")
        if not timeout_s > 0 or backoff_s < 0 or max_wait_s < 0:
            raise ValueError("timeout_s must be > 0, backoff_s and max_wait_s >= 0")
        self.name = model
        self.base_url = check_base_url(base_url)
        self.key_variable = key_variable
        self.dim = dim or output_dimension
        self.output_dimension = output_dimension
        self.truncate_to = dim
        self.timeout_s = float(timeout_s)
        self.max_retries = max_retries
        self.backoff_s = float(backoff_s)
        self.max_wait_s = float(max_wait_s)
        if cache is True:
            cache = EmbeddingCache()
        elif isinstance(cache, (str, Path, os.PathLike)):
            cache = EmbeddingCache(cache)
        self.cache: EmbeddingCache | None = cache or None
        self.stats = {"requests": 0, "tries": 0, "text_tokens": 0, "image_pixels": 0}

    def __repr__(self) -> str:
        return (
            f"HostedEmbedder({self.name!r}, url={self.base_url + voyage.ENDPOINT!r}, "
            f"key from ${self.key_variable}, dim={self.dim})"
        )

    # --- the public interface, as mmlab.models.embedder.Embedder --------------------------------
    def encode_text(
        self,
        texts: str | list[str],
        batch_size: int = voyage.MAX_INPUTS,
        progress: bool | None = None,
        input_type: str | None = None,
    ) -> np.ndarray:
        """Embed a str or a list of str; `input_type` None, "query" or "document".

        Introduced in notebooks/07_choosing_a_model.ipynb.
        Returns an (n, dim) float32 array with unit-norm rows, in the order given.
        """
        pieces = [voyage.text_piece(text) for text in split_texts(texts)]
        return self._encode(pieces, input_type, batch_size, progress)

    def encode_image(
        self,
        images: Any,
        batch_size: int = voyage.MAX_INPUTS,
        progress: bool | None = None,
        input_type: str | None = None,
    ) -> np.ndarray:
        """Embed one image or a list (PIL images, paths or arrays), sent as base64 PNG.

        A bad item, or one above the provider's 16-megapixel limit, raises naming its index.
        Introduced in notebooks/07_choosing_a_model.ipynb.
        Returns an (n, dim) float32 array with unit-norm rows, in the order given.
        """
        pieces = []
        for index, item in enumerate(split_batch(images)):
            image = load_rgb(item, index)
            if image.width * image.height > voyage.MAX_IMAGE_PIXELS:
                raise ValueError(
                    f"images[{index}] has {image.width * image.height:,} pixels; the API takes "
                    f"at most {voyage.MAX_IMAGE_PIXELS:,}: shrink it first"
                )
            pieces.append(voyage.image_piece(voyage.png_bytes(image)))
        return self._encode(pieces, input_type, batch_size, progress)

    # --- batching, cache, truncation ------------------------------------------------------------
    def _encode(
        self, pieces: list[dict], input_type: str | None, batch_size: int, progress: bool | None
    ) -> np.ndarray:
        if input_type not in voyage.INPUT_TYPES:
            raise ValueError(f"input_type={input_type!r} is not one of {voyage.INPUT_TYPES}")
        if not isinstance(batch_size, int) or not 1 <= batch_size <= voyage.MAX_INPUTS:
            raise ValueError(
                f"batch_size={batch_size!r}: need an int from 1 to {voyage.MAX_INPUTS}"
            )
        settings = {
            "url": self.base_url,
            "model": self.name,
            "input_type": input_type,
            "output_dimension": self.output_dimension,
        }
        keys = [content_key(settings, piece) for piece in pieces]
        rows: list[np.ndarray | None] = [
            self.cache.get(key) if self.cache else None for key in keys
        ]
        missing = [i for i, row in enumerate(rows) if row is None]
        batches = list(self.batches([pieces[i] for i in missing], batch_size, missing))
        if progress:
            from tqdm.auto import tqdm

            batches = tqdm(batches, desc="hosted requests", unit="request")
        done = 0
        for batch in batches:
            body = voyage.request_body(batch, self.name, input_type, self.output_dimension)
            inputs = (missing[done], missing[done + len(batch) - 1])
            vectors = voyage.parse_response(self._post(body, inputs), len(batch))
            for vector in vectors:
                index = missing[done]
                rows[index] = vector
                if self.cache:
                    self.cache.put(keys[index], vector)
                done += 1
        return self._finish(np.stack(rows))

    @staticmethod
    def batches(
        pieces: list[dict], batch_size: int, indices: list[int] | None = None
    ) -> Iterator[list[dict]]:
        """Split inputs into requests of at most `batch_size` inputs and the token limit.

        `indices` are the inputs' positions in the caller's list (for error messages; default
        0, 1, ...). Introduced in notebooks/07_choosing_a_model.ipynb.
        """
        batch: list[dict] = []
        tokens = 0
        for position, piece in enumerate(pieces):
            cost = voyage.estimated_tokens(piece)
            if cost > voyage.MAX_TOKENS:
                index = indices[position] if indices is not None else position
                raise ValueError(f"input {index} alone is ~{cost:,} tokens, above the limit")
            if batch and (len(batch) == batch_size or tokens + cost > voyage.MAX_TOKENS):
                yield batch
                batch, tokens = [], 0
            batch.append(piece)
            tokens += cost
        if batch:
            yield batch

    def _finish(self, matrix: np.ndarray) -> np.ndarray:
        """Truncate to `dim` coordinates when asked, then divide each row by its length."""
        out = voyage.truncate_unit(matrix, self.truncate_to)
        self.dim = out.shape[1]
        return out

    # --- HTTP with retries ----------------------------------------------------------------------
    def _wait_s(self, attempt: int, header: str | None) -> float:
        told = retry_after_s(header)
        if told is None:
            told = self.backoff_s * 2**attempt * random.uniform(0.5, 1.0)
        return min(told, self.max_wait_s)

    def _post(self, body: dict, inputs: tuple[int, int] = (0, 0)) -> Any:
        """Send one request, retrying 429 / 5xx / timeouts; return the decoded JSON answer.

        `inputs`: the first and last position, in the caller's list, of the inputs it carries.
        Redirects are refused (urllib would re-send the key to wherever they point).
        """
        key = os.environ.get(self.key_variable, "").strip()
        if not key:
            raise HostedAPIError(
                f"no API key: set the environment variable {self.key_variable} (its value is "
                "never printed)"
            )
        url = self.base_url + voyage.ENDPOINT
        request = urllib.request.Request(
            url,
            data=json.dumps(body).encode("utf-8"),
            method="POST",
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        self.stats["requests"] += 1
        tries = self.max_retries + 1
        for attempt in range(tries):
            self.stats["tries"] += 1
            last = attempt == tries - 1
            try:
                with _NO_REDIRECTS.open(request, timeout=self.timeout_s) as response:
                    raw = response.read()
            except urllib.error.HTTPError as error:
                status, detail = error.code, _redact(_detail(error.read()), key)
                if status in RETRY_STATUSES and not last:
                    time.sleep(self._wait_s(attempt, error.headers.get("Retry-After")))
                    continue
                message = self._explain(status, detail, attempt + 1, inputs)
                raise HostedAPIError(message, status) from None
            except (TimeoutError, urllib.error.URLError, ConnectionError) as error:
                reason = getattr(error, "reason", error)
                if not last:
                    time.sleep(self._wait_s(attempt, None))
                    continue
                raise HostedAPIError(
                    f"no answer from {url} after {tries} tries ({self.timeout_s:g} s timeout "
                    f"each): {_redact(str(reason), key)}"
                ) from None
            return self._decode(raw, key)
        raise AssertionError("unreachable")  # pragma: no cover

    def _explain(self, status: int, detail: str, tries: int, inputs: tuple[int, int]) -> str:
        if 300 <= status < 400:
            return (
                f"HTTP {status} from {self.base_url}: a redirect, refused (following it would "
                "send the API key elsewhere); point base_url at the final address"
            )
        if status == 400:
            return (
                f"HTTP 400 from {self.base_url}: the request with inputs {inputs[0]}..{inputs[1]} "
                f"was refused: {detail}"
            )
        if status in (401, 403):
            return (
                f"the provider refused the API key in ${self.key_variable} (HTTP {status}: "
                f"{detail}). Check the key; its value is not shown here."
            )
        if status in RETRY_STATUSES:
            return f"HTTP {status} from {self.base_url} on all {tries} tries: {detail}"
        return f"HTTP {status} from {self.base_url}: {detail}"

    def _decode(self, raw: bytes, key: str) -> Any:
        try:
            payload = json.loads(raw)
        except ValueError:
            text = _redact(raw[:80].decode("utf-8", "replace"), key)
            raise voyage.MalformedResponseError(
                f"the answer is not JSON (it starts {text!r})"
            ) from None
        usage = payload.get("usage") if isinstance(payload, dict) else None
        if isinstance(usage, dict):
            for field in ("text_tokens", "image_pixels"):
                if isinstance(usage.get(field), int):
                    self.stats[field] += usage[field]
        return payload
