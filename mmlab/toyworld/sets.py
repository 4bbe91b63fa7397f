"""The shipped fixed sets on disk: one contact sheet of pictures plus one captions.jsonl table
per set.

Introduced in notebooks/01_shared_space.ipynb. `load("test")` returns a `ToySet` with
`.images` (PIL), `.captions` and `.factors`; probe sets also carry `.negatives` and `.kinds`.
Layout: data/toyworld/<set>/images.png (the pictures as tiles, COLUMNS to a row, in the table's
order: open it to see the whole set at once) and data/toyworld/<set>/captions.jsonl. One sheet
rather than a file per picture: thousands of 1-KB files took 14 MB of disk blocks for 4 MB of
pictures.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from mmlab.paths import toyworld_dir
from mmlab.toyworld.fixedsets import SET_NAMES, Record
from mmlab.toyworld.rendering import check_size, render, render_array
from mmlab.toyworld.scenes import Scene, factors, scene_from_dict, scene_to_dict

TABLE = "captions.jsonl"
SHEET = "images.png"
COLUMNS = 20  # tiles per row of a contact sheet


@dataclass
class ToySet:
    """A fixed toy-world set: images, captions, factors, and for probes negatives and kinds."""

    name: str
    images: list[Image.Image]
    captions: list[str]
    factors: list[dict]
    scenes: list[Scene]
    negatives: list[str | None]
    kinds: list[str | None]

    def __len__(self) -> int:
        return len(self.captions)

    def array(self) -> np.ndarray:
        """Return the images as one uint8 array (n, size, size, 3)."""
        return np.stack([np.asarray(image) for image in self.images])


def record_row(index: int, record: Record) -> dict:
    """Return the JSON row of one record (its tile on the sheet, captions, factors, full scene)."""
    return {
        "tile": index,
        "caption": record.caption,
        "negative": record.negative,
        "kind": record.kind,
        "factors": {**factors(record.scene), **record.extra},
        "scene": scene_to_dict(record.scene),
    }


def save(name: str, records: list[Record], root: Path, size: int = 64) -> Path:
    """Write one set under root/name: the contact sheet images.png and captions.jsonl. Returns
    the folder."""
    folder = Path(root) / name
    folder.mkdir(parents=True, exist_ok=True)
    images = render_array([r.scene for r in records], size)
    Image.fromarray(contact_sheet(images), mode="RGB").save(folder / SHEET, format="PNG")
    lines = [
        json.dumps(record_row(i, record), sort_keys=True, separators=(",", ":"))
        for i, record in enumerate(records)
    ]
    (folder / TABLE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def contact_sheet(images: np.ndarray) -> np.ndarray:
    """Return (n, size, size, 3) pictures laid out as tiles, COLUMNS to a row, left to right and
    top to bottom; the unused tiles of the last row are white."""
    n, size = len(images), images.shape[1]
    rows = -(-n // COLUMNS)
    sheet = np.full((rows, COLUMNS, size, size, 3), 255, dtype=np.uint8)
    sheet.reshape(rows * COLUMNS, size, size, 3)[:n] = images
    return sheet.transpose(0, 2, 1, 3, 4).reshape(rows * size, COLUMNS * size, 3)


def cut_sheet(sheet: np.ndarray, n: int, where: Path) -> list[Image.Image]:
    """Return the first `n` tiles of a contact sheet as PIL pictures. Raises ValueError naming
    the file `where` when the sheet's shape cannot hold n tiles COLUMNS to a row."""
    height, width = sheet.shape[:2]
    size, rows = width // COLUMNS, -(-n // COLUMNS)
    if size < 1 or width != size * COLUMNS or height != rows * size:
        raise ValueError(
            f"{where} is {width}x{height} px, not a sheet of {n} square tiles {COLUMNS} to a "
            "row; run `python scripts/make_toyworld_data.py` to regenerate it"
        )
    tiles = sheet.reshape(rows, size, COLUMNS, size, 3).transpose(0, 2, 1, 3, 4)
    return [Image.fromarray(tile) for tile in tiles.reshape(-1, size, size, 3)[:n]]


def load(name: str, *, size: int | None = None, root: str | Path | None = None) -> ToySet:
    """Load a shipped set: "val", "test", "heldout", "singles", one per hard-negative kind
    ("attribute_swap", "relation_swap", "count_change", "negation", "typographic"),
    "winoground" (items 2i and 2i+1 form a quadruple), "ocr_sans" and "ocr_pixel".

    Introduced in notebooks/01_shared_space.ipynb. With `size`, images are rendered
    afresh from the stored scenes at that size (e.g. 224 for a real CLIP) instead of cut
    from the 64 px contact sheet.
    """
    if name not in SET_NAMES:
        raise ValueError(f"unknown toy-world set {name!r}; allowed: {', '.join(SET_NAMES)}")
    folder = (Path(root) if root is not None else toyworld_dir()) / name
    table = folder / TABLE
    if not table.is_file():
        raise FileNotFoundError(
            f"{table} is missing; run `python scripts/make_toyworld_data.py` to regenerate it"
        )
    rows = [json.loads(line) for line in table.read_text(encoding="utf-8").splitlines() if line]
    scenes = [scene_from_dict(row["scene"]) for row in rows]
    if size is None:
        with Image.open(folder / SHEET) as sheet:
            images = cut_sheet(np.asarray(sheet.convert("RGB")), len(rows), folder / SHEET)
    else:
        size = check_size(size)
        images = [render(scene, size) for scene in scenes]
    return ToySet(
        name=name,
        images=images,
        captions=[row["caption"] for row in rows],
        factors=[row["factors"] for row in rows],
        scenes=scenes,
        negatives=[row["negative"] for row in rows],
        kinds=[row["kind"] for row in rows],
    )
