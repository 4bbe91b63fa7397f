"""Rendering scenes to pixels: anti-aliased shape masks, a tinted background with a gentle
gradient, and rendered words in one of Pillow's own fonts.

Introduced in notebooks/01_shared_space.ipynb. `render(scene)` returns a PIL image;
`render_array(scenes)` returns a uint8 batch (B, size, size, 3). All blending is integer
arithmetic, so the same scene gives the same bytes on every machine with the same Pillow.
Masks are cached per (image size, shape, size, scale, angle), which makes rendering fast.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from mmlab.toyworld.scenes import (
    GRADIENT_DIRECTIONS,
    GRID_COLS,
    GRID_ROWS,
    SCALES,
    Scene,
    ToyObject,
)
from mmlab.toyworld.shapes import outline
from mmlab.toyworld.vocabulary import COLORS, FONTS, check_choice

MIN_SIZE = 16
SUPERSAMPLE = 4
# Object radius as a share of a grid cell, per size name.
RADIUS = {"small": 0.27, "large": 0.40}
WORD_COLOR = (30, 30, 30)
SANS_POINTS_AT_64 = 11


def check_size(size: object) -> int:
    """Return `size` if it is an int >= MIN_SIZE, else raise."""
    if isinstance(size, bool) or not isinstance(size, int | np.integer):
        raise TypeError(f"image size must be an int, got {size!r}")
    if size < MIN_SIZE:
        raise ValueError(f"image size {size} px is too small; use at least {MIN_SIZE} px")
    return int(size)


@cache
def _shape_mask(size: int, shape: str, size_name: str, scale: int, angle: int) -> np.ndarray:
    """Return the anti-aliased alpha mask (uint8, square, odd-free) of one object."""
    radius = RADIUS[size_name] * size / GRID_COLS * SCALES[scale]
    points = outline(shape)
    extent = 1.0 if points is None else float(np.hypot(points[:, 0], points[:, 1]).max())
    half = math.ceil(radius * extent) + 1
    big = Image.new("L", (2 * half * SUPERSAMPLE, 2 * half * SUPERSAMPLE), 0)
    draw = ImageDraw.Draw(big)
    centre, r = half * SUPERSAMPLE, radius * SUPERSAMPLE
    if points is None:
        draw.ellipse((centre - r, centre - r, centre + r, centre + r), fill=255)
    else:
        t = math.radians(angle)
        rot = np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])
        xy = centre + r * points @ rot.T
        draw.polygon([(float(x), float(y)) for x, y in xy], fill=255)
    return np.asarray(big.reduce(SUPERSAMPLE), dtype=np.uint8)


@cache
def _weights(size: int, shape: str, size_name: str, scale: int, angle: int):
    mask = _shape_mask(size, shape, size_name, scale, angle).astype(np.uint16)[:, :, None]
    return mask, 255 - mask


@cache
def _font(font: str, size: int):
    check_choice(font, FONTS, "font")
    if font == "sans":
        return ImageFont.load_default(size=max(6, round(SANS_POINTS_AT_64 * size / 64)))
    return ImageFont.load_default_imagefont()


@cache
def word_mask(word: str, font: str, size: int) -> np.ndarray:
    """Return the alpha mask (uint8) of `word` written in `font` for an image of `size` px."""
    face = _font(font, size)
    left, top, right, bottom = face.getbbox(word)
    canvas = Image.new("L", (right - left + 2, bottom - top + 2), 0)
    ImageDraw.Draw(canvas).text((1 - left, 1 - top), word, font=face, fill=255)
    if font == "pixel" and size != 64:
        w, h = canvas.size
        canvas = canvas.resize((max(1, round(w * size / 64)), max(1, round(h * size / 64))))
    return np.asarray(canvas, dtype=np.uint8)


@cache
def _word_weights(word: str, font: str, size: int):
    mask = word_mask(word, font, size).astype(np.uint16)[:, :, None]
    return mask, 255 - mask


@cache
def _ramp(size: int, direction: int, amplitude: int) -> np.ndarray:
    """Return an int16 (size, size, 1) gradient from -amplitude to +amplitude."""
    t = 2.0 * math.pi * direction / GRADIENT_DIRECTIONS
    coords = (np.arange(size) + 0.5) / size * 2.0 - 1.0
    field = (coords[None, :] * math.cos(t) + coords[:, None] * math.sin(t)) / math.sqrt(2.0)
    return np.rint(field * amplitude).astype(np.int16)[:, :, None]


def object_placement(obj: ToyObject, size: int) -> tuple[int, int, np.ndarray]:
    """Return (top, left, mask) of an object in an image of `size` px (mask may cross edges)."""
    mask = _shape_mask(size, obj.shape, obj.size, obj.scale, obj.angle)
    half = mask.shape[0] // 2
    cell = size / GRID_COLS
    cx = (obj.col + 0.5) * cell + obj.dx * size / 64
    cy = (obj.row + 0.5) * cell + obj.dy * size / 64
    return round(cy) - half, round(cx) - half, mask


def word_placement(scene: Scene, size: int) -> tuple[int, int, np.ndarray]:
    """Return (top, left, mask) of the scene's rendered word (the bottom grid row)."""
    mask = word_mask(scene.word, scene.font, size)
    h, w = mask.shape
    cx = size / 2 + scene.word_dx * size / 64
    cy = (GRID_ROWS - 0.5) * size / GRID_ROWS
    left = min(max(round(cx - w / 2), 0), max(size - w, 0))
    return round(cy - h / 2), left, mask


def _blend(image: np.ndarray, top: int, left: int, weights, color: np.ndarray) -> None:
    """Blend `color` into `image` through an alpha mask placed at (top, left), clipping edges."""
    alpha, inverse = weights
    h, w = alpha.shape[:2]
    size_y, size_x = image.shape[:2]
    y0, x0 = max(top, 0), max(left, 0)
    y1, x1 = min(top + h, size_y), min(left + w, size_x)
    if y0 >= y1 or x0 >= x1:
        return
    a = alpha[y0 - top : y1 - top, x0 - left : x1 - left]
    b = inverse[y0 - top : y1 - top, x0 - left : x1 - left]
    region = image[y0:y1, x0:x1].astype(np.uint16)
    image[y0:y1, x0:x1] = (a * color + b * region + 127) // 255


def object_color(obj: ToyObject) -> np.ndarray:
    """Return the RGB (uint16 array) an object is painted with: its colour plus its shade."""
    base = COLORS[obj.color]
    return np.array([min(max(c + s, 0), 255) for c, s in zip(base, obj.shade)], dtype=np.uint16)


def paint(scene: Scene, image: np.ndarray) -> None:
    """Paint `scene` into `image` (uint8, (size, size, 3)) in place."""
    size = image.shape[0]
    direction, amplitude = scene.gradient
    background = np.asarray(scene.background, dtype=np.int16) + _ramp(size, direction, amplitude)
    image[:] = np.clip(background, 0, 255)
    for obj in scene.objects:
        top, left, _ = object_placement(obj, size)
        weights = _weights(size, obj.shape, obj.size, obj.scale, obj.angle)
        _blend(image, top, left, weights, object_color(obj))
    if scene.word is not None:
        top, left, _ = word_placement(scene, size)
        weights = _word_weights(scene.word, scene.font, size)
        _blend(image, top, left, weights, np.array(WORD_COLOR, dtype=np.uint16))


def render_array(scenes: list[Scene], size: int = 64) -> np.ndarray:
    """Render scenes into a uint8 array (len(scenes), size, size, 3).

    Introduced in notebooks/02_contrastive_training.ipynb (the training batches).
    """
    size = check_size(size)
    out = np.empty((len(scenes), size, size, 3), dtype=np.uint8)
    for i, scene in enumerate(scenes):
        paint(scene, out[i])
    return out


def render(scene: Scene, size: int = 64) -> Image.Image:
    """Render one scene to an RGB PIL image of `size` x `size` pixels.

    Introduced in notebooks/01_shared_space.ipynb.
    """
    return Image.fromarray(render_array([scene], size)[0], mode="RGB")
