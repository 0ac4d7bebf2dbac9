"""Item and total parsing, ratings and the client record (four items 0-10, one decimal)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from fitcli.model.problems import DomainError
from fitcli.model.scores import (
    Client,
    RaterForms,
    Rating,
    Session,
    is_one_decimal,
    parse_item,
    parse_total,
    total_of,
)
from fitcli.model.scores import tenths as in_tenths


def _spellings(maximum_tenths: int) -> dict[str, float]:
    """Every way a person may type a valid one-decimal score: 4, 04, 4.5, 4,5, 04.5, 4.0."""
    valid: dict[str, float] = {}
    for tenths in range(maximum_tenths + 1):
        whole, tenth = divmod(tenths, 10)
        value = tenths / 10
        wholes = {str(whole), f"{whole:02d}"}
        for w in wholes:
            for sep in ".,":
                valid[f"{w}{sep}{tenth}"] = value
            if tenth == 0:
                valid[w] = value
    return valid


VALID_ITEMS = _spellings(100)
VALID_TOTALS = _spellings(400)


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("0", 0.0, id="zero"),
    pytest.param("10", 10.0, id="max"),
    pytest.param("10.0", 10.0, id="max-with-decimal"),
    pytest.param("4.5", 4.5, id="dot"),
    pytest.param("4,5", 4.5, id="comma"),
    pytest.param(" 7 ", 7.0, id="spaces"),
    pytest.param("0.1", 0.1, id="smallest-step"),
    pytest.param("9,9", 9.9, id="comma-below-max"),
    pytest.param("05", 5.0, id="leading-zero"),
])
def test_parse_item_accepts(text: str, expected: float) -> None:
    assert parse_item(text) == expected


@pytest.mark.parametrize(("text", "key"), [
    pytest.param("10.1", "error.score_range", id="above-max"),
    pytest.param("11", "error.score_range", id="eleven"),
    pytest.param("99", "error.score_range", id="two-digits-high"),
    pytest.param("-1", "error.score_format", id="negative"),
    pytest.param("4.55", "error.score_format", id="two-decimals"),
    pytest.param("4.", "error.score_format", id="dangling-dot"),
    pytest.param(".5", "error.score_format", id="no-whole-part"),
    pytest.param("", "error.score_format", id="empty"),
    pytest.param("abc", "error.score_format", id="text"),
    pytest.param("1e1", "error.score_format", id="exponent"),
    pytest.param("nan", "error.score_format", id="nan"),
    pytest.param("+4", "error.score_format", id="plus-sign"),
    pytest.param("4.5.1", "error.score_format", id="two-dots"),
    pytest.param("١", "error.score_format", id="arabic-indic-digit"),
    pytest.param("４", "error.score_format", id="full-width-digit"),
    pytest.param("100", "error.score_format", id="three-digits"),
])
def test_parse_item_refuses(text: str, key: str) -> None:
    with pytest.raises(DomainError) as info:
        parse_item(text)
    assert info.value.key == key
    assert info.value.params["what"] == "item"


@settings(deadline=None)
@given(st.sampled_from(sorted(VALID_ITEMS)))
def test_every_valid_item_spelling_is_accepted(text: str) -> None:
    assert parse_item(text) == VALID_ITEMS[text]
    assert parse_item(text.replace(",", ".")) == parse_item(text.replace(".", ","))


@settings(deadline=None)
@given(st.text(max_size=6))
def test_anything_else_is_refused(text: str) -> None:
    if text.strip() in VALID_ITEMS:
        assert parse_item(text) == VALID_ITEMS[text.strip()]
    else:
        with pytest.raises(DomainError):
            parse_item(text)


@settings(deadline=None)
@given(st.integers(min_value=101, max_value=999))
def test_one_decimal_values_above_ten_are_refused(tenths: int) -> None:
    whole, tenth = divmod(tenths, 10)
    for sep in ".,":
        with pytest.raises(DomainError):
            parse_item(f"{whole}{sep}{tenth}")


@settings(deadline=None)
@given(st.sampled_from(sorted(VALID_TOTALS)))
def test_every_valid_total_is_accepted(text: str) -> None:
    assert parse_total(text) == VALID_TOTALS[text]


@pytest.mark.parametrize("text", [
    pytest.param("40.1", id="above-40"), pytest.param("41", id="forty-one"),
    pytest.param("20.25", id="two-decimals"), pytest.param("-3", id="negative"),
])
def test_parse_total_refuses(text: str) -> None:
    with pytest.raises(DomainError) as info:
        parse_total(text)
    assert info.value.params["what"] == "total"


item_tenths = st.integers(min_value=0, max_value=100)


@settings(deadline=None)
@given(st.tuples(item_tenths, item_tenths, item_tenths, item_tenths))
def test_total_is_the_exact_sum(tenths: tuple[int, int, int, int]) -> None:
    items = (tenths[0] / 10, tenths[1] / 10, tenths[2] / 10, tenths[3] / 10)
    total = total_of(items)
    assert Decimal(str(total)) == sum(Decimal(t) / 10 for t in tenths)
    assert 0.0 <= total <= 40.0
    rating = Rating.from_items(items)
    assert rating.total == total
    assert rating.items == items


@settings(deadline=None)
@given(st.tuples(item_tenths, item_tenths, item_tenths, item_tenths),
       st.sampled_from(["self", "other"]))
def test_checked_items_rating_is_the_validated_one(tenths: tuple[int, int, int, int],
                                                   rater: str) -> None:
    """The factory (checked once, then built without validation) gives exactly what
    pydantic's validation gives: equal, same JSON and fields, frozen, and copyable with an
    update (as meetings.record does)."""
    items = (tenths[0] / 10, tenths[1] / 10, tenths[2] / 10, tenths[3] / 10)
    fast = Rating.from_items(items, rater)
    slow = Rating.model_validate({"items": items, "total": sum(tenths) / 10, "rater": rater})
    assert fast == slow and hash(fast) == hash(slow)
    assert fast.model_dump_json() == slow.model_dump_json()
    assert fast.model_fields_set == slow.model_fields_set
    with pytest.raises(ValidationError):
        fast.total = 0.0  # type: ignore[misc]
    other = fast.model_copy(update={"rater": "self" if rater == "other" else "other"})
    assert other.rater != fast.rater and fast.rater == rater
    if rater == "self":
        assert Session(session=1, date=dt.date(2026, 1, 5), ors=fast).ors == slow
    else:
        visit = Session(session=1, date=dt.date(2026, 1, 5)).with_form("ors", rater, fast)
        assert visit.get("ors", rater) == slow and visit.ors is None
    if rater != "self":
        return  # new_meeting holds the client's own forms only
    made = Session.new_meeting(3, dt.date(2026, 1, 5), fast, None)
    validated = Session(session=3, date=dt.date(2026, 1, 5), ors=slow, srs=None)
    assert made == validated and made.model_dump_json() == validated.model_dump_json()
    assert made.model_fields_set == validated.model_fields_set


@pytest.mark.parametrize(("items", "total"), [
    pytest.param((0.1, 0.2, 0.3, 0.4), 1.0, id="no-float-drift"),
    pytest.param((10.0, 10.0, 10.0, 10.0), 40.0, id="maximum"),
    pytest.param((0.0, 0.0, 0.0, 0.0), 0.0, id="minimum"),
    pytest.param((4.5, 6.0, 5.5, 7.0), 23.0, id="typical"),
])
def test_total_of(items: tuple[float, float, float, float], total: float) -> None:
    assert total_of(items) == total


@pytest.mark.parametrize(("make", "key"), [
    pytest.param(lambda: Rating.from_items((11.0, 1.0, 1.0, 1.0)), "error.score_range",
                 id="item-above-10"),
    pytest.param(lambda: Rating.from_items((-0.1, 1.0, 1.0, 1.0)), "error.score_range",
                 id="negative-item"),
    pytest.param(lambda: Rating.from_items((1.25, 1.0, 1.0, 1.0)), "error.score_range",
                 id="two-decimals"),
    pytest.param(lambda: Rating.from_total(40.5), "error.score_range", id="total-above-40"),
])
def test_rating_factories_refuse_with_domain_errors(make: object, key: str) -> None:
    with pytest.raises(DomainError) as info:
        make()  # type: ignore[operator]
    assert info.value.key == key


def test_rating_refuses_a_total_that_is_not_the_sum() -> None:
    with pytest.raises(ValidationError, match=r"error\.total_mismatch"):
        Rating(items=(1.0, 1.0, 1.0, 1.0), total=5.0)


def _reference_verdict(items: tuple[float, ...] | None, total: float) -> str:
    """What Rating's validator must decide, from the plain checks it takes a fast path past."""
    values = [("total", total, 40.0)] + [("item", v, 10.0) for v in items or ()]
    for _, value, maximum in values:
        if not (0.0 <= value <= maximum) or not is_one_decimal(value):
            return "error.score_range"
    if items is not None and in_tenths(total) != sum(in_tenths(v) for v in items):
        return "error.total_mismatch"
    return "ok"


@pytest.mark.parametrize(("items", "total"), [
    pytest.param((0.1 + 0.2, 1.0, 1.0, 1.0), 3.3, id="inexact-item-still-one-decimal"),
    pytest.param((1.0, 1.0, 1.0, 1.0), 0.1 + 0.2 + 3.7, id="inexact-total"),
    pytest.param((4.50000001, 1.0, 1.0, 1.0), 7.5, id="within-tolerance"),
    pytest.param((4.5001, 1.0, 1.0, 1.0), 7.5, id="two-decimals-hidden"),
    pytest.param((10.1, 0.0, 0.0, 0.0), 10.1, id="item-above-10"),
    pytest.param((-0.0, 0.0, 0.0, 0.0), -0.0, id="negative-zero"),
    pytest.param((1.0, 1.0, 1.0, 1.0), 40.1, id="total-above-40"),
    pytest.param((1.0, 11.0, 1.0, 1.0), 14.0, id="second-item-out"),
    pytest.param(None, 12.25, id="total-only-two-decimals"),
    pytest.param(None, 39.9, id="total-only"),
])
def test_rating_validator_matches_the_plain_checks(items: tuple[float, float, float, float]
                                                   | None, total: float) -> None:
    _assert_verdict(items, total)


def _assert_verdict(items: tuple[float, float, float, float] | None, total: float) -> None:
    expected = _reference_verdict(items, total)
    if expected == "ok":
        assert Rating(items=items, total=total).total == total
    else:
        with pytest.raises(ValidationError, match=expected.replace(".", r"\.")):
            Rating(items=items, total=total)


_SCORE = st.one_of(st.integers(-5, 105).map(lambda n: n / 10),
                   st.floats(-1, 11, allow_nan=False))


@settings(deadline=None)
@given(st.tuples(_SCORE, _SCORE, _SCORE, _SCORE) | st.none(),
       st.one_of(st.integers(-5, 405).map(lambda n: n / 10), st.floats(-1, 41, allow_nan=False)))
def test_rating_validator_property(items: tuple[float, float, float, float] | None,
                                   total: float) -> None:
    _assert_verdict(items, total)


def test_total_only_rating_has_no_items() -> None:
    rating = Rating.from_total(18.4, "other")
    assert (rating.items, rating.total, rating.rater) == (None, 18.4, "other")


def _session(n: int, day: int) -> Session:
    return Session(session=n, date=dt.date(2026, 1, day), ors=Rating.from_total(20))


@pytest.mark.parametrize("sessions", [
    pytest.param((_session(2, 1),), id="starts-at-2"),
    pytest.param((_session(1, 1), _session(3, 2)), id="gap"),
    pytest.param((_session(1, 5), _session(2, 4)), id="dated-backwards"),
])
def test_client_refuses_meetings_out_of_order(sessions: tuple[Session, ...]) -> None:
    with pytest.raises(ValidationError):
        Client(id="C1", start=dt.date(2026, 1, 1), sessions=sessions)


@pytest.mark.parametrize("client_id", [
    pytest.param("../x", id="parent"), pytest.param("a/b", id="slash"),
    pytest.param("", id="empty"), pytest.param("CON", id="windows-device"),
])
def test_client_refuses_unsafe_ids(client_id: str) -> None:
    with pytest.raises(ValidationError):
        Client(id=client_id, start=dt.date(2026, 1, 1))


def test_ors_ratings_are_per_rater_in_meeting_order() -> None:
    s1 = Session(session=1, date=dt.date(2026, 1, 1), ors=Rating.from_total(10))
    s2 = Session(session=2, date=dt.date(2026, 1, 2), collateral=(
        RaterForms(rater="other", ors=Rating.from_total(12, "other")),))
    s3 = Session(session=3, date=dt.date(2026, 1, 3), srs=Rating.from_total(36))
    s4 = Session(session=4, date=dt.date(2026, 1, 4), ors=Rating.from_total(15))
    client = Client(id="C1", start=dt.date(2026, 1, 1), sessions=(s1, s2, s3, s4))
    assert [s.session for s, _ in client.ors_ratings()] == [1, 4]
    assert [s.session for s, _ in client.ors_ratings("other")] == [2]
    assert [s.session for s, _ in client.srs_ratings()] == [3]
    assert client.raters == ("self", "other")
    assert client.last_date == dt.date(2026, 1, 4)
    assert client.status == "open"


@settings(deadline=None)
@given(st.lists(st.one_of(st.integers(0, 100).map(lambda n: n / 10),
                          st.floats(-20, 20, allow_nan=False), st.integers(-5, 15)),
                min_size=1, max_size=6))
def test_total_of_is_the_sum_in_tenths_whatever_the_items(items: list[float]) -> None:
    """The table lookup for four valid items gives what the tenths arithmetic gives."""
    assert total_of(tuple(items)) == sum(in_tenths(i) for i in items) / 10


@pytest.mark.parametrize("session", [
    pytest.param({"ors": {"items": None, "total": 20.0, "rater": "mor"}}, id="own-slot-other"),
    pytest.param({"collateral": [{"rater": "mor", "ors": {"items": None, "total": 20.0,
                                                          "rater": "far"}}]},
                 id="collateral-slot-other"),
    pytest.param({"collateral": [{"rater": "mor"}]}, id="collateral-without-forms"),
    pytest.param({"collateral": [{"rater": "self", "ors": {"items": None, "total": 2.0,
                                                           "rater": "self"}}]},
                 id="collateral-self"),
    pytest.param({"collateral": [
        {"rater": "mor", "ors": {"items": None, "total": 2.0, "rater": "mor"}},
        {"rater": "far", "ors": {"items": None, "total": 2.0, "rater": "far"}}]},
        id="collateral-out-of-order"),
    pytest.param({"ors": {"items": None, "total": 2.0, "rater": "Mor"}}, id="code-not-lower"),
])
def test_a_form_in_the_wrong_slot_is_not_a_valid_client(session: dict[str, object]) -> None:
    doc = {"id": "C1", "start": "2026-01-01",
           "sessions": [{"session": 1, "date": "2026-01-02", **session}]}
    with pytest.raises(ValueError):
        Client.model_validate(doc)
