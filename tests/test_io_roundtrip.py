"""Property: export a generated store, import it into an empty one, get the same data back."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Fit, ok
from fitcli.model.ids import validate_client_id
from fitcli.model.problems import DomainError
from fitcli.model.scores import (
    AGE_GROUPS,
    CLOSE_REASONS,
    FORMS,
    Client,
    Closure,
    Correction,
    Exclusion,
    RaterForms,
    Rating,
    RemovedVisit,
    Session,
)
from fitcli.store import Store, encode

TODAY = dt.date(2026, 6, 15)  # conftest's FIT_TODAY


def _valid_id(text: str) -> bool:
    try:
        validate_client_id(text)
    except DomainError:
        return False
    return True


client_ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,11}", fullmatch=True).filter(_valid_id)


RATERS = ("self", "other", "mor", "far", "lærer-2")


@st.composite
def ratings(draw: st.DrawFn, rater: str | None = None) -> Rating:
    rater = rater or draw(st.sampled_from(RATERS))
    if draw(st.booleans()):
        a, b, c, d = (draw(st.integers(0, 100)) / 10 for _ in range(4))
        return Rating.from_items((a, b, c, d), rater)
    return Rating.from_total(draw(st.integers(0, 400)) / 10, rater)


@st.composite
def corrections(draw: st.DrawFn) -> Correction:
    return Correction(
        at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(
            seconds=draw(st.integers(0, 10**7))),
        form=draw(st.sampled_from(FORMS)),
        rater=draw(st.sampled_from(RATERS)),
        action=draw(st.sampled_from(["corrected", "added", "removed"])),
        previous=draw(st.none() | ratings()),
        previous_date=draw(st.none() | st.dates(dt.date(2025, 1, 1), TODAY)),
    )


@st.composite
def clients(draw: st.DrawFn, client_id: str) -> Client:
    start = dt.date(2025, 1, 1) + dt.timedelta(days=draw(st.integers(0, 300)))
    day = start
    sessions = []
    for number in range(1, draw(st.integers(0, 6)) + 1):
        day += dt.timedelta(days=draw(st.integers(0, 20)))
        sessions.append(draw(visits(number, day)))
    closed = None
    if draw(st.booleans()):
        closed = Closure(reason=draw(st.sampled_from(CLOSE_REASONS)),
                         date=day + dt.timedelta(days=draw(st.integers(0, 30))))
    visible = st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp"))
    label = draw(st.text(visible, max_size=12))
    excluded = draw(st.none() | st.builds(lambda d: Exclusion(reason="test entries", date=d),
                                          st.dates(dt.date(2025, 1, 1), TODAY)))
    removed = tuple(RemovedVisit(at=dt.datetime(2026, 2, 1, 8, tzinfo=dt.UTC), visit=v)
                    for v in draw(st.lists(visits(1, start), max_size=1)))
    return Client(id=client_id, age_group=draw(st.sampled_from(AGE_GROUPS)), label=label,
                  start=start, closed=closed, sessions=tuple(sessions), excluded=excluded,
                  removed=removed)


@st.composite
def visits(draw: st.DrawFn, number: int, day: dt.date) -> Session:
    """A visit with the client's own forms and/or collateral raters' (never empty)."""
    ors = draw(st.none() | ratings("self"))
    srs = draw(st.none() | ratings("self"))
    collateral = []
    for code in draw(st.lists(st.sampled_from(RATERS[1:]), unique=True, max_size=2)):
        c_ors = draw(st.none() | ratings(code))
        c_srs = draw(ratings(code)) if c_ors is None else draw(st.none() | ratings(code))
        collateral.append(RaterForms(rater=code, ors=c_ors, srs=c_srs))
    if ors is None and srs is None and not collateral:
        ors = draw(ratings("self"))
    return Session(session=number, date=day, ors=ors, srs=srs,
                   collateral=tuple(sorted(collateral, key=lambda c: c.rater)),
                   corrections=tuple(draw(st.lists(corrections(), max_size=2))))


@st.composite
def stores(draw: st.DrawFn) -> list[Client]:
    ids = draw(st.lists(client_ids, max_size=5, unique_by=str.casefold))
    return [draw(clients(i)) for i in ids]


def meetings_only(found: list[Client]) -> dict[str, Any]:
    """What CSV and JSON Lines carry: each client's age group and meetings (no history)."""
    return {c.id: (c.age_group, [s.model_copy(update={"corrections": (), "formerly": ()})
                                 for s in c.sessions])
            for c in found if c.sessions}


def round_trip(fit: Fit, original: list[Client], fmt: str) -> list[Client]:
    with tempfile.TemporaryDirectory() as tmp:
        source, target, file = Path(tmp) / "a", Path(tmp) / "b", Path(tmp) / f"out.{fmt}"
        source.mkdir()  # an empty store is a folder; a missing one is an error
        for client in original:
            Store(source).save(client)
        ok(fit("--store", str(source), "export", "--format", fmt, "--output", str(file)))
        extra = [] if fmt == "json" else ["--create-clients"]
        ok(fit("--store", str(target), "import", str(file), *extra))
        again = ok(fit("--store", str(target), "import", str(file), *extra, "--json"))
        assert json.loads(again.stdout)["meetings_added"] == 0
        return [e.client for e in Store(target).entries() if e.client is not None]


RELAXED = settings(max_examples=25, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture])


@RELAXED
@given(original=stores())
def test_json_backup_round_trip_is_exact(fit: Fit, original: list[Client]) -> None:
    restored = round_trip(fit, original, "json")
    assert sorted(restored, key=lambda c: c.id) == sorted(original, key=lambda c: c.id)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx", "excel-csv"])
@RELAXED
@given(original=stores())
def test_meetings_round_trip_exactly(fit: Fit, fmt: str, original: list[Client]) -> None:
    assert meetings_only(round_trip(fit, original, fmt)) == meetings_only(original)


@settings(max_examples=50, deadline=None)
@given(client=client_ids.flatmap(clients))
def test_store_encoding_is_the_plain_json_text(client: Client) -> None:
    plain = json.dumps({"schema_version": 2, **client.model_dump(mode="json")},
                       ensure_ascii=False, indent=1) + "\n"
    assert encode(client) == plain.encode("utf-8")


# the user-visible keys of the shapes, in the order they are printed (a script API)
CLIENT_KEYS = ["id", "age_group", "status", "label", "start", "practitioner", "closed",
               "excluded", "sessions", "removed"]
VISIT_KEYS = ["client", "session", "date", "ors", "srs", "forms", "practitioner"]
HISTORY_KEYS = [*VISIT_KEYS, "corrections", "formerly"]
RATING_KEYS = ["items", "total", "rater"]
FORM_KEYS = ["form", "rater", "items", "total"]
CORRECTION_KEYS = ["at", "form", "rater", "action", "previous", "previous_date"]


def _visit_keys_and_values(shown: dict[str, Any], visit: Session, client_id: str) -> None:
    assert list(shown) == HISTORY_KEYS
    assert (shown["client"], shown["session"], shown["date"], shown["practitioner"]) == (
        client_id, visit.session, visit.date.isoformat(), visit.practitioner)
    for form in FORMS:
        rating = visit.ors if form == "ors" else visit.srs
        if rating is None:
            assert shown[form] is None
        else:
            assert list(shown[form]) == RATING_KEYS
            assert shown[form]["total"] == rating.total
    assert [list(f) for f in shown["forms"]] == [FORM_KEYS] * len(shown["forms"])
    assert [(f["form"], f["rater"], f["total"], f["items"]) for f in shown["forms"]] == [
        (form, r.rater, r.total, list(r.items) if r.items else None)
        for r, form in visit.forms_with_names()]
    assert [list(c) for c in shown["corrections"]] == [CORRECTION_KEYS] * len(visit.corrections)
    assert [(c["at"], c["form"], c["rater"], c["action"]) for c in shown["corrections"]] == [
        (c.at.isoformat(), c.form, c.rater, c.action) for c in visit.corrections]
    assert shown["formerly"] == list(visit.formerly)


@settings(max_examples=50, deadline=None)
@given(client=client_ids.flatmap(clients))
def test_the_client_shape_is_one_from_the_model_and_from_the_stored_document(
        client: Client) -> None:
    """`fit client show --json` (a model) and the backup (a stored document) print the one
    client shape: the same keys in the same order, the model's values."""
    from fitcli.formats.shapes import client_dict, client_document, meeting_dict, session_dict
    from fitcli.store import decode_client_document

    doc = decode_client_document(encode(client), Path(f"{client.id}.json"))
    shown = client_dict(client)
    assert json.dumps(client_document(doc)) == json.dumps(shown)
    assert list(shown) == CLIENT_KEYS
    assert (shown["id"], shown["status"], shown["start"], shown["label"]) == (
        client.id, client.status, client.start.isoformat(), client.label)
    for visit, session in zip(shown["sessions"], client.sessions, strict=True):
        _visit_keys_and_values(visit, session, client.id)
        assert session_dict(client.id, session) == meeting_dict(
            client.id, next(s for s in doc["sessions"] if s["session"] == session.session))
        assert list(session_dict(client.id, session)) == VISIT_KEYS
    for gone, removed in zip(shown["removed"], client.removed, strict=True):
        assert list(gone) == ["at", *HISTORY_KEYS]
        assert gone["at"] == removed.at.isoformat()
        _visit_keys_and_values({k: v for k, v in gone.items() if k != "at"}, removed.visit,
                               client.id)
