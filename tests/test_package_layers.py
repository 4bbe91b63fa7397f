"""The package's layers, read from the source with `ast`: mmlab.models never imports
mmlab.training (training builds on loading, not the reverse), and no import cycle runs anywhere
in mmlab (imports inside functions count too, so a deferred import cannot hide one)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "mmlab"


def module_name(path: Path) -> str:
    """Return the dotted name of a source file under mmlab/ (a package's __init__ is the package)."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, Path]:
    """Return every module of the mmlab package by dotted name."""
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """Return the mmlab modules that `path` imports anywhere in its body (relative imports
    resolved; `from a import b` counts as a.b when that is a module, otherwise as a)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in known else base)
    return {m for m in found if m == "mmlab" or m.startswith("mmlab.")}


def import_graph() -> dict[str, set[str]]:
    """Return module -> the mmlab modules it imports, for the whole package."""
    modules = all_modules()
    known = set(modules)
    return {name: imported_modules(path, known) & known for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]], within: set[str]) -> list[str] | None:
    """Return one import cycle among the modules `within` (as a list that closes on itself), or
    None when there is none."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node] & within):
            if state.get(nxt) == "open":
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = "done"
        return None

    for start in sorted(within):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def in_package(graph: dict[str, set[str]], prefix: str) -> set[str]:
    """Return the modules of `graph` that are `prefix` or lie under it."""
    return {name for name in graph if name == prefix or name.startswith(prefix + ".")}


def test_models_never_import_training():
    graph = import_graph()
    bad = {
        name: sorted(in_package(graph, "mmlab.training") & graph[name])
        for name in in_package(graph, "mmlab.models")
        if in_package(graph, "mmlab.training") & graph[name]
    }
    assert not bad, f"mmlab.models must not import mmlab.training: {bad}"


def test_no_import_cycle_in_the_package():
    graph = import_graph()
    cycle = find_cycle(graph, set(graph))
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_checks_see_a_cycle_and_a_wrong_way_import():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph, set(graph)) == ["a", "b", "c", "a"]
    assert find_cycle(graph, {"a", "b", "d"}) is None
    known = set(all_modules())
    found = imported_modules(PACKAGE / "training" / "loop.py", known)
    assert {"mmlab.models.toy_clip", "mmlab.training.configs"} <= found
    assert "mmlab.models.toy_clip" in imported_modules(PACKAGE / "models" / "embedder.py", known)


def test_training_runs_as_a_module():
    out = subprocess.run(
        [sys.executable, "-m", "mmlab.training", "--help"], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert "python -m mmlab.training" in out.stdout and "--config" in out.stdout
