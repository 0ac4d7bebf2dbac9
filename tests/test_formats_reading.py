"""Pure parsing: formats, dialects, header aliases, cell values; and batch planning rules."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fitcli.errors import InvalidData
from fitcli.formats import csv as csv_format
from fitcli.formats import reading
from fitcli.formats.encoding import decode
from fitcli.model import batch
from fitcli.model.problems import DomainError
from fitcli.model.scores import Client, Rating

TODAY = dt.date(2026, 6, 15)
NOW = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("client,date\n", "csv", id="csv"),
    pytest.param('{"client": "C1", "date": "2026-01-01"}\n', "jsonl", id="jsonl"),
    pytest.param('{\n "fitcli_backup": 1,\n "clients": []\n}\n', "json", id="backup-indented"),
    pytest.param('{"fitcli_backup": 1, "clients": []}', "json", id="backup-one-line"),
    pytest.param("  \n", "csv", id="blank"),
])
def test_detect_format(text: str, expected: str) -> None:
    assert reading.detect_format(text) == expected


@pytest.mark.parametrize(("header", "expected"), [
    pytest.param("client,date,ors1", ",", id="comma"),
    pytest.param("klient;dato;ors1", ";", id="semicolon"),
    pytest.param("klient\tdatum\tors1", "\t", id="tab"),
    pytest.param('"a,b";c;d', ";", id="quoted-comma-ignored"),
    pytest.param("client", ",", id="one-column"),
])
def test_detect_delimiter(header: str, expected: str) -> None:
    assert reading.detect_delimiter(header) == expected


@pytest.mark.parametrize(("name", "field"), [
    pytest.param("Klient-ID", "client", id="nb-klient-id"),
    pytest.param("bruker", "client", id="nb-bruker"),
    pytest.param("Borger", "client", id="da-borger"),
    pytest.param("DATUM", "date", id="sv-datum"),
    pytest.param("Samtale nr", "session", id="nb-samtale-nr"),
    pytest.param("samtal", "session", id="sv-samtal"),
    pytest.param("Bedömare", "rater", id="sv-bedomare"),
    pytest.param("bedømmer", "rater", id="da-bedommer"),
    pytest.param("Åldersgrupp", "age_group", id="sv-aldersgrupp"),
    pytest.param("ORS 1", "ors1", id="ors-1-space"),
    pytest.param("srs_4", "srs4", id="srs_4"),
    pytest.param("ORS sum", "ors_total", id="ors-sum"),
    pytest.param("SRS", "srs_total", id="bare-srs"),
    pytest.param("ors rater", "ors_rater", id="ors-rater"),
])
def test_header_aliases(name: str, field: str) -> None:
    parsed = csv_format.parse_csv(f"{name}\n")
    assert parsed.ignored_columns == []
    assert reading.FIELD_OF[reading.normalise(name)] == field


def test_every_alias_is_unambiguous() -> None:
    seen: dict[str, str] = {}
    for fld, aliases in reading.FIELD_ALIASES.items():
        for alias in (fld, *aliases):
            key = reading.normalise(alias)
            assert seen.setdefault(key, fld) == fld, (alias, fld, seen[key])


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("2026-03-14", dt.date(2026, 3, 14), id="iso"),
    pytest.param("14.03.2026", dt.date(2026, 3, 14), id="day-first-dots"),
    pytest.param("4.3.2026", dt.date(2026, 3, 4), id="day-first-short"),
    pytest.param("14-03-2026", dt.date(2026, 3, 14), id="day-first-dashes"),
    pytest.param("2026-03-14 00:00:00", dt.date(2026, 3, 14), id="iso-with-time"),
])
def test_dates(text: str, expected: dt.date) -> None:
    assert reading.parse_date(text) == expected


@pytest.mark.parametrize("text", [
    pytest.param("03/14/2026", id="us-slashes"),
    pytest.param("2026-02-30", id="no-such-day"),
    pytest.param("31.02.2026", id="no-such-day-day-first"),
    pytest.param("yesterday", id="word"),
])
def test_bad_dates(text: str) -> None:
    with pytest.raises(DomainError) as caught:
        reading.parse_date(text)
    assert caught.value.key == "import.error.date"


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("Klient", "self", id="nb-klient"),
    pytest.param("själv", "self", id="sv-sjalv"),
    pytest.param("pårørende", "other", id="nb-parorende"),
    pytest.param("anhörig", "other", id="sv-anhorig"),
    pytest.param("Collateral", "other", id="en-collateral"),
])
def test_rater_words(text: str, expected: str) -> None:
    assert reading.parse_rater(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("voksen", "adult", id="nb"),
    pytest.param("Vuxen", "adult", id="sv"),
    pytest.param("ungdom", "adolescent", id="ungdom"),
    pytest.param("barn", "child", id="barn"),
])
def test_age_group_words(text: str, expected: str) -> None:
    assert reading.parse_age_group(text) == expected


@pytest.mark.parametrize(("data", "expected"), [
    pytest.param(b"\xef\xbb\xbfklient", "klient", id="utf8-bom"),
    pytest.param("klient".encode("utf-16"), "klient", id="utf16-bom"),
    pytest.param("bjørn".encode(), "bjørn", id="utf8"),
])
def test_decode(data: bytes, expected: str) -> None:
    assert decode(data) == expected


def test_decode_reads_nordic_latin1_as_the_windows_code_page() -> None:
    assert decode("a\nb\nbjørn".encode("latin-1")) == "a\nb\nbjørn"


def test_decode_refuses_other_encodings_with_the_line() -> None:
    with pytest.raises(InvalidData) as caught:
        decode(b"a\nb\nbj\x81rn")  # not UTF-8, and a byte cp1252 leaves undefined
    assert caught.value.params == {"line": 3}


def test_decimal_comma_in_semicolon_file() -> None:
    parsed = csv_format.parse_csv("klient;dato;ors1;ors2;ors3;ors4\nC1;2026-01-01;4,5;0;10;9,9\n")
    assert parsed.problems == []
    assert parsed.rows[0].ors == Rating.from_items((4.5, 0.0, 10.0, 9.9))


def row(date: str, ors: float | None = None, srs: float | None = None,
        session: int | None = None, line: int = 2) -> batch.Row:
    return batch.Row(line, "C1", dt.date.fromisoformat(date), session,
                     Rating.from_total(ors) if ors is not None else None,
                     Rating.from_total(srs) if srs is not None else None)


def plan(rows: list[batch.Row], base: Client | None = None,
         replace: bool = False) -> batch.Plan:
    existing = {"c1": base} if base else {}
    return batch.plan(rows, existing, today=TODAY, now=NOW,
                      options=batch.Options(create_clients=True, replace=replace))


def test_plan_creates_client_from_first_date() -> None:
    done = plan([row("2026-03-09", 22), row("2026-03-02", 20, 36)])
    assert done.problems == []
    (write,) = done.writes
    assert write.base is None
    assert write.result.start == dt.date(2026, 3, 2)
    assert [(s.session, s.ors and s.ors.total, s.srs and s.srs.total)
            for s in write.result.sessions] == [(1, 20.0, 36.0), (2, 22.0, None)]


def test_plan_is_idempotent() -> None:
    first = plan([row("2026-03-02", 20, 36), row("2026-03-09", 22)])
    stored = first.writes[0].result
    again = plan([row("2026-03-02", 20, 36), row("2026-03-09", 22)], base=stored)
    assert again.writes == [] and again.problems == []
    assert again.counts.skipped == 2


def test_plan_conflict_then_replace() -> None:
    stored = plan([row("2026-03-02", 20)]).writes[0].result
    refused = plan([row("2026-03-02", 21)], base=stored)
    assert [p.key for p in refused.problems] == ["import.error.conflict"]
    replaced = plan([row("2026-03-02", 21)], base=stored, replace=True)
    session = replaced.writes[0].result.sessions[0]
    assert session.ors == Rating.from_total(21)
    assert session.corrections[0].previous == Rating.from_total(20)
    assert session.corrections[0].at == NOW


def test_plan_duplicate_form_in_file() -> None:
    done = plan([row("2026-03-02", 20, line=2), row("2026-03-02", 20, line=3)])
    assert [(p.line, p.key, p.params["first"]) for p in done.problems] == [
        (3, "import.error.duplicate", 2)]
    assert done.writes == []


def test_plan_numbered_meetings_on_one_day() -> None:
    done = plan([row("2026-03-02", 20, session=1), row("2026-03-02", 22, session=2)])
    assert done.problems == []
    assert len(done.writes[0].result.sessions) == 2


_ROW = st.builds(
    lambda day, ors, srs, session, line: row(
        (dt.date(2026, 3, 1) + dt.timedelta(days=day)).isoformat(), ors, srs, session, line),
    st.integers(min_value=0, max_value=120), st.sampled_from([None, 20.0, 21.5]),
    st.sampled_from([None, 30.0, 36.0]), st.sampled_from([None, None, None, 1, 2, 3]),
    st.integers(min_value=2, max_value=50),
).filter(lambda r: r.ors is not None or r.srs is not None)


@settings(deadline=None, max_examples=300)
@given(st.lists(_ROW, max_size=6), st.lists(_ROW, max_size=3), st.booleans())
def test_all_at_once_plan_is_the_row_by_row_plan(rows: list[batch.Row],
                                                 stored_rows: list[batch.Row],
                                                 replace: bool) -> None:
    """The usual batch (every row a new meeting) is planned in one step; it must give
    exactly what applying the rows one at a time gives, problems included."""
    import unittest.mock

    first = plan(stored_rows)
    base = first.writes[0].result if first.writes else None
    fast = plan(rows, base, replace)
    with unittest.mock.patch.object(batch, "_add_all", lambda *args: None):
        slow = plan(rows, base, replace)
    assert fast == slow
    for a, b in zip(fast.writes, slow.writes, strict=True):
        assert a.result.model_dump_json() == b.result.model_dump_json()


def test_docs_document_every_alias() -> None:
    from pathlib import Path

    docs = Path(__file__).parents[1] / "docs" / "import-export.md"
    section = docs.read_text(encoding="utf-8").casefold()
    for fld, aliases in reading.FIELD_ALIASES.items():
        if fld.endswith(("_rater", "2", "3", "4")) or fld.startswith("srs"):
            continue  # documented as patterns: "ors " + rater word, ORS 1 .. for every item
        for alias in aliases:
            assert alias.casefold() in section, (fld, alias)
    for words in (*reading.RATER_VALUES.values(), *reading.AGE_VALUES.values()):
        for word in words:
            assert word.casefold() in section, word


@pytest.mark.parametrize("name", ["comma.csv", "semicolon_decimal_comma.csv", "tab.tsv",
                                  "bom.csv", "crlf.csv"])
def test_fast_and_careful_row_readers_agree(name: str) -> None:
    from pathlib import Path

    text = decode((Path(__file__).parent / "data" / "import" / name).read_bytes())
    delimiter = reading.detect_delimiter(text.splitlines()[0])
    records = [(line, record) for line, _, _, record
               in csv_format.located_records(text, delimiter)]
    out = reading.Parsed("csv")
    reader = csv_format.RowReader(csv_format.map_header(records[0][1], 1, out))
    for line, record in records[1:]:
        if any(cell.strip() for cell in record):
            assert reader.read_clean(line, record) == reader.read_carefully(line, record)
