"""No module of the integration imports itself back, directly or through others.

Every import between the package's modules counts, including those under ``TYPE_CHECKING``:
a cycle that only type checkers follow still means two modules each need the other to be
read, which is the tangle this test keeps out. Imports inside functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

from custom_components.fritzbox_remote_access import const

PACKAGE = Path(const.__file__).parent
ROOT = PACKAGE.name


def module_name(path: Path) -> str:
    """``tr064/client.py`` -> ``tr064.client``; a package is named by its folder, ours ``""``."""
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def resolve(module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    """Names of our modules that ``node`` in ``module`` imports."""
    if node.level:
        base = module.split(".") if module else []
        if not is_package:
            base = base[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = [*base, *(node.module.split(".") if node.module else [])]
    else:
        parts = (node.module or "").split(".")
        if ROOT not in parts:
            return []
        target = parts[parts.index(ROOT) + 1 :]
    prefix = ".".join(target)
    # "from . import x" and "from .tr064 import client" may name modules, not attributes.
    return [prefix] + [f"{prefix}.{alias.name}".lstrip(".") for alias in node.names]


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports."""
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(path) for path in paths}
    graph: dict[str, set[str]] = {}
    for path in paths:
        name = module_name(path)
        tree = ast.parse(path.read_text("utf-8"))
        edges: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                edges |= {
                    target
                    for target in resolve(name, path.name == "__init__.py", node)
                    if target in modules
                }
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split(".")
                    if ROOT in parts:
                        edges.add(".".join(parts[parts.index(ROOT) + 1 :]))
        edges.discard(name)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path that ends where it starts, or None."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        for target in sorted(graph.get(node, ())):
            if (cycle := visit(target, [*path, node])) is not None:
                return cycle
        done.add(node)
        return None

    for node in sorted(graph):
        if (cycle := visit(node, [])) is not None:
            return cycle
    return None


def test_finder_sees_a_cycle() -> None:
    """The check itself works: a planted cycle is found, a chain is not."""
    assert find_cycle({"errors": {"coordinator"}, "coordinator": {"errors"}}) == [
        "coordinator",
        "errors",
        "coordinator",
    ]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_graph_sees_the_imports() -> None:
    """The parser finds relative, nested and TYPE_CHECKING imports of real modules."""
    graph = import_graph()
    assert "coordinator" in graph[""]
    assert "errors" in graph["coordinator"]
    assert "coordinator" in graph["helpers"]  # only under TYPE_CHECKING
    assert "tr064.const" in graph["tr064.client"]


def test_no_import_cycle() -> None:
    """The integration package, the client included, has no import cycle."""
    assert find_cycle(import_graph()) is None
