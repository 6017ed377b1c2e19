"""The ``answers`` check: what it measures, when it applies, and its result (the package
docstring lists the finding types and where each lives)."""

from __future__ import annotations

from tuneready.checks.answers.settings import AnswersSettings
from tuneready.checks.contract import CheckSpec, Declared, skipped
from tuneready.config.policy import CheckPolicy
from tuneready.core.results import CheckResult
from tuneready.evidence.store import Evidence
from tuneready.io.dataset import Dataset

SPEC = CheckSpec(
    name="answers", cls="AnswersCheck",
    what=("free-form answers that are empty, echoed, refusals, truncated (read from the text), "
          "off-topic (fit another prompt better than their own, against a shuffled "
          "baseline), contradictory on closed prompts, in another language than their "
          "prompt, or canned replies given to many prompts; each type's precision measured "
          "on this data by a review, or stated as unmeasured"),
    why=("a model tuned on cut-off, off-topic or templated answers learns to stop "
         "mid-sentence, answer the wrong question or repeat the template; only empty "
         "answers and rows confirmed on this data (a review) remove rows"),
    needs=frozenset({"norm_input", "norm_target", "target_tokens", "sentence_vectors",
                     "answer_vectors", "languages"}),
    settings=AnswersSettings,
    excluded_as="unusable answers",
    diff_metrics=("defect_rate",),
)


class AnswersCheck(Declared):
    spec = SPEC

    def run(self, data: Dataset, evidence: Evidence, policy: CheckPolicy) -> CheckResult:
        cfg = AnswersSettings.of(policy)
        if data.n == 0:
            return skipped(self.name, "no rows", policy)
        if data.has_labels:
            return skipped(self.name, "the targets are labels (a closed set): label_noise "
                                      "checks them", policy)
        if not data.has_targets:
            return skipped(self.name, "no free-form answers to check", policy)
        from tuneready.checks.answers.detect import detect_all
        from tuneready.checks.answers.result import answers_result

        return answers_result(self.name, data, detect_all(data, evidence, cfg), policy, cfg,
                              evidence.seed, evidence.answer_review)
