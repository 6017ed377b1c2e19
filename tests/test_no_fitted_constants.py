"""No precision, recall or allowance fitted on our benchmark sets acts on a user's rows.

Issue 26: numbers fitted on the public sets (answer precisions, the label-noise allowance)
were shown and acted on as if measured on the user's data. What may act is measured on the
user's data (a review) or a requirement the user's policy states (``default.toml``: "remove
only at measured precision >= 0.9"). This test reads the source with ``ast`` and fails on:

- a name containing ``precision``, ``recall`` or ``allowance`` bound to a number (or to a
  collection holding numbers): a module constant, a class attribute, an assignment, a keyword
  argument's default or a dataclass field's default;
- a ``Precision(...)`` built with a literal value.

``ALLOWED`` lists the few such numbers that do not act on rows, each with the reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import tuneready

ROOT = Path(tuneready.__file__).parent
NAME = re.compile(r"precision|recall|allowance", re.IGNORECASE)
#: (module path relative to the package, name) -> why the number does not act on rows
ALLOWED: dict[tuple[str, str], str] = {
    ("evidence/review.py", "precision"):
        "a planning value for the review sample's size (0.5: the widest spread), not a claim "
        "about any row",
    ("checks/label_noise/tables.py", "recall"):
        "a planning value for the review sample's size when no probe measured the recall "
        "(0: plan for the most misses), not a claim about any row",
}


def _numbers(node: ast.AST | None) -> bool:
    if node is None:
        return False
    return any(isinstance(n, ast.Constant) and isinstance(n.value, int | float)
               and not isinstance(n.value, bool) for n in ast.walk(node))


def _bindings(tree: ast.AST) -> list[tuple[str, ast.AST | None, int]]:
    """(name, bound value, line) of every assignment, annotated field and argument default."""
    out: list[tuple[str, ast.AST | None, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                for n in ast.walk(target):
                    if isinstance(n, ast.Name | ast.Attribute):
                        out.append((n.id if isinstance(n, ast.Name) else n.attr,
                                    node.value, node.lineno))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            out.append((node.target.id, node.value, node.lineno))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            positional = args.posonlyargs + args.args
            for arg, default in zip(positional[len(positional) - len(args.defaults):],
                                    args.defaults, strict=True):
                out.append((arg.arg, default, node.lineno))
            for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
                out.append((arg.arg, kw_default, node.lineno))
    return out


def _literal_precisions(tree: ast.AST) -> list[int]:
    """Lines building ``Precision(...)`` with a number for its value or interval."""
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Precision"
            and any(kw.arg in ("value", "lo", "hi") and isinstance(kw.value, ast.Constant)
                    and _numbers(kw.value) for kw in node.keywords)]


def test_no_fitted_precision_recall_or_allowance_in_src() -> None:
    offences = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text("utf-8"))
        for name, value, line in _bindings(tree):
            if NAME.search(name) and _numbers(value) and (rel, name) not in ALLOWED:
                offences.append(f"{rel}:{line}: {name}")
        offences += [f"{rel}:{line}: Precision(...) with a literal"
                     for line in _literal_precisions(tree)]
    assert not offences, ("numbers that could act on rows must be measured on the data or be "
                          "a policy requirement in default.toml:\n" + "\n".join(offences))


def test_the_guard_catches_what_it_guards_against() -> None:
    table = ast.parse('PRECISION = {"truncated": 1.0, "canned": 0.93}\n'
                      "def f(x, min_precision=0.9): pass\n"
                      "class A:\n    reject_allowance: float = 0.025\n"
                      'p = Precision("measured", value=0.85)\n')
    names = [n for n, v, _ in _bindings(table) if NAME.search(n) and _numbers(v)]
    assert sorted(names) == ["PRECISION", "min_precision", "reject_allowance"]
    assert _literal_precisions(table) == [5]
