"""The course map, read from the lessons themselves: one place for each lesson's title, what it
does and its time. Introduced in notebooks/00_welcome.ipynb, which shows the map; the README's
course map is checked against it by tests/test_course.py.

A lesson's minutes come from its time budget (notebook metadata `"mmlab": {"budget_s": 60}`),
rounded up to whole minutes; what it does comes from `"mmlab": {"summary": "..."}`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from mmlab.paths import REPO_ROOT

NOTEBOOKS_DIR = REPO_ROOT / "notebooks"


@dataclass(frozen=True)
class Lesson:
    """One lesson: its file name, title (first heading), summary and minutes on a laptop CPU."""

    file: str
    title: str
    summary: str
    minutes: int


def read_lesson(path: Path) -> Lesson:
    """Read one lesson's title, summary and minutes from its notebook file."""
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    settings = notebook.get("metadata", {}).get("mmlab", {})
    if "budget_s" not in settings:
        raise ValueError(f"{Path(path).name}: metadata has no mmlab.budget_s")
    first = "".join(notebook["cells"][0]["source"]).splitlines()[0] if notebook["cells"] else ""
    title = first.lstrip("# ").split("·", 1)[-1].strip()
    minutes = max(1, math.ceil(float(settings["budget_s"]) / 60))
    return Lesson(Path(path).name, title, settings.get("summary", ""), minutes)


def lessons(folder: Path = NOTEBOOKS_DIR) -> list[Lesson]:
    """Every lesson in `folder` (NN_name.ipynb), in order."""
    return [read_lesson(path) for path in sorted(Path(folder).glob("[0-9][0-9]_*.ipynb"))]


def course_map(folder: Path = NOTEBOOKS_DIR) -> str:
    """The course map as a Markdown table (display it with IPython.display.Markdown)."""
    rows = [
        f"| `{lesson.file}` | {lesson.title} | {lesson.summary} | {lesson.minutes} |"
        for lesson in lessons(folder)
    ]
    header = "| Notebook | Lesson | What you do | Minutes |\n|---|---|---|---|\n"
    return header + "\n".join(rows)
