"""Binding a sound encoder to fixed target vectors (mmlab.binding) and the shipped encoders."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mmlab import binding, toyworld


def test_sound_features_keep_pitch_apart():
    singles = toyworld.load("singles").scenes
    circles = [s for s in singles if s.objects[0].shape == "circle"]  # pure tones
    features = binding.sound_features(toyworld.waveforms(circles))
    assert features.shape == (len(circles), 384) and features.dtype == np.float32
    peak = {}
    for scene, row in zip(circles, features):
        peak.setdefault(scene.objects[0].color, set()).add(int(row.argmax()))
    assert all(len(bins) == 1 for bins in peak.values())  # one colour, one loudest bin
    assert len({min(bins) for bins in peak.values()}) == len(peak)  # each colour its own bin


def test_sound_features_name_the_bad_waveform():
    waves = np.zeros((3, 4000), dtype=np.float32)
    waves[2, 7] = np.nan
    with pytest.raises(ValueError, match="waveform 2"):
        binding.sound_features(waves)
    with pytest.raises(ValueError, match="shape"):
        binding.sound_features(np.zeros(4000))


def _toy_problem(n=400, seed=0):
    rng = np.random.default_rng(seed)
    features = rng.normal(size=(n, 20)).astype(np.float32)
    targets = features @ rng.normal(size=(20, 8)).astype(np.float32)
    return features, targets / np.linalg.norm(targets, axis=1, keepdims=True)


def test_bind_learns_the_pairing_and_a_shuffled_pairing_does_not():
    torch.set_num_threads(1)
    features, targets = _toy_problem()
    paired = binding.bind(features, targets, steps=150, batch_size=64)
    shuffled = binding.bind(features, targets[::-1].copy(), steps=150, batch_size=64)
    assert paired.losses[-1] < 0.5 * paired.losses[0]
    assert shuffled.losses[-1] > 2 * paired.losses[-1]
    vectors = paired.encoder.encode(features)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    own = (vectors @ targets.T).argmax(axis=1) == np.arange(len(targets))
    assert own.mean() > 0.5  # chance is 1 / 400


def test_bind_refuses_bad_targets():
    features, targets = _toy_problem(n=50)
    with pytest.raises(ValueError, match="unit vectors"):
        binding.bind(features, targets * 2)
    with pytest.raises(ValueError, match="batch_size"):
        binding.bind(features, targets, batch_size=51)
    with pytest.raises(ValueError, match="features"):
        binding.bind(features[:10], targets)


def test_shipped_encoders_load_and_a_missing_one_is_named(tmp_path):
    encoders = binding.load_encoders()
    assert set(encoders) == set(binding.ENCODERS)
    with pytest.raises(FileNotFoundError, match="python -m mmlab.binding"):
        binding.load_encoders(tmp_path)


def test_bind_leaves_the_global_torch_rng_alone_and_the_seed_fixes_the_weights():
    rng = np.random.default_rng(0)
    targets = rng.normal(size=(16, 8))
    targets /= np.linalg.norm(targets, axis=1, keepdims=True)
    features = rng.normal(size=(16, 4))
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    first = binding.bind(features, targets, steps=2, batch_size=8, seed=1).encoder
    assert torch.equal(torch.rand(3), expected)
    again = binding.bind(features, targets, steps=2, batch_size=8, seed=1).encoder
    assert torch.equal(first.mlp[0].weight, again.mlp[0].weight)


def test_shipped_bound_encoder_still_matches_the_shipped_toy_clip():
    """The bound encoder's targets are toy-clip's picture vectors: retraining toy-clip without
    `python -m mmlab.binding` leaves it pointing at a space that is gone (sound -> picture at
    chance). Fresh scenes, not the ones it was trained on."""
    from mmlab.models import load_model

    torch.set_num_threads(1)
    batch = toyworld.training_batch(np.random.default_rng(123), 100, audio=True)
    pictures = load_model("toy-clip").encode_image(batch.images, progress=False)
    encoder = binding.load_encoders()["bound"]
    with torch.no_grad():
        sounds = encoder(torch.from_numpy(binding.sound_features(batch.audio))).numpy()
    own = np.argmax(sounds @ pictures.T, axis=1) == np.arange(len(batch))
    assert own.mean() > 0.2, f"sound -> picture R@1 {own.mean():.2f} (chance 0.01)"
