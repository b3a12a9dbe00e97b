"""The layers cannot tangle: no cycle between sub-packages, deferred imports included.

import-linter (``lint-imports`` in scripts/test) checks the layer order written in
pyproject.toml; this test reads every module with :mod:`ast` so that no import can hide from
it: top-level, inside a function, or under ``if TYPE_CHECKING``. Each import is mapped to the
sub-package it lands in (``respite.movements.service`` -> ``movements``; a top-level module
such as ``respite.errors`` is its own node). ``storage.migrations`` is a node of its own: Alembic
runs it, nothing imports it, and it sees every domain's tables (an entry point, like the CLI).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import respite

SOURCE = Path(respite.__file__).parent
Graph = dict[str, set[str]]


def _modules() -> dict[str, Path]:
    found = {}
    for path in SOURCE.rglob("*.py"):
        if "node_modules" in path.parts:
            continue
        parts = ["respite", *path.relative_to(SOURCE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    hidden: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for statement in node.body:
                hidden.update(id(inner) for inner in ast.walk(statement))
    return hidden


def _imports(name: str, *, type_only: bool) -> Iterator[str]:
    """The respite modules ``name`` imports (a ``from p import m`` of a module counts as m)."""
    path = MODULES[name]
    tree = ast.parse(path.read_text("utf-8"))
    hidden = set() if type_only else _type_checking_nodes(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                for alias in node.names
            ]
        for imported in targets:
            target = imported
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target.startswith("respite.") and target != name:
                yield target


def _node(module: str) -> str:
    parts = module.split(".")[1:]
    if parts[:2] == ["storage", "migrations"]:
        return "storage.migrations"
    return parts[0] if parts else "respite"


def _strongly_connected(graph: Graph) -> list[list[str]]:
    """Tarjan's algorithm (iterative): the groups of nodes that reach each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                groups.append(sorted(group))
    return [group for group in groups if len(group) > 1]


def _package_graph() -> tuple[Graph, dict[tuple[str, str], list[str]]]:
    graph: Graph = defaultdict(set)
    where: dict[tuple[str, str], list[str]] = defaultdict(list)
    for module in MODULES:
        for target in _imports(module, type_only=True):
            a, b = _node(module), _node(target)
            if a != b and a != "respite":
                graph[a].add(b)
                where[(a, b)].append(f"{module} -> {target}")
    return graph, where


def test_tarjan_finds_a_cycle_and_only_a_cycle() -> None:
    graph: Graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _strongly_connected(graph) == [["a", "b", "c"]]
    assert _strongly_connected({"a": {"b"}, "b": set()}) == []


def test_the_reader_sees_deferred_and_type_only_imports() -> None:
    assert "respite.api.commands" in set(_imports("respite.cli", type_only=True))  # in a function
    runtime = set(_imports("respite.compliance.report.events", type_only=False))
    everything = set(_imports("respite.compliance.report.events", type_only=True))
    assert "respite.compliance.windows" in everything - runtime  # under TYPE_CHECKING


def test_no_cycle_between_sub_packages() -> None:
    graph, where = _package_graph()
    cycles = _strongly_connected(graph)
    detail = {
        " <-> ".join(group): [
            line for a in group for b in group for line in where.get((a, b), [])[:3]
        ]
        for group in cycles
    }
    assert detail == {}


def test_no_import_cycle_between_modules_at_run_time() -> None:
    # Within a sub-package too, no module may need another that needs it back when it runs
    # (type-only imports excepted: they do not run, and mypy resolves them).
    graph: Graph = {module: set(_imports(module, type_only=False)) for module in MODULES}
    # A package's __init__ re-exports its modules, which import their siblings by full name:
    # that edge points into the package's own face, not back into a module.
    for module, targets in graph.items():
        graph[module] = {t for t in targets if not module.startswith(t + ".")}
    assert _strongly_connected(graph) == []


DOMAINS = ("pauses", "accounts", "movements", "sites", "incidents")
SHAPE = ("model.py", "tables.py", "service.py", "views.py", "commands.py")


def test_every_domain_has_the_same_shape() -> None:
    missing = [f"{d}/{name}" for d in DOMAINS for name in SHAPE if not (SOURCE / d / name).exists()]
    assert missing == []


def test_every_domains_tables_are_registered_for_the_migrations() -> None:
    registry = set(_imports("respite.storage.migrations.registry", type_only=True))
    tables = {m for m in MODULES if m.endswith(".tables") and m.count(".") == 2}
    assert tables <= registry
