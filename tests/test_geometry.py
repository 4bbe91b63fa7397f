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


def test_project_out_removes_one_direction_and_renormalises():
    from mmlab.geometry import project_out

    vectors = np.array([[3.0, 4.0, 0.0], [1.0, 1.0, 1.0]])
    result = project_out(vectors, np.array([0.0, 2.0, 0.0]))  # any length: only the direction
    assert np.allclose(result, [[1.0, 0.0, 0.0], [1 / np.sqrt(2), 0.0, 1 / np.sqrt(2)]])
    assert project_out(np.array([0.0, 3.0, 4.0]), [0.0, 0.0, 1.0]) == pytest.approx([0, 1, 0])


def test_project_out_removes_the_span_of_non_orthogonal_directions():
    from mmlab.geometry import project_out

    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(30, 6))
    directions = np.array([[1.0, 1.0, 0, 0, 0, 0], [1.0, 0.0, 0, 0, 0, 0]])  # span = axes 0, 1
    result = project_out(vectors, directions)
    assert np.allclose(result[:, :2], 0.0)
    assert np.allclose(np.linalg.norm(result, axis=1), 1.0)
    expected = vectors[:, 2:] / np.linalg.norm(vectors[:, 2:], axis=1, keepdims=True)
    assert np.allclose(result[:, 2:], expected)


def test_project_out_removes_a_span_however_many_rows_name_it():
    from mmlab.geometry import project_out

    rng = np.random.default_rng(2)
    vectors, axes = rng.normal(size=(10, 5)), rng.normal(size=(2, 5))
    redundant = np.vstack([axes, axes.sum(axis=0), -3 * axes[1]])  # 4 rows, still a 2-D span
    assert np.allclose(project_out(vectors, redundant), project_out(vectors, axes))
    with pytest.raises(ValueError, match="span all 3 dimensions"):
        project_out([[1.0, 2.0, 3.0]], np.vstack([np.eye(3), np.ones(3)]))


def test_project_out_leaves_orthogonal_vectors_alone():
    from mmlab.geometry import project_out

    vectors = np.array([[0.0, 0.6, 0.8], [0.0, 1.0, 0.0]])
    assert np.allclose(project_out(vectors, [5.0, 0.0, 0.0]), vectors)


def test_project_out_names_bad_input():
    from mmlab.geometry import project_out

    vectors = np.eye(3)[1:]
    with pytest.raises(ValueError, match="direction 0 is the zero vector"):
        project_out(vectors, np.zeros(3))
    with pytest.raises(ValueError, match=r"\(3,\) vector"):
        project_out(vectors, [1.0, 0.0])
    with pytest.raises(ValueError, match="vectors row 1 lies within"):
        project_out(vectors, [0.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="vectors row 0 contains NaN"):
        project_out([[np.nan, 0, 0]], [1.0, 0, 0])
    with pytest.raises(ValueError, match="span all 2 dimensions"):
        project_out([[1.0, 0.0]], np.eye(2))
