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
    GRADIENT_MAX,
    GRID_COLS,
    GRID_ROWS,
    JITTER,
    SCALES,
    Scene,
    ToyObject,
)
from mmlab.toyworld.shapes import outline
from mmlab.toyworld.vocabulary import COLORS, FONTS, check_choice

MIN_SIZE = 16
# Largest picture side: the toy world draws 64 px; 512 px renders in about a second, while
# 2048 px took 42 s and 10,000 px over two minutes, so larger sizes are refused, not waited for.
MAX_SIZE = 512
SUPERSAMPLE = 4
# Object radius as a share of a grid cell, per size name.
RADIUS = {"small": 0.27, "large": 0.40}
WORD_COLOR = (30, 30, 30)
SANS_POINTS_AT_64 = 11


def check_size(size: object) -> int:
    """Return `size` if it is an int from MIN_SIZE to MAX_SIZE, else raise."""
    if isinstance(size, bool) or not isinstance(size, int | np.integer):
        raise TypeError(f"image size must be an int, got {size!r}")
    if size < MIN_SIZE:
        raise ValueError(f"image size {size} px is too small; use at least {MIN_SIZE} px")
    if size > MAX_SIZE:
        raise ValueError(
            f"image size {size} px is above the limit of {MAX_SIZE} px (rendering time grows with "
            "the square of the size); render smaller and enlarge with PIL's resize if needed"
        )
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
        xy = np.round(centre + r * points @ rot.T, 4)  # robust to last-bit maths differences
        draw.polygon([(float(x), float(y)) for x, y in xy], fill=255)
    return np.asarray(big.reduce(SUPERSAMPLE), dtype=np.uint8)


def _to_weights(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (alpha, 256 - alpha) as uint16 rows (h, w * 3): alpha rescaled from 0..255 to
    0..256 and repeated for R, G, B, the layout in which blending is fastest."""
    alpha = np.repeat((mask.astype(np.uint16) * 256 + 127) // 255, 3, axis=1)
    return alpha, 256 - alpha


@cache
def _channels(width: int) -> np.ndarray:
    """Return [0, 1, 2, 0, 1, 2, ...] of length 3 * width (turns an RGB into a pixel row)."""
    return np.tile(np.arange(3), width)


@cache
def _weights(size: int, shape: str, size_name: str, scale: int, angle: int):
    return _to_weights(_shape_mask(size, shape, size_name, scale, angle))


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
    canvas = canvas.crop(canvas.getbbox())  # ink only, so every font sits centred in its band
    if font == "pixel" and size != 64:
        w, h = canvas.size
        canvas = canvas.resize((max(1, round(w * size / 64)), max(1, round(h * size / 64))))
    return np.asarray(canvas, dtype=np.uint8)


@cache
def _word_weights(word: str, font: str, size: int):
    return _to_weights(word_mask(word, font, size))


@cache
def _ramps(size: int) -> np.ndarray:
    """Return gradients as uint8 (directions, amplitudes, size * size, 3), offset by
    GRADIENT_MAX so that amplitude a runs from GRADIENT_MAX - a to GRADIENT_MAX + a."""
    t = 2.0 * np.pi * np.arange(GRADIENT_DIRECTIONS) / GRADIENT_DIRECTIONS
    coords = (np.arange(size) + 0.5) / size * 2.0 - 1.0
    field = (
        coords[None, None, :] * np.cos(t)[:, None, None]
        + coords[None, :, None] * np.sin(t)[:, None, None]
    ) / math.sqrt(2.0)
    field = np.round(field, 6)  # robust to last-bit differences in cos and sin
    amplitudes = np.arange(GRADIENT_MAX + 1)[None, :, None, None]
    ramps = np.rint(field[:, None] * amplitudes).astype(np.int16) + GRADIENT_MAX
    ramps = ramps.reshape(GRADIENT_DIRECTIONS, GRADIENT_MAX + 1, size * size, 1)
    return np.repeat(ramps.astype(np.uint8), 3, axis=-1)


def backgrounds(scenes: list[Scene], size: int) -> np.ndarray:
    """Return the tinted, gently graded backgrounds of `scenes`, uint8 (B, size, size, 3).

    Scene backgrounds lie in GRADIENT_MAX..255 - GRADIENT_MAX, so uint8 sums never wrap.
    """
    base = np.array([s.background for s in scenes], dtype=np.uint8) - np.uint8(GRADIENT_MAX)
    direction = [s.gradient[0] for s in scenes]
    amplitude = [s.gradient[1] for s in scenes]
    out = _ramps(size)[direction, amplitude]  # a fresh (B, size * size, 3) array
    for channel in range(3):  # one channel at a time keeps numpy's inner loops long
        out[:, :, channel] += base[:, channel, None]
    return out.reshape(len(scenes), size, size, 3)


@cache
def _centres(size: int) -> list[list[int]]:
    """Return centre[cell][d + JITTER]: the pixel centre of a grid row/column with jitter d."""
    cell = size / GRID_COLS
    return [
        [round((k + 0.5) * cell + d * size / 64) for d in range(-JITTER, JITTER + 1)]
        for k in range(max(GRID_ROWS, GRID_COLS))
    ]


def object_placement(obj: ToyObject, size: int) -> tuple[int, int, np.ndarray]:
    """Return (top, left, mask) of an object in an image of `size` px (mask may cross edges)."""
    mask = _shape_mask(size, obj.shape, obj.size, obj.scale, obj.angle)
    half = mask.shape[0] // 2
    centre = _centres(size)
    return centre[obj.row][obj.dy + JITTER] - half, centre[obj.col][obj.dx + JITTER] - half, mask


def word_placement(scene: Scene, size: int) -> tuple[int, int, np.ndarray]:
    """Return (top, left, mask) of the scene's rendered word (the bottom grid row)."""
    mask = word_mask(scene.word, scene.font, size)
    h, w = mask.shape
    cx = size / 2 + scene.word_dx * size / 64
    cy = (GRID_ROWS - 0.5) * size / GRID_ROWS
    left = min(max(round(cx - w / 2), 0), max(size - w, 0))
    return round(cy - h / 2), left, mask


def _blend(image: np.ndarray, top: int, left: int, weights, color: np.ndarray) -> None:
    """Blend `color` into `image` through an alpha mask placed at (top, left), clipping edges.

    Integer maths: new = (alpha * color + (256 - alpha) * old + 128) >> 8, alpha in 0..256.
    """
    alpha, inverse = weights
    h, w = alpha.shape[0], alpha.shape[1] // 3
    size_y, size_x = image.shape[:2]
    y0, x0 = max(top, 0), max(left, 0)
    y1, x1 = min(top + h, size_y), min(left + w, size_x)
    if y0 >= y1 or x0 >= x1:
        return
    if (y0, x0, y1, x1) != (top, left, top + h, left + w):  # crosses an edge: clip the mask
        cols = slice(3 * (x0 - left), 3 * (x1 - left))
        alpha, inverse = alpha[y0 - top : y1 - top, cols], inverse[y0 - top : y1 - top, cols]
    region = image[y0:y1, x0:x1].reshape(y1 - y0, 3 * (x1 - x0))  # a view: rows of R, G, B
    mixed = inverse * region.astype(np.uint16)
    mixed += alpha * color[_channels(x1 - x0)]
    mixed += 128
    mixed >>= 8
    region[...] = mixed


def object_colors(objects: list[ToyObject]) -> np.ndarray:
    """Return the RGB each object is painted with (its colour plus its shade), uint16 (n, 3)."""
    base = np.array([COLORS[o.color] for o in objects], dtype=np.int16).reshape(-1, 3)
    shade = np.array([o.shade for o in objects], dtype=np.int16).reshape(-1, 3)
    return np.clip(base + shade, 0, 255).astype(np.uint16)


_WORD_PAINT = np.array(WORD_COLOR, dtype=np.uint16)


def render_array(scenes: list[Scene], size: int = 64) -> np.ndarray:
    """Render scenes into a uint8 array (len(scenes), size, size, 3).

    Introduced in notebooks/02_contrastive_training.ipynb (the training batches).
    """
    size = check_size(size)
    if not scenes:
        return np.empty((0, size, size, 3), dtype=np.uint8)
    out = backgrounds(scenes, size)
    owners = [i for i, scene in enumerate(scenes) for _ in scene.objects]
    objects = [o for scene in scenes for o in scene.objects]
    centre = _centres(size)
    for i, o, color in zip(owners, objects, object_colors(objects)):
        weights = _weights(size, o.shape, o.size, o.scale, o.angle)
        half = weights[0].shape[0] // 2
        top, left = centre[o.row][o.dy + JITTER] - half, centre[o.col][o.dx + JITTER] - half
        _blend(out[i], top, left, weights, color)
    for i, scene in enumerate(scenes):  # words go on top
        if scene.word is not None:
            top, left, _ = word_placement(scene, size)
            weights = _word_weights(scene.word, scene.font, size)
            _blend(out[i], top, left, weights, _WORD_PAINT)
    return out


def render(scene: Scene, size: int = 64) -> Image.Image:
    """Render one scene to an RGB PIL image of `size` x `size` pixels.

    Introduced in notebooks/01_shared_space.ipynb.
    """
    return Image.fromarray(render_array([scene], size)[0], mode="RGB")
