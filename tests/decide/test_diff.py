"""diff: how readiness changed between two audits (decide/diff computes, render/diff prints)."""

from __future__ import annotations

import copy

from tests.render.fixtures import full_audit, ready_audit
from tuneready.core.results import Audit, Status
from tuneready.decide import diff
from tuneready.render.diff import render


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
    text = render(d)
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
    assert "| bias | absent | fail ← |" in render(d)


def test_same_audit_is_unchanged() -> None:
    d = diff.compare(full_audit(), full_audit())
    assert d["verdict"]["change"] == "same" and d["metrics"] == []
    assert d["findings"] == {"new": [], "resolved": []}
    assert "same file contents" in render(d)


def test_followed_metrics_are_the_declared_ones() -> None:
    from tuneready.checks import REGISTRY, spec_of

    d = diff.compare(ready_audit(), full_audit())
    declared = [(n, m) for n in dict.fromkeys([c.name for c in ready_audit().checks]
                                              + [c.name for c in full_audit().checks])
                if n in REGISTRY for m in spec_of(n).diff_metrics]
    assert declared  # label_noise declares its noise rate
    assert [(f["check"], f["metric"]) for f in d["followed"]] == declared
    noise = next(f for f in d["followed"] if f["check"] == "label_noise")
    assert noise["new"] == d["noise_rate"]["new"]


def test_a_metric_declared_for_diff_gets_its_own_line(monkeypatch) -> None:
    monkeypatch.setattr(diff, "declared", lambda name: {"label_noise": ("noise_rate",),
                                                         "size": ("distinct_n",)}.get(name, ()))
    old, new = full_audit(), copy.deepcopy(full_audit())
    for audit, n in ((old, 1000), (new, 1200)):
        size = audit.check("size")
        assert size is not None
        size.metrics["distinct_n"] = n
    text = render(diff.compare(old, new))
    assert "| size distinct\\_n | 1,000 | 1,200 | |" in text
    assert text.count("label noise rate") == 1  # the noise rate is not shown twice


def test_an_old_audit_still_diffs() -> None:
    """An audit of an earlier version: schema 1.0, a check this version lacks, no interval."""
    old_dict = ready_audit().to_dict()
    old_dict["schema_version"] = "1.0"
    noise = next(c for c in full_audit().to_dict()["checks"] if c["name"] == "label_noise")
    old_dict["checks"].append({**noise, "metrics": {"noise_rate": 0.1}})  # no interval saved
    old_dict["checks"].append({"name": "gone_check", "status": "warn", "summary": "gone",
                               "metrics": {"x": 1.0}, "findings": []})
    old = Audit.from_dict(old_dict)
    d = diff.compare(old, full_audit())
    assert d["noise_rate"] == {"old": {"rate": 0.1},
                               "new": {"rate": 0.081, "lo": 0.068, "hi": 0.095}}
    retired = next(c for c in d["checks"] if c["check"] == "gone_check")
    assert (retired["old"], retired["new"]) == ("warn", None)
    assert all(f["check"] != "gone_check" for f in d["followed"])
    text = render(d)
    assert "| gone\\_check | warn | absent ← |" in text
    assert "| label noise rate | 10.0% | 8.1% [6.8%, 9.5%] | |" in text
