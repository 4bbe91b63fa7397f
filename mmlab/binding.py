"""ImageBind's idea at toy scale: teach a sound encoder to land on a *frozen* image tower's
vectors using (image, sound) pairs only, then ask it questions about text it never saw.

Introduced in notebooks/07_choosing_a_model.ipynb. A sound becomes a fixed feature vector (its
log spectrum averaged over time, `sound_features`); a two-layer MLP (`SoundEncoder`) maps that
into the image model's space; `bind` trains it with the symmetric InfoNCE loss against target
vectors that stay fixed: image vectors for binding, shuffled image vectors for the control,
caption vectors for the upper bound. Nothing else of the image model changes.

The three trained encoders ship in data/sound-binding/ (float16, about 0.23 MB each, with a card);
`python -m mmlab.binding --out data/sound-binding` retrains them (`train_all`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from mmlab.paths import data_dir
from mmlab.toyworld import audio as toy_audio

WINDOW = 1024  # samples per frame: 7.8 Hz bins at 8 kHz, fine enough for two semitones at 220 Hz
HOP = 256
MAX_HZ = 3000.0  # the fifth harmonic of the highest pitch lies below this


def sound_features(waves: Any) -> np.ndarray:
    """Log spectrum of each waveform, averaged over time, up to MAX_HZ: (n, bins) float32.

    Introduced in notebooks/07_choosing_a_model.ipynb. Averaging over time keeps pitch and
    timbre (colour and shape) and drops onsets (position).
    """
    waves = np.asarray(waves, dtype=np.float32)
    if waves.ndim != 2 or waves.shape[1] < WINDOW:
        raise ValueError(f"need waveforms of shape (n, >= {WINDOW}), got {waves.shape}")
    if not np.isfinite(waves).all():
        bad = int(np.flatnonzero(~np.isfinite(waves).all(axis=1))[0])
        raise ValueError(f"waveform {bad} holds NaN or infinite samples")
    frames = np.lib.stride_tricks.sliding_window_view(waves, WINDOW, axis=1)[:, ::HOP]
    spectrum = np.abs(np.fft.rfft(frames * np.hanning(WINDOW), axis=-1)).mean(axis=1)
    bins = int(MAX_HZ * WINDOW / toy_audio.SAMPLE_RATE)
    return np.log1p(spectrum[:, :bins]).astype(np.float32)


class SoundEncoder(torch.nn.Module):
    """Sound features -> a unit vector in the image model's space (normalise, MLP, normalise).

    Introduced in notebooks/07_choosing_a_model.ipynb.
    """

    def __init__(self, n_features: int, dim: int, hidden: int = 256) -> None:
        super().__init__()
        self.norm = torch.nn.LayerNorm(n_features)
        self.mlp = torch.nn.Sequential(
            torch.nn.Linear(n_features, hidden), torch.nn.GELU(), torch.nn.Linear(hidden, dim)
        )

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.mlp(self.norm(features)), dim=-1)

    def encode(self, features: Any) -> np.ndarray:
        """Features (n, F) -> (n, dim) float32 unit vectors, without gradients."""
        with torch.inference_mode():
            return self(torch.as_tensor(np.asarray(features, dtype=np.float32))).numpy()


@dataclass
class BindResult:
    """A trained sound encoder and its loss per step."""

    encoder: SoundEncoder
    losses: list[float]


def bind(
    features: Any,
    targets: Any,
    *,
    steps: int = 300,
    batch_size: int = 128,
    lr: float = 3e-3,
    logit_scale: float = 20.0,
    seed: int = 0,
) -> BindResult:
    """Train a SoundEncoder so that sound i lands next to the fixed unit vector targets[i].

    Symmetric InfoNCE over each batch with a fixed `logit_scale`; Adam; `seed` fixes the
    initial weights and the batches. The targets are never updated (the towers they came from
    stay frozen). Introduced in notebooks/07_choosing_a_model.ipynb.
    Returns a BindResult.
    """
    x = torch.as_tensor(np.asarray(features, dtype=np.float32))
    y = torch.as_tensor(np.asarray(targets, dtype=np.float32))
    if x.ndim != 2 or y.ndim != 2 or len(x) != len(y):
        raise ValueError(
            f"features {tuple(x.shape)} and targets {tuple(y.shape)}: need (n, ·) each"
        )
    if not torch.allclose(y.norm(dim=1), torch.ones(len(y)), atol=1e-3):
        raise ValueError("targets must be unit vectors (the frozen tower's normalised outputs)")
    if not 2 <= batch_size <= len(x):
        raise ValueError(f"batch_size={batch_size} must lie between 2 and the {len(x)} pairs")
    generator = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng(devices=[]):  # seeded initial weights; the caller's RNG untouched
        torch.manual_seed(seed)
        encoder = SoundEncoder(x.shape[1], y.shape[1])
    optimiser = torch.optim.Adam(encoder.parameters(), lr=lr)
    losses = []
    labels = torch.arange(batch_size)
    for _ in range(steps):
        rows = torch.randperm(len(x), generator=generator)[:batch_size]
        logits = logit_scale * encoder(x[rows]) @ y[rows].T
        loss = (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels)) / 2
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
    return BindResult(encoder.eval(), losses)


ENCODERS = ("bound", "shuffled", "captions")
RECIPE = {"n_pairs": 3000, "steps": 300, "batch_size": 128, "lr": 3e-3, "seed": 7}


def binding_dir() -> Path:
    """data/sound-binding: the shipped sound encoders. Introduced in notebooks/07."""
    return data_dir() / "sound-binding"


def training_targets(image_model: Any, n_pairs: int, seed: int) -> dict[str, np.ndarray]:
    """Draw `n_pairs` toy scenes with their sounds; return the sound features and the three
    target sets: the frozen image vectors ("bound"), the same vectors shuffled across scenes
    ("shuffled", the control) and the frozen caption vectors ("captions", the upper bound).

    Introduced in notebooks/07_choosing_a_model.ipynb.
    """
    from mmlab.toyworld import training_batch

    rng = np.random.default_rng(seed)
    batch = training_batch(rng, n_pairs, audio=True)
    images = image_model.encode_image(batch.images, batch_size=256, progress=False)
    captions = image_model.encode_text(batch.captions, batch_size=256, progress=False)
    shuffled = images[np.random.default_rng(seed + 1).permutation(n_pairs)]
    return {
        "features": sound_features(batch.audio),
        "bound": images,
        "shuffled": shuffled,
        "captions": captions,
    }


def train_all(out: str | Path, model_name: str = "toy-clip") -> dict[str, list[float]]:
    """Retrain the three shipped sound encoders with RECIPE and save them (safetensors) in `out`.

    Introduced in notebooks/07_choosing_a_model.ipynb. Returns each encoder's loss curve.
    """
    from safetensors.torch import save_file

    from mmlab.models import load_model

    torch.set_num_threads(1)
    data = training_targets(load_model(model_name), RECIPE["n_pairs"], RECIPE["seed"])
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    curves = {}
    train_options = {k: v for k, v in RECIPE.items() if k != "n_pairs"}
    for name in ENCODERS:
        result = bind(data["features"], data[name], **train_options)
        half = {key: value.half() for key, value in result.encoder.state_dict().items()}
        save_file(half, str(out / f"{name}.safetensors"))  # float16 on disk, as the toy models
        curves[name] = result.losses
    return curves


def load_encoders(folder: str | Path | None = None) -> dict[str, SoundEncoder]:
    """Load the shipped (or retrained) sound encoders {"bound", "shuffled", "captions"}.

    Introduced in notebooks/07_choosing_a_model.ipynb.
    """
    from safetensors.torch import load_file

    folder = Path(folder) if folder is not None else binding_dir()
    encoders = {}
    for name in ENCODERS:
        path = folder / f"{name}.safetensors"
        if not path.is_file():
            raise FileNotFoundError(
                f"{path} is missing: retrain with `python -m mmlab.binding --out {folder}`"
            )
        state = {key: value.float() for key, value in load_file(str(path)).items()}
        n_features, dim = state["norm.weight"].shape[0], state["mlp.2.weight"].shape[0]
        encoder = SoundEncoder(n_features, dim, hidden=state["mlp.0.weight"].shape[0])
        encoder.load_state_dict(state)
        encoders[name] = encoder.eval()
    return encoders


def main(argv: list[str] | None = None) -> None:
    """`python -m mmlab.binding --out data/sound-binding`: retrain and save the three encoders."""
    import argparse
    import time

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--out", default=str(binding_dir()))
    args = parser.parse_args(argv)
    start = time.perf_counter()
    curves = train_all(args.out)
    for name, losses in curves.items():
        print(f"{name}: loss {losses[0]:.3f} -> {losses[-1]:.3f}")
    print(f"saved to {args.out} in {time.perf_counter() - start:.0f} s")


def zero_shot_hits(model: Any, vectors: Any, scenes: list) -> dict[str, np.ndarray]:
    """Zero-shot colour and shape of single-object scenes from their vectors (sound or image).

    Every "a {colour} {shape}" of the toy world is a label for mmlab.similarity.zero_shot with
    `model`'s text tower; an item's predicted colour and shape are those of its best label.
    Introduced in notebooks/07_choosing_a_model.ipynb. Returns {"color": bool array, "shape":
    bool array}, one entry per scene (True where the prediction is right).
    """
    from mmlab.similarity import zero_shot
    from mmlab.toyworld import COLORS, SHAPES

    if len(scenes) != len(vectors):
        raise ValueError(f"{len(vectors)} vectors for {len(scenes)} scenes")
    crowded = [i for i, scene in enumerate(scenes) if len(scene.objects) != 1]
    if crowded:
        raise ValueError(f"scene {crowded[0]} has {len(scenes[crowded[0]].objects)} objects, not 1")
    pairs = [(c, s) for c in COLORS for s in SHAPES]
    labels = [f"{'an' if c[0] in 'aeiou' else 'a'} {c} {s}" for c, s in pairs]
    best = zero_shot(model, vectors, labels).predictions
    truth = [(scene.objects[0].color, scene.objects[0].shape) for scene in scenes]
    return {
        "color": np.array([pairs[b][0] == t[0] for b, t in zip(best, truth)]),
        "shape": np.array([pairs[b][1] == t[1] for b, t in zip(best, truth)]),
    }


if __name__ == "__main__":
    main()
