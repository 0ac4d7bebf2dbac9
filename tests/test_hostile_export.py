"""Export is a backup: every client it writes can be imported again, and nothing in it
runs as a spreadsheet formula."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import Fit, ok
from fitcli.formats.csv import FORMULA_CHARS, client_rows, excel_piece, neutral
from fitcli.formats.rows import COLUMNS

Doc = dict[str, Any]


def _set(path: str, value: Any) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        target: Any = doc
        keys = path.split(".")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        last = keys[-1]
        target[int(last) if last.isdigit() else last] = value
    return change


def _extra_key(doc: Doc) -> None:
    doc["sessions"][0]["extra"] = 1


def _future_correction(doc: Doc) -> None:
    doc["sessions"][0]["corrections"] = [{
        "at": "9999-12-31T23:59:59-12:00", "form": "ors", "previous": None,
        "previous_date": None}]


BROKEN = [
    pytest.param(_set("sessions.1.session", 3), id="renumbered-meeting"),
    pytest.param(_set("sessions.0.ors.items.0", 11), id="item-of-11"),
    pytest.param(_set("sessions.0.ors.total", float("nan")), id="nan"),
    pytest.param(_set("sessions.0.date", "2026-02-30"), id="invalid-date"),
    pytest.param(_extra_key, id="extra-key"),
    pytest.param(_set("sessions.1.date", "=cmd|' /C calc'!A0"), id="formula-date"),
    pytest.param(_set("label", "\x1b]8;;https://evil.example\x1b\\"), id="escape-label"),
    pytest.param(_future_correction, id="correction-year-9999"),
    pytest.param(_set("start", "2099-01-01"), id="start-2099"),
    pytest.param(_set("sessions.1.date", "2099-01-01"), id="meeting-2099"),
]


@pytest.fixture
def two_clients(fit: Fit, store_dir: Path) -> Path:
    ok(fit("client", "add", "C1", "--start", "2026-01-05"))
    ok(fit("ors", "C1", "5", "5", "5", "5", "--date", "2026-01-05"))
    ok(fit("client", "add", "C2", "--start", "2026-01-05"))
    ok(fit("ors", "C2", "5", "5", "5", "5", "--date", "2026-01-05"))
    ok(fit("ors", "C2", "6", "6", "6", "6", "--date", "2026-02-05"))
    return store_dir / "clients" / "C2.json"


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json"])
@pytest.mark.parametrize("breaking", BROKEN)
def test_export_refuses_a_client_that_would_not_import(
        fit: Fit, two_clients: Path, tmp_path: Path, breaking: Callable[[Doc], None],
        fmt: str) -> None:
    doc = json.loads(two_clients.read_text(encoding="utf-8"))
    breaking(doc)
    two_clients.write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / f"backup.{fmt}"
    result = fit("export", "--format", fmt)
    assert result.exit_code == 5, result.output
    assert result.stdout == ""
    assert "C2.json" in result.stderr
    assert "\x1b" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith(
        "Error: 1 client file(s) above cannot be exported")
    assert fit("export", "-o", str(out)).exit_code == 5
    assert not out.exists()
    ok(fit("export", "--client", "C1", "--format", fmt))  # the valid client alone still goes


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json"])
def test_what_export_writes_imports_into_an_empty_store(
        fit: Fit, two_clients: Path, tmp_path: Path, fmt: str) -> None:
    ok(fit("client", "add", "C3", "--label", "[b]markup[/b] ÆØÅ"))
    ok(fit("client", "close", "C1", "--reason", "planned", "--date", "2026-03-01"))
    out = tmp_path / f"backup.{fmt}"
    ok(fit("export", "-o", str(out)))
    fresh = tmp_path / "fresh"
    result = fit("--store", str(fresh), "import", str(out), "--create-clients")
    ok(result)
    assert sorted(p.name for p in (fresh / "clients").iterdir()) == [
        "C1.json", "C2.json", *(["C3.json"] if fmt == "json" else [])]


@pytest.mark.parametrize(("cell", "shown"), [
    pytest.param("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0", id="equals"),
    pytest.param("+1+1", "'+1+1", id="plus"),
    pytest.param("-2+3", "'-2+3", id="minus"),
    pytest.param("@SUM(A1)", "'@SUM(A1)", id="at"),
    pytest.param("\tx", "'\tx", id="tab"),
    pytest.param("C1", "C1", id="plain"),
    pytest.param(20.0, 20.0, id="number"),
])
def test_formula_cells_are_neutralised(cell: object, shown: object) -> None:
    assert neutral(cell) == shown


def test_csv_rows_never_start_a_cell_with_a_formula() -> None:
    doc = {"id": "C1", "age_group": "adult", "label": "", "start": "2026-01-01", "closed": None,
           "sessions": [
        {"date": "=cmd|' /C calc'!A0", "session": 1, "ors": None, "srs": None,
         "collateral": [{"rater": "mor", "ors": {"items": None, "total": 20.0, "rater": "mor"},
                         "srs": None}]}]}
    assert client_rows(doc).startswith("C1,\"'=cmd|' /C calc'!A0\",") or \
        client_rows(doc).startswith("C1,'=cmd|' /C calc'!A0,")


@pytest.mark.parametrize("start", FORMULA_CHARS)
def test_both_csv_exports_neutralise_a_label_starting_like_a_formula(start: str) -> None:
    """One guard for fitcli's CSV (its fast path included) and Excel's CSV."""
    label = f"{start}1+1"
    doc = {"id": "C1", "age_group": "adult", "label": label, "start": "2026-01-01",
           "closed": None, "sessions": [
               {"date": "2026-01-05", "session": 1, "ors": None, "corrections": [],
                "srs": {"items": None, "total": 30.0, "rater": "self"}}]}
    for text, sep in ((client_rows(doc), ","), (excel_piece(doc).decode("utf-8"), ";")):
        [row] = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
        assert row[COLUMNS.index("label")] == "'" + label
        assert not any(cell.startswith(FORMULA_CHARS) for cell in row)


def test_backup_with_future_times_is_refused(fit: Fit, tmp_path: Path, store_dir: Path) -> None:
    backup = {"fitcli_backup": 1, "clients": [
        {"id": "C1", "start": "2026-01-05", "sessions": [
            {"client": "C1", "session": 1, "date": "2026-01-05",
             "ors": {"items": [5, 5, 5, 5], "total": 20, "rater": "self"}, "srs": None,
             "corrections": [{"at": "9999-12-31T23:59:59-12:00", "form": "ors",
                              "previous": None, "previous_date": None}]}]},
        {"id": "C2", "start": "2099-01-01", "sessions": []}]}
    path = tmp_path / "b.json"
    path.write_text(json.dumps(backup), encoding="utf-8")
    result = fit("import", str(path))
    assert result.exit_code == 4, result.output
    assert "clients[0].sessions[0].corrections[0].at" in result.stderr
    assert "clients[1].start" in result.stderr
    assert not (store_dir / "clients").exists()


def test_show_survives_a_correction_time_local_time_cannot_hold(
        fit: Fit, two_clients: Path) -> None:
    doc = json.loads(two_clients.read_text(encoding="utf-8"))
    _future_correction(doc)
    two_clients.write_text(json.dumps(doc), encoding="utf-8")
    result = ok(fit("client", "show", "C2"))
    assert "9999-12-31T23:59:59-12:00" in result.stdout


@pytest.mark.parametrize("start", FORMULA_CHARS)
def test_the_first_cell_of_a_csv_row_is_guarded_too(start: str) -> None:
    """The row's first cell (the ID: never like this once validated, but the writer does not
    rely on that) starting like a formula is neutralised as any other cell."""
    doc = {"id": f"{start}C1", "age_group": "adult", "label": "", "start": "2026-01-01",
           "closed": None, "sessions": [
               {"date": "2026-01-05", "session": 1, "ors": None, "corrections": [],
                "srs": {"items": None, "total": 30.0, "rater": "self"}}]}
    [row] = list(csv.reader(io.StringIO(client_rows(doc), newline="")))
    assert row[0] == f"'{start}C1"
