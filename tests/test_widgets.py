"""The search app, driven headlessly: set values, submit, and read the resulting state."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from mmlab.widgets import SearchApp

COLOURS = {"red": (255, 0, 0), "green": (0, 255, 0), "blue": (0, 0, 255)}


class ColourModel:
    """Images and texts embed as their mean colour / the colour word they contain."""

    def encode_image(self, images):
        out = np.array(
            [np.asarray(im.convert("RGB"), dtype=float).mean(axis=(0, 1)) + 1 for im in images]
        )
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def encode_text(self, texts):
        out = np.array(
            [
                np.array(next(v for k, v in COLOURS.items() if k in t), dtype=float) + 1
                for t in texts
            ]
        )
        return out / np.linalg.norm(out, axis=1, keepdims=True)


@pytest.fixture
def app():
    names = ["red", "green", "blue", "red"]
    images = [Image.new("RGB", (16, 16), COLOURS[n]) for n in names]
    return SearchApp(ColourModel(), images, [f"a {n} square" for n in names], k=2)


def test_text_query_submitted_through_the_widget(app):
    app.query.value = "something blue"
    app.query._handle_msg(
        {"content": {"data": {"method": "custom", "content": {"event": "submit"}}}}
    )
    assert app.error is None
    assert app.results.indices[0][0] == 2
    assert "a blue square" in app.gallery.value and app.gallery.value.count("<img") == 2


def test_picking_an_image_finds_its_twin(app):
    app.picker.value = 0
    assert set(app.results.indices[0].tolist()) == {0, 3}
    assert np.allclose(app.results.scores[0], 1.0)


def test_empty_query_shows_an_error_and_clears_results(app):
    app.picker.value = 1
    app._run(app.search_text, "   ")
    assert app.results is None and "query is empty" in app.error
    assert "query is empty" in app.status.value and app.gallery.value == ""


def test_bad_construction_is_named():
    with pytest.raises(ValueError, match="2 captions for 1 images"):
        SearchApp(ColourModel(), [Image.new("RGB", (8, 8))], ["a", "b"])
    with pytest.raises(ValueError, match="gallery is empty"):
        SearchApp(ColourModel(), [])


def test_precomputed_vectors_are_used_and_checked():
    images = [Image.new("RGB", (16, 16), COLOURS[n]) for n in ("red", "blue")]

    class CountingModel(ColourModel):
        calls = 0

        def encode_image(self, images):
            CountingModel.calls += 1
            return super().encode_image(images)

    vectors = ColourModel().encode_image(images)
    app = SearchApp(
        CountingModel(), images, ["a red square", "a blue square"], image_vectors=vectors
    )
    assert CountingModel.calls == 0
    assert app.search_text("blue").indices[0][0] == 1
    with pytest.raises(ValueError, match="one row per image"):
        SearchApp(ColourModel(), images, image_vectors=vectors[:1])
