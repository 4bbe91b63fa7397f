"""Read and check images of every common kind before a model sees them.

Accepted: PIL images, file paths (str or Path) and numpy arrays, in the modes RGB, RGBA, L, LA, P,
CMYK, 1, I;16 / I (16-bit) and F (floats in [0, 1]); EXIF orientation is honoured. Transparent
pixels are composited onto white. Anything else fails with an error that names the item.

Introduced in notebooks/01_shared_space.ipynb (encoding your own pictures).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow's own decompression-bomb threshold (about 89 megapixels); larger files are refused.
MAX_PIXELS = Image.MAX_IMAGE_PIXELS or 89_478_485

ALLOWED = "a PIL image, a file path (str or Path), or a numpy array of shape (H, W) or (H, W, C)"
_BYTES_REFUSED = (
    "{where} is raw bytes, which are not accepted: expected " + ALLOWED + ". For the bytes of "
    "an image file, pass PIL.Image.open(io.BytesIO(data))"
)
_ALPHA_MODES = {"RGBA", "LA", "PA", "RGBa", "La"}
_SIXTEEN_BIT_MODES = {"I;16", "I;16L", "I;16B", "I;16N", "I"}
_WHITE = (255, 255, 255)


def split_batch(images: Any) -> list[Any]:
    """Turn what a user passes to encode_image into a list of single images, in order.

    One image (PIL, path, 2-D or 3-D array) becomes a list of one; a list or tuple stays as it
    is; a 4-D array (N, H, W, C) becomes N arrays. Introduced in notebooks/01_shared_space.ipynb.
    Returns a list (never empty: an empty batch raises ValueError).
    """
    if images is None:
        raise TypeError(f"images is None: expected {ALLOWED}, or a list of them")
    if isinstance(images, (bytes, bytearray, memoryview)):
        raise TypeError(_BYTES_REFUSED.format(where="images"))
    if isinstance(images, np.ndarray) and images.ndim == 4:
        items = list(images)
    elif isinstance(images, (Image.Image, str, Path, np.ndarray)):
        items = [images]
    elif isinstance(images, Sequence):
        items = list(images)
    else:
        raise TypeError(
            f"images is a {type(images).__name__}: expected {ALLOWED}, a list of them, "
            "or a (N, H, W, C) array"
        )
    if not items:
        raise ValueError("images is empty: give at least one image")
    return items


def load_rgb(item: Any, index: int = 0) -> Image.Image:
    """Return `item` as an RGB PIL image, EXIF orientation applied, or raise naming images[index].

    Introduced in notebooks/01_shared_space.ipynb.
    Returns a loaded PIL image in mode "RGB".
    """
    where = f"images[{index}]"
    if isinstance(item, (str, Path)):
        where = f"images[{index}] ({item})"
        image = _open_file(Path(item), where)
    elif isinstance(item, Image.Image):
        image = _checked_pil(item, where)
    elif isinstance(item, np.ndarray):
        image = _array_to_image(item, where)
    elif isinstance(item, (bytes, bytearray, memoryview)):
        raise TypeError(_BYTES_REFUSED.format(where=where))
    else:
        raise TypeError(f"{where} is a {type(item).__name__}: expected {ALLOWED}")
    return _to_rgb(ImageOps.exif_transpose(image), where)


def _check_pixels(image: Image.Image, where: str) -> None:
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ValueError(
            f"{where} is {width} x {height} = {width * height:,} pixels, above the limit of "
            f"{MAX_PIXELS:,} (a possible decompression bomb); shrink it first if you trust it"
        )
    if width == 0 or height == 0:
        raise ValueError(f"{where} has no pixels (size {width} x {height})")


def _open_file(path: Path, where: str) -> Image.Image:
    """Open and fully decode an image file, turning every failure into a message about `where`."""
    if not path.exists():
        raise FileNotFoundError(f"{where}: no such file")
    if path.is_dir():
        raise ValueError(f"{where} is a directory, not an image file")
    if path.stat().st_size == 0:
        raise ValueError(f"{where} is an empty file (0 bytes)")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as opened:
                _check_pixels(opened, where)
                opened.load()
                return opened.copy()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise ValueError(f"{where} is refused as a decompression bomb: {error}") from error
        except UnidentifiedImageError as error:
            raise ValueError(f"{where} is not an image file Pillow can read") from error
        except (OSError, SyntaxError, EOFError) as error:
            raise ValueError(f"{where} is corrupt or truncated: {error}") from error


def _checked_pil(image: Image.Image, where: str) -> Image.Image:
    """Check size and force decoding of a PIL image handed in by the caller."""
    _check_pixels(image, where)
    try:
        image.load()
    except (OSError, SyntaxError, EOFError) as error:
        raise ValueError(f"{where} could not be decoded (corrupt or truncated): {error}") from error
    return image


def _array_to_uint8(array: np.ndarray, where: str) -> np.ndarray:
    """Map an integer, bool or float array onto 0..255 uint8, refusing values out of range."""
    if array.dtype == np.uint8:
        return array
    if array.dtype == np.bool_:
        return array.astype(np.uint8) * 255
    if array.dtype == np.uint16:
        return (array.astype(np.uint32) // 257).astype(np.uint8)
    if np.issubdtype(array.dtype, np.floating):
        if not np.isfinite(array).all():
            raise ValueError(f"{where} contains NaN or infinite values")
        low, high = float(array.min()), float(array.max())
        if low < 0.0 or high > 1.0:
            raise ValueError(
                f"{where} is a float array with values in [{low:g}, {high:g}]: floats must lie in "
                "[0, 1]; pass uint8 (0..255) for byte images"
            )
        return np.round(array * 255.0).astype(np.uint8)
    if np.issubdtype(array.dtype, np.integer):
        low, high = int(array.min()), int(array.max())
        if low < 0 or high > 255:
            raise ValueError(
                f"{where} is an {array.dtype} array with values in [{low}, {high}]: integers must "
                "lie in 0..255 (use uint16 for 16-bit images)"
            )
        return array.astype(np.uint8)
    raise TypeError(f"{where} has dtype {array.dtype}: expected uint8, uint16, bool, int or float")


def _array_to_image(array: np.ndarray, where: str) -> Image.Image:
    """(H, W) grey, (H, W, 1) grey, (H, W, 3) RGB or (H, W, 4) RGBA array -> PIL image."""
    shape_ok = array.ndim == 2 or (array.ndim == 3 and array.shape[-1] in (1, 3, 4))
    if not shape_ok:
        hint = " (channels first? use np.moveaxis(a, 0, -1))" if array.ndim == 3 else ""
        raise ValueError(
            f"{where} has shape {array.shape}: expected (H, W), (H, W, 1), (H, W, 3) or "
            f"(H, W, 4){hint}"
        )
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(f"{where} has no pixels (shape {array.shape})")
    if array.shape[0] * array.shape[1] > MAX_PIXELS:
        raise ValueError(f"{where} has {array.shape[0] * array.shape[1]:,} pixels > {MAX_PIXELS:,}")
    data = _array_to_uint8(np.ascontiguousarray(array), where)
    if data.ndim == 3 and data.shape[-1] == 1:
        data = data[..., 0]
    if data.ndim == 2:
        return Image.fromarray(data, mode="L")
    return Image.fromarray(data, mode="RGB" if data.shape[-1] == 3 else "RGBA")


def _on_white(image: Image.Image) -> Image.Image:
    rgba = image.convert("RGBA")
    background = Image.new("RGBA", rgba.size, _WHITE + (255,))
    return Image.alpha_composite(background, rgba).convert("RGB")


def _to_rgb(image: Image.Image, where: str) -> Image.Image:
    """Convert any supported mode to RGB: alpha onto white, 16-bit and float scaled to 8 bits."""
    mode = image.mode
    if mode == "RGB":
        return image
    if mode in _ALPHA_MODES or (mode == "P" and "transparency" in image.info):
        return _on_white(image)
    if mode in _SIXTEEN_BIT_MODES:
        values = np.asarray(image).astype(np.int64)
        if values.min() < 0 or values.max() > 65535:
            raise ValueError(f"{where} has mode {mode} with values outside 0..65535")
        return Image.fromarray((values // 257).astype(np.uint8), mode="L").convert("RGB")
    if mode == "F":
        return Image.fromarray(_array_to_uint8(np.asarray(image), where), mode="L").convert("RGB")
    try:
        return image.convert("RGB")
    except (ValueError, OSError) as error:
        raise ValueError(f"{where} has mode {mode!r}, which cannot be converted to RGB") from error
