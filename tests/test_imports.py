"""The modules of frontlines import one another in one direction: no cycle, lazy or not."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "frontlines"


def _units() -> dict[str, list[Path]]:
    """Each top-level module, and each sub-package as one unit with all its files."""
    units = {p.stem: [p] for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    for sub in PACKAGE.iterdir():
        if sub.is_dir() and (sub / "__init__.py").is_file():
            units[sub.name] = sorted(sub.rglob("*.py"))
    return units


def import_graph() -> dict[str, set[str]]:
    """unit -> the units it imports anywhere (module level or inside functions)."""
    units = _units()
    graph: dict[str, set[str]] = {name: set() for name in units}
    for name, files in units.items():
        for file in files:
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                targets: list[str] = []
                if isinstance(node, ast.ImportFrom) and node.module:
                    parts = node.module.split(".")
                    if parts[0] == "frontlines" and node.level == 0:
                        targets = parts[1:2] or [a.name for a in node.names]
                elif isinstance(node, ast.Import):
                    targets = [a.name.split(".")[1] for a in node.names if a.name.count(".")]
                graph[name] |= {t for t in targets if t in units and t != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                cycle = visit(nxt, [*path, nxt])
                if cycle:
                    return cycle
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start, [start])
            if cycle:
                return cycle
    return None


def test_find_cycle_sees_a_lazy_circle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle():
    graph = import_graph()
    assert {"claims", "evaluate", "pipeline"} <= set(graph)
    assert "evaluate" not in graph["claims"] and "pipeline" not in graph["claims"]
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])
