"""The self-contained HTML readiness report: verdict first, then the evidence, offline.

The view model (plain values, strings and numbers already formatted) is built in
``render/html_context.py``, the review panel's in ``render/review_panel.py``; this module
hands them to jinja2 templates with autoescape on: data never becomes markup. The page loads
nothing: no CDN, no font, no image URL; a Content-Security-Policy in the page itself forbids
any request, and the one script (open every expander before printing; with a review sample,
the review panel: ``templates/review_math.js`` and ``review.js``) is allowed by its hash
only. Large audits stay small on disk: tables show their first ``max_rows`` rows, the rest
are counted and left to ``audit.json``.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from typing import Any

from tuneready.core.results import Audit
from tuneready.core.textsafe import visible
from tuneready.render.html_context import MAX_ROWS, context
from tuneready.render.review_panel import panel


def render(audit: Audit, max_rows: int = MAX_ROWS) -> str:
    env = _environment()
    review = panel(audit)
    script = env.loader.get_source(env, "report.js")[0]
    if review is not None and review["data"] is not None:  # one script, one hash
        script += "".join(env.loader.get_source(env, name)[0]
                          for name in ("review_math.js", "review.js"))
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    view = context(audit, max_rows)
    for check in view["checks"]:  # with a panel, the sample is there, not repeated here
        sample = next((t for t in check["tables"] if t["name"] == "review_sample"), None)
        check["review_rows"] = sample["total"] if sample and review is not None else ""
        if check["review_rows"]:
            check["tables"] = [t for t in check["tables"] if t is not sample]
    page = env.get_template("report.html.j2").render(
        script=script, script_hash=f"sha256-{digest}", review=review, **view)
    return page if page.endswith("\n") else page + "\n"


def notebook(audit: Audit) -> str:
    """The verdict card and the checks grid for a notebook cell (``Audit._repr_html_``):
    the report's own partials and view model, a scoped stylesheet, no script."""
    return str(_environment().get_template("notebook.html.j2").render(**context(audit)))


@cache
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tuneready.render", "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, finalize=_shown,
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return env


def _shown(value: Any) -> Any:
    """Every ``{{ }}`` string passes through ``visible`` before autoescape: invisible and
    bidi characters show as ``⟨U+202E⟩``. Markup we made ourselves (the script, charts'
    macro output) is left alone; its own data slots were finalized when it was rendered."""
    from markupsafe import Markup

    if isinstance(value, str) and not isinstance(value, Markup):
        return visible(value)
    return value
