"""JUnit XML for CI test dashboards: one test case per check.

Mapping: ``fail`` -> ``<failure>``, ``error`` -> ``<error>``, ``skipped`` -> ``<skipped>``,
``pass`` -> a plain passing case, and ``warn`` -> a *passing* case with the warnings in
``<system-out>`` (JUnit has no warning state; a warning must not turn a pipeline red unless
``--fail-on warn`` says so, and that is the exit code's job). The verdict is not a test case,
so the failures listed are exactly the failing checks; it is recorded in ``<properties>``.
ElementTree escapes markup; control, zero-width and bidi characters are shown as
``⟨U+202E⟩`` (``tuneready.core.textsafe``) and anything else XML 1.0 forbids is removed, so the file
always parses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from tuneready.core.results import Audit, Finding, Status
from tuneready.core.textsafe import visible
from tuneready.render.extras import junit_properties
from tuneready.render.views import CheckRow, build

_INVALID_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
MAX_ROWS = 20


def clean(text: object) -> str:
    """Shown like every other output (``⟨U+202E⟩`` for hidden characters), then stripped of
    anything XML 1.0 cannot hold."""
    return _INVALID_XML.sub("", visible(text))


def render(audit: Audit) -> str:
    view = build(audit)
    v = view.verdict
    counts = {s: sum(c.status == s for c in view.checks)
              for s in (Status.FAIL, Status.ERROR, Status.SKIPPED)}
    seconds = audit.meta.get("seconds") or {}
    attrs = {"tests": str(len(view.checks)), "failures": str(counts[Status.FAIL]),
             "errors": str(counts[Status.ERROR]), "skipped": str(counts[Status.SKIPPED]),
             "time": _time(seconds.get("total"))}
    root = ET.Element("testsuites", {"name": "tuneready", **attrs})
    suite = ET.SubElement(root, "testsuite", {
        "name": clean(f"tuneready: {audit.dataset.get('path', 'dataset')}"), **attrs})
    props = ET.SubElement(suite, "properties")
    for name, value in (("verdict", v.verdict.value), ("verdict_title", v.title),
                        ("ready", str(v.ready).lower()),
                        ("required", v.required.value), ("confidence", v.confidence),
                        ("effective_n", str(v.effective_n)),
                        ("dataset_sha256", audit.dataset.get("sha256", "")),
                        ("policy", audit.policy.get("name", "")),
                        ("policy_sha256", audit.policy.get("sha256", "")),
                        ("command", audit.meta.get("command", ""))):
        ET.SubElement(props, "property", {"name": name, "value": clean(value)})
    for name, value in junit_properties(audit) if audit.recommendation.answer_signals else ():
        ET.SubElement(props, "property", {"name": name, "value": clean(value)})
    for check in view.checks:
        _testcase(suite, check, seconds.get(f"check.{check.name}"))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _time(value: object) -> str:
    return f"{float(value):.3f}" if isinstance(value, (int, float)) else "0"


def _testcase(suite: ET.Element, row: CheckRow, seconds: object) -> None:
    """One case; its findings in the view's order (``render/views.py``)."""
    check = row.result
    case = ET.SubElement(suite, "testcase", {"classname": "tuneready", "name": clean(check.name),
                                             "time": _time(seconds)})
    body = "\n".join(_finding_text(f) for f in row.findings)
    summary = clean(check.summary)
    if check.status == Status.FAIL:
        node = ET.SubElement(case, "failure", {"message": summary, "type": "fail"})
        node.text = clean(body)
    elif check.status == Status.ERROR:
        node = ET.SubElement(case, "error", {"message": clean(check.error or summary),
                                             "type": "error"})
        node.text = clean(check.error or "")
    elif check.status == Status.SKIPPED:
        ET.SubElement(case, "skipped", {"message": summary})
    elif check.status == Status.WARN:
        out = ET.SubElement(case, "system-out")
        out.text = clean(f"WARN (passes; --fail-on warn makes it fail): {check.summary}\n{body}")
    elif body:
        ET.SubElement(case, "system-out").text = clean(body)


def _finding_text(f: Finding) -> str:
    text = f"[{f.severity.value}] {f.code}: {f.message}"
    if f.rows:
        n = max(f.n_rows, len(f.rows))
        shown = ", ".join(map(str, f.rows[:MAX_ROWS]))
        text += f" ({n:,} rows, e.g. {shown})" if n > MAX_ROWS or n > len(f.rows) \
            else f" (rows {shown})"
    if f.remedy:
        text += f"; fix: {f.remedy}"
    return text
