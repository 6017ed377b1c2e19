"""1.x audits (free-form findings under label_noise) and 2.0 audits (no saved declarations,
no typed fields) read as 2.1 audits."""

from __future__ import annotations

import copy

from tuneready.core.results import SCHEMA_VERSION, Audit
from tuneready.core.upgrade import upgrade


def old_audit() -> dict:
    finding = {"code": "label_noise.target_truncated", "severity": "warn",
               "message": "3 answers are cut off mid-sentence or mid-code", "observed": 3,
               "threshold": 0, "rows": [4, 5, 6], "n_rows": 3, "caps": None, "remedy": None,
               "blocks": False}
    rate = {**finding, "code": "label_noise.rate_above_warn", "caps": None}
    misfit = {**finding, "code": "label_noise.target_misfit", "severity": "info"}
    return {
        "schema_version": "1.0", "dataset": {"n": 40}, "policy": {}, "context": {}, "meta": {},
        "checks": [
            {"name": "size", "status": "pass", "summary": "", "metrics": {}, "findings": [],
             "params": {}, "excluded_rows": [], "tables": {}, "error": None},
            {"name": "label_noise", "status": "warn", "summary": "7.5% unusable",
             "metrics": {"targets_n": 40, "flagged_n": 3, "defect_rate": 0.075,
                         "truncated_n": 3, "misfit_n": 1},
             "findings": [rate, finding, misfit], "params": {"warn_rate": 0.05},
             "excluded_rows": [4, 5, 6],
             "tables": {"flagged_targets": [{"row_id": 4, "kind": "truncated"}]},
             "error": None}],
        "findings": [{"check": "label_noise", **finding}],
        "recommendation": {"verdict": "lora", "ready": True, "required": "lora",
                           "confidence": "medium", "effective_n": 37,
                           "effective_n_breakdown": {"label_noise": 3},
                           "reasons": [{"check": "label_noise",
                                        "code": "label_noise.rate_above_warn",
                                        "message": "m"}]},
    }


def test_free_form_findings_move_to_answers() -> None:
    before = old_audit()
    kept = copy.deepcopy(before)
    new = upgrade(before)
    assert before == kept  # the input is not modified
    assert new["schema_version"] == SCHEMA_VERSION == "2.1"
    names = [c["name"] for c in new["checks"]]
    assert names == ["size", "label_noise", "answers"]
    noise, answers = new["checks"][1], new["checks"][2]
    assert noise["status"] == "skipped" and noise["findings"] == []
    codes = [f["code"] for f in answers["findings"]]
    assert codes == ["answers.rate_above_warn", "answers.truncated", "answers.off_topic"]
    assert answers["excluded_rows"] == [4, 5, 6]
    assert answers["metrics"]["answers_rows"] == 40 and answers["metrics"]["off_topic_n"] == 1
    assert "flagged_answers" in answers["tables"]
    rec = new["recommendation"]
    assert rec["reasons"][0] == {"check": "answers", "code": "answers.rate_above_warn",
                                 "message": "m"}
    assert rec["effective_n_breakdown"] == {"answers": 3}


def test_old_audits_load_and_current_ones_pass_through() -> None:
    audit = Audit.from_dict(old_audit())
    assert audit.check("answers") is not None and audit.schema_version == "2.1"
    current = audit.to_dict()
    assert upgrade(current) is current
    labelled = old_audit()
    labelled["checks"][1]["metrics"] = {"noise_rate": 0.1}
    labelled["checks"][1]["findings"] = []
    assert [c["name"] for c in upgrade(labelled)["checks"]] == ["size", "label_noise"]


def audit_2_0() -> dict:
    size = {"name": "size", "status": "warn", "summary": "", "findings": [], "params": {},
            "metrics": {"raw_n": 1000, "distinct_n": 900, "exact_duplicates": 100,
                        "sample_fraction": 0.5},
            "excluded_rows": [], "tables": {"classes": []}, "error": None}
    noise = {**size, "name": "label_noise", "metrics": {"proxy_weak": True}}
    gone = {**size, "name": "gone_check", "metrics": {}}
    return {"schema_version": "2.0", "dataset": {}, "policy": {}, "context": {}, "meta": {},
            "checks": [size, noise, gone], "findings": [],
            "recommendation": {"verdict": "lora", "ready": True, "required": "lora",
                               "confidence": "low", "reasons": []}}


def test_2_0_typed_fields_come_from_the_old_metrics() -> None:
    audit = Audit.from_dict(audit_2_0())
    size, noise, _ = audit.checks
    assert size.size_basis is not None
    assert (size.size_basis.raw_n, size.size_basis.distinct_n,
            size.size_basis.exact_duplicates, size.size_basis.sample_fraction) == (
        1000, 900, 100, 0.5)
    assert noise.weak_proxy and not size.weak_proxy and noise.size_basis is None
    assert audit.schema_version == "2.1"


def test_2_0_declarations_come_from_the_describer_or_stay_empty() -> None:
    told = {"size": {"what": "counts", "why": "enough", "excluded_as": "exact duplicates",
                     "chart_kinds": {"classes": "size_classes"}}}
    audit = Audit.from_dict(audit_2_0(), told.get)
    size, _, gone = audit.checks
    assert (size.what, size.why, size.excluded_as, size.chart_kinds) == (
        "counts", "enough", "exact duplicates", {"classes": "size_classes"})
    assert (gone.what, gone.excluded_as, gone.chart_kinds) == ("", None, {})
    bare = Audit.from_dict(audit_2_0())
    assert all(c.what == "" and c.chart_kinds == {} for c in bare.checks)


def test_a_2_1_audit_keeps_what_it_saved() -> None:
    saved = Audit.from_dict(audit_2_0(), {"size": {"what": "then"}}.get).to_dict()
    again = Audit.from_dict(saved, {"size": {"what": "today"}}.get)
    assert again.checks[0].what == "then"        # the describer is for older audits only
