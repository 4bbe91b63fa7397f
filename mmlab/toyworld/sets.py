"""The shipped fixed sets on disk: PNG images plus one captions.jsonl table per set.

Introduced in notebooks/01_shared_space.ipynb. `load("test")` returns a `ToySet` with
`.images` (PIL), `.captions` and `.factors`; probe sets also carry `.negatives` and `.kinds`.
Layout: data/toyworld/<set>/NNNN.png and data/toyworld/<set>/captions.jsonl.
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
    """Return the JSON row of one record (file name, captions, factors, full scene)."""
    return {
        "file": f"{index:04d}.png",
        "caption": record.caption,
        "negative": record.negative,
        "kind": record.kind,
        "factors": {**factors(record.scene), **record.extra},
        "scene": scene_to_dict(record.scene),
    }


def save(name: str, records: list[Record], root: Path, size: int = 64) -> Path:
    """Write one set under root/name: NNNN.png images and captions.jsonl. Returns the folder."""
    folder = Path(root) / name
    folder.mkdir(parents=True, exist_ok=True)
    images = render_array([r.scene for r in records], size)
    lines = []
    for i, record in enumerate(records):
        row = record_row(i, record)
        Image.fromarray(images[i], mode="RGB").save(folder / row["file"], format="PNG")
        lines.append(json.dumps(row, sort_keys=True, separators=(",", ":")))
    (folder / TABLE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def load(name: str, *, size: int | None = None, root: str | Path | None = None) -> ToySet:
    """Load a shipped set: "val", "test", "heldout", "singles", one per hard-negative kind
    ("attribute_swap", "relation_swap", "count_change", "negation", "typographic"),
    "winoground" (items 2i and 2i+1 form a quadruple), "ocr_sans" and "ocr_pixel".

    Introduced in notebooks/01_shared_space.ipynb. With `size`, images are rendered
    afresh from the stored scenes at that size (e.g. 224 for a real CLIP) instead of read
    from the 64 px PNGs.
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
        images = []
        for row in rows:
            with Image.open(folder / row["file"]) as image:
                images.append(image.convert("RGB"))
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
