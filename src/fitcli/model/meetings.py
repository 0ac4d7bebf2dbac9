"""How a logged form lands in a client's visits. Pure: today and now come in as arguments.

A visit holds the client's own ORS and SRS and the forms of any collateral raters present.

- Without a visit number, a form joins the visit dated ``date`` (default today) if there is
  one, else it starts a new visit. It never lands on an older visit by itself.
- The same rater's same form twice in one visit is refused: to change a saved form, name its
  visit (``session=N``), which corrects that rater's form only and keeps the old one in the
  visit's correction history.
- ``session=N`` for an existing visit corrects (or adds) that rater's form there; N = last + 1
  starts the next visit.
- A new visit may not be dated before the client's latest one, nor after today. A closed
  client takes no new visits (reopen first), but its visits can still be corrected, within
  the episode.
- ``remove`` takes one form, one rater's forms or a whole visit out; what it removed stays in
  the client's history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from fitcli.model.problems import DomainError
from fitcli.model.scores import (
    FORMS,
    SELF,
    Client,
    CloseReason,
    Closure,
    Correction,
    Exclusion,
    Form,
    Rater,
    Rating,
    RemovedVisit,
    Session,
)

Action = Literal["added", "joined", "corrected"]


@dataclass(frozen=True)
class Recorded:
    client: Client
    session: Session
    action: Action  # added: a new visit; joined: a form added to a visit; corrected
    rater: Rater = SELF


@dataclass(slots=True)  # not frozen: that costs 3x to make, once per visit of an import
class Place:
    """Where a form will land: an existing visit (``index``) or a new one (``index`` None)."""

    index: int | None
    date: dt.date
    action: Action


def _check_date(date: dt.date, today: dt.date) -> None:
    if date > today:
        raise DomainError("error.date_future", date=date.isoformat(), today=today.isoformat())


def locate(client: Client, form: Form, rater: Rater, *, today: dt.date,
           date: dt.date | None = None, session: int | None = None) -> Place:
    """Decide where the ``rater``'s ``form`` goes, or refuse: everything ``record`` checks
    except the scores, so a terminal can refuse before anyone types four of them."""
    return _locate(client, client.sessions, form, rater, today, date, session)


def _locate(client: Client, sessions: Sequence[Session], form: Form, rater: Rater,
            today: dt.date, date: dt.date | None, session: int | None) -> Place:
    """The rules of where a form lands (the module docstring), for ``client`` holding
    ``sessions`` (its own, or as a batch has extended them so far)."""
    if date is not None:
        _check_date(date, today)
        _check_started(client, date)
    count = len(sessions)
    if session is not None:
        if not 1 <= session <= count + 1:
            raise DomainError("error.session_not_found", kind="not_found", client=client.id,
                              session=session, last=count)
        if session <= count:
            old = sessions[session - 1]
            _check_move(client, sessions, session - 1, date)
            held = old.get(form, rater) is not None
            return Place(session - 1, date or old.date, "corrected" if held else "joined")
    else:
        on = date or today
        same_day = [i for i, s in enumerate(sessions) if s.date == on]
        if same_day:
            index = same_day[-1]
            visit = sessions[index]
            if visit.get(form, rater) is not None:
                raise DomainError("error.form_exists", client=client.id, form=form.upper(),
                                  form_lower=form, rater=rater, session=visit.session,
                                  date=on.isoformat())
            return Place(index, on, "joined")
    if client.closed is not None:
        raise DomainError("error.client_closed", client=client.id)
    new_date = date or today
    if date is None:
        _check_started(client, new_date)
    last = sessions[-1] if sessions else None
    if last is not None and new_date < last.date:  # never before the latest visit
        raise DomainError("error.date_before_latest", date=new_date.isoformat(),
                          latest=last.date.isoformat(), session=last.session)
    return Place(None, new_date, "added")


def check_recordable(client: Client, form: Form = "ors", rater: Rater = SELF, *,
                     today: dt.date, date: dt.date | None = None,
                     session: int | None = None) -> None:
    """Refuse early (before anyone types four scores) what ``record`` would refuse."""
    locate(client, form, rater, today=today, date=date, session=session)


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
    practitioner: str | None = None,
) -> Recorded:
    """Put ``rating`` (its rater's ``form``) into the right visit of ``client``.

    ``companion``: the same rater's other form, given at the same visit (a batch import row
    with an ORS and an SRS); only for a new visit, which then holds both.
    ``practitioner``: who held the visit (a validated code), recorded only when a new visit
    is made; an existing visit keeps whoever held it."""
    rater = rating.rater
    sessions = list(client.sessions)
    place = _locate(client, sessions, form, rater, today, date, session)
    if place.index is None:
        visit = _start_visit(sessions, place, form, rating, companion)
        if practitioner is not None:
            visit = sessions[-1] = visit.model_copy(update={"practitioner": practitioner})
    else:
        if companion is not None:
            raise ValueError("companion is the same rater's other form at a new visit")
        visit = sessions[place.index] = _put(sessions[place.index], place, form, rating,
                                             corrected=session is not None, now=now)
    return Recorded(client.model_copy(update={"sessions": tuple(sessions)}), visit,
                    place.action, rater)


def add_meetings(client: Client, new: Sequence[tuple[dt.date, Rating | None, Rating | None]],
                 *, today: dt.date) -> Client:
    """``client`` with new visits (date, ORS, SRS of one rater) appended in the order given:
    each one ``record`` of the next visit's number (the same rules, checked by the same
    code), without copying the client for each (a batch import adds 100,000 visits).
    Raises the first rule broken; nothing is half-applied."""
    sessions = list(client.sessions)
    for date, ors, srs in new:
        form: Form = "ors" if ors is not None else "srs"
        rating, companion = (ors, srs) if ors is not None else (srs, None)
        if rating is None:
            raise ValueError("a visit holds an ORS, an SRS or both")
        place = _locate(client, sessions, form, rating.rater, today, date, len(sessions) + 1)
        _start_visit(sessions, place, form, rating, companion)
    return client.model_copy(update={"sessions": tuple(sessions)}) if new else client


def _start_visit(sessions: list[Session], place: Place, form: Form, rating: Rating,
                 companion: Rating | None) -> Session:
    """Append the new visit ``place`` says (``index`` None) to ``sessions``, holding one
    rater's ``form`` and the same rater's other form, if given."""
    if companion is not None and companion.rater != rating.rater:
        raise ValueError("a new visit's forms come from one rater")
    ors, srs = (rating, companion) if form == "ors" else (companion, rating)
    number = len(sessions) + 1
    if rating.rater == SELF:
        visit = Session.new_meeting(number, place.date, ors, srs)
    else:
        visit = Session(session=number, date=place.date)
        pairs: tuple[tuple[Form, Rating | None], ...] = (("ors", ors), ("srs", srs))
        for name, given in pairs:
            if given is not None:
                visit = visit.with_form(name, given.rater, given)
    sessions.append(visit)
    return visit


def _put(old: Session, place: Place, form: Form, rating: Rating, *, corrected: bool,
         now: dt.datetime) -> Session:
    """Visit ``old`` with ``rating`` put in as ``place`` says, and what it replaced or
    moved kept in its correction history. ``corrected``: the visit was named by number,
    so even a form added to it is written into the history."""
    rater = rating.rater
    moved = place.date != old.date
    history = old.corrections
    if place.action == "corrected" or moved:
        history = (*history, Correction(
            at=now, form=form, previous=old.get(form, rater), rater=rater,
            previous_date=old.date if moved else None,
            action="corrected" if old.get(form, rater) is not None else "added"))
    elif corrected:  # a form put into an existing visit by its number
        history = (*history, Correction(at=now, form=form, previous=None, rater=rater,
                                        action="added"))
    return old.with_form(form, rater, rating).model_copy(
        update={"date": place.date, "corrections": history})


def _check_move(client: Client, sessions: Sequence[Session], index: int,
                date: dt.date | None) -> None:
    """A corrected visit date stays between its neighbours (and within a closed episode)."""
    old = sessions[index]
    if date is None or date == old.date:
        return
    before = sessions[index - 1].date if index > 0 else None
    after = sessions[index + 1].date if index + 1 < len(sessions) else None
    if client.closed is not None and (after is None or after > client.closed.date):
        after = client.closed.date  # a correction stays within the closed episode
    if (before and date < before) or (after and date > after):
        raise DomainError("error.date_out_of_order", date=date.isoformat(),
                          session=old.session)


def _check_started(client: Client, date: dt.date) -> None:
    """No visit is dated before the episode started (closing would then be refused)."""
    if date < client.start:
        raise DomainError("error.date_before_start", date=date.isoformat(),
                          start=client.start.isoformat(), client=client.id)


@dataclass(frozen=True)
class Removed:
    client: Client
    session: int  # the visit's number before the removal
    forms: tuple[tuple[Form, Rater], ...]  # what was taken out
    whole_visit: bool


def remove(client: Client, session: int, *, now: dt.datetime, form: Form | None = None,
           rater: Rater | None = None) -> Removed:
    """Take the ``rater``'s ``form`` (both forms without ``form``; every rater's without
    ``rater`` and ``form``) out of visit ``session``. A visit left without forms is removed
    whole and later visits move up one number. What is taken out stays in the history: a
    form in the visit's corrections, a whole visit in the client's removed visits."""
    sessions = list(client.sessions)
    if not 1 <= session <= len(sessions):
        raise DomainError("error.session_not_found", kind="not_found", client=client.id,
                          session=session, last=len(sessions))
    visit = sessions[session - 1]
    if form is None and rater is None:
        taken = tuple((f, r.rater) for r, f in visit.forms_with_names())
        return _remove_visit(client, sessions, session, visit, now, taken)
    who = rater or SELF
    forms = [form] if form is not None else list(FORMS)
    taken = tuple((f, who) for f in forms if visit.get(f, who) is not None)
    if not taken:
        raise DomainError("error.form_not_found", kind="not_found", client=client.id,
                          session=session, form="/".join(f.upper() for f in forms), rater=who)
    left = visit
    history = list(visit.corrections)
    for f, r in taken:
        history.append(Correction(at=now, form=f, previous=left.get(f, r), rater=r,
                                  action="removed"))
        left = left.with_form(f, r, None)
    if left.is_empty:
        return _remove_visit(client, sessions, session, visit, now, taken)
    sessions[session - 1] = left.model_copy(update={"corrections": tuple(history)})
    return Removed(client.model_copy(update={"sessions": tuple(sessions)}), session, taken,
                   False)


def _remove_visit(client: Client, sessions: list[Session], session: int, visit: Session,
                  now: dt.datetime, taken: tuple[tuple[Form, Rater], ...]) -> Removed:
    rest = [s.model_copy(update={"session": s.session - 1}) for s in sessions[session:]]
    kept = (*sessions[:session - 1], *rest)
    removed = (*client.removed, RemovedVisit(at=now, visit=visit))
    return Removed(client.model_copy(update={"sessions": kept, "removed": removed}),
                   session, taken, True)


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


def exclude(client: Client, reason: str, today: dt.date) -> Client:
    """Leave the client out of the caseload figures, with the practitioner's reason."""
    text = " ".join(reason.split())
    if not text or len(text) > 200 or not text.isprintable():
        raise DomainError("error.exclude_reason", max=200)
    return client.model_copy(update={"excluded": Exclusion(reason=text, date=today)})


def include(client: Client) -> Client:
    if client.excluded is None:
        raise DomainError("error.client_not_excluded", client=client.id)
    return client.model_copy(update={"excluded": None})
