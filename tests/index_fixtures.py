"""Helpers for the tests of mmlab.index: a folder of small distinct pictures, a fake image
encoder that needs no torch (so subprocesses start fast), and a way to run a snippet in a fresh
Python process, as a restart or a second writer would."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

from mmlab.index.stamp import ModelStamp

DIM = 16
STAMP = ModelStamp("fake-colour-encoder", DIM, "0123456789abcdef")
OTHER = ModelStamp("another-encoder", DIM, "fedcba9876543210")  # same dimension, other model
ROOT = Path(__file__).resolve().parents[1]


def unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def encode_pictures(pictures) -> np.ndarray:
    """Unit vectors from each picture's mean colour and its brightness (a fake 'model')."""
    features = np.array([np.asarray(p, dtype=np.float32).mean(axis=(0, 1)) for p in pictures])
    projection = np.random.default_rng(7).normal(size=(3, DIM))
    return unit(features @ projection + 1e-3)


def make_pictures(folder: Path, n: int, seed: int = 0, start: int = 0) -> list[Path]:
    """Write n distinct 8x8 PNGs named pic_XXXX.png (numbered from `start`); return paths."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    paths = []
    for i in range(start, start + n):
        pixels = rng.integers(0, 256, size=(8, 8, 3), dtype=np.uint8)
        path = folder / f"pic_{i:04d}.png"
        Image.fromarray(pixels).save(path)
        paths.append(path)
    return paths


def run_python(code: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `code` in a new Python process (tests/ importable); return the finished process."""
    prelude = f"import sys; sys.path.insert(0, {str(ROOT / 'tests')!r})\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
