"""The shipped sets: contents, and bit-identical regeneration by scripts/make_toyworld_data.py."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mmlab import toyworld as tw
from mmlab.paths import toyworld_dir
from mmlab.toyworld.sets import COLUMNS, SHEET, TABLE, contact_sheet, cut_sheet

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "make_toyworld_data.py"
PROBE_KINDS = ("attribute_swap", "relation_swap", "count_change", "negation", "typographic")


def _pixel_hash(path: Path) -> str:
    with Image.open(path) as image:
        return hashlib.sha256(np.asarray(image.convert("RGB")).tobytes()).hexdigest()


def test_regenerated_files_match_the_shipped_ones(tmp_path):
    spec = importlib.util.spec_from_file_location("make_toyworld_data", SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.write_all(tmp_path, list(tw.SET_NAMES))
    shipped = toyworld_dir()
    fresh_files = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    shipped_files = sorted(p.relative_to(shipped) for p in shipped.rglob("*") if p.is_file())
    assert fresh_files == shipped_files
    for rel in fresh_files:
        if rel.suffix == ".png":
            # Pixels must match exactly; the compressed bytes also depend on the zlib build.
            assert _pixel_hash(tmp_path / rel) == _pixel_hash(shipped / rel), rel
        else:
            assert (tmp_path / rel).read_bytes() == (shipped / rel).read_bytes(), rel


@pytest.mark.parametrize("name", ["val", "test"])
def test_val_and_test_are_in_distribution_with_distinct_captions(name):
    split = tw.load(name)
    assert 400 <= len(split) <= 600
    assert len(set(split.captions)) == len(split)
    assert all(image.size == (64, 64) and image.mode == "RGB" for image in split.images)
    for scene, caption, factors in zip(split.scenes, split.captions, split.factors):
        assert not tw.is_held_out(scene)
        assert tw.caption(scene) == caption
        assert factors == tw.factors(scene)


def test_images_on_disk_are_the_rendered_scenes():
    split = tw.load("test")
    rendered = tw.render_array(split.scenes[:50])
    assert np.array_equal(split.array()[:50], rendered)
    bigger = tw.load("singles", size=128)
    assert bigger.images[0].size == (128, 128)


@pytest.mark.parametrize("kind", PROBE_KINDS)
def test_probe_sets_pair_true_and_false_captions(kind):
    probe = tw.load(kind)
    assert 100 <= len(probe) <= 400
    assert set(probe.kinds) == {kind}
    for scene, caption, negative in zip(probe.scenes, probe.captions, probe.negatives):
        assert caption != negative
        assert not tw.is_held_out(scene)
    if kind == "typographic":
        assert all(
            s.word is not None and s.word in n.split()
            for s, n in zip(probe.scenes, probe.negatives)
        )


def test_heldout_set_holds_only_held_out_compositions():
    heldout = tw.load("heldout")
    reasons = [tuple(f["held_out"]) for f in heldout.factors]
    assert all(reasons) and all(
        tw.held_out_reasons(s) == list(r) for s, r in zip(heldout.scenes, reasons)
    )
    seen = {r for rs in reasons for r in rs}
    assert {f"{c} {s}" for c, s in tw.HELD_OUT_PAIRS} | {"3 circles"} <= seen
    assert sum(c.startswith("three") and c.endswith("circles") for c in heldout.captions) >= 10


def test_singles_cover_every_colour_shape_pair():
    singles = tw.load("singles")
    pairs = {(f["objects"][0]["color"], f["objects"][0]["shape"]) for f in singles.factors}
    assert len(pairs) == len(tw.COLORS) * len(tw.SHAPES)
    assert all(len(c.split()) == 3 for c in singles.captions)  # "a red circle"


def test_ocr_sets_differ_only_in_font():
    sans, pixel = tw.load("ocr_sans"), tw.load("ocr_pixel")
    assert sans.captions == pixel.captions
    assert {s.font for s in sans.scenes} == {"sans"} and {s.font for s in pixel.scenes} == {"pixel"}
    assert [s.word for s in sans.scenes] == [s.word for s in pixel.scenes]
    assert set(s.word for s in sans.scenes) == set(tw.RENDERED_WORDS)
    assert all(not s.objects for s in sans.scenes)
    assert all(c == f"the word {s.word}" for s, c in zip(sans.scenes, sans.captions))


def test_tables_are_plain_jsonl():
    line = (toyworld_dir() / "test" / TABLE).read_text(encoding="utf-8").splitlines()[0]
    row = json.loads(line)
    assert {"tile", "caption", "factors", "scene"} <= set(row)


def test_unknown_set_and_missing_files(tmp_path):
    with pytest.raises(ValueError, match="unknown toy-world set 'train'.*allowed: val, test"):
        tw.load("train")
    with pytest.raises(FileNotFoundError, match="make_toyworld_data.py"):
        tw.load("test", root=tmp_path)


def test_a_sheet_that_cannot_hold_its_table_is_refused_by_path(tmp_path):
    folder = tmp_path / "test"
    folder.mkdir()
    shutil.copy(toyworld_dir() / "test" / TABLE, folder / TABLE)
    Image.new("RGB", (COLUMNS * 64, 64)).save(folder / SHEET)  # one row of tiles, not 25
    with pytest.raises(ValueError, match=r"test/images\.png is 1280x64 px, not a sheet of 500"):
        tw.load("test", root=tmp_path)


def test_the_contact_sheet_keeps_the_table_order():
    sheet = np.arange(23 * 2 * 2 * 3, dtype=np.uint8).reshape(23, 2, 2, 3)
    laid_out = contact_sheet(sheet)
    assert laid_out.shape == (2 * 2, COLUMNS * 2, 3)
    assert np.array_equal(laid_out[2:4, 4:6], sheet[22])  # tile 22: row 1, column 2
    assert (laid_out[2:4, 6:] == 255).all()  # the rest of the last row is blank
    cut = cut_sheet(laid_out, 23, Path("x.png"))
    assert all(np.array_equal(np.asarray(c), s) for c, s in zip(cut, sheet))
