"""JUnit XML: one test case per check; failures are exactly the failing checks."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tests.render.fixtures import full_audit, ready_audit
from tuneready.render import junit


def parse(audit) -> ET.Element:  # type: ignore[no-untyped-def]
    return ET.fromstring(junit.render(audit).encode("utf-8"))


def test_one_case_per_check_and_status_mapping() -> None:
    audit = full_audit()
    suite = parse(audit).find("testsuite")
    assert suite is not None
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert list(cases) == [c.name for c in audit.checks]
    failing = {n for n, c in cases.items() if c.find("failure") is not None}
    assert failing == {c.name for c in audit.checks if c.status.value == "fail"}
    assert {n for n, c in cases.items() if c.find("error") is not None} == {"broken"}
    assert {n for n, c in cases.items() if c.find("skipped") is not None} == {"cost"}
    size = cases["size"]                       # warn: passes, with a note
    assert size.find("failure") is None and size.find("error") is None
    out = size.find("system-out")
    assert out is not None and (out.text or "").startswith("WARN")
    assert suite.get("tests") == "9" and suite.get("failures") == "2"
    assert suite.get("errors") == "1" and suite.get("skipped") == "1"


def test_failure_names_findings_rows_and_fix() -> None:
    case = parse(full_audit()).find(".//testcase[@name='label_noise']/failure")
    assert case is not None
    assert case.get("message") == "about 8.1% of labels look wrong (112 rows flagged)"
    assert "label_noise.rate_above_fail" in (case.text or "")
    assert "112 rows, e.g. 2, 9, 16, 23" in (case.text or "")
    assert "fix: relabel the 112 rows flagged" in (case.text or "")


def test_verdict_is_a_property_not_a_case() -> None:
    root = parse(ready_audit())
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert props["verdict"] == "full_fine_tune" and props["ready"] == "true"
    assert root.find(".//failure") is None
    assert [c.get("name") for c in root.iter("testcase")] == ["schema", "size"]


def test_control_characters_shown_and_xml_invalid_ones_removed() -> None:
    assert junit.clean("a\x00b\x07c\td\u202e") == "a⟨U+0000⟩b⟨U+0007⟩c\td⟨U+202E⟩"
    assert junit.clean("x\ufffey") == "xy"   # a noncharacter XML 1.0 cannot hold
