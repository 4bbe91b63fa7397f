"""Per-modality calibration: raw merging lets the query's own modality win every slot; the
calibrated merge ranks each item by how unusual its score is for its modality."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab.index.calibrate import fit_calibration, merge


def test_calibrated_merge_interleaves_modalities_raw_merge_does_not():
    rng = np.random.default_rng(0)
    images = rng.normal(0.2, 0.05, size=(4, 50))  # one query per row, scores of 50 items each
    texts = rng.normal(0.8, 0.05, size=(4, 50))  # the gap: every text score is higher
    images[:, 0] = 0.5  # an image far above its modality's usual score
    lists = {
        "image": (np.tile(np.arange(50), (4, 1)), images),
        "text": (np.tile(np.arange(50) + 100, (4, 1)), texts),
    }
    _, raw_names, _ = merge(lists, 10, None)
    assert (raw_names == "text").all()
    from mmlab.index.calibrate import Calibration

    calibration = Calibration(
        {"image": images.mean(1), "text": texts.mean(1)},
        {"image": images.std(1), "text": texts.std(1)},
    )
    ids, names, scores = merge(lists, 10, calibration)
    assert (ids[:, 0] == 0).all() and (names[:, 0] == "image").all()
    assert (np.diff(scores, axis=1) <= 0).all()


def test_fit_calibration_is_the_mean_and_spread_against_each_sample():
    rng = np.random.default_rng(1)
    queries, sample = rng.normal(size=(3, 8)), rng.normal(size=(20, 8))
    calibration = fit_calibration(queries, {"image": sample})
    assert np.allclose(calibration.mean["image"], (queries @ sample.T).mean(1))
    assert np.allclose(calibration.spread["image"], (queries @ sample.T).std(1))
    with pytest.raises(KeyError, match="'text'"):
        calibration.z("text", np.zeros((3, 2)))
    with pytest.raises(ValueError, match="'text'"):
        fit_calibration(queries, {"text": sample[:1]})


def test_merge_refuses_more_results_than_it_has():
    lists = {"image": (np.zeros((1, 2)), np.zeros((1, 2)))}
    with pytest.raises(ValueError, match="k = 3"):
        merge(lists, 3, None)
