"""The model-version guard: a stamp names a model exactly, and two models of one dimension are
told apart by their weights."""

from __future__ import annotations

import pytest

import mmlab
from mmlab.index.stamp import ModelMismatchError, ModelStamp, content_id, stamp_of


def test_two_models_of_the_same_dimension_get_different_stamps():
    a, b = stamp_of(mmlab.load_model()), stamp_of(mmlab.load_model("toy-clip-negclip"))
    assert a.dim == b.dim  # every dimension check would pass
    assert a.fingerprint != b.fingerprint
    with pytest.raises(ModelMismatchError, match="fingerprint"):
        a.require(b, "adding")


def test_the_same_weights_give_the_same_stamp():
    assert stamp_of(mmlab.load_model()) == stamp_of(mmlab.load_model())


def test_a_changed_weight_changes_the_fingerprint():
    import torch

    model = mmlab.load_model()
    before = stamp_of(model)
    with torch.no_grad():
        next(model.model.parameters()).view(-1)[0] += 1e-3
    assert stamp_of(model).fingerprint != before.fingerprint


def test_mismatch_message_names_both_models_and_what_differs():
    a = ModelStamp("m1", 8, "a" * 16)
    with pytest.raises(ModelMismatchError) as caught:
        a.require(ModelStamp("m2", 16, "b" * 16), "searching 'g'")
    message = str(caught.value)
    assert "searching 'g'" in message and "'m2'" in message and "'m1'" in message
    assert "dim 16 != 8" in message


@pytest.mark.parametrize(
    "args", [("", 8, "a" * 16), ("m", 0, "a" * 16), ("m", True, "a" * 16), ("m", 8, "ab")]
)
def test_bad_stamps_are_refused(args):
    with pytest.raises(ValueError):
        ModelStamp(*args)


def test_content_id_is_stable_and_content_based():
    assert content_id(b"abc") == content_id(b"abc") != content_id(b"abd")
    with pytest.raises(TypeError, match="bytes"):
        content_id("abc")
