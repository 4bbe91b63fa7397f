"""Cosine matrices, top-k and zero-shot classification on hand-built vectors."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab.similarity import class_text_vectors, cosine_matrix, top_k, zero_shot


class FakeModel:
    """Encodes a text as the unit vector of the axis named by its last word."""

    kind = "softmax"
    logit_scale = 100.0
    logit_bias = None
    AXES = {"red": 0, "green": 1, "blue": 2}

    def encode_text(self, texts):
        out = np.zeros((len(texts), 3))
        for i, text in enumerate(texts):
            out[i, self.AXES[text.split()[-1]]] = 1.0
            out[i] += 0.1 * len(text.split())  # templates move the vector a little
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def probabilities(self, cosines, axis=-1):
        logits = cosines * self.logit_scale
        e = np.exp(logits - logits.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)


def test_cosine_matrix_by_hand():
    a = np.array([[1.0, 0.0], [3.0, 4.0]])
    b = np.array([[2.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
    expected = np.array([[1.0, 0.0, -1.0], [0.6, 0.8, -0.6]])
    assert np.allclose(cosine_matrix(a, b), expected)


def test_cosine_matrix_is_symmetric_on_itself_and_unit_on_diagonal():
    x = np.random.default_rng(0).normal(size=(5, 7))
    s = cosine_matrix(x, x)
    assert np.allclose(s, s.T) and np.allclose(np.diag(s), 1.0)


@pytest.mark.parametrize(
    ("a", "b", "match"),
    [
        (np.zeros((2, 3)), np.ones((2, 3)), "row 0 is the zero vector"),
        (np.ones((2, 3)), np.ones((2, 4)), "3 dimensions but b has 4"),
        (np.array([[1.0, np.nan]]), np.ones((1, 2)), "row 0 contains NaN"),
        (np.zeros((0, 3)), np.ones((1, 3)), "non-empty"),
    ],
)
def test_cosine_matrix_bad_input(a, b, match):
    with pytest.raises(ValueError, match=match):
        cosine_matrix(a, b)


def test_top_k_order_and_ties():
    scores = np.array([[0.1, 0.9, 0.5, 0.9], [0.3, 0.2, 0.1, 0.0]])
    result = top_k(scores, 3)
    assert result.indices.tolist() == [[1, 3, 2], [0, 1, 2]]
    assert np.allclose(result.scores, [[0.9, 0.9, 0.5], [0.3, 0.2, 0.1]])


@pytest.mark.parametrize("k", [0, 5, 1.5])
def test_top_k_rejects_bad_k(k):
    with pytest.raises(ValueError, match="k must be"):
        top_k(np.zeros((2, 4)), k)


def test_zero_shot_predicts_nearest_label_and_scores_accuracy():
    images = np.array([[1.0, 0.1, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.2]])
    result = zero_shot(FakeModel(), images, ["red", "green", "blue"], templates=["a {}"])
    assert result.predictions.tolist() == [0, 2, 1]
    assert np.allclose(result.probabilities.sum(axis=1), 1.0)
    assert result.accuracy(["red", "blue", "blue"]) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match=r"\['purple'\] are not among"):
        result.accuracy(["red", "blue", "purple"])


def test_prompt_ensemble_is_the_renormalised_mean():
    model = FakeModel()
    templates = ["{}", "a photo of a {}"]
    got = class_text_vectors(model, ["red"], templates)
    each = model.encode_text(["red", "a photo of a red"])
    expected = each.mean(axis=0) / np.linalg.norm(each.mean(axis=0))
    assert np.allclose(got[0], expected) and np.isclose(np.linalg.norm(got), 1.0)


@pytest.mark.parametrize("templates", [[], ["no slot"], ["{} and {}"]])
def test_templates_need_one_slot(templates):
    with pytest.raises(ValueError, match="template|templates"):
        class_text_vectors(FakeModel(), ["red"], templates)
