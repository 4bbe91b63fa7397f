"""The course environment: `setup()` for the first cell of every lesson, `doctor()` for repairs.

Introduced in notebooks/00_welcome.ipynb. Neither function is imported by `import mmlab`; both
load on first use, and `setup()` is the first place torch is imported.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import random
import socket
import sys
import threading
from dataclasses import dataclass
from urllib.parse import urlparse

from mmlab.paths import models_dir, toyworld_dir

HUB_HOST = "huggingface.co"


@dataclass(frozen=True)
class Environment:
    """What `setup()` chose: the seed, the torch device name, whether the hub is offline and
    how many CPU threads torch and numpy use."""

    seed: int
    device: str
    offline: bool
    threads: int = 1


def hub_reachable(timeout: float = 2.0) -> bool:
    """Return True when a TCP connection to the model hub opens within `timeout` seconds.

    The hub is $HF_ENDPOINT (default https://huggingface.co), read from the environment so that
    huggingface_hub is not imported before offline mode is decided. With an HTTPS proxy set, the
    proxy is trusted to reach it. The name lookup runs in a daemon thread so that a hanging DNS
    server cannot stall a lesson. Used by `setup()` and by `mmlab.load_model`.
    """
    if any(os.environ.get(v) for v in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")):
        return True
    url = urlparse(os.environ.get("HF_ENDPOINT") or f"https://{HUB_HOST}")
    port = url.port or (443 if url.scheme == "https" else 80)
    result: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection((url.hostname, port), timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout + 0.5)
    return bool(result and result[0])


def _switched_on(variable: str) -> bool:
    return os.environ.get(variable, "").strip().lower() in {"1", "true", "yes", "on"}


def choose_offline() -> tuple[bool, str]:
    """Decide offline mode before transformers is imported; return (offline, reason)."""
    if _switched_on("HF_HUB_OFFLINE"):
        return True, "HF_HUB_OFFLINE is set"
    if hub_reachable():
        return False, f"{HUB_HOST} is reachable"
    return True, f"{HUB_HOST} is unreachable"


def choose_device(device: str | None = None, allow_mps: bool = False) -> str:
    """Return "cuda" when a GPU is present, else "cpu"; Apple "mps" only when allow_mps=True.

    An explicit `device` is checked and returned as given.
    """
    import torch

    if device is not None:
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise ValueError(f"device={device!r} was asked for but no CUDA GPU is visible")
        if device == "mps" and not torch.backends.mps.is_available():
            raise ValueError("device='mps' was asked for but Apple MPS is not available")
        if device.split(":")[0] not in {"cpu", "cuda", "mps"}:
            raise ValueError(f"unknown device {device!r}; use 'cpu', 'cuda', 'cuda:N' or 'mps'")
        return device
    if torch.cuda.is_available():
        return "cuda"
    if allow_mps and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def choose_threads(threads: int | None = None) -> int:
    """Return the CPU thread count for torch and numpy: `threads`, else $MMLAB_THREADS, else 1.

    One thread is the default because the toy models are too small to share work well, and a
    thread pool sized to every core stalls whenever another program (a browser, a second
    notebook) takes one of them: benchmarks/bench_lessons.py measures a lesson idle and beside a
    busy core, and benchmarks/bench_threads.py a training step at each thread count.
    """
    if threads is None:
        text = os.environ.get("MMLAB_THREADS", "").strip()
        try:
            threads = int(text) if text else 1
        except ValueError:
            raise ValueError(f"MMLAB_THREADS={text!r} is not a whole number of threads") from None
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads must be an int >= 1, got {threads!r}")
    return threads


def setup(
    seed: int = 0, device: str | None = None, allow_mps: bool = False, threads: int | None = None
) -> Environment:
    """Prepare a lesson: offline mode, seeds, device, CPU threads, denormal flushing. One
    printed line each.

    Introduced in notebooks/00_welcome.ipynb. Call it in the first cell, before anything imports
    transformers, so that offline mode can still take effect. `threads`: see `choose_threads`.
    Returns an `Environment`.
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    n_threads = choose_threads(threads)
    already_offline = _switched_on("HF_HUB_OFFLINE")  # e.g. by an earlier setup()
    offline, reason = choose_offline()
    late = [name for name in ("transformers", "huggingface_hub") if name in sys.modules]
    if offline:
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
    mode = "offline" if offline else "online"
    # Only a switch to offline that comes after the import is too late; a second call is not.
    too_late = late and offline and not already_offline
    note = (
        f" (too late for already-imported {', '.join(late)}: restart the kernel)"
        if too_late
        else ""
    )
    print(f"hub:     {mode} — {reason}{note}")

    import numpy as np
    import torch
    from threadpoolctl import threadpool_limits

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    print(f"seed:    {seed} (python, numpy, torch)")

    chosen = choose_device(device, allow_mps)
    print(f"device:  {chosen} (torch {torch.__version__})")

    torch.set_num_threads(n_threads)
    threadpool_limits(n_threads)  # numpy's BLAS (and any OpenMP pool) as well
    print(
        f"threads: {n_threads} for torch and numpy (setup(threads=...) or MMLAB_THREADS to change)"
    )

    torch.set_flush_denormal(True)
    print("numbers: denormals flushed to zero (tiny random models stay fast on CPU)")

    from mmlab.plots import use_course_renderer

    print(f"figures: plotly renderer {use_course_renderer()!r} (JupyterLab and exported HTML)")
    return Environment(seed=seed, device=chosen, offline=offline, threads=n_threads)


# (distribution name, import name) for every dependency the course needs.
DEPENDENCIES = [
    ("torch", "torch"),
    ("transformers", "transformers"),
    ("tokenizers", "tokenizers"),
    ("safetensors", "safetensors"),
    ("numpy", "numpy"),
    ("scikit-learn", "sklearn"),
    ("umap-learn", "umap"),
    ("plotly", "plotly"),
    ("pillow", "PIL"),
    ("tqdm", "tqdm"),
    ("ipywidgets", "ipywidgets"),
    ("jupyterlab", "jupyterlab"),
    ("qdrant-client", "qdrant_client"),  # lesson 08
    ("qdrant-edge-py", "qdrant_edge"),  # lesson 08
]
CHECKPOINT_FILES = ["config.json", "model.safetensors", "tokenizer.json", "README.md"]


def check_dependencies() -> list[tuple[bool, str, str]]:
    """Return (ok, what, fix) for each dependency: installed and importable."""
    rows = []
    for dist, module in DEPENDENCIES:
        fix = "run `make lab` (or `pip install -c constraints.txt -e .`) in the course folder"
        try:
            version = importlib.metadata.version(dist)
            importlib.import_module(module)
            rows.append((True, f"{dist} {version}", ""))
        except Exception as error:  # any failure here is what the doctor reports
            rows.append((False, f"{dist}: {type(error).__name__}: {error}", fix))
    return rows


def check_data() -> list[tuple[bool, str, str]]:
    """Return (ok, what, fix) for the shipped toy-world sets and each embedded checkpoint."""
    rows = []
    regen = "regenerate with `python scripts/make_toyworld_data.py`, or restore data/ from git"
    sets = sorted(p for p in toyworld_dir().glob("*") if p.is_dir())
    if not sets:
        rows.append((False, f"toy-world sets: none in {toyworld_dir()}", regen))
    for folder in sets:
        rows.append((True, f"toy-world set {folder.name}", ""))
    checkpoints = sorted(p for p in models_dir().glob("*") if p.is_dir())
    if not checkpoints:
        rows.append((False, f"checkpoints: none in {models_dir()}", "restore data/ from git"))
    for folder in checkpoints:
        missing = [name for name in CHECKPOINT_FILES if not (folder / name).is_file()]
        if missing:
            fix = f"rebuild it: `python -m mmlab.training --config {folder.name} --out {folder}`"
            rows.append((False, f"checkpoint {folder.name}: missing {', '.join(missing)}", fix))
        else:
            rows.append((True, f"checkpoint {folder.name}", ""))
    return rows


def doctor() -> int:
    """Print [OK]/[FAIL] per dependency, data set and checkpoint, with a fix for each failure.

    Run it as `python -m mmlab doctor`. Returns the number of failures (the exit status).
    """
    print(f"python {sys.version.split()[0]} at {sys.executable}")
    failures = 0
    for ok, what, fix in check_dependencies() + check_data():
        print(f"[{'OK' if ok else 'FAIL'}] {what}")
        if not ok:
            failures += 1
            print(f"       fix: {fix}")
    print("all good" if failures == 0 else f"{failures} problem(s) found")
    return failures


def warm_umap_cache(points: int = 300, seed: int = 0) -> float:
    """Fit one small UMAP so that numba compiles and caches umap-learn's kernels on disk.

    `make setup` runs this once (`python -m mmlab warm`): the first UMAP in a fresh environment
    otherwise spends half a minute compiling inside notebooks/03_shared_space_map.ipynb.
    Returns the seconds it took.
    """
    import time
    import warnings

    import numpy as np

    start = time.perf_counter()
    import umap

    data = np.random.default_rng(seed).normal(size=(points, 16)).astype(np.float32)  # as embeddings
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*n_jobs value 1 overridden.*")
        umap.UMAP(n_neighbors=15, metric="cosine", random_state=seed).fit_transform(data)
    return time.perf_counter() - start
