"""The modality gap on constructed spaces whose geometry is known."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab.geometry import centre, modality_gap


def cones(offset: float, n: int = 200, d: int = 16, seed: int = 0):
    """Images and texts: shared content plus a modality offset along two fixed axes."""
    rng = np.random.default_rng(seed)
    content = rng.normal(size=(n, d))
    content[:, :2] = 0
    images, texts = content.copy(), content.copy()
    images[:, 0] += offset
    texts[:, 1] += offset
    unit = lambda x: x / np.linalg.norm(x, axis=1, keepdims=True)  # noqa: E731
    return unit(images), unit(texts)


def test_no_offset_no_gap():
    images, texts = cones(0.0)
    gap = modality_gap(images, texts)
    assert gap.centroid_distance == pytest.approx(0.0, abs=1e-12)
    assert gap.matched == pytest.approx(1.0)


def test_gap_grows_with_offset_and_cross_modal_cosine_falls():
    small, large = modality_gap(*cones(1.0)), modality_gap(*cones(5.0))
    assert large.centroid_distance > small.centroid_distance > 0.1
    assert large.image_image > large.image_text  # within-modality pairs are closer (the cone)
    assert large.matched < small.matched


def test_centring_both_modalities_closes_the_gap():
    images, texts = cones(5.0)
    centred = modality_gap(centre(images), centre(texts))
    assert centred.centroid_distance < 0.1 * modality_gap(images, texts).centroid_distance
    assert np.allclose(np.linalg.norm(centre(images), axis=1), 1.0)


def test_bad_input_is_named():
    images, texts = cones(1.0)
    with pytest.raises(ValueError, match="must be paired"):
        modality_gap(images, texts[:-1])
    broken = images.copy()
    broken[3] = 0
    with pytest.raises(ValueError, match="row 3"):
        modality_gap(broken, texts)
