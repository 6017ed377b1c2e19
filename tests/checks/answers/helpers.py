"""Chat fixtures for the answers tests (built here, no shared data)."""

from __future__ import annotations

import pandas as pd

from tests.conftest import dataset, evidence_for
from tuneready.checks import get_check
from tuneready.checks.answers.settings import AnswersSettings
from tuneready.config.policy import load_policy
from tuneready.core.results import CheckResult
from tuneready.engine.runner import run_one
from tuneready.io.dataset import Dataset


def chat(pairs: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame({"messages": [[{"role": "user", "content": q},
                                       {"role": "assistant", "content": a}] for q, a in pairs]})


def good(i: int) -> tuple[str, str]:
    return (f"How do I reset password number {i} on account {i * 7}?",
            f"Open settings, choose security, then reset it; step {i} finishes the process.")


def run_answers(pairs: list[tuple[str, str]]) -> tuple[Dataset, CheckResult]:
    data = dataset(chat(pairs), target_label_max=0)
    return data, run_one(get_check("answers"), data, evidence_for(data), load_policy())


def policy() -> AnswersSettings:
    return AnswersSettings.from_policy(load_policy())
