"""Ingest a folder of pictures into a `MultiModalIndex`, incrementally.

Introduced in notebooks/08_vector_index.ipynb. Each file's id is a hash of its bytes
(`content_id`), so running the ingest again embeds only the files that are new, a file copied
under another name is stored once, and an ingest stopped halfway (a crash, Ctrl-C) resumes
where it stopped: every batch already upserted is found by its ids and skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mmlab.index.qdrant import MultiModalIndex
from mmlab.index.stamp import ModelStamp, content_id

if TYPE_CHECKING:
    from mmlab.index.pgvector import PgIndex

PICTURE_SUFFIXES = {".bmp", ".gif", ".jpeg", ".jpg", ".png", ".webp"}


@dataclass
class IngestReport:
    """What one ingest did: files seen, points added, files skipped as already stored, and
    files whose content duplicates another file's (same id, stored once)."""

    seen: int = 0
    added: int = 0
    already_stored: int = 0
    duplicates: list[tuple[str, str]] = field(default_factory=list)


def picture_files(folder: str | Path) -> list[Path]:
    """The picture files directly inside `folder`, sorted by name."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise ValueError(f"{str(folder)!r} is not a folder")
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in PICTURE_SUFFIXES)


def open_picture(path: Path) -> Any:
    """The picture at `path` as an RGB PIL image, or a ValueError naming the file."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as picture:
            return picture.convert("RGB")
    except (OSError, UnidentifiedImageError) as error:
        raise ValueError(f"cannot read the picture {str(path)!r}: {error}") from error


def ingest_folder(
    index: MultiModalIndex | PgIndex,
    encode_images: Callable[[list[Any]], Any],
    stamp: ModelStamp,
    folder: str | Path,
    batch_size: int = 64,
    progress: bool = True,
) -> IngestReport:
    """Embed and add the pictures in `folder` that the index does not hold yet.

    `index` is a `MultiModalIndex` (Qdrant) or a `PgIndex` (PostgreSQL); `encode_images` maps
    a list of PIL images to unit vectors (e.g. `model.encode_image`);
    `stamp` names that model. Files are hashed first, the ids already stored are skipped, the
    rest are read, embedded and upserted `batch_size` at a time (a tqdm bar if `progress`).
    Payload: the file's name. Returns an IngestReport.
    """
    from tqdm.auto import tqdm

    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be an int >= 1, got {batch_size!r}")
    index.stamp.require(stamp, f"ingesting into {index.collection!r}")
    report = IngestReport()
    first_file: dict[str, Path] = {}
    for path in picture_files(folder):
        report.seen += 1
        point_id = content_id(path.read_bytes())
        if point_id in first_file:
            report.duplicates.append((path.name, first_file[point_id].name))
        else:
            first_file[point_id] = path
    ids = list(first_file)
    stored: set[str] = set()
    for start in range(0, len(ids), 1000):
        stored |= index.existing(ids[start : start + 1000])
    report.already_stored = len(stored)
    todo = [i for i in ids if i not in stored]
    bar = tqdm(total=len(todo), desc="ingest", unit="file", disable=not progress)
    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        pictures = [open_picture(first_file[i]) for i in batch]
        vectors = encode_images(pictures)
        payloads = [{"name": first_file[i].name} for i in batch]
        report.added += index.add(batch, vectors, "image", stamp, payloads)
        bar.update(len(batch))
    bar.close()
    return report
