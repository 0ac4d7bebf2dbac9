"""Batch import: how rows of meetings land in clients. Pure: today and now come in as arguments.

A row is one meeting of one client: a date, optionally its meeting number, an ORS, an SRS or
both. ``plan`` checks every row against the client as stored (or as it would be created) and
returns either the clients to write or every problem found: nothing is ever half-planned.

Rules, on top of the visit rules of ``meetings.record``. A form's place in a visit is its
slot: the form and its rater (the client or a collateral rater's code).
- A row matches an existing visit by its number (when the row has one) or by its date.
  The same scores again: skipped (re-importing a file adds nothing). A slot the visit lacks:
  filled in ("completed"). Different scores, or a different date for the same number: a
  conflict, refused unless ``replace`` (then the visit is corrected and keeps its old values
  in its correction history, as ``fit ors --session N`` does).
- Rows for the same client and visit inside one file merge when they fill different slots
  (an ORS row and an SRS row, the client's row and a parent's); the same slot twice is a
  duplicate.
- New meetings go after the client's latest one, in date order, never in the future; meeting
  numbers in the file must continue the client's numbering without gaps. Rows with a meeting
  number are taken in number order, rows without one in date order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from dataclasses import replace as evolve
from typing import Any, Literal

from fitcli.model import meetings
from fitcli.model.ids import id_key
from fitcli.model.problems import DomainError
from fitcli.model.scores import (
    FORMS,
    SELF,
    AgeGroup,
    Client,
    Correction,
    Form,
    Rater,
    Rating,
    Session,
)

Outcome = Literal["added", "completed", "skipped", "replaced"]


@dataclass(frozen=True)
class Problem:
    """Why one row (or one part of a file) cannot be imported: a catalogue key and its values."""

    line: int | None  # line in the file; None for a JSON document (see column)
    column: str  # the column as headed in the file, or a JSON path; "" for the whole row
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def sort_key(self) -> tuple[int, str]:
        return (self.line if self.line is not None else 0, self.column)


@dataclass(frozen=True, slots=True)  # slots: an import holds a million of them
class Row:
    """One meeting as read from a file, already parsed (scores valid on their own)."""

    line: int | None
    client: str
    date: dt.date
    session: int | None = None
    ors: Rating | None = None
    srs: Rating | None = None
    age_group: AgeGroup | None = None
    where: Mapping[str, str] = field(default_factory=dict)  # field -> column name, for problems

    def column(self, name: str) -> str:
        return self.where.get(name, name)

    def rating(self, form: Form) -> Rating | None:
        return self.ors if form == "ors" else self.srs

    def forms(self) -> list[Form]:
        return [f for f in FORMS if self.rating(f) is not None]

    def slots(self) -> list[tuple[Form, Rater]]:
        """(form, rater) of each form the row holds."""
        return [(f, r.rater) for f in FORMS if (r := self.rating(f)) is not None]

    @property
    def own_only(self) -> bool:
        return all(rater == SELF for _, rater in self.slots())


@dataclass(frozen=True)
class Template:
    """A client from a full backup: created whole (details, closing, correction histories)."""

    client: Client  # details and closing; its meetings come as rows
    path: str  # where it sits in the document, for problems
    corrections: tuple[tuple[Correction, ...], ...] = ()  # each visit's history, in order
    formerly: tuple[tuple[int, ...], ...] = ()  # each visit's older record numbers
    practitioners: tuple[str | None, ...] = ()  # who held each visit


@dataclass
class Counts:
    clients_created: int = 0
    meetings_added: int = 0
    meetings_completed: int = 0
    skipped: int = 0
    replaced: int = 0

    def add(self, outcome: Outcome) -> None:
        if outcome == "added":
            self.meetings_added += 1
        elif outcome == "completed":
            self.meetings_completed += 1
        elif outcome == "skipped":
            self.skipped += 1
        else:
            self.replaced += 1

    def merge(self, other: Counts) -> None:
        for name in ("clients_created", "meetings_added", "meetings_completed", "skipped",
                     "replaced"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class ClientPlan:
    """One client to write: as read from the store (None: new) and as it will be."""

    key: str
    base: Client | None
    result: Client


@dataclass
class Plan:
    writes: list[ClientPlan] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    create_clients: bool = False
    age_group: AgeGroup | None = None  # for created clients without an age_group column
    replace: bool = False


def plan(
    rows: Iterable[Row],
    existing: Mapping[str, Client],
    *,
    today: dt.date,
    now: dt.datetime,
    options: Options = Options(),
    templates: Mapping[str, Template] | None = None,
) -> Plan:
    """Check every row and work out every client to write. ``existing`` and ``templates`` are
    keyed by ``id_key``; rows naming a client in neither need ``create_clients``."""
    templates = templates or {}
    by_client: dict[str, list[Row]] = {}
    for row in rows:
        by_client.setdefault(id_key(row.client), []).append(row)
    for key in templates:
        by_client.setdefault(key, [])

    result = Plan()
    for key, client_rows in by_client.items():
        client_plan, counts, problems = plan_client(
            existing.get(key), templates.get(key), client_rows, today=today, now=now,
            options=options)
        result.problems.extend(problems)
        result.counts.merge(counts)
        if client_plan is not None:
            result.writes.append(evolve(client_plan, key=key))
    result.problems.sort(key=Problem.sort_key)
    return result


def plan_client(
    base: Client | None,
    template: Template | None,
    rows: list[Row],
    *,
    today: dt.date,
    now: dt.datetime,
    options: Options,
) -> tuple[ClientPlan | None, Counts, list[Problem]]:
    """One client's rows against the client as stored (``base``) or as it will be created."""
    counts = Counts()
    problems: list[Problem] = []
    if base is None and template is None and not options.create_clients:
        for row in rows:
            problems.append(Problem(row.line, row.column("client"), "import.error.unknown_client",
                                    {"client": row.client}))
        return None, counts, problems

    merged, duplicates = merge_rows(rows)
    problems.extend(duplicates)
    if base is None:
        start = _new_client(template, merged, options, problems)
        if start is None:
            return None, counts, problems
        working = start
    else:
        working = base
        for row in merged:
            if row.age_group is not None and row.age_group != base.age_group:
                problems.append(Problem(row.line, row.column("age_group"),
                                        "import.error.age_group_differs",
                                        {"client": base.id, "stored": base.age_group,
                                         "value": row.age_group}))

    added = _add_all(working, merged, today)
    if added is not None:
        working = added
        counts.meetings_added = len(merged)
    else:
        for row in merged:
            try:
                working, outcome = apply_row(working, row, replace=options.replace,
                                             today=today, now=now)
            except RowProblem as exc:
                problems.append(exc.problem)
                continue
            counts.add(outcome)

    if template is not None and base is None:
        working = _restore_details(working, template, today, problems)
    if problems:
        return None, counts, problems
    if base is None:
        counts.clients_created = 1
    elif working == base:
        return None, counts, problems
    return ClientPlan(id_key(working.id), base, working), counts, problems


def _add_all(client: Client, rows: list[Row], today: dt.date) -> Client | None:
    """The usual batch: every row a new meeting (no meeting numbers, no date the client
    already has a meeting on), all at once; None when that is not so or a rule is broken,
    and ``apply_row`` takes the rows one by one (and names each problem's row)."""
    if client.closed is not None or any(row.session is not None or not row.own_only
                                         for row in rows):
        return None
    if len({row.date for row in rows}) != len(rows):
        return None
    if client.sessions:
        dates = {s.date for s in client.sessions}
        if any(row.date in dates for row in rows):
            return None
    try:
        return meetings.add_meetings(client, [(r.date, r.ors, r.srs) for r in rows],
                                     today=today)
    except DomainError:
        return None


def _new_client(template: Template | None, rows: list[Row], options: Options,
                problems: list[Problem]) -> Client | None:
    if template is not None:
        return template.client.model_copy(update={"sessions": (), "closed": None})
    if not rows:
        return None
    groups = {r.age_group for r in rows if r.age_group is not None}
    if len(groups) > 1:
        first = rows[0]
        problems.append(Problem(first.line, first.column("age_group"),
                                "import.error.age_group_mixed",
                                {"client": first.client, "values": ", ".join(sorted(groups))}))
        return None
    age_group: AgeGroup = groups.pop() if groups else (options.age_group or "adult")
    return Client(id=rows[0].client, age_group=age_group, start=min(r.date for r in rows))


def _restore_details(client: Client, template: Template, today: dt.date,
                     problems: list[Problem]) -> Client:
    """Give a restored client back its correction histories and its closing."""
    old = template.client
    if len(client.sessions) == len(template.corrections):
        formerly = template.formerly or tuple(() for _ in template.corrections)
        held = template.practitioners or tuple(None for _ in template.corrections)
        client = client.model_copy(update={"sessions": tuple(
            s.model_copy(update={"corrections": history, "formerly": before,
                                 "practitioner": who})
            for s, history, before, who in zip(client.sessions, template.corrections, formerly,
                                               held, strict=True))})
    if old.closed is not None:
        try:
            client = meetings.close(client, old.closed.reason, old.closed.date, today)
        except DomainError as exc:
            problems.append(Problem(None, f"{template.path}.closed", exc.key, exc.params))
    return client


def merge_rows(rows: list[Row]) -> tuple[list[Row], list[Problem]]:
    """Rows of one client in visit order; rows of the same visit and rater merged (an ORS row
    and an SRS row); a slot given twice for one visit is a duplicate."""
    # numbered visits in number order (their dates are then checked), the rest by date
    ordered = sorted(rows, key=lambda r: (r.session is None, r.session or 0, r.date,
                                          r.line or 0))
    merged: list[Row] = []
    index: dict[tuple[Any, ...], int] = {}
    taken: dict[tuple[str, Any], dict[tuple[Form, Rater], Row]] = {}
    dates: dict[tuple[str, Any], dt.date] = {}
    problems: list[Problem] = []
    for row in ordered:
        visit: tuple[str, Any] = (("n", row.session) if row.session is not None
                                  else ("d", row.date))
        slots = taken.setdefault(visit, {})
        clash = [slot for slot in row.slots() if slot in slots]
        if clash or dates.setdefault(visit, row.date) != row.date:
            first = slots[clash[0]] if clash else merged[index[(*visit, "")]]
            column = clash[0][0] if clash else "date"
            problems.append(Problem(row.line, row.column(column), "import.error.duplicate",
                                    {"client": row.client, "date": row.date.isoformat(),
                                     "first": first.line if first.line is not None else "?"}))
            continue
        for slot in row.slots():
            slots[slot] = row
        raters = tuple(sorted({r for _, r in row.slots()}))
        key = (*visit, raters)
        index.setdefault((*visit, ""), len(merged))
        at = index.get(key)
        if at is None or len(raters) != 1:
            index[key] = len(merged)
            merged.append(row)
            continue
        first = merged[at]
        merged[at] = evolve(first, ors=first.ors or row.ors, srs=first.srs or row.srs,
                            age_group=first.age_group or row.age_group)
    return merged, problems


class RowProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.key)
        self.problem = problem


def _refuse(row: Row, column: str, key: str, **params: Any) -> RowProblem:
    return RowProblem(Problem(row.line, row.column(column), key, params))


def _model_refusal(row: Row, exc: DomainError, form: str) -> RowProblem:
    column = "date" if "date" in exc.key else ("session" if "session" in exc.key else form)
    return RowProblem(Problem(row.line, row.column(column), exc.key, exc.params))


def _target(client: Client, row: Row) -> Session | None:
    sessions = client.sessions
    if row.session is not None:
        if row.session <= len(sessions):
            return sessions[row.session - 1]
        if row.session > len(sessions) + 1:
            raise _refuse(row, "session", "import.error.session_gap", client=client.id,
                          session=row.session, last=len(sessions))
        return None
    same_day = [s for s in sessions if s.date == row.date]
    for session in same_day:
        if not _compare(session, row)[0]:  # nothing that differs: this is the visit
            return session
    return same_day[-1] if same_day else None


def _compare(session: Session, row: Row) -> tuple[list[Form], list[Form]]:
    """The row's forms the meeting holds with other scores, and those it lacks. (`is None`
    first: comparing ratings runs pydantic's __eq__, and a re-import compares 200,000.)"""
    differs: list[Form] = []
    missing: list[Form] = []
    for form in row.forms():
        rating = row.rating(form)
        assert rating is not None
        held = session.get(form, rating.rater)
        if held is None:
            missing.append(form)
        elif held != rating:
            differs.append(form)
    return differs, missing


def apply_row(client: Client, row: Row, *, replace: bool, today: dt.date,
              now: dt.datetime) -> tuple[Client, Outcome]:
    """``client`` with ``row`` applied, and what happened; raises RowProblem."""
    target = _target(client, row)
    if target is None:
        return _add(client, row, today, now), "added"

    differs, missing = _compare(target, row)
    moved = target.date != row.date
    if not differs and not missing and not moved:
        return client, "skipped"
    if client.closed is not None and missing:  # corrections go to record(), which decides
        raise _refuse(row, "client", "error.client_closed", client=client.id)
    if (differs or moved) and not replace:
        column = differs[0] if differs else "date"
        return_key = "import.error.conflict_date" if not differs else "import.error.conflict"
        raise _refuse(row, column, return_key, client=client.id, session=target.session,
                      date=target.date.isoformat(), form=column.upper(),
                      new_date=row.date.isoformat())

    index = target.session - 1
    if missing:
        filled = target
        for f in missing:
            rating = row.rating(f)
            assert rating is not None
            filled = filled.with_form(f, rating.rater, rating)
        sessions = list(client.sessions)
        sessions[index] = filled
        client = client.model_copy(update={"sessions": tuple(sessions)})
    if not differs and not moved:
        return client, "completed"
    for form in differs or [row.forms()[0]]:
        rating = row.rating(form)
        assert rating is not None
        try:
            done = meetings.record(client, form, rating, today=today, now=now,
                                   date=row.date if moved else None, session=target.session)
        except DomainError as exc:
            raise _model_refusal(row, exc, form) from None
        client, moved = done.client, False
    return client, "replaced"


def _add(client: Client, row: Row, today: dt.date, now: dt.datetime) -> Client:
    if client.closed is not None:
        raise _refuse(row, "client", "error.client_closed", client=client.id)
    forms = row.forms()
    rating = row.rating(forms[0])
    assert rating is not None
    # the first form starts meeting N (date rules checked there) and an SRS on the same row
    # completes that same meeting, as `fit srs` right after `fit ors` does (one new meeting
    # holding both, not a copy per form: a batch adds 100,000 of them)
    together = len(forms) == 2 and row.srs is not None and row.srs.rater == rating.rater
    try:
        done = meetings.record(client, forms[0], rating, today=today, now=now, date=row.date,
                               session=len(client.sessions) + 1,
                               companion=row.srs if together else None)
    except DomainError as exc:
        raise _model_refusal(row, exc, forms[0]) from None
    if len(forms) == 2 and not together:  # the SRS of another rater, in the visit just made
        assert row.srs is not None
        visit = done.session.with_form("srs", row.srs.rater, row.srs)
        return done.client.model_copy(update={"sessions": (*done.client.sessions[:-1], visit)})
    return done.client

