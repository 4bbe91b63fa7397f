"""untrained_copy: the same architecture and processor as a loaded model, with fresh weights."""

from __future__ import annotations

import models_fixtures
import numpy as np
import pytest
import torch
from models_fixtures import CAPTIONS, random_images

from mmlab.models.untrained import untrained_copy

tiny_dirs = models_fixtures.tiny_dirs
tiny_models = models_fixtures.tiny_models


@pytest.mark.parametrize("kind", ["clip", "siglip"])
def test_same_architecture_new_weights_original_untouched(tiny_models, kind):
    model = tiny_models[kind]
    before = {k: v.clone() for k, v in model.model.state_dict().items()}
    twin = untrained_copy(model, seed=1)
    assert type(twin.model) is type(model.model) and twin.processor is model.processor
    assert (twin.kind, twin.dim, twin.context_length) == (
        model.kind,
        model.dim,
        model.context_length,
    )
    assert twin.name == f"{model.name} (untrained)"
    after = model.model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    weights = dict(twin.model.named_parameters())
    matrices = [k for k, v in model.model.named_parameters() if v.ndim >= 2]
    same = [k for k in matrices if torch.equal(model.model.get_parameter(k), weights[k])]
    assert matrices and not same, f"not redrawn: {same}"  # biases and norms start at 0 and 1
    assert twin.encode_text(CAPTIONS).shape == model.encode_text(CAPTIONS).shape


def test_seed_repeats_and_differs(tiny_models):
    model = tiny_models["clip"]
    images = random_images(3)
    a = untrained_copy(model, seed=0).encode_image(images)
    b = untrained_copy(model, seed=0).encode_image(images)
    c = untrained_copy(model, seed=5).encode_image(images)
    np.testing.assert_allclose(a, b, atol=1e-6)
    assert np.abs(a - c).max() > 1e-3


def test_global_random_state_is_left_alone(tiny_models):
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    untrained_copy(tiny_models["clip"], seed=9)
    assert torch.equal(torch.rand(3), expected)


def test_bad_arguments_are_named(tiny_models):
    with pytest.raises(TypeError, match="Embedder"):
        untrained_copy("toy-clip")
    with pytest.raises(TypeError, match="seed"):
        untrained_copy(tiny_models["clip"], seed=1.5)
