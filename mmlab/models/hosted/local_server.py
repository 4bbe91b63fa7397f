"""A stand-in for Voyage's multimodal embeddings API on 127.0.0.1, answering with a local model.

Introduced in notebooks/07_choosing_a_model.ipynb, where it lets the hosted-API client run
offline; the tests use it too. It checks the bearer key, validates the documented request
(mmlab.models.hosted.voyage), embeds each input with the local embedder it was given and answers
in the documented response shape. Switches inject failures: `fail_next(status, times,
retry_after)`, `delay_s` (answer late) and `malformed_next(times)`. `log` keeps one line per
request. What differs from the real service: one piece of content per input (no interleaving),
`input_type` changes nothing (Voyage prepends a prompt), image URLs are refused (offline), and
token counts are word counts.
"""

from __future__ import annotations

import base64
import io
import json
import math
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
from PIL import Image

from mmlab.models.hosted import voyage


class BadRequest(ValueError):
    """A request that breaks the documented format; answered with HTTP 400 and this message."""


def _check(body: Any, dim: int) -> list[dict]:
    if not isinstance(body, dict) or not isinstance(body.get("inputs"), list):
        raise BadRequest("the body must be an object with an 'inputs' list")
    inputs = body["inputs"]
    if not 1 <= len(inputs) <= voyage.MAX_INPUTS:
        raise BadRequest(f"'inputs' holds {len(inputs)} items; 1 to {voyage.MAX_INPUTS} allowed")
    if not isinstance(body.get("model"), str):
        raise BadRequest("'model' is required")
    if body.get("input_type") not in voyage.INPUT_TYPES:
        raise BadRequest(f"input_type {body.get('input_type')!r} is not query or document")
    size = body.get("output_dimension")
    if size is not None and (not isinstance(size, int) or not 1 <= size <= dim):
        raise BadRequest(f"output_dimension {size!r} is not between 1 and {dim}")
    parts = []
    for index, item in enumerate(inputs):
        content = item.get("content") if isinstance(item, dict) else None
        if not isinstance(content, list) or len(content) != 1 or not isinstance(content[0], dict):
            raise BadRequest(f"inputs[{index}]: this local server takes exactly one content piece")
        part = content[0]
        if part.get("type") == "text" and isinstance(part.get("text"), str):
            parts.append(part)
        elif part.get("type") == "image_base64" and str(part.get("image_base64")).startswith(
            "data:image/"
        ):
            parts.append(part)
        elif part.get("type") == "image_url":
            raise BadRequest(f"inputs[{index}]: image_url cannot be fetched by an offline server")
        else:
            raise BadRequest(f"inputs[{index}]: content must be text or an image_base64 data URL")
    return parts


def _decode_image(url: str, index: int) -> Image.Image:
    """The picture in a base64 data URL, as RGB; BadRequest naming inputs[index] if unreadable."""
    try:
        data = base64.b64decode(url.split(",", 1)[1], validate=True)
        with Image.open(io.BytesIO(data)) as image:
            return image.convert("RGB")
    except (IndexError, ValueError, OSError) as problem:
        raise BadRequest(f"inputs[{index}]: not a readable base64 image ({problem})") from None


class LocalVoyageServer:
    """Serve POST /v1/multimodalembeddings on 127.0.0.1 (an ephemeral port) with `embedder`.

    Use as a context manager, or call start() and stop(). `base_url` is what HostedEmbedder takes.
    Introduced in notebooks/07_choosing_a_model.ipynb.
    """

    def __init__(self, embedder: Any, api_key: str, model_name: str = "toy-clip-as-a-service"):
        if not api_key:
            raise ValueError("api_key is empty: the server needs a key to compare against")
        self.embedder = embedder
        self.model_name = model_name
        self._key = api_key
        self._lock = threading.Lock()
        self._failures: list[tuple[int, str | None]] = []
        self._malformed = 0
        self.delay_s = 0.0
        self.log: list[dict] = []
        self._server: ThreadingHTTPServer | None = None

    def __repr__(self) -> str:
        where = self.base_url if self._server else "not running"
        return f"LocalVoyageServer({self.model_name!r}, {where})"

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not running: call start() first")
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def fail_next(self, status: int, times: int = 1, retry_after: str | None = None) -> None:
        """Answer the next `times` requests with HTTP `status` (and a Retry-After header)."""
        self._failures.extend([(status, retry_after)] * times)

    def malformed_next(self, times: int = 1) -> None:
        """Answer the next `times` requests with 200 and a body that is not the documented one."""
        self._malformed += times

    def start(self) -> LocalVoyageServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep the notebook quiet
                pass

            def do_POST(self) -> None:
                owner._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> LocalVoyageServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # --- one request ----------------------------------------------------------------------------
    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        raw = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        if self.delay_s:
            time.sleep(self.delay_s)
        status, body, headers = self._answer(request, raw)
        try:
            request.send_response(status)
            for name, value in headers.items():
                request.send_header(name, value)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
            pass

    def _answer(self, request: BaseHTTPRequestHandler, raw: bytes) -> tuple[int, bytes, dict]:
        def error(status: int, detail: str, headers: dict | None = None):
            self.log.append({"status": status, "inputs": None})
            return status, json.dumps({"detail": detail}).encode(), headers or {}

        if request.path.rstrip("/") != "/v1" + voyage.ENDPOINT:
            return error(404, f"no route {request.path}")
        if request.headers.get("Authorization") != f"Bearer {self._key}":
            return error(401, "Provided API key is invalid.")
        if self._failures:
            status, retry_after = self._failures.pop(0)
            return error(
                status, "injected failure", {"Retry-After": retry_after} if retry_after else None
            )
        try:
            body = json.loads(raw)
            parts = _check(body, self.embedder.dim)
        except (ValueError, BadRequest) as problem:
            return error(400, str(problem))
        if self._malformed:
            self._malformed -= 1
            self.log.append({"status": 200, "inputs": len(parts), "malformed": True})
            return 200, b'{"object": "list", "data": [{"embedding": "oops"}]}', {}
        try:
            vectors, usage = self._embed(parts, body.get("output_dimension"))
        except BadRequest as problem:
            return error(400, str(problem))
        self.log.append({"status": 200, "inputs": len(parts)})
        data = [
            {"object": "embedding", "embedding": vector.tolist(), "index": i}
            for i, vector in enumerate(vectors)
        ]
        answer = {"object": "list", "data": data, "model": body["model"], "usage": usage}
        return 200, json.dumps(answer).encode(), {}

    def _embed(self, parts: list[dict], size: int | None) -> tuple[np.ndarray, dict]:
        texts = [i for i, p in enumerate(parts) if p["type"] == "text"]
        images = [i for i, p in enumerate(parts) if p["type"] != "text"]
        out = np.zeros((len(parts), self.embedder.dim), dtype=np.float32)
        pixels = 0
        with self._lock:
            if texts:
                out[texts] = self.embedder.encode_text([parts[i]["text"] for i in texts])
            if images:
                decoded = [_decode_image(parts[i]["image_base64"], i) for i in images]
                pixels = sum(image.width * image.height for image in decoded)
                out[images] = self.embedder.encode_image(decoded)
        out = voyage.truncate_unit(out, size)
        words = sum(len(parts[i]["text"].split()) for i in texts)
        usage = {
            "text_tokens": words,
            "image_pixels": pixels,
            "total_tokens": words + math.ceil(pixels / voyage.PIXELS_PER_TOKEN),
        }
        return out, usage
