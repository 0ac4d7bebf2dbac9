"""The work behind `fit flags`: check clients, keep only their rendered flags.

One process streams the clients; a big store (``PoolPlan.min_files`` files or more, when
listing every open client) is split into chunks of consecutive client IDs that a pool of
processes checks on the available cores. Each worker reads, fully validates and checks its
chunk and sends back only the rendered flags and counts; chunks are merged in store order,
so output, stderr and exit code are the same whichever way the work was done. Where no
process pool can be started (no semaphores, a frozen app, ...) one process does it all.

Kept free of typer, so a worker started with "spawn" (Windows, macOS) imports little.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from fitcli.model.alerts import RuleSettings, Severity, at_or_above, evaluate
from fitcli.model.norms import NormProfile
from fitcli.render import flags as view
from fitcli.services import pool
from fitcli.services.pool import DEFAULT_PLAN, PoolPlan
from fitcli.store import ClientStore, Entry


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to check clients the way the command was asked to."""

    root: Path | None  # the folder worker processes open again (None: a database)
    lang: str
    profile: NormProfile
    rules: RuleSettings
    today: dt.date
    only: Severity  # show flags at or above this level
    fail_level: Severity | None  # --fail-on
    as_json: bool
    closed_too: bool  # clients named on the command line are checked even when closed
    rater: str | None = None  # --rater: only this rater's flags ("self": the client's own)
    verbose: bool = False  # --verbose: each flag line names its rule id
    practitioner: str | None = None  # --practitioner: only this practitioner's clients


@dataclass
class Found:
    """What checking some clients found: small, so workers send it back cheaply."""

    problems: list[str] = field(default_factory=list)  # unreadable files, in store order
    problem_count: int = 0
    checked: int = 0
    counted: dict[Severity, int] = field(default_factory=lambda: dict.fromkeys(Severity, 0))
    failing: bool = False
    # (rank of the worst flag shown, client ID, rendered lines): JSON mode has one line per
    # client, the flags' objects joined by ", "; text mode a header line and a line per flag.
    clients: list[tuple[int, str, list[str]]] = field(default_factory=list)
    processes: int = field(default=1, compare=False)  # how many did the work

    def add(self, other: Found) -> None:
        self.problems += other.problems
        self.problem_count += other.problem_count
        self.checked += other.checked
        for severity, count in other.counted.items():
            self.counted[severity] += count
        self.failing = self.failing or other.failing
        self.clients += other.clients


def check(job: Job, entries: Iterable[Entry],
          report: Callable[[str], None] | None = None) -> Found:
    """Check each entry (a client file, loaded and validated, or its problem) in turn.

    ``report`` is told each problem as it is met; without it problems are collected."""
    found = Found()
    column = view.severity_column()
    counted = found.counted
    for client in pool.readable(entries, found, report):
        if not job.closed_too and client.closed is not None:
            continue
        if job.practitioner is not None and client.practitioner != job.practitioner:
            continue
        found.checked += 1
        client_flags = evaluate(client, job.profile, job.rules, job.today, rater=job.rater)
        if job.fail_level is not None and at_or_above(client_flags, job.fail_level):
            found.failing = True
        shown = at_or_above(client_flags, job.only)
        if not shown:
            continue
        view.tally(shown, counted)
        if job.as_json:  # one dumps per client: the list's text without its brackets
            rendered = [json.dumps([view.flag_dict(f, client.age_group) for f in shown],
                                   ensure_ascii=False)[1:-1]]
        else:
            rendered = view.client_block(client.id, client.age_group, shown, column,
                                         verbose=job.verbose)
        found.clients.append((shown[0].severity.rank, client.id, rendered))
    return found


def run(job: Job, store: ClientStore, given: list[str] | None,
        report: Callable[[str], None], plan: PoolPlan = DEFAULT_PLAN) -> Found:
    """Check the given clients, or every client file in the store, in one process or in
    several as ``plan`` shares them out."""
    # Everything loaded so far (pydantic's schemas, the catalogues) lives until the end: the
    # garbage collector need not walk it again and again while thousands of clients stream,
    # nor at exit (not unfrozen afterwards: that alone costs ~40 ms; the command ends here).
    gc.freeze()
    if given is not None:
        return check(job, store.entries(given), report)
    return pool.read_clients(store, job, job.lang, plan, _check_chunk, _merged,
                             lambda entries: check(job, entries, report), report)


def _check_chunk(job: Job, ids: list[str]) -> Found:
    return check(job, pool.folder_store(job.root).entries(ids, missing_ok=True))


def _merged(workers: int) -> Found:
    return Found(processes=workers)
