"""`mmlab.setup()` run twice in one kernel (a learner re-running the first cell)."""

from __future__ import annotations

import subprocess
import sys


def test_rerunning_setup_does_not_claim_offline_mode_came_too_late():
    code = (
        "import mmlab, transformers\n"  # transformers imported before the first setup()
        "mmlab.setup(seed=0)\n"
        "print('---')\n"
        "mmlab.setup(seed=0)\n"
    )
    # The hub is made unreachable (a closed local port), so the first setup() turns offline on.
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "HF_ENDPOINT": "http://127.0.0.1:9"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    first, second = result.stdout.split("---")
    assert "too late" in first  # transformers came first: offline mode may not have reached it
    assert "too late" not in second  # offline mode was already on when it was imported again
    assert "plotly renderer 'plotly_mimetype+notebook'" in second
