"""Tests for mmlab.losses: hand-computed cases, the straightforward formula, gradients."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from mmlab.losses import (
    CLIP_INIT_LOGIT_SCALE,
    CLIP_MAX_LOGIT_SCALE,
    clip_loss,
    siglip_loss,
)

EYE2 = torch.eye(2, dtype=torch.float64)


def _t(value: float) -> torch.Tensor:
    return torch.tensor(value, dtype=torch.float64)


# --- hand-computed cases: two orthogonal pairs, scale exp(0) = 1, so the logits are the identity


def test_clip_two_orthogonal_pairs_by_hand():
    # every row of the 2x2 logit matrix is (1, 0) up to order: -log(e / (e + 1)) each way
    expected = math.log(1 + math.exp(-1))
    assert clip_loss(EYE2, EYE2, _t(0.0)).item() == pytest.approx(expected, abs=1e-12)


def test_clip_hard_negative_column_by_hand():
    extra = torch.tensor([[0.0, 1.0]], dtype=torch.float64)  # resembles caption 1, not caption 0
    # image 0 sees logits (1, 0, 0); image 1 sees (0, 1, 1); text->image is unchanged
    i2t = (-math.log(math.e / (math.e + 2)) - math.log(math.e / (2 * math.e + 1))) / 2
    t2i = math.log(1 + math.exp(-1))
    got = clip_loss(EYE2, EYE2, _t(0.0), extra_text_emb=extra).item()
    assert got == pytest.approx((i2t + t2i) / 2, abs=1e-12)


def test_siglip_two_orthogonal_pairs_by_hand():
    # diagonal cells: -log sigmoid(1); off-diagonal cells: -log sigmoid(-0) = log 2; sum / B
    expected = (2 * math.log(1 + math.exp(-1)) + 2 * math.log(2)) / 2
    assert siglip_loss(EYE2, EYE2, _t(0.0), _t(0.0)).item() == pytest.approx(expected, abs=1e-12)


def test_siglip_bias_and_scale_by_hand():
    # t' = ln 2 (scale 2), b = -1: diagonal logit 1, off-diagonal logit -1: all four cells agree
    expected = 4 * math.log(1 + math.exp(-1)) / 2
    got = siglip_loss(EYE2, EYE2, _t(math.log(2)), _t(-1.0)).item()
    assert got == pytest.approx(expected, abs=1e-12)


def test_clip_scale_is_clamped_at_100():
    rng = torch.Generator().manual_seed(0)
    x, y = torch.randn(4, 3, generator=rng), torch.randn(4, 3, generator=rng)
    at_clamp = clip_loss(x, y, torch.tensor(CLIP_MAX_LOGIT_SCALE))
    above = torch.tensor(CLIP_MAX_LOGIT_SCALE + 3.0, requires_grad=True)
    loss = clip_loss(x, y, above)
    loss.backward()
    assert loss.item() == pytest.approx(at_clamp.item(), rel=1e-6)
    assert above.grad.item() == 0.0  # past the clamp the scale stops learning


def test_inputs_are_l2_normalised_inside():
    rng = torch.Generator().manual_seed(1)
    x, y = torch.randn(5, 4, generator=rng), torch.randn(5, 4, generator=rng)
    scale = torch.tensor(CLIP_INIT_LOGIT_SCALE)
    assert clip_loss(3 * x, 0.5 * y, scale).item() == pytest.approx(
        clip_loss(x, y, scale).item(), rel=1e-6
    )


# --- agreement with the straightforward formula (numpy, float64, explicit loops)


def _unit(a: np.ndarray) -> np.ndarray:
    return a / np.linalg.norm(a, axis=1, keepdims=True)


def _clip_reference(x, y, t, extra=None) -> float:
    x, y = _unit(x), _unit(y)
    cols = y if extra is None else np.concatenate([y, _unit(extra)])
    scale = math.exp(min(t, math.log(100)))
    total = 0.0
    for i in range(len(x)):
        row = [scale * float(x[i] @ c) for c in cols]
        total += -row[i] + math.log(sum(math.exp(v) for v in row))
        col = [scale * float(y[i] @ xi) for xi in x]
        total += -col[i] + math.log(sum(math.exp(v) for v in col))
    return total / (2 * len(x))


def _siglip_reference(x, y, t, b, extra=None) -> float:
    x, y = _unit(x), _unit(y)
    cols = y if extra is None else np.concatenate([y, _unit(extra)])
    total = 0.0
    for i in range(len(x)):
        for j in range(len(cols)):
            z = 1.0 if i == j else -1.0
            logit = math.exp(t) * float(x[i] @ cols[j]) + b
            total += math.log(1 + math.exp(-z * logit))
    return total / len(x)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("with_extra", [False, True])
def test_clip_matches_reference_on_random_inputs(seed, with_extra):
    rng = np.random.default_rng(seed)
    x, y, extra = rng.normal(size=(6, 5)), rng.normal(size=(6, 5)), rng.normal(size=(6, 5))
    t = float(rng.uniform(0, 5.5))  # spans both sides of the ln 100 clamp
    got = clip_loss(
        torch.from_numpy(x),
        torch.from_numpy(y),
        _t(t),
        extra_text_emb=torch.from_numpy(extra) if with_extra else None,
    ).item()
    assert got == pytest.approx(_clip_reference(x, y, t, extra if with_extra else None), rel=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("with_extra", [False, True])
def test_siglip_matches_reference_on_random_inputs(seed, with_extra):
    rng = np.random.default_rng(seed)
    x, y, extra = rng.normal(size=(6, 5)), rng.normal(size=(6, 5)), rng.normal(size=(3, 5))
    t, b = float(rng.uniform(0, 3)), float(rng.uniform(-10, 0))
    got = siglip_loss(
        torch.from_numpy(x),
        torch.from_numpy(y),
        _t(t),
        _t(b),
        extra_text_emb=torch.from_numpy(extra) if with_extra else None,
    ).item()
    want = _siglip_reference(x, y, t, b, extra if with_extra else None)
    assert got == pytest.approx(want, rel=1e-9)


def test_three_d_negatives_equal_their_flattened_rows():
    rng = torch.Generator().manual_seed(3)
    x, y = torch.randn(4, 3, generator=rng), torch.randn(4, 3, generator=rng)
    neg = torch.randn(4, 2, 3, generator=rng)  # two negatives per image
    scale = torch.tensor(2.0)
    assert clip_loss(x, y, scale, neg).item() == pytest.approx(
        clip_loss(x, y, scale, neg.reshape(8, 3)).item(), rel=1e-6
    )


def test_hard_negatives_raise_the_loss():
    # an extra column can only add probability mass to wrong answers
    rng = torch.Generator().manual_seed(4)
    x, y = torch.randn(8, 4, generator=rng), torch.randn(8, 4, generator=rng)
    neg = torch.randn(8, 4, generator=rng)
    scale, bias = torch.tensor(1.0), torch.tensor(-2.0)
    assert clip_loss(x, y, scale, neg) > clip_loss(x, y, scale)
    assert siglip_loss(x, y, scale, bias, neg) > siglip_loss(x, y, scale, bias)


# --- gradients reach both towers and the temperature (and SigLIP's bias)


def _towers(seed: int):
    torch.manual_seed(seed)
    image_tower, text_tower = torch.nn.Linear(6, 4), torch.nn.Linear(5, 4)
    images, texts, negatives = torch.randn(8, 6), torch.randn(8, 5), torch.randn(8, 5)
    return image_tower, text_tower, images, texts, negatives


@pytest.mark.parametrize("kind", ["clip", "siglip"])
def test_gradients_flow_to_both_towers_and_temperature(kind):
    image_tower, text_tower, images, texts, negatives = _towers(0)
    scale = torch.nn.Parameter(torch.tensor(CLIP_INIT_LOGIT_SCALE))
    bias = torch.nn.Parameter(torch.tensor(-10.0))
    x, y, extra = image_tower(images), text_tower(texts), text_tower(negatives)
    if kind == "clip":
        loss = clip_loss(x, y, scale, extra_text_emb=extra)
    else:
        loss = siglip_loss(x, y, scale, bias, extra_text_emb=extra)
    loss.backward()
    params = [*image_tower.parameters(), *text_tower.parameters(), scale]
    params += [bias] if kind == "siglip" else []
    for p in params:
        assert p.grad is not None and torch.isfinite(p.grad).all()
        assert p.grad.abs().sum() > 0


def test_a_gradient_step_lowers_the_loss():
    image_tower, text_tower, images, texts, _ = _towers(1)
    scale = torch.nn.Parameter(torch.tensor(CLIP_INIT_LOGIT_SCALE))
    params = [*image_tower.parameters(), *text_tower.parameters(), scale]
    opt = torch.optim.SGD(params, lr=0.05)
    losses = []
    for _ in range(20):
        opt.zero_grad()
        loss = clip_loss(image_tower(images), text_tower(texts), scale)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]


# --- bad input


@pytest.mark.parametrize(
    "x_shape, y_shape",
    [((4, 3), (5, 3)), ((4, 3), (4, 2)), ((4,), (4,)), ((0, 3), (0, 3))],
)
def test_mismatched_shapes_are_rejected(x_shape, y_shape):
    x, y = torch.zeros(x_shape), torch.zeros(y_shape)
    with pytest.raises(ValueError, match="image_emb"):
        clip_loss(x, y, torch.tensor(1.0))
    with pytest.raises(ValueError, match="image_emb"):
        siglip_loss(x, y, torch.tensor(1.0), torch.tensor(0.0))


def test_bad_negatives_and_scalars_are_rejected():
    x = torch.randn(3, 4)
    with pytest.raises(ValueError, match=r"extra_text_emb.*\(2, 5\)"):
        clip_loss(x, x, torch.tensor(1.0), extra_text_emb=torch.zeros(2, 5))
    with pytest.raises(TypeError, match="logit_scale"):
        clip_loss(x, x, 2.0)
    with pytest.raises(TypeError, match="logit_bias"):
        siglip_loss(x, x, torch.tensor(1.0), -10.0)
