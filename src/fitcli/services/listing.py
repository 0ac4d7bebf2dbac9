"""The work behind `fit client list`: client files to table rows, in one process or many.

Like `fit flags` (see services/flags.py): the clients stream through, on several processes for
a big store (chunks of consecutive IDs, merged in store order), and only what is shown is
kept: a row of short strings per client (or its JSON text), never the clients themselves.
A list of 100,000 clients so needs about the memory and time of `fit flags`.

Kept free of typer, so a worker started with "spawn" (Windows, macOS) imports little.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from fitcli.formats.shapes import latest_total, summary_dict
from fitcli.i18n import num, t
from fitcli.model.alerts import Flag, RuleSettings, Severity, at_or_above, evaluate, worst
from fitcli.model.change import change
from fitcli.model.ids import id_key
from fitcli.model.norms import NormProfile
from fitcli.model.scores import Client
from fitcli.services import pool
from fitcli.services.pool import DEFAULT_PLAN, PoolPlan
from fitcli.store import ClientStore, Entry

Row = tuple[str, ...]


@dataclass(frozen=True)
class Job:
    root: Path | None  # the folder worker processes open again (None: a database)
    lang: str
    profile: NormProfile
    rules: RuleSettings
    today: dt.date
    show_all: bool
    as_json: bool
    practitioner: str | None = None  # only this practitioner's clients
    prefix: str | None = None  # only IDs starting so (case ignored)
    flagged: bool = False  # only clients with a red or amber flag


@dataclass
class Listed:
    rows: list[Row] = field(default_factory=list)  # table cells, or (JSON text,) per client
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0
    processes: int = field(default=1, compare=False)  # how many did the work

    def add(self, other: Listed) -> None:
        self.rows += other.rows
        self.problems += other.problems
        self.problem_count += other.problem_count


def rows(job: Job, entries: Iterable[Entry], report: Callable[[str], None] | None = None
         ) -> Listed:
    done = Listed()
    for client in pool.readable(entries, done, report):
        if not job.show_all and client.closed is not None:
            continue
        if job.practitioner is not None and client.practitioner != job.practitioner:
            continue
        if job.prefix and not id_key(client.id).startswith(id_key(job.prefix)):
            continue
        flags: list[Flag] | None = None
        if job.flagged:
            flags = evaluate(client, job.profile, job.rules, job.today)
            if not at_or_above(flags, Severity.AMBER):
                continue
        if job.as_json:
            done.rows.append((json.dumps(summary_dict(client), ensure_ascii=False),))
            continue
        if flags is None:
            flags = evaluate(client, job.profile, job.rules, job.today)
        done.rows.append(table_row(client, flags))
    return done


def table_row(client: Client, flags: list[Flag]) -> Row:
    """A client's cells in the caseload table (render.tables.client_list), the last two its
    most severe flag in words and that flag's severity ("" without a flag)."""
    from fitcli.render.flags import rule_name, severity_word

    flag = worst(flags)
    own = client.ors_ratings()
    intake = own[0][1].total if own else None
    latest = own[-1][1].total if own else None
    delta = change(intake, latest) if intake is not None and latest is not None \
        and len(own) > 1 else None
    return (client.id, t(f"age_group.{client.age_group}"), t(f"status.{client.status}"),
            str(len(client.sessions)), num(intake), num(latest_total(client, "ors")),
            "-" if delta is None else ("+" if delta > 0 else "") + num(delta),
            num(latest_total(client, "srs")),
            client.last_date.isoformat() if client.last_date else "-", client.label,
            f"{severity_word(flag.severity)} {rule_name(flag.rule)}" if flag else "-",
            flag.severity.value if flag else "")


def run(job: Job, store: ClientStore, report: Callable[[str], None],
        plan: PoolPlan = DEFAULT_PLAN) -> Listed:
    """The rows of every client, in one process or in several as ``plan`` shares them."""
    gc.freeze()  # what is loaded so far lives until the end (see services/flags.run)
    return pool.read_clients(store, job, job.lang, plan, _chunk, _merged,
                             lambda entries: rows(job, entries, report), report)


def _chunk(job: Job, ids: list[str]) -> Listed:
    return rows(job, pool.folder_store(job.root).entries(ids, missing_ok=True))


def _merged(workers: int) -> Listed:
    return Listed(processes=workers)
