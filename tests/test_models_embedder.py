"""The Embedder from mmlab.load_model, on tiny random CLIP and SigLIP checkpoints."""

from __future__ import annotations

import warnings

import models_fixtures
import numpy as np
import pytest
import torch
from models_fixtures import CAPTIONS, TINY, random_images
from PIL import Image

import mmlab
from mmlab.models import TruncationWarning

# Shared fixtures (tiny checkpoints saved once per session).
tiny_dirs = models_fixtures.tiny_dirs
tiny_models = models_fixtures.tiny_models

KINDS = ["clip", "siglip"]


@pytest.mark.parametrize("kind", KINDS)
def test_attributes(tiny_models, kind):
    model = tiny_models[kind]
    assert model.kind == {"clip": "softmax", "siglip": "sigmoid"}[kind]
    assert model.dim == {"clip": TINY["proj_dim"], "siglip": TINY["width"]}[kind]
    assert model.context_length == TINY["max_length"]
    assert model.dtype == torch.float32 and str(model.device) == "cpu"
    if kind == "clip":
        assert model.logit_scale == pytest.approx(1 / 0.07, rel=1e-5) and model.logit_bias is None
    else:
        assert model.logit_scale == pytest.approx(10.0, rel=1e-5)
        assert model.logit_bias == pytest.approx(-10.0)
    assert f"kind={model.kind!r}" in repr(model)


@pytest.mark.parametrize("kind", KINDS)
def test_shapes_dtype_and_unit_norm(tiny_models, kind):
    model = tiny_models[kind]
    texts = model.encode_text(CAPTIONS)
    images = model.encode_image(random_images(6))
    assert texts.shape == (len(CAPTIONS), model.dim) and images.shape == (6, model.dim)
    for vectors in (texts, images):
        assert vectors.dtype == np.float32
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert model.encode_text("a red square").shape == (1, model.dim)
    assert model.encode_image(Image.new("RGB", (32, 32), "red")).shape == (1, model.dim)


@pytest.mark.parametrize("kind", KINDS)
def test_batched_equals_one_by_one_and_order_is_kept(tiny_models, kind):
    model = tiny_models[kind]
    batched = model.encode_text(CAPTIONS, batch_size=2)
    single = np.concatenate([model.encode_text(text) for text in CAPTIONS])
    np.testing.assert_allclose(batched, single, atol=1e-5)
    reverse = model.encode_text(CAPTIONS[::-1], batch_size=3)
    np.testing.assert_allclose(reverse, batched[::-1], atol=1e-5)
    assert np.abs(batched[0] - batched[1]).max() > 1e-3  # different texts, different vectors

    pictures = random_images(5, seed=1)
    batched = model.encode_image(pictures, batch_size=2)
    single = np.concatenate([model.encode_image(picture) for picture in pictures])
    np.testing.assert_allclose(batched, single, atol=1e-5)
    np.testing.assert_allclose(model.encode_image(pictures[::-1]), batched[::-1], atol=1e-5)


def test_paths_pil_and_arrays_give_the_same_vectors(tiny_models, tmp_path):
    model = tiny_models["clip"]
    pictures = random_images(3, seed=2)
    paths = []
    for i, picture in enumerate(pictures):
        paths.append(tmp_path / f"{i}.png")
        Image.fromarray(picture).save(paths[-1])
    mixed = [str(paths[0]), Image.fromarray(pictures[1]), pictures[2]]
    np.testing.assert_allclose(model.encode_image(mixed), model.encode_image(pictures), atol=1e-6)
    # Different sizes in one batch go through the processor's own resize.
    resized = model.encode_image([pictures[0], np.zeros((40, 24, 3), np.uint8)])
    np.testing.assert_allclose(resized[0], model.encode_image(pictures[0])[0], atol=1e-5)


@pytest.mark.parametrize("kind", KINDS)
def test_probabilities_match_the_models_own_forward(tiny_models, kind):
    model = tiny_models[kind]
    pictures = random_images(4, seed=3)
    texts = ["a red square", "the small star", "an unknown word"]
    inputs = model.processor(text=texts, images=list(pictures), return_tensors="pt")
    if kind == "clip":  # the embedder pads CLIP text to the longest one, like the processor
        assert inputs["input_ids"].shape[1] < TINY["max_length"]
    with torch.no_grad():
        forward = model.model(**inputs).logits_per_image.double()
    cosines = model.encode_image(pictures) @ model.encode_text(texts).T
    np.testing.assert_allclose(model.logits(cosines), forward.numpy(), atol=1e-4)
    if kind == "clip":
        expected = torch.softmax(forward, dim=1).numpy()
        np.testing.assert_allclose(model.probabilities(cosines).sum(axis=1), 1.0, atol=1e-9)
    else:
        expected = torch.sigmoid(forward).numpy()
    np.testing.assert_allclose(model.probabilities(cosines), expected, atol=1e-5)


def test_probabilities_axis_and_guard(tiny_models):
    model = tiny_models["clip"]
    cosines = np.array([[0.3, 0.1], [0.2, 0.25], [0.0, -0.1]])
    np.testing.assert_allclose(model.probabilities(cosines, axis=0).sum(axis=0), 1.0)
    with pytest.raises(ValueError, match="unit vectors, not logits"):
        model.probabilities(cosines * 50)
    with pytest.raises(ValueError, match="NaN"):
        model.logits(np.array([np.nan]))


@pytest.mark.parametrize(
    ("texts", "error", "needle"),
    [
        (None, TypeError, "texts is None"),
        ([], ValueError, "texts is empty"),
        (["a red square", None], TypeError, "texts[1] is NoneType"),
        (["a", "b", 3], TypeError, "texts[2] is int"),
        (42, TypeError, "texts is a int"),
    ],
)
def test_bad_texts_are_named(tiny_models, texts, error, needle):
    with pytest.raises(error) as info:
        tiny_models["clip"].encode_text(texts)
    assert needle in str(info.value)


@pytest.mark.parametrize("kind", KINDS)
def test_long_texts_are_cut_with_one_warning(tiny_models, kind):
    model = tiny_models[kind]
    long = "a red square left of a blue circle above the green star"  # 12 words
    texts = ["a red square", long, "star", long]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        vectors = model.encode_text(texts, batch_size=1)
    messages = [str(w.message) for w in caught if issubclass(w.category, TruncationWarning)]
    assert len(messages) == 1
    assert "2 of 4 texts" in messages[0] and f"cut to {TINY['max_length']} tokens" in messages[0]
    np.testing.assert_allclose(vectors[1], vectors[3], atol=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("error", TruncationWarning)
        model.encode_text(["a red square"])  # short texts: no warning


def test_bad_image_in_a_batch_is_named_by_its_overall_index(tiny_models, tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a png")
    batch = [*random_images(3), str(broken)]
    with pytest.raises(ValueError) as info:
        tiny_models["clip"].encode_image(batch, batch_size=2)
    assert f"images[3] ({broken})" in str(info.value)


def test_batch_size_and_progress(tiny_models, capsys):
    model = tiny_models["clip"]
    with pytest.raises(ValueError, match="batch_size=0"):
        model.encode_text(CAPTIONS, batch_size=0)
    model.encode_text(CAPTIONS, batch_size=2, progress=True)
    assert "encoding texts" in capsys.readouterr().err
    model.encode_text(CAPTIONS, progress=False)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"dtype": "float16"}, "needs a GPU"),
        ({"dtype": "int8"}, "dtype='int8' is not one of"),
        ({"device": "toaster"}, "device='toaster'"),
    ],
)
def test_bad_device_or_dtype(tiny_dirs, kwargs, needle):
    with pytest.raises(ValueError) as info:
        mmlab.load_model(str(tiny_dirs["clip"]), **{"device": "cpu", **kwargs})
    assert needle in str(info.value)
