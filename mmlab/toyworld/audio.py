"""A third modality for the binding lesson: each scene as a short synthetic sound.

Introduced in notebooks/07_choosing_a_model.ipynb (ImageBind at toy scale; see mmlab.binding).
Every object adds a tone: its colour sets the pitch, its shape the timbre (which harmonics
sound), its size the loudness and its column the onset (left objects sound first). numpy only;
`listen()` wraps IPython's Audio widget and `spectrogram_image()` draws a spectrogram with Pillow.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from PIL import Image

from mmlab.toyworld.scenes import Scene, ToyObject, check_rng
from mmlab.toyworld.vocabulary import COLORS, SHAPES

SAMPLE_RATE = 8000
DURATION = 0.5
N_SAMPLES = int(SAMPLE_RATE * DURATION)
TONE_SECONDS = 0.3
ONSET_STEP = 0.08  # seconds between columns: (GRID_COLS - 1) * 0.08 + 0.3 <= DURATION
# Colour -> semitones above 220 Hz (A3); at least two semitones apart.
PITCH_SEMITONES = dict(zip(COLORS, (0, 2, 4, 7, 9, 12, 14, 16, 19), strict=True))
# Shape -> amplitudes of harmonics 1..5 (the timbre).
TIMBRES = dict(
    zip(
        SHAPES,
        (
            (1.0, 0.0, 0.0, 0.0, 0.0),  # circle: a pure tone
            (1.0, 0.0, 0.33, 0.0, 0.2),  # square: odd harmonics, square-wave like
            (1.0, 0.0, 0.11, 0.0, 0.04),  # triangle: soft odd harmonics
            (1.0, 0.6, 0.0, 0.0, 0.0),  # diamond: octave
            (1.0, 0.7, 0.5, 0.35, 0.25),  # star: bright, sawtooth like
            (1.0, 0.0, 0.0, 0.7, 0.0),  # cross: two octaves up
            (1.0, 0.0, 0.6, 0.0, 0.0),  # heart: a twelfth
            (0.6, 1.0, 0.0, 0.0, 0.0),  # semicircle: octave-dominant
        ),
        strict=True,
    )
)
LOUDNESS = {"small": 0.4, "large": 1.0}
NOISE = 0.02


def pitch(color: str) -> float:
    """Return the fundamental frequency (Hz) that stands for `color`."""
    return 220.0 * 2.0 ** (PITCH_SEMITONES[color] / 12.0)


@cache
def _tone(color: str, shape: str) -> np.ndarray:
    """Return two tone lengths of the (colour, shape) tone, so any start offset gives one tone."""
    n = int(TONE_SECONDS * SAMPLE_RATE)
    t = np.arange(2 * n) / SAMPLE_RATE
    f = pitch(color)
    wave = sum(a * np.sin(2 * np.pi * f * (h + 1) * t) for h, a in enumerate(TIMBRES[shape]))
    return (wave / sum(TIMBRES[shape])).astype(np.float32)


@cache
def _envelope() -> np.ndarray:
    n = int(TONE_SECONDS * SAMPLE_RATE)
    ramp = int(0.02 * SAMPLE_RATE)
    env = np.ones(n, dtype=np.float32)
    fade = 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, ramp, dtype=np.float32))
    env[:ramp], env[-ramp:] = fade, fade[::-1]
    return env


def _add_object(out: np.ndarray, obj: ToyObject, offset: int) -> None:
    n = int(TONE_SECONDS * SAMPLE_RATE)
    start = int(obj.col * ONSET_STEP * SAMPLE_RATE)
    tone = _tone(obj.color, obj.shape)[offset : offset + n]
    out[start : start + n] += LOUDNESS[obj.size] * _envelope() * tone


def waveform(scene: Scene, rng: np.random.Generator | None = None) -> np.ndarray:
    """Return the scene's sound: float32 samples in [-1, 1] (SAMPLE_RATE Hz, DURATION s).

    Introduced in the binding lesson. With `rng`, each tone starts at a random phase and faint
    noise is added (nuisances, like jitter in the images); without, it is exact.
    """
    return waveforms([scene], rng)[0]


def waveforms(scenes: list[Scene], rng: np.random.Generator | None = None) -> np.ndarray:
    """Return the sounds of several scenes as a float32 array (len(scenes), N_SAMPLES)."""
    if rng is not None:
        check_rng(rng)
    n_tone = int(TONE_SECONDS * SAMPLE_RATE)
    out = np.zeros((len(scenes), N_SAMPLES), dtype=np.float32)
    offsets = (
        rng.integers(0, n_tone, (len(scenes), 4)) if rng is not None else np.zeros((len(scenes), 4))
    )
    for i, scene in enumerate(scenes):
        for j, obj in enumerate(scene.objects):
            _add_object(out[i], obj, int(offsets[i, j]))
    if rng is not None:
        out += NOISE * (rng.random(out.shape, dtype=np.float32) * 2.0 - 1.0)
    out /= 2.5  # four loud tones never clip
    return np.clip(out, -1.0, 1.0)


def spectrogram(wave: np.ndarray, window: int = 256, hop: int = 64) -> np.ndarray:
    """Return the log-magnitude spectrogram (frequencies, frames) of a waveform, in dB."""
    wave = np.asarray(wave, dtype=np.float32)
    if wave.ndim != 1 or len(wave) < window:
        raise ValueError(f"need a 1-D waveform of at least {window} samples, got {wave.shape}")
    frames = np.lib.stride_tricks.sliding_window_view(wave, window)[::hop]
    spectrum = np.abs(np.fft.rfft(frames * np.hanning(window), axis=1)).T
    return 20.0 * np.log10(spectrum + 1e-6)


def spectrogram_image(wave: np.ndarray, height: int = 128) -> Image.Image:
    """Return a spectrogram as a PIL image (low frequencies at the bottom, 60 dB range).

    Introduced in the binding lesson.
    """
    db = spectrogram(wave)
    scaled = np.clip((db - (db.max() - 60.0)) / 60.0, 0.0, 1.0)[::-1]
    image = Image.fromarray((scaled * 255).astype(np.uint8), mode="L")
    return image.resize((image.width * 3, height), Image.Resampling.NEAREST)


def listen(wave: np.ndarray):
    """Return an IPython Audio widget that plays `wave` (imports IPython only when called)."""
    from IPython.display import Audio

    return Audio(np.asarray(wave, dtype=np.float32), rate=SAMPLE_RATE, normalize=False)
