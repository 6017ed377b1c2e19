"""All answer findings of one data set, row by row, with their evidence.

``detect_all`` runs every rule once and returns one ``Flag`` per (row, type): the type, its
reason, the scores behind it and, for an off-topic answer, the row of the prompt it fits
better. A row gets at most one flag: the first type that applies in ``ORDER`` (an empty
answer is not also "truncated"; a refusal or a canned reply is not also "off-topic").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tuneready.checks.answers import canned as canned_mod
from tuneready.checks.answers import consistency as consistency_mod
from tuneready.checks.answers.settings import AnswersSettings

if TYPE_CHECKING:
    from tuneready.checks.answers.offtopic import OffTopic

#: the first type that applies to a row is its flag
ORDER = ("empty", "echo", "refusal", "canned", "language", "truncated", "contradiction",
         "off_topic")
#: kinds whose precision is measured per reason (off-topic: per encoder)
TYPED_BY_REASON = ("truncated", "off_topic")


@dataclass
class Flag:
    position: int
    kind: str
    reason: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def type(self) -> str:
        """The finding type whose precision was measured (``truncated.mid_word``)."""
        return f"{self.kind}.{self.reason}" if self.kind in TYPED_BY_REASON else self.kind


@dataclass
class Detections:
    n: int
    flags: list[Flag] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    language_mix: dict[str, int] = field(default_factory=dict)
    canned_groups: list[list[int]] = field(default_factory=list)

    def positions_by_kind(self) -> dict[str, set[int]]:
        out: dict[str, set[int]] = {k: set() for k in ORDER}
        for f in self.flags:
            out[f.kind].add(f.position)
        return out

    def excluded_positions(self) -> set[int]:
        """Rows that leave the effective size without a review: only findings certain by
        definition (``acting``); a review adds the types it measures precise enough."""
        from tuneready.checks.answers.acting import decide

        # without a review no type is measured, so no requirement on precision can be met
        return decide(self, None, float("inf")).removed


def detect_all(data: Any, evidence: Any, cfg: AnswersSettings | None = None) -> Detections:
    """Every answer flag of ``data`` (frame positions); ``cfg``: the packaged policy's
    ``[answers]`` unless given."""
    if cfg is None:
        from tuneready.config.policy import load_policy

        cfg = AnswersSettings.from_policy(load_policy())
    frame = data.frame
    prompts = frame["input"].fillna("").astype(str).tolist()
    answers = frame["target"].fillna("").astype(str).tolist()
    found = Detections(len(answers))
    taken = np.zeros(len(answers), dtype=bool)

    def add(pos: int, kind: str, reason: str = "", **ev: Any) -> None:
        if not taken[pos]:
            taken[pos] = True
            found.flags.append(Flag(pos, kind, reason, ev))

    english = _english(evidence)
    skipped: dict[str, int] = {}
    _rules(found, add, prompts, answers, evidence, cfg, english[1], skipped)
    _canned(found, add, prompts, answers, cfg.canned_min_prompts)
    _language(found, add, prompts, answers, evidence, cfg.language_min_confidence)
    _truncation(found, add, prompts, answers, evidence, english, skipped, cfg)
    _contradictions(found, add, prompts, answers, cfg.contradiction_similarity,
                    cfg.contradiction_max_diversity)
    _off_topic(found, add, evidence, prompts, answers, taken, cfg, english, skipped)
    found.metrics["english_only_skipped"] = {k: v for k, v in skipped.items() if v}
    found.flags.sort(key=lambda f: (ORDER.index(f.kind), f.position))
    return found


def _english(evidence: Any) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the prompt, and the answer, are English (or too short to tell in a data set
    whose main language is English): what an English-only signal may read."""
    langs = evidence.languages
    return (np.array(langs.rows_in("en", side="input"), dtype=bool),
            np.array(langs.rows_in("en", side="target"), dtype=bool))


def _rules(found: Detections, add: Any, prompts: list[str], answers: list[str],
           evidence: Any, cfg: AnswersSettings, english: np.ndarray,
           skipped: dict[str, int]) -> None:
    """Empty answers and echoes in any language; refusals (an English lexicon) only in
    English answers, the others counted as not read."""
    from tuneready.checks.answers.rules import echoes, refusals

    stripped = [a.strip() for a in answers]
    empty = np.array([len(a) <= cfg.empty_max_chars for a in stripped])
    for p in np.flatnonzero(empty).tolist():
        add(p, "empty")
    echo = echoes(evidence.norm_input.tolist(), evidence.norm_target.tolist(),
                  cfg.echo_overlap)
    for p in np.flatnonzero(echo & ~empty).tolist():
        add(p, "echo")
    for p in np.flatnonzero(refusals(answers) & ~empty & english).tolist():
        add(p, "refusal")
    skipped["refusal"] = int((~empty & ~english).sum())
    found.metrics["answers_n"] = int((~empty).sum())


def _canned(found: Detections, add: Any, prompts: list[str], answers: list[str],
            min_prompts: int) -> None:
    groups = canned_mod.canned_groups(prompts, answers, min_prompts)
    found.canned_groups = groups
    for g, members in enumerate(groups):
        for p in members:
            add(p, "canned", group=g + 1, copies=len(members), first_position=members[0])


def _language(found: Detections, add: Any, prompts: list[str], answers: list[str],
              evidence: Any, min_confidence: float) -> None:
    from tuneready.checks.answers.language import mismatches

    reading = mismatches(prompts, answers, evidence.languages, min_confidence)
    found.language_mix = reading.mix
    found.metrics.update(language_code_answers_not_judged=reading.code_answers,
                         language_main_stands_in=reading.main_stands_in)
    for p, expected, got in reading.wrong:
        add(p, "language", expected=expected, answer_language=got)


def _truncation(found: Detections, add: Any, prompts: list[str], answers: list[str],
                evidence: Any, english: tuple[np.ndarray, np.ndarray],
                skipped: dict[str, int], cfg: AnswersSettings) -> None:
    """Truncation from evidence of a cut; its English-only parts (a lexicon, wordfreq, the
    phrasings of a requested length) read English rows only."""
    from tuneready.checks.answers.truncation import read

    reading = read(prompts, answers, np.asarray(evidence.target_tokens),
                   cfg.truncation_min_estimated_precision,
                   english_answers=english[1].tolist(), english_prompts=english[0].tolist())
    skipped["truncation_lexicon"] = reading.english_skipped
    found.metrics.update(truncation_code_answers=reading.code_rows,
                         truncation_sentence_ends_learned=reading.sentences,
                         truncation_word_rules={k: c.as_dict()
                                                for k, c in reading.calibration.items()})
    for p, reason in enumerate(reading.reasons):
        if reason:
            add(p, "truncated", reason)


def _contradictions(found: Detections, add: Any, prompts: list[str], answers: list[str],
                    similarity: float, max_diversity: float) -> None:
    result = consistency_mod.consistency(prompts, answers, similarity, max_diversity)
    for p, other in result.contradictions:
        add(p, "contradiction", contradicts_position=other)
    found.metrics.update(repeated_prompts=result.repeated_prompts,
                         repeated_answered_differently=result.answered_differently,
                         open_repeated_differing=result.open_differing,
                         contradictions_not_reported=result.suppressed,
                         answer_diversity=(None if result.answer_diversity is None
                                           else round(result.answer_diversity, 4)))


def _off_topic(found: Detections, add: Any, evidence: Any, prompts: list[str],
               answers: list[str], taken: np.ndarray, cfg: AnswersSettings,
               english: tuple[np.ndarray, np.ndarray], skipped: dict[str, int]) -> None:
    """Off-topic answers on English vectors (static wordllama, or MiniLM), so only rows whose
    prompt and answer are English are scored; the metrics say what was measured."""
    static_answers, static_prompts = evidence.answer_vectors, evidence.sentence_vectors
    if static_answers is None or static_prompts is None:
        found.metrics["off_topic_scored"] = False
        return
    from tuneready.checks.answers.offtopic import score

    codes = pd.factorize(evidence.norm_input)[0]
    present = ~taken & np.array([bool(a.strip()) for a in answers]) \
        & (np.linalg.norm(static_prompts, axis=1) > 0)
    usable = present & english[0] & english[1]
    skipped["off_topic"] = int((present & ~usable).sum())
    vectors, encoder = _pair_vectors(prompts, answers, usable, cfg, found.metrics)
    if vectors is None:
        vectors = static_prompts, static_answers
    result = score(vectors[0], vectors[1], codes, usable, evidence.seed)
    flagged, gap_min = off_topic_flags(result, cfg)
    found.metrics.update(off_topic_scored=True, off_topic_encoder=encoder or "static",
                         off_topic_coupling=_round(result.coupling),
                         off_topic_shuffled_median_rank=_round(result.shuffled_median),
                         off_topic_gap_min=_round(gap_min),
                         **_off_topic_measured(result, cfg, flagged))
    reason = "pair_model" if encoder else "static_vectors"
    for p in np.flatnonzero(flagged).tolist():
        add(p, "off_topic", reason, own_fit=_round(result.own[p]),
            rank=_round(result.rank[p]), better_position=int(result.best_position[p]),
            better_fit=_round(result.best[p]))


def _pair_vectors(prompts: list[str], answers: list[str], usable: np.ndarray,
                  cfg: AnswersSettings, metrics: dict[str, Any]
                  ) -> tuple[tuple[np.ndarray, np.ndarray] | None, str | None]:
    """Contextual (prompt, answer) vectors of the scored rows when ``[answers] pair_model``
    allows and the extra is installed (zeros elsewhere; ``score`` reads only ``usable``
    rows); ``None`` for the static vectors, with the reason in ``metrics``."""
    from tuneready.evidence import pair_encoder

    rows = np.flatnonzero(usable)
    if cfg.pair_model == "never":
        return None, None
    if not pair_encoder.available():
        metrics["off_topic_pair_model_skipped"] = "not installed (pip install 'tuneready[pairs]')"
        return None, None
    if cfg.pair_model == "auto" and len(rows) > cfg.pair_model_max_rows:
        metrics["off_topic_pair_model_skipped"] = (
            f"{len(rows):,} rows to score > answers.pair_model_max_rows "
            f"{cfg.pair_model_max_rows:,}")
        return None, None
    try:
        both = pair_encoder.embed([prompts[i] for i in rows] + [answers[i] for i in rows])
    except (ImportError, pair_encoder.PairModelError) as exc:  # a broken or changed install
        if cfg.pair_model == "always":
            raise
        metrics["off_topic_pair_model_skipped"] = f"unusable: {exc}"
        return None, None
    p = np.zeros((len(prompts), both.shape[1]), dtype=np.float32)
    a = np.zeros_like(p)
    p[rows], a[rows] = both[:len(rows)], both[len(rows):]
    return (p, a), pair_encoder.describe()


def off_topic_flags(result: OffTopic, cfg: AnswersSettings) -> tuple[np.ndarray, float]:
    """The rows judged off-topic and the fit gap they had to pass (see offtopic.py)."""
    scored = np.isfinite(result.rank)
    none = np.zeros(len(result.rank), dtype=bool)
    if scored.sum() < 20 or not np.isfinite(result.coupling) \
            or result.coupling < cfg.offtopic_min_coupling:
        return none, float("nan")
    rank_min = float(np.quantile(result.shuffled_rank[scored], cfg.offtopic_null_quantile))
    gap = result.best - result.own
    gap_min = max(cfg.offtopic_gap_floor,
                  cfg.offtopic_gap_scale * float(np.quantile(gap[scored], 0.9)))
    with np.errstate(invalid="ignore"):
        return scored & (result.rank >= rank_min) & (gap >= gap_min), gap_min


def _off_topic_measured(result: OffTopic, cfg: AnswersSettings, flagged: np.ndarray
                        ) -> dict[str, Any]:
    """What off-topic measured on this data: rows scored, the coupling against the bar it
    must reach, the null rank an answer must pass, and why nothing was judged if so."""
    scored = np.isfinite(result.rank)
    n = int(scored.sum())
    judged = n >= 20 and np.isfinite(result.coupling) \
        and result.coupling >= cfg.offtopic_min_coupling
    rank_min = float(np.quantile(result.shuffled_rank[scored], cfg.offtopic_null_quantile)) \
        if n else float("nan")
    why = None
    if n < 20:
        why = f"only {n} rows with an English prompt and answer to score"
    elif not judged:
        why = (f"answers are loosely coupled to their prompts (coupling "
               f"{result.coupling:.2f} < offtopic_min_coupling {cfg.offtopic_min_coupling})")
    return {"off_topic_rows_scored": n, "off_topic_min_coupling": cfg.offtopic_min_coupling,
            "off_topic_null_quantile": cfg.offtopic_null_quantile,
            "off_topic_rank_min": _round(rank_min) if judged else None,
            "off_topic_judged": bool(judged), "off_topic_not_judged_because": why,
            "off_topic_flagged": int(flagged.sum())}


def _round(x: float) -> float | None:
    return round(float(x), 4) if np.isfinite(x) else None
