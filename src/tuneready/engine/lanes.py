"""Checks run in forked workers, next to the model work.

Why: on a 2-core machine the audit is a chain of model stages (TF-IDF, the proxy's folds, the
embedding) that the label-noise, domain and bias checks wait on, while the schema, size and
duplicates checks read only the rows, their hashes and token counts. Those three cost about
4 s at 50k rows, 2.5 s of it importing great-expectations: pure Python that holds the GIL, so
no thread can overlap it. A forked child has the loaded rows already (copy-on-write, nothing
is pickled on the way in), runs the three checks on the second core and sends back their
results, the evidence timings, and the token counts, which the deployment context reuses.
The bias check is forked the same way once the label-noise check has computed the proxy and
the label issues it reads, and runs next to the domain check (about 0.5 s at 50k rows each).
Both lanes follow from what each check declares it reads (``SPEC.needs``): a check needing no
model stage (``evidence.store.MODEL_STAGES``) goes to the first lane; one whose model stages
checks before it in the parent all compute is forked once they have run.

Only when asked (the ``tuneready`` command asks; the Python API does not, since a notebook or
a server may hold threads and locks that a fork would copy mid-use), only on Linux (fork is
the cheap start method there) and only for sets of at least ``MIN_ROWS`` rows: below that
the whole audit takes a few seconds and a fork saves nothing.
The child never prints (its progress callback is silenced) and leaves with ``os._exit``, so
it cannot flush or lock anything the parent owns. If it dies, or sends nothing readable, the
same checks run in the parent instead: the results are identical either way, only slower.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from tuneready.checks.contract import Check
from tuneready.config.policy import Policy
from tuneready.core.results import CheckResult
from tuneready.evidence.store import MODEL_STAGES, Evidence
from tuneready.io.dataset import Dataset

#: rows from which forking pays (a fork and a second great-expectations import cost ~0.1 s of
#: wall time; the side checks save seconds only on larger sets)
MIN_ROWS = 10_000
#: evidence the child computes that the parent reuses if it has not computed it yet
SHARED_EVIDENCE = ("input_tokens", "target_tokens")
#: how much lower the workers' scheduling priority is than the parent's
CHILD_NICENESS = 10
#: environment variable that turns the worker off (debugging, profiling)
SERIAL_ENV = "TUNEREADY_SERIAL"

RunOne = Callable[[Check, Dataset, Evidence, Policy], CheckResult]


def side_lane_applies(n_rows: int) -> bool:
    return (sys.platform == "linux" and n_rows >= MIN_ROWS
            and not os.environ.get(SERIAL_ENV))


class SideLane:
    """One forked child running ``checks`` in order; ``join`` returns their results."""

    def __init__(self, checks: list[Check], run_one: RunOne, data: Dataset,
                 evidence: Evidence, policy: Policy) -> None:
        self.checks = checks
        self.evidence = evidence
        self.pid, self.fd = self._fork(run_one, data, policy)
        self.reaped = False

    def _fork(self, run_one: RunOne, data: Dataset, policy: Policy) -> tuple[int, int]:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: compute, send, leave without running any parent cleanup
            code = 1
            try:
                os.close(read)
                # lower priority: the child has slack (the parent's model chain is the longer
                # path), so it takes the cycles the parent leaves instead of slowing it down
                with contextlib.suppress(OSError):
                    os.nice(CHILD_NICENESS)
                # fresh streams: a lock another thread held at the fork is never released
                # here, and warnings or logging from a library must not wait on it
                sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115
                self.evidence.progress = lambda _msg: None
                before = dict(self.evidence.timings)  # the parent's, inherited: not ours
                results = [run_one(c, data, self.evidence, policy) for c in self.checks]
                timings = {k: v - before.get(k, 0.0) for k, v in self.evidence.timings.items()
                           if v != before.get(k)}
                shared = self.evidence.computed(SHARED_EVIDENCE)
                _write_all(write, pickle.dumps((results, timings, shared),
                                               protocol=pickle.HIGHEST_PROTOCOL))
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        return pid, read

    def join(self) -> list[CheckResult] | None:
        """The child's results (its evidence timings and token counts merged into the
        parent's evidence), or ``None`` if it failed: then run the checks here."""
        try:
            payload = _read_all(self.fd)
        finally:
            os.close(self.fd)
            _, status = os.waitpid(self.pid, 0)
            self.reaped = True
        if os.waitstatus_to_exitcode(status) != 0:
            return None
        try:
            results, timings, shared = pickle.loads(payload)
        except Exception:  # a truncated or corrupt message: recompute rather than trust it
            return None
        for name, seconds in timings.items():
            self.evidence.timings[name] = self.evidence.timings.get(name, 0.0) + seconds
        self.evidence.adopt(shared)
        return list(results)

    def kill(self) -> None:
        """Stop the child (the parent failed); reap it so no zombie is left."""
        if self.reaped:  # its pid may belong to another process by now
            return
        self.reaped = True
        with contextlib.suppress(OSError):
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        with contextlib.suppress(OSError):
            os.close(self.fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.close(fd)


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


@dataclass
class Plan:
    """Which checks run where: ``side`` forked at the start, ``main`` in the parent, in order,
    and ``after[name]`` forked once the parent has run check ``name``."""

    side: list[Check] = field(default_factory=list)
    main: list[Check] = field(default_factory=list)
    after: dict[str, list[Check]] = field(default_factory=dict)

    @property
    def late(self) -> list[Check]:
        return [c for checks in self.after.values() for c in checks]


def model_stages(check: Check) -> frozenset[str]:
    """The model stages a check declares it reads."""
    return check.spec.needs & MODEL_STAGES


def partition(checks: list[Check], n_rows: int) -> Plan:
    """Split ``checks`` into lanes. Everything stays in the parent when forking does not
    apply; the side lane (checks reading no model stage) needs two checks to pay; a check is
    forked late only when checks before it in the parent compute every model stage it reads
    (else the child would fit them again, next to the parent fitting them)."""
    if not side_lane_applies(n_rows):
        return Plan(main=list(checks))
    side = [c for c in checks if not model_stages(c)]
    if len(side) < 2:
        side = []
    plan = Plan(side=side)
    covered: list[frozenset[str]] = []  # after each parent check, the stages computed so far
    for check in checks:
        if check in side:
            continue
        needed = model_stages(check)
        done = next((i for i, have in enumerate(covered) if needed and needed <= have), None)
        if done is None:
            covered.append((covered[-1] if covered else frozenset()) | needed)
            plan.main.append(check)
        else:
            plan.after.setdefault(plan.main[done].name, []).append(check)
    return plan
