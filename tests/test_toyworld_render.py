"""Rendering: determinism, factors that match the pixels, and rejection of impossible scenes."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab import toyworld as tw
from mmlab.toyworld.rendering import object_placement, word_placement

PALETTE = np.array(list(tw.COLORS.values()), dtype=int)
NAMES = list(tw.COLORS)


def _nearest_color(rgb) -> str:
    return NAMES[int(np.argmin(((PALETTE - np.asarray(rgb, dtype=int)) ** 2).sum(axis=1)))]


def _coverage(box, size):
    top, left, mask = box
    out = np.zeros((size, size), dtype=np.uint8)
    h, w = mask.shape
    y0, x0, y1, x1 = max(top, 0), max(left, 0), min(top + h, size), min(left + w, size)
    out[y0:y1, x0:x1] = mask[y0 - top : y1 - top, x0 - left : x1 - left]
    return out


@pytest.mark.parametrize("size", [64, 96])
def test_colour_at_each_object_is_that_objects_colour(size):
    rng = np.random.default_rng(11)
    scenes = tw.sample_scenes(rng, 300, words_fraction=0.3, holdout=False)
    images = tw.render_array(scenes, size)
    checked = 0
    for scene, image in zip(scenes, images):
        later = np.zeros((size, size), dtype=np.uint8)
        layers = [_coverage(object_placement(o, size), size) for o in scene.objects]
        if scene.word is not None:
            later = _coverage(word_placement(scene, size), size)
        for obj, layer in reversed(list(zip(scene.objects, layers))):
            solid = (layer == 255) & (later == 0)
            ys, xs = np.nonzero(solid)
            assert len(ys) > 0, f"object {obj} is covered everywhere"
            cy, cx = ys.mean(), xs.mean()
            k = int(np.argmin((ys - cy) ** 2 + (xs - cx) ** 2))
            assert _nearest_color(image[ys[k], xs[k]]) == obj.color, (obj, image[ys[k], xs[k]])
            later = np.maximum(later, layer)
            checked += 1
    assert checked > 600


def test_same_seed_same_bytes_other_seed_other_bytes():
    def batch(seed):
        return tw.training_batch(
            np.random.default_rng(seed), 64, words_fraction=0.3, hard_negatives=True
        )

    a, b, c = batch(5), batch(5), batch(6)
    assert a.images.tobytes() == b.images.tobytes()
    assert a.captions == b.captions and a.negatives == b.negatives
    assert a.images.tobytes() != c.images.tobytes() and a.captions != c.captions


def test_render_matches_render_array_and_has_the_requested_size():
    scene = tw.make_scene([("heart", "pink", "large", 0, 1)], word="star")
    image = tw.render(scene, 48)
    assert image.size == (48, 48) and image.mode == "RGB"
    assert np.array_equal(np.asarray(image), tw.render_array([scene], 48)[0])


def test_nuisances_vary_the_pixels_but_not_the_factors():
    rng = np.random.default_rng(2)
    scenes = tw.sample_scenes(rng, 200, pairs=[("green", "cross")], n_objects=(1,))
    images = tw.render_array(scenes)
    same_cell = [i for i, s in enumerate(scenes) if s.objects[0].cell == (1, 1)]
    assert len(same_cell) >= 2
    first, second = images[same_cell[0]], images[same_cell[1]]
    assert not np.array_equal(first, second)


@pytest.mark.parametrize(
    ("objects", "kwargs", "message"),
    [
        ([("circle", "teal", "large", 0, 0)], {}, "colour 'teal'.*allowed: red"),
        ([("blob", "red", "large", 0, 0)], {}, "shape 'blob'.*allowed: circle"),
        ([("circle", "red", "huge", 0, 0)], {}, "size 'huge'.*allowed: small, large"),
        ([("circle", "red", "large", 3, 0)], {}, r"\(row=3, col=0\) is outside the grid"),
        (
            [("circle", "red", "large", r, 0) for r in range(3)] * 2,
            {},
            r"1 to 4 objects \(0 only with a rendered word\), got 6",
        ),
        ([("circle", "red", "large", 0, 0), ("star", "red", "large", 0, 0)], {}, "share a grid"),
        ([], {}, "got 0"),
        ([("circle", "red", "large", 2, 0)], {"word": "star"}, "object 0 sits in row 2"),
        ([("circle", "red", "large", 0, 0)], {"word": "hello"}, "rendered word 'hello'"),
        ([("circle", "red", "large", 0, 0)], {"word": "star", "font": "comic"}, "font 'comic'"),
    ],
)
def test_impossible_scenes_raise(objects, kwargs, message):
    with pytest.raises(ValueError, match=message):
        tw.make_scene(objects, **kwargs)


def test_tiny_images_are_refused():
    scene = tw.make_scene([("circle", "red", "large", 0, 0)])
    with pytest.raises(ValueError, match="15 px is too small; use at least 16"):
        tw.render(scene, 15)
    with pytest.raises(TypeError, match="must be an int"):
        tw.render(scene, 64.0)
