"""A JupyterLab server for the browser test: 127.0.0.1 only, a free port, a random token, its own
settings, workspace and runtime folders, stopped (kernels first) by `stop()`."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

# Settings of the test's own (temporary) user: all cells stay in the page so that the checks can
# measure every output, and no news or update check reaches for the network. Widget state saving
# is *not* set here: it must come from the override the course installs (jupyter/overrides.json).
TEST_USER_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


# The debugger panel is not part of the course, and shutting a kernel down seconds after it
# started (as the test does, twice per lesson) makes it log "Could not restore the debugger
# state" while it is still asking the kernel; the test's JupyterLab runs without it.
TEST_PAGE_CONFIG = {"disabledExtensions": {"@jupyterlab/debugger-extension": True}}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LabServer:
    """`LabServer(root, scratch, env)` starts `jupyter lab` serving `root`; `.url`, `.token`."""

    def __init__(self, root: Path, scratch: Path, env: dict[str, str]):
        self.root, self.port, self.token = root, free_port(), secrets.token_hex(16)
        settings = scratch / "settings"
        for name, values in TEST_USER_SETTINGS.items():
            (settings / name).parent.mkdir(parents=True, exist_ok=True)
            (settings / name).write_text(json.dumps(values))
        config = scratch / "config"
        (config / "labconfig").mkdir(parents=True, exist_ok=True)
        (config / "labconfig" / "page_config.json").write_text(json.dumps(TEST_PAGE_CONFIG))
        self.log = scratch / "jupyterlab.log"
        command = [
            str(Path(sys.executable).with_name("jupyter-lab")), "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]  # fmt: skip
        if hasattr(os, "getuid") and os.getuid() == 0:
            command.append("--allow-root")
        env = {
            **env,
            "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(scratch / "workspaces"),
            "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
            "JUPYTER_CONFIG_DIR": str(config),
        }
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root
            )
        self.url = f"http://127.0.0.1:{self.port}"
        self._wait_ready()

    def api(self, path: str, method: str = "GET") -> object:
        """Call the server's REST API; return the decoded JSON (None for an empty reply)."""
        request = urllib.request.Request(
            f"{self.url}/api/{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as reply:
            body = reply.read()
        return json.loads(body) if body else None

    def _wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited; its log:\n{self.log.read_text()[-3000:]}")
            try:
                self.api("status")
                return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"jupyter lab did not answer in {timeout:.0f} s; log in {self.log}")

    def kernels(self) -> list[dict]:
        return list(self.api("kernels"))

    def stop(self) -> None:
        """Shut down every kernel, then the server; kill it if it has not exited in 30 s."""
        if self.process.poll() is None:
            try:
                for kernel in self.kernels():
                    self.api(f"kernels/{kernel['id']}", method="DELETE")
                self.api("shutdown", method="POST")
            except OSError:
                pass
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def browser_missing() -> str | None:
    """None when playwright and a system Chromium are installed, else one line saying how."""
    how = (
        "browser test skipped: run `apt-get install chromium` (or set MMLAB_CHROMIUM) and "
        "`pip install -c constraints.txt -e '.[dev]'` to enable it"
    )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return how
    return None if chromium_path() else how


def chromium_path() -> str | None:
    """The system Chromium: $MMLAB_CHROMIUM, else chromium / chromium-browser on the PATH."""
    chosen = os.environ.get("MMLAB_CHROMIUM")
    if chosen:
        return chosen if Path(chosen).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")
