"""domain: templated sets rate high risk, diverse sets low; proxy and coverage measures."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import dataset, evidence_for, make_texts
from tuneready.checks.domain import DomainCheck
from tuneready.config.policy import load_policy
from tuneready.core.results import CheckResult, Status, Verdict
from tuneready.evidence import diversity as dv
from tuneready.io import LoadOptions, load_dataset

POLICY = load_policy().for_check("domain")
DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"

def _real_words() -> list[str]:
    """Whole English words of 5+ letters from the sentence model's own vocabulary: the
    semantic measures judge meaning, so a 'diverse' fixture needs words that have one
    (pseudo-words like 'bala' are one blur of unknown subwords to any embedding)."""
    from tuneready.evidence.sentence import _model

    vocab = _model().tokenizer.get_vocab()
    return sorted(w[1:] for w in vocab if w.startswith("\u2581") and w[1:].isalpha()
                  and w[1:].islower() and len(w) >= 6)


VOCAB = _real_words()


def diverse(n: int, seed: int = 0) -> pd.DataFrame:
    """Prompts and answers of random words from a large vocabulary, of varied length."""
    rng = random.Random(seed)

    def sentence() -> str:
        return " ".join(rng.choice(VOCAB) for _ in range(rng.randint(3, 40)))

    return pd.DataFrame({"prompt": [sentence() for _ in range(n)],
                         "completion": [sentence() for _ in range(n)]})


def templated(n: int, seed: int = 0) -> pd.DataFrame:
    """One fill-in-the-blank template with a name and a number swapped."""
    rng = random.Random(seed)
    names = ["Ana", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hal"]
    rows = []
    for _ in range(n):
        name, num = rng.choice(names), rng.randrange(10_000)
        rows.append({"prompt": f"Where is order {num} for {name}?",
                     "completion": f"Hello {name}, thank you for contacting us. Your order "
                                   f"{num} has shipped and will arrive within three days."})
    return pd.DataFrame(rows)


def run(frame: pd.DataFrame, reference: pd.DataFrame | None = None):
    data = dataset(frame)
    ev = evidence_for(data)
    if reference is not None:
        ev.reference_data = dataset(reference)
    return DomainCheck().run(data, ev, POLICY)


def test_templated_set_is_high_risk_and_caps_at_lora() -> None:
    result = run(templated(300))
    assert result.metrics["risk"] == "high"
    assert result.status == Status.FAIL
    finding = next(f for f in result.findings if f.code == "domain.high_risk")
    assert finding.caps == Verdict.LORA
    assert finding.remedy and "written differently" in finding.remedy
    assert result.metrics["template_share"] > 0.9
    assert result.tables["openings"][0]["opening"].startswith("hello")
    assert finding.rows and finding.n_rows >= 20  # the rows sharing the top opening


def test_diverse_set_is_low_risk() -> None:
    result = run(diverse(300))
    assert result.metrics["risk"] == "low", result.summary
    assert result.status == Status.PASS
    assert not any(f.caps for f in result.findings)


def test_every_metric_has_an_explanation() -> None:
    result = run(diverse(120))
    explained = {r["metric"] for r in result.tables["metrics_explained"]}
    assert {"distinct_2", "compression_ratio", "template_share", "repeated_opening_share",
            "length_cv", "vendi", "largest_topic_share"} <= explained
    assert all(r["explanation"] for r in result.tables["metrics_explained"])
    assert sum(r["count"] for r in result.tables["length_histogram"]) == 120


def test_openings_table_counts_the_template() -> None:
    frame = pd.concat([templated(100), diverse(100)], ignore_index=True)
    result = run(frame)
    top = result.tables["openings"][0]
    assert top["count"] >= 12  # "hello <name>, thank" for one of 8 names
    assert top["opening"].startswith("hello")


def test_labelled_data_gets_gap_and_learning_curve() -> None:
    result = run(make_texts(300))
    m = result.metrics
    assert 0.0 <= m["generalization_gap"] <= 1.0
    assert m["in_sample_accuracy"] >= m["oof_accuracy"] - 0.05
    curve = result.tables["learning_curve"]
    assert len(curve) >= 4
    assert curve[0]["n"] < curve[-1]["n"]
    assert {"n", "score", "fit"} <= set(curve[0])
    typed = result.learning_curve  # what the decision reads, the same numbers as the metrics
    assert typed is not None and typed.rows == m["curve_rows"]
    assert typed.plateau_identified == m["curve_plateau_identified"]
    assert typed.needed_rows == m.get("curve_needed_rows")
    saved = CheckResult.from_dict(json.loads(json.dumps(result.to_dict())))
    assert saved.learning_curve == typed


def test_unlabelled_data_gets_label_free_metrics_only() -> None:
    result = run(diverse(100))
    assert "generalization_gap" not in result.metrics
    assert result.tables["learning_curve"] == []
    assert result.learning_curve is None and "learning_curve" not in result.to_dict()
    assert "vendi" in result.metrics


def test_power_law_fit_recovers_plateau() -> None:
    ns = [100, 200, 400, 800, 1600, 3200]
    points = [(n, 0.9 - 2.0 * n ** -0.5) for n in ns]
    curve = dv.fit_power_law(points)
    assert curve.a == pytest.approx(0.9, abs=0.01)
    needed = curve.needed(0.01)
    assert needed == pytest.approx((2.0 / 0.01) ** 2, rel=0.1)


def test_vendi_counts_distinct_directions() -> None:
    eye = np.eye(8, dtype=np.float32)
    assert dv.vendi_score(np.repeat(eye, 10, axis=0)) == pytest.approx(8.0, rel=1e-6)
    assert dv.vendi_score(np.repeat(eye[:1], 80, axis=0)) == pytest.approx(1.0, rel=1e-6)


def test_reference_coverage_and_gaps() -> None:
    words = random.Random(3).sample(VOCAB, 190)
    train = pd.DataFrame({"text": [f"please reset my password for the {w} account"
                                   for w in words[:150]]})
    covered = [f"please reset the password of my {w} account" for w in words[:20]]
    missed = [f"what is the weather forecast in {w} for tomorrow" for w in words[150:170]]
    result = run(train, pd.DataFrame({"text": covered + missed}))
    assert result.metrics["coverage"] == pytest.approx(0.5, abs=0.05)
    gaps = result.tables["coverage_gaps"]
    assert gaps and all("weather" in g["input"] for g in gaps)
    assert all(g["reference_row_id"] > 20 for g in gaps)
    only_missed = run(train, pd.DataFrame({"text": missed}))
    assert only_missed.metrics["coverage"] == 0.0
    finding = next(f for f in only_missed.findings if f.code == "domain.low_coverage")
    assert finding.remedy and "reference" in finding.remedy


def test_too_few_rows_is_skipped() -> None:
    result = run(diverse(5))
    assert result.status == Status.SKIPPED


def _chatterbot() -> pd.DataFrame:
    """The corpus as prompt/completion pairs, read by the same code as ``bench/domain.py``."""
    pytest.importorskip("yaml")
    from bench.domain import chatterbot

    frame: pd.DataFrame = chatterbot()
    return frame


def _balanced(frame: pd.DataFrame, n: int, seed: int = 0) -> pd.DataFrame:
    """n rows drawn across all categories, as evenly as their sizes allow."""
    per = int(np.ceil(n / frame["category"].nunique()))
    parts = [g.sample(min(per, len(g)), random_state=seed) for _, g in frame.groupby("category")]
    picked = pd.concat(parts)
    rest = frame.drop(picked.index)
    if len(picked) < n:
        picked = pd.concat([picked, rest.sample(n - len(picked), random_state=seed)])
    return picked.sample(n, random_state=seed)


RISK = {"low": 0, "medium": 1, "high": 2}


@pytest.mark.skipif(not (DATA / "chatterbot_english").exists(), reason="shared data absent")
# trivia is not here: its answers span history, science and sport, and the sentence vectors
# rate its spread like a mix of all categories (Vendi 117 vs 100); the TF-IDF SVD called it
# narrower only because its one-word answers collapsed into one k-means cluster
@pytest.mark.parametrize("category", ["tech_support", "coding"])
def test_chatterbot_one_category_riskier_than_mix(category: str) -> None:
    frame = _chatterbot()
    one = frame[frame["category"] == category]
    mix = _balanced(frame, len(one))
    cols = ["prompt", "completion"]
    r_one = run(one[cols].reset_index(drop=True)).metrics
    r_mix = run(mix[cols].reset_index(drop=True)).metrics
    assert RISK[r_one["risk"]] > RISK[r_mix["risk"]], (r_one, r_mix)


@pytest.mark.skipif(not (DATA / "llamafactory_demo").exists(), reason="shared data absent")
def test_identity_is_high_risk() -> None:
    data = load_dataset(DATA / "llamafactory_demo" / "identity.json", LoadOptions())
    result = DomainCheck().run(data, evidence_for(data), POLICY)
    assert result.metrics["risk"] == "high", result.summary
