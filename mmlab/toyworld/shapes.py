"""Shape outlines in unit coordinates (each fits inside the unit circle, centred on its box).

Introduced in notebooks/01_shared_space.ipynb. `outline(shape)` returns a polygon as a numpy
array of (x, y) points with y pointing down, or None for the circle (drawn as an ellipse).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from mmlab.toyworld.vocabulary import SHAPES, check_choice


def _regular(n: int, radius: float, start_deg: float) -> np.ndarray:
    angles = np.deg2rad(start_deg + 360.0 * np.arange(n) / n)
    return np.stack([radius * np.cos(angles), radius * np.sin(angles)], axis=1)


def _centre(points: np.ndarray) -> np.ndarray:
    """Shift points so that their bounding box is centred on the origin."""
    low, high = points.min(axis=0), points.max(axis=0)
    return points - (low + high) / 2.0


def _star() -> np.ndarray:
    outer = _regular(5, 1.0, -90.0)
    inner = _regular(5, 0.45, -90.0 + 36.0)
    points = np.empty((10, 2))
    points[0::2], points[1::2] = outer, inner
    return _centre(points) * 1.05


def _cross() -> np.ndarray:
    a, w = 0.9, 0.32
    return np.array(
        [(-w, -a), (w, -a), (w, -w), (a, -w), (a, w), (w, w), (w, a), (-w, a), (-w, w),
         (-a, w), (-a, -w), (-w, -w)]
    )  # fmt: skip


def _heart() -> np.ndarray:
    t = np.linspace(0.0, 2.0 * np.pi, 48, endpoint=False)
    x = 16.0 * np.sin(t) ** 3
    y = -(13.0 * np.cos(t) - 5.0 * np.cos(2 * t) - 2.0 * np.cos(3 * t) - np.cos(4 * t))
    points = _centre(np.stack([x, y], axis=1))
    return points / np.abs(points).max() * 0.95


def _semicircle() -> np.ndarray:
    t = np.linspace(np.pi, 2.0 * np.pi, 25)
    points = np.stack([np.cos(t), np.sin(t)], axis=1)  # upper half (y down), flat side below
    return _centre(points) * 1.05


@cache
def outline(shape: str) -> np.ndarray | None:
    """Return the unit polygon of `shape` (None for "circle")."""
    check_choice(shape, SHAPES, "shape")
    if shape == "circle":
        return None
    if shape == "square":
        points = np.array([(-0.8, -0.8), (0.8, -0.8), (0.8, 0.8), (-0.8, 0.8)])
    elif shape == "triangle":
        points = _centre(_regular(3, 1.0, -90.0)) * 1.1
    elif shape == "diamond":
        points = np.array([(0.0, -1.0), (0.68, 0.0), (0.0, 1.0), (-0.68, 0.0)])
    else:
        builders = {"star": _star, "cross": _cross, "heart": _heart, "semicircle": _semicircle}
        points = builders[shape]()
    # Rounded, so that last-bit differences between maths libraries cannot move a pixel.
    return np.round(points, 6)
