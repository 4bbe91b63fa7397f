"""The repository keeps its promises to newcomers: README, CI and lessons agree."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_ci_runs_the_readme_test_command():
    ci = [line for line in (ROOT / ".ci/run").read_text().splitlines() if line and line[0] != "#"]
    assert ci[-1].strip() == "make test"
    assert re.search(r"^make test\b", README, flags=re.MULTILINE)
    assert re.search(r"^make lab\b", README, flags=re.MULTILINE)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_lesson_is_on_the_course_map(path):
    assert f"`{path.name}`" in README, f"add {path.name} to the README's course map"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_lesson_starts_with_setup(path):
    cells = json.loads(path.read_text())["cells"]
    first_code = next(cell for cell in cells if cell["cell_type"] == "code")
    assert "mmlab.setup(seed=" in "".join(first_code["source"])


def test_constraints_pin_the_local_torch_build():
    pins = (ROOT / "constraints.txt").read_text().splitlines()
    assert "torch==2.13.0" in pins
    assert all("==" in line for line in pins if line and not line.startswith("#"))
