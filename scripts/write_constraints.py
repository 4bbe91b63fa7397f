"""Print the exact versions installed in this environment as a pip constraints file.

Usage: python scripts/write_constraints.py > constraints.txt   (or: make constraints)
The local build tag of torch (2.13.0+cpu) is dropped so that the pin matches any build.
Lines for Python 3.10 (marked `; python_version < "3.11"`) are carried over from the current
constraints.txt, and the same packages' pins for this Python get the opposite marker: several
packages (numpy, scipy, scikit-learn, ipython, ...) no longer support 3.10 in their newest
releases. Those 3.10 pins were checked with `pip install --dry-run` on CPython 3.10.
"""

from __future__ import annotations

import importlib.metadata
import platform
from pathlib import Path

OLD_PYTHON = '; python_version < "3.11"'
NEW_PYTHON = '; python_version >= "3.11"'
HEADER = f"""# Exact versions the test suite passed on (CPython {platform.python_version()}, {platform.system()}).
# Installed with: pip install -c constraints.txt -e ".[dev]"  (pyproject.toml holds the ranges).
# Lines marked python_version < "3.11" are the newest releases that still support Python 3.10
# (resolution checked with pip --dry-run on 3.10; the test suite ran on the version above).
# Regenerate after a deliberate upgrade: make constraints"""


def pins() -> dict[str, str]:
    """Return {name: version} for every installed distribution except mmlab and pip."""
    found = {}
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if name is None or name.lower() in {"mmlab", "pip"}:
            continue
        found[name] = dist.version.split("+")[0]
    return found


def old_python_lines(path: Path = Path("constraints.txt")) -> list[str]:
    """Return the Python 3.10 lines of the existing constraints file."""
    if not path.exists():
        return []
    return [
        line.strip() for line in path.read_text().splitlines() if line.strip().endswith(OLD_PYTHON)
    ]


if __name__ == "__main__":
    old = old_python_lines()
    split = {line.split("==")[0].lower() for line in old}
    print(HEADER)
    for name, version in sorted(pins().items(), key=lambda item: item[0].lower()):
        print(f"{name}=={version}{NEW_PYTHON if name.lower() in split else ''}")
    print("\n".join(sorted(old, key=str.lower)))
