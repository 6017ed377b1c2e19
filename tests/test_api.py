"""The Python API: a DataFrame in, the same Audit the CLI renders out, no files written."""

from __future__ import annotations

from pathlib import Path

import tuneready
from tests.conftest import make_texts
from tuneready.core.results import Verdict


def test_audit_a_dataframe(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    frame = make_texts(240)
    frame["region"] = ["north", "south"] * 120
    audit = tuneready.audit(frame, groups=("region",))
    assert audit.recommendation.verdict in (Verdict.LORA, Verdict.PROMPT_ENGINEERING)
    assert {c.name for c in audit.checks} >= {"schema", "size", "label_noise", "bias"}
    assert audit.to_dict()["dataset"]["mapping"]["groups"] == ["region"]
    assert not any(tmp_path.iterdir())  # the API writes nothing


def test_audit_stays_callable_after_the_submodule_is_imported() -> None:
    import tuneready.engine.pipeline  # the orchestration module must not shadow the function

    first = tuneready.audit(make_texts(60))
    again = tuneready.audit(make_texts(60))
    assert first.to_dict()["checks"] == again.to_dict()["checks"]
