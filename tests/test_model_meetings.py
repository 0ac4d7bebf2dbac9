"""Where a logged score lands: new meeting, completion, correction; closing and reopening."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fitcli.model import meetings
from fitcli.model.problems import DomainError
from fitcli.model.scores import Client, Closure, Rating, Session

TODAY = dt.date(2026, 6, 15)
NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)
R1 = Rating.from_items((1.0, 2.0, 3.0, 4.0))
R2 = Rating.from_items((5.0, 5.0, 5.0, 5.0))


def d(day: int, month: int = 6) -> dt.date:
    return dt.date(2026, month, day)


def client(*sessions: tuple[dt.date, bool, bool], closed: dt.date | None = None) -> Client:
    """A client whose meetings are (date, has ORS, has SRS)."""
    made = tuple(
        Session(session=n, date=date, ors=R1 if ors else None, srs=R1 if srs else None)
        for n, (date, ors, srs) in enumerate(sessions, start=1)
    )
    closure = Closure(reason="planned", date=closed) if closed else None
    return Client(id="C1", start=d(1), sessions=made, closed=closure)


@pytest.mark.parametrize(("before", "form", "date", "session", "number", "action", "on"), [
    pytest.param(client(), "ors", None, None, 1, "added", TODAY, id="first-ors-today"),
    pytest.param(client(), "srs", None, None, 1, "added", TODAY, id="srs-alone-starts-one"),
    pytest.param(client((d(1), True, False)), "ors", d(8), None, 2, "added", d(8),
                 id="ors-starts-next"),
    pytest.param(client((d(1), True, False)), "srs", None, None, 2, "added", TODAY,
                 id="srs-never-lands-on-an-older-visit"),
    pytest.param(client((TODAY, True, False)), "srs", None, None, 1, "joined", TODAY,
                 id="srs-joins-todays-visit"),
    pytest.param(client((d(1), True, False)), "srs", d(1), None, 1, "joined", d(1),
                 id="srs-same-date-joins"),
    pytest.param(client((d(1), True, False)), "srs", d(2), None, 2, "added", d(2),
                 id="srs-other-date-starts-new"),
    pytest.param(client((d(1), True, True)), "srs", None, None, 2, "added", TODAY,
                 id="srs-after-srs-starts-new"),
    pytest.param(client((d(1), True, False), (d(1), False, True)), "ors", d(1), None, 2,
                 "joined", d(1), id="same-day-joins-the-latest-such-visit"),
    pytest.param(client((d(1), True, True)), "ors", None, 2, 2, "added", TODAY,
                 id="session-next-number-adds"),
    pytest.param(client((d(1), True, True), (d(8), True, False)), "ors", None, 1, 1,
                 "corrected", d(1), id="session-corrects"),
    pytest.param(client((d(1), True, True), (d(8), True, False)), "srs", None, 2, 2,
                 "joined", d(8), id="session-fills-missing-srs"),
    pytest.param(client((d(1), True, True), (d(8), True, False), closed=d(9)), "ors", None, 1,
                 1, "corrected", d(1), id="closed-client-can-be-corrected"),
])
def test_record(before: Client, form: str, date: dt.date | None, session: int | None,
                number: int, action: str, on: dt.date) -> None:
    done = meetings.record(before, form, R2, today=TODAY, now=NOW, date=date,  # type: ignore[arg-type]
                           session=session)
    assert (done.session.session, done.action, done.session.date) == (number, action, on)
    assert done.session.get(form) == R2
    assert [s.session for s in done.client.sessions] == list(
        range(1, len(done.client.sessions) + 1))
    assert before.sessions == Client.model_validate(before.model_dump()).sessions  # unchanged


@pytest.mark.parametrize(("before", "form", "date", "session", "key", "kind"), [
    pytest.param(client(), "ors", d(16), None, "error.date_future", "invalid", id="future"),
    pytest.param(client((d(8), True, True)), "ors", d(7), None, "error.date_before_latest",
                 "invalid", id="before-latest"),
    pytest.param(client((d(8), True, False)), "srs", d(7), None, "error.date_before_latest",
                 "invalid", id="srs-before-latest"),
    pytest.param(client((d(8), True, True)), "ors", None, 3, "error.session_not_found",
                 "not_found", id="session-beyond-next"),
    pytest.param(client((d(8), True, True)), "ors", None, 0, "error.session_not_found",
                 "not_found", id="session-zero"),
    pytest.param(client((d(8), True, True), closed=d(9)), "ors", None, None,
                 "error.client_closed", "invalid", id="closed-no-new-meeting"),
    pytest.param(client((d(8), True, False), closed=d(9)), "srs", None, None,
                 "error.client_closed", "invalid", id="closed-no-new-visit-for-srs"),
    pytest.param(client((d(1), True, True)), "ors", d(1), None, "error.form_exists",
                 "invalid", id="same-form-same-visit-is-a-duplicate"),
    pytest.param(client((TODAY, True, True)), "srs", None, None, "error.form_exists",
                 "invalid", id="retry-of-todays-srs-is-a-duplicate"),
    pytest.param(client((d(8), True, True), closed=d(9)), "ors", None, 2,
                 "error.client_closed", "invalid", id="closed-session-next"),
    pytest.param(client((d(1), True, True), (d(8), True, True)), "ors", d(9), 1,
                 "error.date_out_of_order", "invalid", id="correction-past-next-meeting"),
    pytest.param(client((d(5), True, True), (d(8), True, True)), "ors", d(4), 2,
                 "error.date_out_of_order", "invalid", id="correction-before-previous"),
    pytest.param(client((d(5), True, True), closed=d(9)), "ors", d(10), 1,
                 "error.date_out_of_order", "invalid", id="correction-after-closure"),
])
def test_record_refuses(before: Client, form: str, date: dt.date | None, session: int | None,
                        key: str, kind: str) -> None:
    with pytest.raises(DomainError) as info:
        meetings.record(before, form, R2, today=TODAY, now=NOW, date=date,  # type: ignore[arg-type]
                        session=session)
    assert (info.value.key, info.value.kind) == (key, kind)


def test_correction_keeps_previous_values_and_date() -> None:
    before = client((d(1), True, True), (d(8), True, False))
    done = meetings.record(before, "ors", R2, today=TODAY, now=NOW, date=d(3), session=1)
    fixed = done.client.sessions[0]
    assert (fixed.ors, fixed.date, fixed.srs) == (R2, d(3), R1)
    [correction] = fixed.corrections
    assert (correction.form, correction.previous, correction.previous_date, correction.at) == (
        "ors", R1, d(1), NOW)
    again = meetings.record(done.client, "ors", R1, today=TODAY, now=NOW, session=1)
    history = again.client.sessions[0].corrections
    assert [c.previous for c in history] == [R1, R2]
    assert history[1].previous_date is None  # the date did not change the second time


def test_correcting_a_missing_srs_records_that_there_was_none() -> None:
    before = client((d(1), True, False))
    done = meetings.record(before, "srs", R2, today=TODAY, now=NOW, session=1)
    assert done.session.corrections[0].previous is None


@pytest.mark.parametrize(("before", "on", "key"), [
    pytest.param(client((d(8), True, True)), d(7), "error.close_before_latest",
                 id="before-latest-meeting"),
    pytest.param(client(), dt.date(2026, 5, 31), "error.close_before_start",
                 id="before-start"),
    pytest.param(client(), d(16), "error.date_future", id="future"),
    pytest.param(client((d(8), True, True), closed=d(9)), d(10), "error.client_already_closed",
                 id="already-closed"),
])
def test_close_refuses(before: Client, on: dt.date, key: str) -> None:
    with pytest.raises(DomainError) as info:
        meetings.close(before, "planned", on, TODAY)
    assert info.value.key == key


def test_close_and_reopen() -> None:
    closed = meetings.close(client((d(8), True, True)), "dropout", d(8), TODAY)
    assert closed.status == "closed"
    assert closed.closed == Closure(reason="dropout", date=d(8))
    reopened = meetings.reopen(closed)
    assert (reopened.status, reopened.closed) == ("open", None)
    with pytest.raises(DomainError) as info:
        meetings.reopen(reopened)
    assert info.value.key == "error.client_not_closed"


def test_a_companion_rating_lands_in_the_same_new_meeting() -> None:
    ors, srs = Rating.from_total(20.0), Rating.from_total(36.0)
    done = meetings.record(client((d(2), True, True)), "ors", ors, today=TODAY, now=NOW,
                           date=d(9), session=2, companion=srs)
    assert done.action == "added"
    assert (done.session.session, done.session.ors, done.session.srs) == (2, ors, srs)
    assert len(done.client.sessions) == 2


@pytest.mark.parametrize("session", [pytest.param(1, id="existing-meeting")])
def test_a_companion_only_goes_with_a_numbered_new_meeting(session: int | None) -> None:
    with pytest.raises(ValueError):
        meetings.record(client((d(2), True, False)), "ors", Rating.from_total(20.0),
                        today=TODAY, now=NOW, session=session,
                        companion=Rating.from_total(30.0))


def test_a_companion_does_not_skip_the_date_rules() -> None:
    with pytest.raises(DomainError) as caught:
        meetings.record(client((d(9), True, True)), "ors", Rating.from_total(20.0),
                        today=TODAY, now=NOW, date=d(2), session=2,
                        companion=Rating.from_total(30.0))
    assert caught.value.key == "error.date_before_latest"


_DAY = st.integers(min_value=-3, max_value=40).map(lambda n: d(1) + dt.timedelta(days=n))
_M1 = Rating.from_items((3.0, 3.0, 3.0, 3.0), "mother")
_M2 = Rating.from_items((7.0, 7.0, 7.0, 7.0), "mother")
_FORMS = st.sampled_from([(R1, None), (None, R2), (R1, R2), (_M1, None), (None, _M2),
                          (_M1, _M2)])


@settings(deadline=None)
@given(st.lists(st.tuples(_DAY, _FORMS), max_size=6), st.booleans(), st.booleans())
def test_add_meetings_is_record_meeting_by_meeting(
        new: list[tuple[dt.date, tuple[Rating | None, Rating | None]]], stored: bool,
        closed: bool) -> None:
    """The batch's one-copy path gives the client record() gives, or the same refusal
    (the same rule, checked by the same code, so the same key)."""
    before = client((d(5), True, True)) if stored else client()
    if closed:
        before = before.model_copy(update={"closed": Closure(reason="planned", date=d(6))})
    wanted = [(date, ors, srs) for date, (ors, srs) in new]
    expected: Client | str = before
    try:
        for date, ors, srs in wanted:
            assert isinstance(expected, Client)
            form, rating, other = ("ors", ors, srs) if ors is not None else ("srs", srs, None)
            assert rating is not None
            expected = meetings.record(expected, form, rating, today=TODAY, now=NOW, date=date,
                                       session=len(expected.sessions) + 1,
                                       companion=other).client
    except DomainError as exc:
        expected = exc.key
    try:
        got: Client | str = meetings.add_meetings(before, wanted, today=TODAY)
    except DomainError as exc:
        got = exc.key
    if isinstance(expected, str) or isinstance(got, str):
        assert got == expected
        return
    assert got == expected
    assert got.model_dump_json() == expected.model_dump_json()


MOTHER = Rating.from_items((4.0, 4.0, 4.0, 4.0), "mother")
MOTHER2 = Rating.from_items((6.0, 6.0, 6.0, 6.0), "mother")


def test_a_collateral_form_joins_the_clients_visit_of_that_date() -> None:
    done = meetings.record(client((d(1), True, False)), "ors", MOTHER, today=TODAY, now=NOW,
                           date=d(1))
    assert (done.action, done.rater, len(done.client.sessions)) == ("joined", "mother", 1)
    visit = done.client.sessions[0]
    assert (visit.ors, visit.get("ors", "mother"), visit.raters) == (R1, MOTHER,
                                                                     ("self", "mother"))
    srs = meetings.record(done.client, "srs", R2, today=TODAY, now=NOW, date=d(1))
    assert srs.client.sessions[0].srs == R2  # the client's SRS, not the parent's record


def test_correcting_a_raters_form_never_touches_another_raters() -> None:
    """--session 1 --rater mother corrects the mother's ORS; the client's intake stays."""
    start = meetings.record(client((d(1), True, False)), "ors", MOTHER, today=TODAY,
                            now=NOW, date=d(1)).client
    done = meetings.record(start, "ors", MOTHER2, today=TODAY, now=NOW, session=1)
    visit = done.client.sessions[0]
    assert (visit.ors, visit.get("ors", "mother")) == (R1, MOTHER2)
    [history] = visit.corrections
    assert (history.rater, history.previous, history.action) == ("mother", MOTHER, "corrected")


def test_session_n_adds_a_raters_first_form_with_history() -> None:
    done = meetings.record(client((d(1), True, False)), "ors", MOTHER, today=TODAY, now=NOW,
                           session=1)
    visit = done.client.sessions[0]
    assert (done.action, visit.ors, visit.get("ors", "mother")) == ("joined", R1, MOTHER)
    assert [(c.action, c.rater, c.previous) for c in visit.corrections] == [
        ("added", "mother", None)]


def test_duplicate_message_names_the_visit_and_how_to_correct() -> None:
    with pytest.raises(DomainError) as info:
        meetings.record(client((d(1), True, False), (d(8), True, False)), "ors", R2,
                        today=TODAY, now=NOW, date=d(8))
    assert info.value.key == "error.form_exists"
    assert info.value.params == {"client": "C1", "form": "ORS", "form_lower": "ors",
                                 "rater": "self", "session": 2, "date": "2026-06-08"}


def test_remove_one_form_keeps_it_in_the_history() -> None:
    start = meetings.record(client((d(1), True, True)), "ors", MOTHER, today=TODAY, now=NOW,
                            date=d(1)).client
    done = meetings.remove(start, 1, now=NOW, form="ors", rater="mother")
    visit = done.client.sessions[0]
    assert (done.whole_visit, done.forms, visit.raters) == (False, (("ors", "mother"),),
                                                            ("self",))
    assert [(c.action, c.previous) for c in visit.corrections] == [("removed", MOTHER)]


def test_remove_a_whole_visit_renumbers_later_visits_and_keeps_it() -> None:
    start = client((d(1), True, True), (d(8), True, False), (d(9), True, True))
    done = meetings.remove(start, 2, now=NOW)
    assert done.whole_visit
    assert [(s.session, s.date) for s in done.client.sessions] == [(1, d(1)), (2, d(9))]
    [gone] = done.client.removed
    assert (gone.at, gone.visit) == (NOW, start.sessions[1])
    Client.model_validate(done.client.model_dump())  # still a valid client


def test_removing_the_last_form_removes_the_visit() -> None:
    done = meetings.remove(client((d(1), True, False), (d(8), True, False)), 1, now=NOW,
                           form="ors")
    assert done.whole_visit and len(done.client.sessions) == 1


@pytest.mark.parametrize(("form", "rater", "key"), [
    pytest.param("srs", None, "error.form_not_found", id="no-such-form"),
    pytest.param(None, "mother", "error.form_not_found", id="no-such-rater"),
])
def test_remove_refuses_what_is_not_there(form: str | None, rater: str | None,
                                          key: str) -> None:
    with pytest.raises(DomainError) as info:
        meetings.remove(client((d(1), True, False)), 1, now=NOW, form=form,  # type: ignore[arg-type]
                        rater=rater)
    assert (info.value.key, info.value.kind) == (key, "not_found")


def test_exclude_and_include() -> None:
    out = meetings.exclude(client(), "  test   entries ", TODAY)
    assert out.excluded is not None and out.excluded.reason == "test entries"
    assert meetings.include(out).excluded is None
    with pytest.raises(DomainError):
        meetings.include(client())
    with pytest.raises(DomainError):
        meetings.exclude(client(), "x\x1b[31my", TODAY)
