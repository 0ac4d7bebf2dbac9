"""How a logged score lands in a client's meetings. Pure: today and now come in as arguments.

Rules (issue #2): an ORS starts a new meeting; an SRS completes the latest meeting if that
has no SRS yet (and no other date was given), otherwise starts a new one. ``session=N``
targets meeting N: an existing meeting is corrected with its previous values kept in its
correction history; N = last + 1 starts the next meeting. A new meeting may not be dated
before the client's latest meeting, nor after today. A closed client takes no new meetings
(reopen first), but its existing meetings can still be corrected, within the episode.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from fitcli.model.problems import DomainError
from fitcli.model.scores import Client, CloseReason, Closure, Correction, Form, Rating, Session

Action = Literal["added", "completed", "corrected"]


@dataclass(frozen=True)
class Recorded:
    client: Client
    session: Session
    action: Action


def _check_date(date: dt.date, today: dt.date) -> None:
    if date > today:
        raise DomainError("error.date_future", date=date.isoformat(), today=today.isoformat())


def check_recordable(client: Client, session: int | None = None) -> None:
    """Refuse early (before anyone types four scores) what ``record`` would refuse anyway:
    a meeting number that does not exist, or a new meeting for a closed client."""
    count = len(client.sessions)
    if session is not None and not 1 <= session <= count + 1:
        raise DomainError("error.session_not_found", kind="not_found", client=client.id,
                          session=session, last=count)
    starts_new = session is None or session == count + 1
    if starts_new and client.closed is not None:
        raise DomainError("error.client_closed", client=client.id)


def record(
    client: Client,
    form: Form,
    rating: Rating,
    *,
    today: dt.date,
    now: dt.datetime,
    date: dt.date | None = None,
    session: int | None = None,
    companion: Rating | None = None,
) -> Recorded:
    """Put ``rating`` into the right meeting of ``client`` and return the new client.

    ``companion``: the other form's rating, given at the same meeting (a batch import row
    with an ORS and an SRS); only for a new meeting, which then holds both."""
    if date is not None:
        _check_date(date, today)
    sessions = list(client.sessions)
    last = sessions[-1] if sessions else None
    if companion is not None and (session is None or session <= len(sessions)):
        raise ValueError("companion is for a new meeting with its number given")
    if session is not None and session <= len(sessions):
        check_recordable(client, session)
        return _correct(client, sessions, session - 1, form, rating, date, now)
    if (session is None and form == "srs" and last is not None and last.srs is None
            and date in (None, last.date) and client.closed is None):
        completed = last.model_copy(update={"srs": rating})
        sessions[-1] = completed
        return Recorded(client.model_copy(update={"sessions": tuple(sessions)}), completed,
                        "completed")

    check_recordable(client, session)
    new_date = date or today
    _check_after(last, new_date)
    ratings = {form: rating}
    if companion is not None:
        ratings["srs" if form == "ors" else "ors"] = companion
    new = Session(session=len(sessions) + 1, date=new_date, **ratings)
    sessions.append(new)
    return Recorded(client.model_copy(update={"sessions": tuple(sessions)}), new, "added")


def _check_after(last: Session | None, date: dt.date) -> None:
    """A new meeting is never dated before the client's latest one."""
    if last is not None and date < last.date:
        raise DomainError("error.date_before_latest", date=date.isoformat(),
                          latest=last.date.isoformat(), session=last.session)


def add_meetings(client: Client, new: Sequence[tuple[dt.date, Rating | None, Rating | None]],
                 *, today: dt.date) -> Client:
    """``client`` with new meetings (date, ORS, SRS) appended in the order given: what
    ``record`` does for each with its number given and the other form as companion, under
    the same rules, but copying the client once (a batch import adds 100,000 meetings).
    Raises the first rule broken; nothing is half-applied (the client is immutable)."""
    if not new:
        return client
    check_recordable(client, len(client.sessions) + 1)
    sessions = list(client.sessions)
    last = sessions[-1] if sessions else None
    for date, ors, srs in new:
        if ors is None and srs is None:
            raise ValueError("a meeting holds an ORS, an SRS or both")
        _check_date(date, today)
        _check_after(last, date)
        last = Session.new_meeting(len(sessions) + 1, date, ors, srs)
        sessions.append(last)
    return client.model_copy(update={"sessions": tuple(sessions)})


def _correct(
    client: Client, sessions: list[Session], index: int, form: Form, rating: Rating,
    date: dt.date | None, now: dt.datetime,
) -> Recorded:
    old = sessions[index]
    if date is not None and date != old.date:
        before = sessions[index - 1].date if index > 0 else None
        after = sessions[index + 1].date if index + 1 < len(sessions) else None
        if client.closed is not None and (after is None or after > client.closed.date):
            after = client.closed.date  # a correction stays within the closed episode
        if (before and date < before) or (after and date > after):
            raise DomainError("error.date_out_of_order", date=date.isoformat(),
                              session=old.session)
    correction = Correction(
        at=now, form=form, previous=getattr(old, form),
        previous_date=old.date if date is not None and date != old.date else None,
    )
    fixed = old.model_copy(update={
        form: rating, "date": date or old.date, "corrections": (*old.corrections, correction),
    })
    sessions[index] = fixed
    return Recorded(client.model_copy(update={"sessions": tuple(sessions)}), fixed, "corrected")


def close(client: Client, reason: CloseReason, date: dt.date, today: dt.date) -> Client:
    if client.closed is not None:
        raise DomainError("error.client_already_closed", client=client.id,
                          date=client.closed.date.isoformat())
    _check_date(date, today)
    if date < client.start:
        raise DomainError("error.close_before_start", date=date.isoformat(),
                          start=client.start.isoformat())
    if client.last_date is not None and date < client.last_date:
        raise DomainError("error.close_before_latest", date=date.isoformat(),
                          latest=client.last_date.isoformat())
    return client.model_copy(update={"closed": Closure(reason=reason, date=date)})


def reopen(client: Client) -> Client:
    if client.closed is None:
        raise DomainError("error.client_not_closed", client=client.id)
    return client.model_copy(update={"closed": None})
