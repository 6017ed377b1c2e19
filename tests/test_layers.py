"""The package's layering, read from the source with ``ast`` (issue 14).

Imports point one way: core <- config/io <- evidence <- checks <- engine/decide <- render <- cli.
Every import counts, including those inside functions (they run at call time, which is still
runtime); only ``if TYPE_CHECKING:`` blocks are skipped. The test fails on any import cycle, on a
renderer importing a check or evidence module, on a check or evidence module importing a
renderer or the CLI, on ``core/`` importing anything of tuneready, on a module over 400 lines and
on more than six loose modules at the package's top level.
"""

from __future__ import annotations

import ast
from collections.abc import Collection
from pathlib import Path

import tuneready

ROOT = Path(tuneready.__file__).parent
PKG = "tuneready"
MAX_LINES = 400
MAX_LOOSE = 6

def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def import_nodes(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, outside ``if TYPE_CHECKING:`` blocks."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def resolve(base: str, known: set[str]) -> str | None:
    """The longest known module that ``base`` names or lies in (``a.b.attr`` -> ``a.b``)."""
    name = base
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(mod: str, path: Path, known: set[str]) -> set[str]:
    """The tuneready modules ``mod`` imports (a ``from pkg import sub`` names the submodule)."""
    is_pkg = path.name == "__init__.py"
    out: set[str] = set()
    for node in import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            if node.level:
                anchor = mod.split(".")
                anchor = anchor if is_pkg else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            # ``from pkg import sub`` imports the submodule; ``from mod import name`` the module
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        for target in targets:
            if target == PKG or target.startswith(PKG + "."):
                hit = resolve(target, known)
                if hit is not None and hit != mod:
                    out.add(hit)
    return out


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {mod: imports_of(mod, path, known) for mod, path in mods.items()}


def find_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    comp.append(top)
                    if top == node:
                        break
                if len(comp) > 1:
                    cycles.append(sorted(comp))
    return cycles


def layer(mod: str) -> str:
    parts = mod.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_cycle_finder_finds_a_planted_cycle() -> None:
    planted = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycles(planted) == [["a", "b", "c"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_graph_sees_function_level_and_relative_imports() -> None:
    edges = graph()
    # render/outputs.py imports its renderers inside a function
    assert "tuneready.render.html" in edges["tuneready.render.outputs"]
    # the CLI reads today's check declarations for an old audit inside a function
    assert "tuneready.checks" in edges["tuneready.cli.common"]


def test_no_import_cycle() -> None:
    assert find_cycles(graph()) == []


def forbidden(src_layers: set[str], dst_layers: set[str],
              allowed: Collection[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    """Imports from a module of ``src_layers`` into one of ``dst_layers``, less ``allowed``."""
    return sorted((mod, dst) for mod, dsts in graph().items() if layer(mod) in src_layers
                  for dst in dsts if layer(dst) in dst_layers and (mod, dst) not in allowed)


def test_render_does_not_import_checks_or_evidence() -> None:
    """No exception: renderers read what a check declared from the saved audit (2.1)."""
    assert forbidden({"render"}, {"checks", "evidence"}) == []


def test_checks_and_evidence_do_not_import_render_or_cli() -> None:
    assert forbidden({"checks", "evidence"}, {"render", "cli"}) == []


def test_core_imports_nothing_of_tuneready() -> None:
    assert forbidden({"core"}, set(map(layer, graph())) - {"core"}) == []


def test_no_module_over_400_lines() -> None:
    long = {mod: n for mod, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_few_loose_modules_at_the_top_level() -> None:
    loose = sorted(p.name for p in ROOT.glob("*.py"))
    assert len(loose) <= MAX_LOOSE, loose
