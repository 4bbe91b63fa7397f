"""Print the exact versions installed in this environment as a pip constraints file.

Usage: python scripts/write_constraints.py > constraints.txt   (or: make constraints)
The local build tag of torch (2.13.0+cpu) is dropped so that the pin matches any build.
"""

from __future__ import annotations

import importlib.metadata
import platform

HEADER = f"""# Exact versions the test suite passed on (CPython {platform.python_version()}, {platform.system()}).
# Installed with: pip install -c constraints.txt -e ".[dev]"  (pyproject.toml holds the ranges).
# Regenerate after a deliberate upgrade: make constraints"""


def pins() -> list[str]:
    """Return sorted 'name==version' lines for every installed distribution except mmlab."""
    lines = set()
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if name is None or name.lower() in {"mmlab", "pip"}:
            continue
        lines.add(f"{name}=={dist.version.split('+')[0]}")
    return sorted(lines, key=str.lower)


if __name__ == "__main__":
    print(HEADER)
    print("\n".join(pins()))
