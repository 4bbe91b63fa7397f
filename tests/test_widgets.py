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


def test_picking_an_image_finds_its_twin_and_its_captions(app):
    app.picker.value = 0
    assert set(app.results.indices[0].tolist()) == {0, 3}
    assert np.allclose(app.results.scores[0], 1.0)
    assert "picture 0 (<i>a red square</i>)" in app.status.value  # the picture, not just "0"
    assert app.described.value.count("<li>") == 2 and "a red square" in app.described.value


def test_the_text_box_searches_on_enter_not_on_every_key(app):
    assert app.query.continuous_update is False


def test_picking_the_same_picture_again_after_a_text_search_searches_again(app):
    app.picker.value = 0
    app.query.value = "something blue"
    assert app.results.indices[0][0] == 2 and app.picker.value is None
    app.picker.value = 0
    assert app.results.indices[0][0] in (0, 3) and app.query.value == ""


def test_warnings_during_a_search_are_shown_beside_the_results():
    import warnings

    class WarningModel(ColourModel):
        def encode_text(self, texts):
            warnings.warn("'purple' is not in the vocabulary", UserWarning, stacklevel=2)
            return super().encode_text(["red"])

    images = [Image.new("RGB", (16, 16), COLOURS[n]) for n in ("red", "blue")]
    app = SearchApp(WarningModel(), images, ["a red square", "a blue square"])
    app.query.value = "purple"
    assert app.warnings == ["'purple' is not in the vocabulary"]
    assert "warning: &#x27;purple&#x27; is not in the vocabulary" in app.status.value
    app.picker.value = 1  # encodes the captions: the same warning, shown once
    assert app.warnings == ["'purple' is not in the vocabulary"]


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
