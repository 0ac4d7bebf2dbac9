"""The work behind `fit export`: client files to text pieces, in one process or two.

Export reads and formats every client file, which is Python work, not waiting on the disk.
A big store (``PLAN.min_files`` files or more, exporting every client) is split into
consecutive runs of client IDs: this process formats the first while worker processes
format the others; the pieces are joined in store order, so the output is the same
byte for byte whichever way it was made. Where no process can be started (no semaphores,
a frozen app, ...) this process does it all.

Kept free of typer, so a worker started with "spawn" (Windows, macOS) imports little.
"""

from __future__ import annotations

import datetime as dt
import gc
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fitcli.formats.layout import layout
from fitcli.model import restorable
from fitcli.services import pool as _pool
from fitcli.store import ClientStore

# How `fit export` shares a big store out: from 2,000 client files (below, a second
# process costs more than it saves: a spawned one imports pydantic and the model, ~0.3 s),
# at most 4 processes (formatting is quick: more mostly add start-up time).
PLAN = _pool.PoolPlan(min_files=2000, max_workers=4)


@dataclass(frozen=True)
class Job:
    root: Path | None  # the folder worker processes open again (None: a database)
    fmt: str
    exported_at: str
    open_only: bool


@dataclass
class Part:
    """Some clients exported: their text pieces, counts, and the problems of unreadable
    files (catalogue key and values: small, and picklable unlike the exceptions)."""

    pieces: list[bytes] = field(default_factory=list)
    meetings: int = 0
    problems: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def add(self, other: Part) -> None:
        self.pieces += other.pieces
        self.meetings += other.meetings
        self.problems += other.problems


def export_part(job: Job, ids: list[str] | None, strict: bool = False,
                store: ClientStore | None = None) -> Part:
    """The pieces of ``ids`` (None: every client file); ``strict``: ids were named by the
    user, so one that does not exist is NotFound (else a file removed meanwhile is skipped).
    ``store``: the store to read (default: the folder at ``job.root``, as a worker opens
    it)."""
    shape = layout(job.fmt, job.exported_at)
    part = Part()
    st = _pool.folder_store(job.root) if store is None else store
    now = dt.datetime.fromisoformat(job.exported_at)
    for entry in st.documents(ids, missing_ok=not strict, validated=True):
        doc = entry.doc
        if doc is None or entry.client is None:
            if entry.problem is not None:
                part.problems.append((entry.problem.key, dict(entry.problem.params)))
            continue
        if job.open_only and doc["closed"] is not None:
            continue
        # an export is a backup: what import would refuse is reported, never written
        flaw = next(iter(restorable.flaws(entry.client, today=now.date(), now=now)), None)
        if flaw is not None:  # words are chosen by the main process, in the user's language
            part.problems.append(("error.export_invalid", {
                "path": st.where(entry.client_id), "where": flaw.where,
                "flaw": flaw.key, "flaw_params": flaw.params}))
            continue
        part.pieces.append(shape.client(doc))
        part.meetings += len(doc["sessions"])
    return part


def _worker_part(job: Job, ids: list[str]) -> Part:
    gc.disable()  # no reference cycles here: the collector's passes would only cost time
    return export_part(job, ids)


def run(job: Job, given: list[str] | None, store: ClientStore | None = None,
        plan: _pool.PoolPlan = PLAN) -> Part:
    """Every client (or the given ones) of ``store`` (default: the folder at ``job.root``),
    in one process or several as ``plan`` shares a store folder out (a team database is
    read in this process, as one reader)."""
    st = _pool.folder_store(job.root) if store is None else store
    if given is not None:
        return export_part(job, given, strict=True, store=st)
    ids = st.ids()
    workers = plan.workers_for(len(ids)) if st.folder is not None else 1
    if workers > 1:
        done = _in_processes(job, ids, workers, plan.start_method)
        if done is not None:
            return done
    return export_part(job, ids, store=st)


def _in_processes(job: Job, ids: list[str], workers: int, start_method: str | None
                  ) -> Part | None:
    """The first run of ``ids`` here, the others on workers - 1 processes, merged in store
    order; None if no process pool can be started here (the caller then does it all)."""
    size = -(-len(ids) // workers)
    runs = [ids[start:start + size] for start in range(0, len(ids), size)]

    def work(pool: Executor) -> Part:
        others = [pool.submit(_worker_part, job, run) for run in runs[1:]]
        done = export_part(job, runs[0])
        for other in others:
            done.add(other.result())
        return done

    return _pool.run(len(runs) - 1, start_method, _pool.ignore_sigint, (), work)
