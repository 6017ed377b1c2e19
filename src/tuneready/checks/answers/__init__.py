"""answers: free-form answers that teach the wrong thing (chat / SFT data without labels).

When the targets form a small closed set the loader turns them into labels and
``label_noise`` reads them. Otherwise each answer is read for what makes it unusable as a
training target, each finding type with its own module:

- ``rules``: empty answers, echoes of the prompt, refusals and AI disclaimers;
- ``truncation``: answers cut off (unclosed fences, brackets or quotes, a dangling word, a cut
  word, a shared token limit, far shorter than asked), never casual style alone;
- ``offtopic``: answers that fit another prompt of the data set better than their own, judged
  against a shuffled baseline (ridge map of the shipped sentence vectors);
- ``consistency``: contradictions only for closed prompts, answer diversity for open ones;
- ``language``: answers in another language than their prompt, and the language mix;
- ``canned``: one template reply given to many different prompts.

``severity`` holds each type's precision measured on planted defects (``bench/answers.py``):
only types measured at ``exclude_min_precision`` or better leave the effective size and count
toward the rate; the others are listed for review. Refusals never leave it (a refusal may be
the behaviour the data is meant to teach).
"""

from __future__ import annotations

from typing import ClassVar

from tuneready.checks.base import skipped
from tuneready.evidence import Evidence
from tuneready.io.dataset import Dataset
from tuneready.model import CheckResult
from tuneready.policy import CheckPolicy


class AnswersCheck:
    name: ClassVar[str] = "answers"
    what: ClassVar[str] = ("free-form answers that are empty, echoed, refusals, truncated (read "
                           "from the text), off-topic (fit another prompt better than their "
                           "own, against a shuffled baseline), contradictory on closed "
                           "prompts, in another language than their prompt, or canned "
                           "replies given to many prompts; each with its measured precision")
    why: ClassVar[str] = ("a model tuned on cut-off, off-topic or templated answers learns to "
                          "stop mid-sentence, answer the wrong question or repeat the "
                          "template; only findings measured precise enough remove rows")

    def run(self, data: Dataset, evidence: Evidence, policy: CheckPolicy) -> CheckResult:
        if data.n == 0:
            return skipped(self.name, "no rows", policy)
        if data.has_labels:
            return skipped(self.name, "the targets are labels (a closed set): label_noise "
                                      "checks them", policy)
        if not data.has_targets:
            return skipped(self.name, "no free-form answers to check", policy)
        from tuneready.checks.answers.detect import detect_all
        from tuneready.checks.answers.result import answers_result

        return answers_result(self.name, data, detect_all(data, evidence, policy), policy)
