"""The audio modality: colour sets pitch, shape timbre, size loudness, column onset."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab import toyworld as tw
from mmlab.toyworld.audio import N_SAMPLES, SAMPLE_RATE, pitch


def _single(color="red", shape="circle", size="large", col=0):
    return tw.make_scene([(shape, color, size, 1, col)])


def _spectrum(wave):
    return np.abs(np.fft.rfft(wave * np.hanning(len(wave))))


@pytest.mark.parametrize("color", list(tw.COLORS))
def test_colour_sets_the_pitch(color):
    wave = tw.waveform(_single(color))
    freqs = np.fft.rfftfreq(len(wave), 1 / SAMPLE_RATE)
    peak = freqs[np.argmax(_spectrum(wave))]
    assert abs(peak - pitch(color)) < 3.0


def test_shape_sets_timbre_size_sets_loudness_column_sets_onset():
    circle, star = tw.waveform(_single(shape="circle")), tw.waveform(_single(shape="star"))
    f0 = pitch("red")
    freqs = np.fft.rfftfreq(N_SAMPLES, 1 / SAMPLE_RATE)
    second = np.argmin(abs(freqs - 2 * f0))
    assert _spectrum(star)[second] > 20 * _spectrum(circle)[second]
    large, small = tw.waveform(_single(size="large")), tw.waveform(_single(size="small"))
    assert np.abs(large).max() > 2 * np.abs(small).max()
    left, right = tw.waveform(_single(col=0)), tw.waveform(_single(col=2))
    first_sound = [int(np.argmax(np.abs(w) > 0.01)) for w in (left, right)]
    assert first_sound[1] - first_sound[0] > 0.1 * SAMPLE_RATE


def test_waveforms_are_deterministic_and_bounded():
    scenes = tw.sample_scenes(np.random.default_rng(0), 50)
    a = tw.waveforms(scenes, np.random.default_rng(1))
    b = tw.waveforms(scenes, np.random.default_rng(1))
    assert a.shape == (50, N_SAMPLES) and a.dtype == np.float32
    assert np.array_equal(a, b) and np.abs(a).max() <= 1.0
    assert not np.array_equal(a, tw.waveforms(scenes))  # nuisances: phase and noise


def test_spectrogram_helpers():
    wave = tw.waveform(_single())
    assert tw.spectrogram(wave).ndim == 2
    assert tw.spectrogram_image(wave).mode == "L"
    with pytest.raises(ValueError, match="1-D waveform of at least 256 samples"):
        tw.spectrogram(np.zeros(10))
    pytest.importorskip("IPython")
    assert tw.listen(wave) is not None
