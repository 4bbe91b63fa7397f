"""mmlab.models.images: every common mode, EXIF orientation, arrays, and bad files named."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mmlab.models import images
from mmlab.models.images import load_rgb, split_batch

RED = (200, 30, 40)


def pixel(image: Image.Image, xy=(0, 0)) -> tuple:
    assert image.mode == "RGB"
    return image.getpixel(xy)


def test_rgb_passes_through():
    assert pixel(load_rgb(Image.new("RGB", (4, 4), RED))) == RED


def test_rgba_transparency_goes_onto_white():
    image = Image.new("RGBA", (4, 4), RED + (0,))
    image.putpixel((1, 1), RED + (255,))
    rgb = load_rgb(image)
    assert pixel(rgb) == (255, 255, 255)
    assert pixel(rgb, (1, 1)) == RED


def test_half_transparent_black_la_becomes_mid_grey():
    grey = pixel(load_rgb(Image.new("LA", (2, 2), (0, 128))))
    assert grey[0] == grey[1] == grey[2] and 120 <= grey[0] <= 135


@pytest.mark.parametrize(
    ("mode", "value", "expected"),
    [
        ("L", 77, (77, 77, 77)),
        ("1", 1, (255, 255, 255)),
        ("CMYK", (0, 0, 0, 0), (255, 255, 255)),
        ("CMYK", (0, 255, 255, 0), (255, 0, 0)),
        ("I;16", 65535, (255, 255, 255)),
        ("I;16", 257 * 100, (100, 100, 100)),
        ("I", 257 * 40, (40, 40, 40)),
        ("F", 0.5, (128, 128, 128)),
    ],
)
def test_modes_are_converted_with_their_value_range(mode, value, expected):
    assert pixel(load_rgb(Image.new(mode, (3, 3), value))) == expected


def test_palette_with_and_without_transparency():
    palette = [*RED, 0, 0, 255] + [0] * 762
    plain = Image.new("P", (4, 4), 0)
    plain.putpalette(palette)
    assert pixel(load_rgb(plain)) == RED
    transparent = Image.new("P", (4, 4), 0)
    transparent.putpalette(palette)
    transparent.info["transparency"] = 0
    transparent.putpixel((1, 1), 1)
    rgb = load_rgb(transparent)
    assert pixel(rgb) == (255, 255, 255) and pixel(rgb, (1, 1)) == (0, 0, 255)


def test_sixteen_bit_png_file(tmp_path):
    path = tmp_path / "deep.png"
    Image.fromarray(np.full((4, 4), 257 * 200, dtype=np.uint16)).save(path)
    assert pixel(load_rgb(path)) == (200, 200, 200)
    assert pixel(load_rgb(str(path))) == (200, 200, 200)


def test_exif_orientation_is_honoured(tmp_path):
    image = Image.new("RGB", (20, 10), (255, 0, 0))
    image.paste((0, 0, 255), (10, 0, 20, 10))  # left red, right blue
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    path = tmp_path / "rotated.jpg"
    image.save(path, exif=exif, quality=95)
    shown = load_rgb(path)
    assert shown.size == (10, 20)
    top, bottom = np.asarray(shown)[2, 5], np.asarray(shown)[17, 5]
    assert top[0] > 200 and top[2] < 60  # the red left half is now on top
    assert bottom[2] > 200 and bottom[0] < 60


@pytest.mark.parametrize(
    ("array", "expected"),
    [
        (np.full((3, 3), 9, dtype=np.uint8), (9, 9, 9)),
        (np.full((3, 3, 1), 9, dtype=np.uint8), (9, 9, 9)),
        (np.full((3, 3, 3), 9, dtype=np.uint8), (9, 9, 9)),
        (np.full((3, 3, 4), 255, dtype=np.uint8), (255, 255, 255)),
        (np.full((3, 3, 3), 257 * 9, dtype=np.uint16), (9, 9, 9)),
        (np.ones((3, 3), dtype=bool), (255, 255, 255)),
        (np.full((3, 3, 3), 1.0, dtype=np.float32), (255, 255, 255)),
        (np.full((3, 3, 3), 9, dtype=np.int64), (9, 9, 9)),
    ],
)
def test_arrays_of_every_dtype(array, expected):
    assert pixel(load_rgb(array)) == expected


@pytest.mark.parametrize(
    ("array", "needle"),
    [
        (np.zeros((3, 32, 32), dtype=np.uint8), "channels first"),
        (np.zeros((4, 4, 3), dtype=np.float32) + 2.0, "[0, 1]"),
        (np.full((4, 4), np.nan, dtype=np.float32), "NaN"),
        (np.full((4, 4), 300, dtype=np.int32), "0..255"),
        (np.zeros((0, 4, 3), dtype=np.uint8), "no pixels"),
        (np.zeros((4, 4, 3), dtype=np.complex64), "dtype complex64"),
    ],
)
def test_bad_arrays_are_named(array, needle):
    with pytest.raises((ValueError, TypeError)) as info:
        load_rgb(array, index=7)
    assert "images[7]" in str(info.value) and needle in str(info.value)


def _png_header_only(path: Path, width: int, height: int) -> None:
    """A PNG whose header claims width x height; Pillow reads the size before any pixel."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    body = struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    data = zlib.compress(b"\x00" * 64)
    idat = b"IDAT" + data
    body += struct.pack(">I", len(data)) + idat + struct.pack(">I", zlib.crc32(idat))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + body)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.fixture
def good_png(tmp_path) -> Path:
    path = tmp_path / "good.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (64, 64, 3), np.uint8)).save(path)
    return path


@pytest.mark.parametrize(
    ("kind", "error", "needle"),
    [
        ("missing", FileNotFoundError, "no such file"),
        ("directory", ValueError, "is a directory"),
        ("empty", ValueError, "empty file"),
        ("text", ValueError, "not an image file"),
        ("truncated", ValueError, "corrupt or truncated"),
        ("bomb", ValueError, "decompression bomb"),
    ],
)
def test_bad_files_are_named_with_index_and_path(tmp_path, good_png, kind, error, needle):
    if kind == "missing":
        path = tmp_path / "nowhere.png"
    elif kind == "directory":
        path = tmp_path
    elif kind == "empty":
        path = _write(tmp_path, "empty.png", b"")
    elif kind == "text":
        path = _write(tmp_path, "notes.jpg", b"just some words, not a picture\n")
    elif kind == "truncated":
        path = _write(tmp_path, "cut.png", good_png.read_bytes()[:300])
    else:
        path = tmp_path / "bomb.png"
        _png_header_only(path, 100_000, 100_000)
    with pytest.raises(error) as info:
        load_rgb(path, index=3)
    assert f"images[3] ({path})" in str(info.value) and needle in str(info.value)


def test_pixel_limit_is_checked_before_decoding(tmp_path, good_png, monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 1000)
    with pytest.raises(ValueError, match="decompression bomb"):
        load_rgb(good_png, index=0)
    with pytest.raises(ValueError, match="decompression bomb"):
        load_rgb(Image.new("RGB", (40, 40)), index=0)


def test_split_batch_shapes_and_refusals():
    assert len(split_batch(np.zeros((5, 4, 4, 3), np.uint8))) == 5
    assert len(split_batch(np.zeros((4, 4, 3), np.uint8))) == 1
    assert len(split_batch("cat.png")) == 1
    assert len(split_batch((Image.new("RGB", (2, 2)),) * 2)) == 2
    with pytest.raises(ValueError, match="empty"):
        split_batch([])
    with pytest.raises(TypeError, match="None"):
        split_batch(None)
    with pytest.raises(TypeError, match="dict"):
        split_batch({"a": 1})
    with pytest.raises(TypeError, match=r"images\[1\] is a NoneType"):
        load_rgb(None, index=1)
