"""`import mmlab` stays cheap: the heavy libraries load only when a function needs them."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ["torch", "transformers", "umap", "plotly", "sklearn"]


def modules_after(statement: str) -> set[str]:
    code = f"{statement}\nimport sys\nprint(' '.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize(
    "statement", ["import mmlab", "import mmlab.toyworld", "import mmlab.exercises"]
)
def test_no_heavy_import(statement):
    loaded = modules_after(statement)
    assert not [name for name in HEAVY if name in loaded], statement


def test_lazy_attribute_loads_its_module():
    loaded = modules_after("import mmlab\nmmlab.setup")
    assert "mmlab.env" in loaded and "torch" not in loaded


def test_unknown_attribute_is_a_clear_error():
    import mmlab

    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        mmlab.nope  # noqa: B018
