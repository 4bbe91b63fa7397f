"""The course map has one source, the lessons' own metadata: the README's map and lesson 00's
(which is computed) must agree with it."""

from __future__ import annotations

import json
import re

import pytest

from mmlab.course import NOTEBOOKS_DIR, course_map, lessons, read_lesson
from mmlab.paths import REPO_ROOT


def readme_rows() -> dict[str, tuple[str, int]]:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    found = re.findall(r"^\| `(\d\d_\w+\.ipynb)` \| (.+?) \| (\d+) \|$", text, re.M)
    return {name: (summary, int(minutes)) for name, summary, minutes in found}


def test_the_readme_map_lists_every_lesson_with_its_own_minutes_and_summary():
    rows = readme_rows()
    assert sorted(rows) == [lesson.file for lesson in lessons()]
    for lesson in lessons():
        summary, minutes = rows[lesson.file]
        assert minutes == lesson.minutes, f"{lesson.file}: README says {minutes} min"
        if lesson.summary:
            assert summary == lesson.summary, f"{lesson.file}: README and metadata differ"


def test_lesson_00_shows_the_computed_map_and_no_hand_written_one():
    cells = json.loads((NOTEBOOKS_DIR / "00_welcome.ipynb").read_text())["cells"]
    text = {kind: "".join("".join(c["source"]) for c in cells if c["cell_type"] == kind)
            for kind in ("markdown", "code")}  # fmt: skip
    assert "course_map()" in text["code"]
    assert (
        "| Minutes" not in text["markdown"] and "arrive as the course grows" not in text["markdown"]
    )
    assert "`02_contrastive_training.ipynb`" in course_map()


def test_minutes_come_from_the_budget_and_a_missing_budget_is_named(tmp_path):
    notebook = {"cells": [{"cell_type": "markdown", "source": ["# 09 · Nine"]}], "metadata": {}}
    path = tmp_path / "09_nine.ipynb"
    path.write_text(json.dumps(notebook))
    with pytest.raises(ValueError, match="09_nine.ipynb: metadata has no mmlab.budget_s"):
        read_lesson(path)
    notebook["metadata"]["mmlab"] = {"budget_s": 90}
    path.write_text(json.dumps(notebook))
    assert read_lesson(path).minutes == 2 and read_lesson(path).title == "Nine"
