"""The hosted-API embedder against the local stand-in server: the documented format, batching,
the cache, truncation, and every failure the lesson names (wrong key, rate limit, server error,
timeout, malformed answer)."""

from __future__ import annotations

import hashlib
import json
import time

import numpy as np
import pytest
from PIL import Image

from mmlab.models.hosted import (
    EmbeddingCache,
    HostedAPIError,
    HostedEmbedder,
    LocalVoyageServer,
    MalformedResponseError,
    voyage,
)
from mmlab.models.hosted.client import retry_after_s

KEY = "sk-test-abc123-secret"


class HashEmbedder:
    """A fast stand-in model: unit vectors from a hash of the text or the image's pixels."""

    dim = 16

    @staticmethod
    def _vector(data: bytes) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(data).digest()[:8], "little")
        v = np.random.default_rng(seed).normal(size=16)
        return (v / np.linalg.norm(v)).astype(np.float32)

    def encode_text(self, texts):
        return np.stack([self._vector(t.encode()) for t in texts])

    def encode_image(self, images):
        return np.stack([self._vector(np.asarray(i).tobytes()) for i in images])


@pytest.fixture
def server():
    with LocalVoyageServer(HashEmbedder(), api_key=KEY) as running:
        yield running


@pytest.fixture
def client(server, tmp_path, monkeypatch):
    monkeypatch.setenv("TEST_EMBED_KEY", KEY)
    return HostedEmbedder(
        "toy",
        base_url=server.base_url,
        key_variable="TEST_EMBED_KEY",
        backoff_s=0.01,
        max_retries=3,
        timeout_s=2.0,
        cache=tmp_path / "cache",
    )


def pictures(n):
    return [Image.new("RGB", (8, 8), (i * 20 % 256, 50, 90)) for i in range(n)]


def test_request_body_is_the_documented_shape():
    body = voyage.request_body([voyage.text_piece("a red circle")], "m", "query", 256)
    assert body == {
        "inputs": [{"content": [{"type": "text", "text": "a red circle"}]}],
        "model": "m",
        "truncation": True,
        "input_type": "query",
        "output_dimension": 256,
    }
    piece = voyage.image_piece(voyage.png_bytes(pictures(1)[0]))
    assert piece["content"][0]["image_base64"].startswith("data:image/png;base64,")
    with pytest.raises(ValueError, match="input_type"):
        voyage.request_body([piece], "m", "passage", None)


def test_vectors_match_the_model_behind_the_server(client):
    texts = ["a red circle", "two blue stars"]
    got = client.encode_text(texts, input_type="query")
    assert got.shape == (2, 16) and got.dtype == np.float32
    np.testing.assert_allclose(got, HashEmbedder().encode_text(texts), atol=1e-6)
    images = client.encode_image(pictures(3), input_type="document")
    np.testing.assert_allclose(images, HashEmbedder().encode_image(pictures(3)), atol=1e-6)


def test_key_is_never_in_repr_or_attributes(client):
    assert KEY not in repr(client) and KEY not in str(vars(client))
    assert "TEST_EMBED_KEY" in repr(client)


def test_wrong_key_fails_clearly_without_echoing_it(server, monkeypatch, tmp_path):
    monkeypatch.setenv("TEST_EMBED_KEY", "sk-wrong-key-999")
    client = HostedEmbedder(
        "toy", base_url=server.base_url, key_variable="TEST_EMBED_KEY", cache=False
    )
    with pytest.raises(HostedAPIError) as caught:
        client.encode_text("a red circle")
    assert caught.value.status == 401
    assert "TEST_EMBED_KEY" in str(caught.value) and "refused" in str(caught.value)
    assert "sk-wrong-key-999" not in str(caught.value)
    assert client.stats["tries"] == 1  # a refused key is not retried


def test_missing_key_says_which_variable(server, monkeypatch):
    monkeypatch.delenv("NO_SUCH_KEY_VAR", raising=False)
    client = HostedEmbedder("toy", base_url=server.base_url, key_variable="NO_SUCH_KEY_VAR")
    with pytest.raises(HostedAPIError, match="NO_SUCH_KEY_VAR"):
        client.encode_text("x")


def test_rate_limit_then_success_honours_retry_after(server, client):
    server.fail_next(429, times=2, retry_after="0.3")
    start = time.perf_counter()
    got = client.encode_text(["a red circle"])
    waited = time.perf_counter() - start
    assert got.shape == (1, 16)
    assert [entry["status"] for entry in server.log] == [429, 429, 200]
    assert waited >= 0.6  # two waits of Retry-After 0.3 s, though backoff_s is 0.01


def test_server_errors_exhaust_the_retries(server, client):
    server.fail_next(503, times=10)
    with pytest.raises(HostedAPIError, match="503") as caught:
        client.encode_text("a red circle")
    assert caught.value.status == 503
    assert len(server.log) == 4  # one try and max_retries = 3 more
    assert KEY not in str(caught.value)


def test_timeout_is_retried_then_reported(server, client):
    server.delay_s = 0.5
    client.timeout_s = 0.1
    client.max_retries = 1
    with pytest.raises(HostedAPIError, match="no answer") as caught:
        client.encode_text("a red circle")
    assert caught.value.status is None and client.stats["tries"] == 2


def test_malformed_answer_is_an_error_not_a_vector(server, client):
    server.malformed_next()
    with pytest.raises(MalformedResponseError, match=r"data\[0\] lacks"):
        client.encode_text(["a"])
    assert not list(client.cache.folder.rglob("*.npy"))  # nothing was cached
    with pytest.raises(MalformedResponseError, match="not JSON"):
        client._decode(b"<html>Bad gateway</html>", KEY)


@pytest.mark.parametrize(
    "payload, problem",
    [
        ([], "no 'data' list"),
        ({"data": [{"embedding": [1.0], "index": 0}]}, "sent 2 inputs"),
        ({"data": [{"embedding": [1.0], "index": 0}, {"embedding": [1.0], "index": 0}]}, "index 0"),
        (
            {"data": [{"embedding": [1.0], "index": 0}, {"embedding": [1.0, 2.0], "index": 1}]},
            "lengths",
        ),
        (
            {"data": [{"embedding": [1.0], "index": 0}, {"embedding": ["x"], "index": 1}]},
            "non-number",
        ),
        (
            {"data": [{"embedding": [1.0], "index": 0}, {"embedding": [float("nan")], "index": 1}]},
            "NaN",
        ),
    ],
)
def test_parse_response_names_the_problem(payload, problem):
    with pytest.raises(MalformedResponseError, match=problem):
        voyage.parse_response(payload, expected=2)


def test_parse_response_puts_rows_in_input_order():
    payload = {
        "data": [{"embedding": [0.0, 1.0], "index": 1}, {"embedding": [1.0, 0.0], "index": 0}]
    }
    np.testing.assert_array_equal(voyage.parse_response(payload, 2), [[1, 0], [0, 1]])


def test_batches_split_by_count(server, client):
    client.encode_text([f"text {i}" for i in range(25)], batch_size=10)
    assert [entry["inputs"] for entry in server.log] == [10, 10, 5]


def test_batches_split_by_the_token_limit():
    big = voyage.text_piece("x" * 200_000)
    assert [len(b) for b in HostedEmbedder.batches([big, big, big], 1000)] == [1, 1, 1]
    small = voyage.text_piece("a red circle")
    assert [len(b) for b in HostedEmbedder.batches([small] * 2500, 1000)] == [1000, 1000, 500]


def test_batch_size_above_the_provider_limit_is_refused(client):
    with pytest.raises(ValueError, match="1 to 1000"):
        client.encode_text("x", batch_size=1001)


def test_cache_hit_sends_nothing_and_is_keyed_by_settings(server, client):
    first = client.encode_text(["a red circle", "a blue star"], input_type="query")
    again = client.encode_text(["a blue star", "a red circle"], input_type="query")
    np.testing.assert_array_equal(first[::-1], again)
    assert len(server.log) == 1 and client.cache.hits == 2
    client.encode_text(["a red circle"], input_type="document")  # another setting, another key
    assert len(server.log) == 2
    partial = client.encode_text(["a red circle", "a green cross"], input_type="query")
    assert server.log[-1]["inputs"] == 1 and partial.shape == (2, 16)


def test_cache_survives_a_new_client(server, client, tmp_path):
    client.encode_image(pictures(4))
    fresh = HostedEmbedder(
        "toy", base_url=server.base_url, key_variable="TEST_EMBED_KEY", cache=tmp_path / "cache"
    )
    fresh.encode_image(pictures(4))
    assert len(server.log) == 1 and fresh.cache.hits == 4


def test_truncation_renormalises(server, client, monkeypatch, tmp_path):
    full = client.encode_text(["a red circle", "a blue star"])
    short = HostedEmbedder(
        "toy", base_url=server.base_url, key_variable="TEST_EMBED_KEY", dim=4, cache=False
    ).encode_text(["a red circle", "a blue star"])
    assert short.shape == (2, 4)
    np.testing.assert_allclose(np.linalg.norm(short, axis=1), 1.0, atol=1e-6)
    expected = full[:, :4] / np.linalg.norm(full[:, :4], axis=1, keepdims=True)
    np.testing.assert_allclose(short, expected, atol=1e-6)


def test_output_dimension_is_sent_and_answered(server, client):
    client.output_dimension = 8
    got = client.encode_text("a red circle")
    assert got.shape == (1, 8)
    with pytest.raises(HostedAPIError, match="400"):
        client.output_dimension = 99
        client.encode_text("another text")


def test_bad_images_are_named_by_index(client):
    with pytest.raises(TypeError, match=r"images\[1\]"):
        client.encode_image([pictures(1)[0], 42])


def test_retry_after_reads_seconds_and_dates():
    assert retry_after_s("2") == 2.0
    assert retry_after_s(None) is None and retry_after_s("soon") is None
    assert retry_after_s("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past


def test_cache_round_trip(tmp_path):
    cache = EmbeddingCache(tmp_path)
    assert cache.get("ab" * 32) is None and cache.misses == 1
    cache.put("ab" * 32, np.ones(3))
    np.testing.assert_array_equal(cache.get("ab" * 32), np.ones(3, dtype=np.float32))


def test_server_refuses_what_the_documentation_forbids(server):
    import urllib.error
    import urllib.request

    def post(body):
        request = urllib.request.Request(
            server.base_url + "/multimodalembeddings",
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"},
        )
        try:
            urllib.request.urlopen(request, timeout=5)
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())["detail"]
        return 200, ""

    assert post({"inputs": [], "model": "m"})[0] == 400
    too_many = {"inputs": [voyage.text_piece("x")] * 1001, "model": "m"}
    assert post(too_many)[0] == 400
    url = {"inputs": [{"content": [{"type": "image_url", "image_url": "http://x"}]}], "model": "m"}
    assert "image_url" in post(url)[1]
    assert post({"inputs": [voyage.text_piece("x")], "model": "m", "input_type": "x"})[0] == 400


def _post_raw(server, body):
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        server.base_url + "/multimodalembeddings",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5):
            return 200, ""
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())["detail"]


def test_server_answers_400_naming_an_unreadable_image(server):
    good = voyage.image_piece(voyage.png_bytes(pictures(1)[0]))
    junk = {"content": [{"type": "image_base64", "image_base64": "data:image/png;base64,@@@"}]}
    not_png = voyage.image_piece(b"not a picture at all")
    status, detail = _post_raw(server, {"inputs": [good, junk], "model": "m"})
    assert status == 400 and "inputs[1]" in detail
    status, detail = _post_raw(server, {"inputs": [not_png, good], "model": "m"})
    assert status == 400 and "inputs[0]" in detail


def test_a_400_names_the_inputs_of_the_failing_request(server, client):
    server.fail_next(400)
    with pytest.raises(HostedAPIError, match=r"inputs 0\.\.9") as caught:
        client.encode_text([f"text {i}" for i in range(10)])
    assert caught.value.status == 400
    client.encode_text(["cached 0", "cached 1"])  # these two now come from the cache
    server.fail_next(400)
    with pytest.raises(HostedAPIError, match=r"inputs 2\.\.3"):
        client.encode_text(["cached 0", "cached 1", "new 2", "new 3"])


def test_a_too_long_input_is_named_by_its_position_in_the_callers_list(server, client):
    client.encode_text(["first", "second"])  # cached: the long one is third in the next call
    with pytest.raises(ValueError, match="input 2 alone"):
        client.encode_text(["first", "second", "x" * 400_000])


def test_plain_http_is_refused_except_to_this_machine():
    from mmlab.models.hosted.client import check_base_url

    for url in ("http://api.example.com/v1", "ftp://example.com", "https://", "api.example.com"):
        with pytest.raises(ValueError, match="https"):
            HostedEmbedder("m", base_url=url, cache=False)
    for url in ("https://api.voyageai.com/v1/", "http://127.0.0.1:8000/v1", "http://localhost/v1"):
        assert check_base_url(url) == url.rstrip("/")


def test_a_redirect_is_refused_and_the_key_goes_nowhere(client, monkeypatch):
    import http.server
    import threading

    seen = []

    class Elsewhere(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            seen.append(self.headers.get("Authorization"))
            self.send_response(200)
            self.end_headers()

    target = http.server.HTTPServer(("127.0.0.1", 0), Elsewhere)
    threading.Thread(target=target.serve_forever, daemon=True).start()

    class Redirect(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(307)
            self.send_header("Location", f"http://127.0.0.1:{target.server_address[1]}/v1")
            self.send_header("Content-Length", "0")
            self.end_headers()

    redirect = http.server.HTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=redirect.serve_forever, daemon=True).start()
    try:
        moved = HostedEmbedder(
            "m",
            base_url=f"http://127.0.0.1:{redirect.server_address[1]}/v1",
            key_variable="TEST_EMBED_KEY",
            cache=False,
            max_retries=0,
        )
        with pytest.raises(HostedAPIError, match="redirect") as caught:
            moved.encode_text(["a red circle"])
        assert caught.value.status == 307 and KEY not in str(caught.value)
        assert seen == []  # the key never reached the redirect's target
    finally:
        for running in (redirect, target):
            running.shutdown()
            running.server_close()
