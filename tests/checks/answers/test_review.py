"""Answer findings for review join review.csv: one stratum per finding type not certain by
definition, capped per type, masked like every table and formula-safe when written."""

from __future__ import annotations

import csv

from tests.checks.answers.helpers import chat, good, run_answers
from tests.conftest import dataset, evidence_for
from tuneready.checks.answers.acting import decide
from tuneready.checks.answers.detect import detect_all
from tuneready.checks.answers.review import review_sample
from tuneready.checks.answers.settings import AnswersSettings
from tuneready.checks.privacy.protect import protect
from tuneready.config.policy import load_policy
from tuneready.io.review_file import ANSWER_COLUMNS, COLUMNS, render

REFUSAL = "I'm sorry, but I can't help with that request."


def pairs() -> list[tuple[str, str]]:
    out = [good(i) for i in range(40)]
    out += [(f"=HYPERLINK(\"x\") mail me at jane.roe{i}@gmail.com", REFUSAL)
            for i in range(6)]
    out += [("Explain recursion in Python", "Recursion is when a function calls itself, and"),
            ("Anything else?", "")]
    return out


def test_every_uncertain_type_is_sampled_each_type_a_stratum() -> None:
    _data, result = run_answers(pairs())
    sample = result.tables["review_sample"]
    strata = {r["stratum"] for r in sample}
    assert {"answers.refusal", "answers.truncated.dangling_word"} <= strata
    assert "answers.empty" not in strata  # certain by definition: nothing to measure
    removed = set(result.excluded_rows)
    assert removed and not removed & {r["row_id"] for r in sample}
    refusals = [r for r in sample if r["stratum"] == "answers.refusal"]
    assert len(refusals) == 6 and all(r["stratum_size"] == 6 for r in refusals)
    assert all(r["verdict"] == "" and r["target"] == REFUSAL for r in refusals)
    assert all(r["precision"].startswith("unmeasured here") for r in refusals)
    assert all(len(r["input_hash"]) == len(r["target_hash"]) == 16 for r in sample)
    assert result.metrics["review_rows"] == len(sample)


def test_a_stratum_is_capped_and_the_draw_is_seeded() -> None:
    data = dataset(chat(pairs()), target_label_max=0)
    found = detect_all(data, evidence_for(data), AnswersSettings.from_policy(load_policy()))
    act = decide(found, None, 0.9)
    first = review_sample(data, found, act, 4, seed=0)
    again = review_sample(data, found, act, 4, 0)
    assert [r["row_id"] for r in first] == [r["row_id"] for r in again]
    assert sum(r["stratum"] == "answers.refusal" for r in first) == 4
    assert review_sample(data, found, act, 0, 0) == []


def test_written_masked_and_formula_safe() -> None:
    data, result = run_answers(pairs())
    masked = protect([result], data.frame)[0].tables["review_sample"]
    text = render(masked)
    rows = list(csv.DictReader(text.splitlines()))
    assert tuple(rows[0]) == ANSWER_COLUMNS
    refusal = next(r for r in rows if r["stratum"] == "answers.refusal")
    assert refusal["input"].startswith("'=")  # a spreadsheet does not run it
    assert "jane.roe" not in text
    both = render([{"row_id": 1, "input": "x", "given_label": "a"}, *masked[:1]])
    assert tuple(next(csv.reader(both.splitlines()))) == \
        COLUMNS + tuple(c for c in ANSWER_COLUMNS if c not in COLUMNS)
