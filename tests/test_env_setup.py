"""mmlab.setup(): thread counts for torch and numpy, and what a second call prints.

Each case runs in a fresh interpreter: setup changes process-wide state (threads, offline mode).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mmlab.env import choose_threads

PROBE = """
import mmlab, torch
from threadpoolctl import threadpool_info
mmlab.setup(seed=0)
print("torch", torch.get_num_threads())
print("blas", sorted({pool["num_threads"] for pool in threadpool_info()}))
import transformers  # as loading a model does, between two runs of the setup cell
mmlab.setup(seed=0)
"""


def run_probe(**env: str) -> str:
    environment = {key: value for key, value in os.environ.items() if key != "MMLAB_THREADS"}
    environment.update(HF_HUB_OFFLINE="1", **env)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=environment, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_one_thread_by_default_for_torch_and_numpy():
    out = run_probe()
    assert "threads: 1 for torch and numpy" in out
    assert "torch 1" in out and "blas [1]" in out


def test_the_thread_count_can_be_chosen_from_the_environment():
    out = run_probe(MMLAB_THREADS="2")
    assert "threads: 2" in out and "torch 2" in out


def test_a_second_setup_is_not_too_late_when_offline_was_already_on():
    # The first call imports transformers after switching offline; the second must not claim
    # it came too late (it used to say "restart the kernel").
    out = run_probe()
    assert out.count("hub:     offline") == 2
    assert "too late" not in out


@pytest.mark.parametrize(
    ("value", "needle"), [(0, "int >= 1"), (True, "int >= 1"), (1.5, "int >= 1")]
)
def test_bad_thread_counts_are_refused(value, needle):
    with pytest.raises(ValueError, match=needle):
        choose_threads(value)


def test_a_bad_environment_value_is_named(monkeypatch):
    monkeypatch.setenv("MMLAB_THREADS", "many")
    with pytest.raises(ValueError, match="MMLAB_THREADS='many'"):
        choose_threads()


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
