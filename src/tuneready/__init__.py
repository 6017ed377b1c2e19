"""tuneready: is this dataset ready for fine-tuning, LoRA, or only prompting?

The public API is ``tuneready.audit(path_or_dataframe, ...)``; it is imported lazily so that
importing the package (and ``tuneready --help``) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["__version__", "audit", "exit_code", "fix"]

from tuneready.core.results import set_html_repr

if TYPE_CHECKING:
    from tuneready.core.results import Audit


def _notebook(result: Audit) -> str:
    """``Audit._repr_html_``: the renderer is imported only when a notebook asks for it."""
    from tuneready.render.html import notebook

    return notebook(result)


set_html_repr(_notebook)


def audit(source: Any, *, label: str | None = None, text: str | None = None,
          groups: tuple[str, ...] = (), format: str | None = None,
          policy: str | None = None, eval_path: str | None = None,
          split: str | None = None) -> Audit:
    """Audit a dataset and return the ``Audit`` (no files written).

    ``source``: a path (file, folder or glob of shards, Hugging Face folder), a list of
    paths, a pandas DataFrame, a ``pyarrow.Table``, or a Hugging Face ``Dataset`` /
    ``DatasetDict`` (``split`` chooses; default ``train``). In a notebook the result shows
    its verdict card.
    """
    from pathlib import Path

    from tuneready.engine.pipeline import AuditOptions, run_audit
    from tuneready.io import LoadOptions

    options = AuditOptions(load=LoadOptions(format=format, text=text, label=label,
                                            groups=groups, split=split), policy=policy,
                           eval_path=Path(eval_path) if eval_path else None)
    return run_audit(source, options)


def exit_code(result: Audit, fail_on: str = "verdict") -> int:
    """The CI gate's exit code for an audit, exactly as ``tuneready audit --fail-on`` exits:
    1 when the verdict is not ready, or (``fail_on="fail"``/``"warn"``) a check failed or
    warned; else 0. Unknown ``fail_on`` raises ``ValueError``."""
    from tuneready.decide.gate import exit_code as gate

    return gate(result, fail_on)


def __getattr__(name: str) -> Any:
    """``tuneready.fix`` is the ``tuneready.fix`` package, callable (``fix/__init__.py``):
    imported on first use so ``import tuneready`` stays cheap."""
    if name == "fix":
        import importlib

        return importlib.import_module("tuneready.fix")
    raise AttributeError(f"module 'tuneready' has no attribute {name!r}")
