"""Where mmlab finds its shipped data: the toy evaluation sets and the embedded checkpoints.

The data/ folder sits next to the mmlab/ package in a clone (the course installs itself with
`pip install -e .`). Set the environment variable MMLAB_DATA to use a copy elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """Return the folder holding toyworld/ and models/ (MMLAB_DATA, else <clone>/data)."""
    override = os.environ.get("MMLAB_DATA")
    return Path(override).expanduser().resolve() if override else REPO_ROOT / "data"


def models_dir() -> Path:
    """Return the folder of the embedded Hugging Face checkpoints, one sub-folder per model."""
    return data_dir() / "models"


def toyworld_dir() -> Path:
    """Return the folder of the shipped toy-world evaluation and probe sets."""
    return data_dir() / "toyworld"
