"""Which rows ``tuneready fix`` changes, and how: a pure function of the evidence and options.

``select`` turns the row-level evidence an audit rests on (``fix/targets.py``: which rows are
malformed, invalid, repeated, leaked into the eval set, flagged or reviewed as mislabelled,
or carry an unusable answer) and the user's options into a ``FixPlan``: one ``Change`` per
changed row, saying what is done (an ``Action``), under which finding code, which row of its
cluster is kept and why, and the label before and after. Nothing is read or written here, so
every rule can be tested on a handful of hand-made rows.

Adding an action (e.g. redacting private data): add its codes to ``KNOWN_CODES`` (and to
``OPT_IN`` if an option turns it on), a ``FixOptions`` field, and a step in ``select`` that
records a ``Change``: ``Action.DROP`` needs nothing more; ``Action.REPLACE`` with
``replacement`` (new values of top-level fields) is written by every writer already
(``run.edits_for`` -> ``writers.replace_fields``); an edit inside nested fields (a chat
message's content) adds its own ``writers.Edit`` in ``run.edits_for``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tuneready.config.errors import InputError


class Action(StrEnum):
    DROP = "dropped"
    RELABEL = "relabelled"
    #: a kept row whose text changes (``Change.replacement``, or a redaction: ``--redact``)
    REPLACE = "replaced"


#: why each kind of row goes, and the code it is logged under (``--keep``/``--only`` take
#: these, or a check name for all of its codes)
LOAD_CODES = ("malformed_record", "invalid_json", "not_an_object", "bad_encoding", "too_deep",
              "oversized_record", "invalid_unicode", "wrong_field_count", "swallowed_records",
              "malformed_csv", "missing_text", "unmappable_record")
#: the privacy check's kinds (``--redact`` / ``--drop-private`` act on them)
PRIVATE_KINDS = ("email", "phone", "card", "iban", "national_id", "ip", "dob", "secret")
#: the answers check's finding kinds (``checks/answers/detect.ORDER``; ``--drop-bad-answers``)
ANSWER_KINDS = ("empty", "echo", "refusal", "canned", "language", "truncated",
                "contradiction", "off_topic")
KNOWN_CODES = (
    *(f"schema.{c}" for c in LOAD_CODES),
    "schema.empty_input", "schema.empty_target", "schema.empty_label",
    "schema.label_not_allowed", "schema.input_too_long", "schema.bad_chat_structure",
    "size.exact_duplicates", "duplicates.redundant_rows", "duplicates.eval_leakage",
    "label_noise.reviewed", "label_noise.flagged", "label_noise.confirmed",
    "label_noise.conflicting_duplicates",
    *(f"answers.{k}" for k in ANSWER_KINDS), "answers.reviewed",
    *(f"privacy.{k}" for k in PRIVATE_KINDS),
)
#: codes that act only when their option is given
OPT_IN = {"label_noise.flagged": "flagged", "label_noise.confirmed": "flagged",
          "label_noise.conflicting_duplicates": "flagged",
          **{f"answers.{k}": "answers" for k in (*ANSWER_KINDS, "reviewed")},
          **{f"privacy.{k}": "private" for k in PRIVATE_KINDS}}
KEPT_FIRST = "first"
KEPT_COMPLETE = "most complete answer"


@dataclass(frozen=True)
class RowFlag:
    """One row the evidence names under one code (a malformed record's line included)."""

    row_id: int
    code: str
    excerpt: str = ""
    label: str | None = None
    #: the label the evidence proposes (the reviewer's, or the proxy's likely label)
    likely: str | None = None
    #: the proxy's probability of ``likely`` (``None``: a person's answer or no proxy)
    probability: float | None = None
    #: eval row a leaked training row matches
    other: int | None = None


@dataclass(frozen=True)
class Cluster:
    """Rows that are one example (exact or near repeats), in row order, with answer lengths."""

    rows: tuple[int, ...]
    answer_chars: tuple[int, ...]
    exact: frozenset[int] = frozenset()  # members that repeat an earlier member exactly


@dataclass
class Targets:
    """Everything ``select`` may act on, gathered from one audit's evidence."""

    flags: list[RowFlag] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    #: a label can be rewritten (a label field); ``False`` when labels are the answers
    relabel_possible: bool = True
    #: row id -> (input excerpt, label) for the change log of rows named by a cluster
    info: dict[int, tuple[str, str | None]] = field(default_factory=dict)


@dataclass
class FixOptions:
    drop_flagged: bool = False
    relabel_flagged: bool = False
    drop_bad_answers: bool = False
    #: replace detected personal data and secrets with typed placeholders (rows stay)
    redact: bool = False
    #: drop rows holding detected personal data or secrets
    drop_private: bool = False
    #: minimum proxy probability of the likely label for ``--relabel-flagged``
    relabel_min_probability: float = 0.95
    keep: Sequence[str] = ()
    only: Sequence[str] = ()

    def validate(self) -> None:
        """Unknown codes and contradictory options are usage errors (exit 2)."""
        for flag, codes in (("--keep", self.keep), ("--only", self.only)):
            for code in codes:
                if not _known(code):
                    raise InputError(f"{flag} {code}: unknown finding code; choose from "
                                     f"{', '.join(KNOWN_CODES)} or a check name")
        if self.drop_flagged and self.relabel_flagged:
            raise InputError("--drop-flagged and --relabel-flagged exclude each other")
        if self.redact and self.drop_private:
            raise InputError("--redact and --drop-private exclude each other")
        if not 0.0 <= self.relabel_min_probability <= 1.0:
            raise InputError("relabel_min_probability must be between 0 and 1")

    def acts_on(self, code: str) -> bool:
        if any(_matches(code, k) for k in self.keep):
            return False
        if self.only and not any(_matches(code, k) for k in self.only):
            return False
        opt = OPT_IN.get(code)
        if opt == "flagged":
            return self.drop_flagged or self.relabel_flagged
        if opt == "answers":
            return self.drop_bad_answers
        if opt == "private":
            return self.redact or self.drop_private
        return True


def _matches(code: str, name: str) -> bool:
    return code == name or code.startswith(name + ".")


def _known(name: str) -> bool:
    return any(_matches(code, name) for code in KNOWN_CODES)


@dataclass(frozen=True)
class Change:
    row_id: int
    action: Action
    code: str
    kept_row: int | None = None
    kept_reason: str = ""
    label_before: str | None = None
    label_after: str | None = None
    excerpt: str = ""
    #: the proxy's probability of ``label_after`` (``None``: a person's answer, or a drop)
    probability: float | None = None
    #: new values of top-level record fields for a row that stays (``Action.REPLACE``)
    replacement: dict[str, Any] | None = None


@dataclass
class FixPlan:
    changes: dict[int, Change] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def dropped(self) -> set[int]:
        return {r for r, c in self.changes.items() if c.action == Action.DROP}

    def new_label(self, row_id: int) -> str | None:
        change = self.changes.get(row_id)
        return change.label_after if change and change.action == Action.RELABEL else None

    def add(self, change: Change) -> bool:
        """Record a change unless the row already has one (the first reason stands)."""
        if change.row_id in self.changes:
            return False
        self.changes[change.row_id] = change
        return True

    def ordered(self) -> list[Change]:
        return [self.changes[r] for r in sorted(self.changes)]


def select(targets: Targets, options: FixOptions) -> FixPlan:
    """The plan: row drops first (a cluster's kept row must survive them), then one row per
    cluster, then label changes on the rows that stay."""
    plan = FixPlan()
    for flag in targets.flags:
        if _is_drop(flag, options) and options.acts_on(flag.code):
            plan.add(Change(flag.row_id, Action.DROP, flag.code, excerpt=flag.excerpt,
                            label_before=flag.label))
    for cluster in targets.clusters:
        _thin(cluster, plan, options, targets.info)
    _relabel(targets, plan, options)
    if options.redact:
        for flag in targets.flags:
            if flag.code.startswith("privacy.") and options.acts_on(flag.code):
                plan.add(Change(flag.row_id, Action.REPLACE, flag.code, excerpt=flag.excerpt,
                                label_before=flag.label))
    return plan


def _is_drop(flag: RowFlag, options: FixOptions) -> bool:
    if flag.code == "label_noise.reviewed":
        return False
    if flag.code.startswith("privacy."):
        return options.drop_private
    if flag.code in ("label_noise.flagged", "label_noise.confirmed",
                     "label_noise.conflicting_duplicates"):
        return options.drop_flagged
    return True


def _thin(cluster: Cluster, plan: FixPlan, options: FixOptions,
          info: dict[int, tuple[str, str | None]]) -> None:
    """Keep one surviving member: the longest answer (earliest on a tie); drop the others."""
    alive = [(r, n) for r, n in zip(cluster.rows, cluster.answer_chars, strict=True)
             if r not in plan.changes or plan.changes[r].action != Action.DROP]
    if len(alive) < 2:
        return
    longest = max(n for _, n in alive)
    kept = next(r for r, n in alive if n == longest)
    reason = KEPT_FIRST if kept == alive[0][0] else KEPT_COMPLETE
    for row, _ in alive:
        if row == kept:
            continue
        code = ("size.exact_duplicates" if row in cluster.exact
                else "duplicates.redundant_rows")
        if not options.acts_on(code):
            continue
        excerpt, label = info.get(row, ("", None))
        plan.changes.pop(row, None)  # a relabel planned earlier yields to the drop
        plan.add(Change(row, Action.DROP, code, kept_row=kept, kept_reason=reason,
                        excerpt=excerpt, label_before=label))


def _relabel(targets: Targets, plan: FixPlan, options: FixOptions) -> None:
    for flag in targets.flags:
        if flag.row_id in plan.changes or not flag.likely or flag.likely == flag.label:
            continue
        if not options.acts_on(flag.code):
            continue
        if flag.code == "label_noise.reviewed":
            pass  # a person's answer wins
        elif not options.relabel_flagged or flag.probability is None \
                or flag.probability < options.relabel_min_probability:
            continue
        if not targets.relabel_possible:
            continue
        plan.add(Change(flag.row_id, Action.RELABEL, flag.code, excerpt=flag.excerpt,
                        label_before=flag.label, label_after=flag.likely,
                        probability=None if flag.code == "label_noise.reviewed"
                        else flag.probability))
