"""diff: how readiness changed between two audits."""

from __future__ import annotations

import copy

from tests.render.fixtures import full_audit, ready_audit
from tuneready.core.results import Status
from tuneready.render import diff


def test_improvement_between_versions() -> None:
    old, new = full_audit(), copy.deepcopy(full_audit())
    noise = new.check("label_noise")
    assert noise is not None
    noise.metrics.update(noise_rate=0.02, noise_rate_lo=0.015, noise_rate_hi=0.027)
    noise.status = Status.PASS
    noise.findings = []
    new.recommendation = ready_audit().recommendation
    d = diff.compare(old, new)
    assert d["verdict"] == {"old": "not_ready", "new": "full_fine_tune", "change": "up"}
    assert d["effective_n"] == {"old": 1292, "new": 1505, "change": 213}
    assert d["noise_rate"]["old"] == {"rate": 0.081, "lo": 0.068, "hi": 0.095}
    assert d["noise_rate"]["new"]["rate"] == 0.02
    ln = next(c for c in d["checks"] if c["check"] == "label_noise")
    assert (ln["old"], ln["new"]) == ("fail", "pass")
    assert d["metrics"][0]["metric"] == "noise_rate"      # largest relative change first
    assert all(not m["metric"].endswith(("_lo", "_hi")) for m in d["metrics"])
    assert d["findings"]["resolved"] == ["label_noise:label_noise.rate_above_fail"]
    assert not diff.regressed(d)
    text = diff.render(d)
    assert "| verdict | Not ready: fix the data first | Full fine-tune | ⬆️ up |" in text
    assert "| effective examples | 1,292 | 1,505 | +213 |" in text
    assert "| label noise rate | 8.1% [6.8%, 9.5%] | 2.0% [1.5%, 2.7%] | |" in text
    assert "| label\\_noise | fail | pass ← |" in text


def test_regression_and_missing_checks() -> None:
    d = diff.compare(ready_audit(), full_audit())
    assert d["verdict"]["change"] == "down" and diff.regressed(d)
    assert d["noise_rate"] == {"old": None, "new": {"rate": 0.081, "lo": 0.068, "hi": 0.095}}
    bias = next(c for c in d["checks"] if c["check"] == "bias")
    assert bias["old"] is None and bias["new"] == "fail"
    assert "| bias | absent | fail ← |" in diff.render(d)


def test_same_audit_is_unchanged() -> None:
    d = diff.compare(full_audit(), full_audit())
    assert d["verdict"]["change"] == "same" and d["metrics"] == []
    assert d["findings"] == {"new": [], "resolved": []}
    assert "same file contents" in diff.render(d)
