"""Free-form targets without labels: empty, refusal, echo, truncated, contradictory answers."""

from __future__ import annotations

import pandas as pd

from tests.conftest import dataset, evidence_for
from tuneready.checks import get_check
from tuneready.checks.label_noise.targets import target_defects
from tuneready.config.policy import load_policy
from tuneready.core.results import Status, Verdict
from tuneready.engine.runner import run_one


def chat(pairs: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame({"messages": [[{"role": "user", "content": q},
                                       {"role": "assistant", "content": a}] for q, a in pairs]})


def good(i: int) -> tuple[str, str]:
    return (f"How do I reset password number {i} on account {i * 7}?",
            f"Open settings, choose security, then reset it; step {i} finishes the process.")


def test_each_defect_kind_is_detected() -> None:
    pairs = [good(i) for i in range(30)]
    pairs += [
        ("What is the capital of France?", "   "),  # empty -> kept by loader as ""?
        ("Write a poem about the sea", "I'm sorry, but I can't help with that request."),
        ("summarise the following text about cats and dogs", "summarise the following text "
                                                            "about cats and dogs"),
        ("Explain recursion in Python", "Recursion is when a function calls itself, and"),
        ("Show me code", "Here it is:\n```python\nprint('hi')\n"),
        ("Which planet is largest", "Jupiter is the largest planet in the solar system."),
        ("Which planet is largest?", "Bananas grow in tropical climates near the equator."),
    ]
    data = dataset(chat(pairs))
    kinds = target_defects(data, evidence_for(data), load_policy().for_check("label_noise"))
    row = {k: set(kinds.index[kinds[k]].tolist()) for k in kinds.columns}
    assert 31 in row["refusal"]
    assert 32 in row["echo"]
    assert {33, 34} <= row["truncated"]
    assert {35, 36} & row["contradiction"]
    assert not kinds.iloc[:30].any(axis=None)  # clean answers are not flagged


def test_clean_chat_passes_and_bad_chat_caps() -> None:
    check, policy = get_check("label_noise"), load_policy()
    clean = dataset(chat([good(i) for i in range(40)]))
    result = run_one(check, clean, evidence_for(clean), policy)
    assert result.status == Status.PASS, result.findings
    echoes = [(f"repeat after me the phrase number {i} please", f"repeat after me the phrase "
               f"number {i} please") for i in range(15)]
    bad = dataset(chat([good(i) for i in range(40)] + echoes))
    result = run_one(check, bad, evidence_for(bad), policy)
    assert "label_noise.target_echo" in {f.code for f in result.findings}
    assert result.metrics["echo_n"] == 15
    assert min(f.caps for f in result.findings if f.caps) == Verdict.NOT_READY
    assert len(result.excluded_rows) == 15
    assert result.tables["flagged_targets"][0]["kind"] == "echo"


def test_refusals_warn_but_neither_cap_nor_exclude() -> None:
    refusals = [(f"Tell me fact {i}", "As an AI language model, I cannot provide that.")
                for i in range(15)]
    data = dataset(chat([good(i) for i in range(40)] + refusals))
    result = run_one(get_check("label_noise"), data, evidence_for(data), load_policy())
    refusal = next(f for f in result.findings if f.code == "label_noise.target_refusal")
    assert refusal.n_rows == 15 and "intended" in refusal.message
    assert not any(f.caps for f in result.findings)
    assert result.excluded_rows == []
    identity = dataset(chat([(f"who are you {i}", "As an AI assistant developed by Acme, I am "
                              "called Max.") for i in range(25)]))
    kinds = target_defects(identity, evidence_for(identity),
                           load_policy().for_check("label_noise"))
    assert not kinds["refusal"].any()  # describing itself is not a refusal


def test_misfit_answers_smoke() -> None:
    """Answers clustered into pseudo-labels; an answer of another kind gets flagged."""
    topics = {"weather": "It will rain tomorrow with strong wind and cold clouds.",
              "sports": "The team won the match with a late goal from the striker.",
              "money": "The bank raised the interest rate on savings and loans."}
    pairs = []
    for i in range(300):
        topic = list(topics)[i % 3]
        pairs.append((f"tell me the {topic} news {i} {topic} {topic}",
                      f"{topics[topic]} Item {i}."))
    for i in range(6):  # weather questions answered with sports
        pairs.append((f"tell me the weather news x{i} weather weather",
                      f"{topics['sports']} Item x{i}."))
    data = dataset(chat(pairs))
    result = run_one(get_check("label_noise"), data, evidence_for(data), load_policy())
    assert result.status != Status.ERROR, result.error
    assert result.metrics["misfit_n"] >= 4
    misfit = next(f for f in result.findings if f.code == "label_noise.target_misfit")
    assert misfit.caps is None
    assert len(set(misfit.rows) & set(range(301, 307))) >= 4
