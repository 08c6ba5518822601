"""The simulator's modules import each other in layers: no cycle among module-level imports.

Each module of sim/ is read with `ast`; an import at its top level (not inside a function, not
under `if TYPE_CHECKING:`) is an edge to the module it loads, and to the packages above that
module, whose `__init__` runs first. A cycle among those edges would make what a module sees at
import time depend on which module was imported first. Claims: none (structure only).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "sim"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def top_level_imports(tree: ast.Module, name: str, is_package: bool) -> set[str]:
    """Modules named by the imports a module runs when it is imported."""
    found: set[str] = set()
    here = name if is_package else name.rpartition(".")[0]
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            pending.extend(node.orelse)
        elif isinstance(node, ast.If | ast.Try | ast.With):
            for block in ("body", "orelse", "finalbody", "handlers"):
                pending.extend(getattr(node, block, []))
        elif isinstance(node, ast.ExceptHandler):
            pending.extend(node.body)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here.split(".")[: len(here.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules of sim/ its top-level imports load (with their packages)."""
    paths = {module_name(p): p for p in (ROOT / PACKAGE).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        edges = set()
        for target in top_level_imports(tree, name, path.name == "__init__.py"):
            parts = target.split(".")
            edges.update(".".join(parts[:k]) for k in range(1, len(parts) + 1))
        graph[name] = {e for e in edges if e in paths and e != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_of_the_simulator_imports_itself_back_at_import_time():
    graph = import_graph()
    assert "sim.scenario" in graph and "sim.languages" in graph["sim.scenario"]
    assert cycles(graph) == []


def test_the_scan_finds_a_cycle_and_ignores_lazy_and_type_checking_imports():
    code = {
        "sim.a": "from sim import b\n",
        "sim.b": "import sim.c\nif TYPE_CHECKING:\n    from sim import d\n",
        "sim.c": "def f():\n    from sim.a import x\n"
        "try:\n    from sim.a import y\nexcept ImportError:\n    pass\n",
        "sim.d": "from sim.a import z\n",
    }
    graph = {
        name: {t for t in top_level_imports(ast.parse(src), name, False) if t in code}
        for name, src in code.items()
    }
    assert graph == {"sim.a": {"sim.b"}, "sim.b": {"sim.c"}, "sim.c": {"sim.a"}, "sim.d": {"sim.a"}}
    assert cycles(graph) == [["sim.a", "sim.b", "sim.c"]]


def test_configuration_sits_below_the_reports_and_the_experiments():
    """Reading a scenario loads neither the report's text nor an experiment module."""
    graph = import_graph()
    below, seen = ["sim.scenario"], set()
    while below:
        name = below.pop()
        if name not in seen:
            seen.add(name)
            below.extend(graph[name])
    assert not {n for n in seen if n.startswith(("sim.report", "sim.experiments", "sim.app"))}
