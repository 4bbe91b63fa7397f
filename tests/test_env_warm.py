"""`python -m mmlab warm`: set-up compiles UMAP's kernels once, so lesson 03 starts quickly."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_warm_command_fits_a_small_umap_and_reports_its_time():
    done = subprocess.run(
        [sys.executable, "-m", "mmlab", "warm"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("UMAP kernels compiled and cached in ")
    assert float(done.stdout.split(" in ")[1].split()[0]) > 0


def test_setup_runs_the_warm_command_before_marking_the_environment_ready():
    recipe = (ROOT / "Makefile").read_text().split("$(STAMP): pyproject.toml constraints.txt")[1]
    recipe = recipe.split("\n\n")[0]
    assert recipe.index("-m mmlab warm") < recipe.index("touch $(STAMP)")
