"""Excel workbooks: `fit import` of .xlsx with real cell types, `fit export --format xlsx`,
and the export format agreeing with the --output name."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from conftest import Fit, as_json, ok

DATA = Path(__file__).parent / "data" / "import"


def workbook(path: Path, rows: list[list[Any]], title: str = "Ark1",
             more: dict[str, list[list[Any]]] | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for name, others in (more or {}).items():
        extra = book.create_sheet(name)
        for row in others:
            extra.append(row)
    book.save(path)
    return path


def meetings(fit: Fit) -> list[dict[str, Any]]:
    return [json.loads(line) for line in ok(fit("export", "--format", "jsonl")).stdout.split()]


def test_cells_keep_their_types(fit: Fit, tmp_path: Path) -> None:
    path = workbook(tmp_path / "skårer.xlsx", [
        ["Klient", "Dato", "ORS 1", "ORS 2", "ORS 3", "ORS 4", "SRS sum", "Vurdert av"],
        ["K1", dt.date(2026, 3, 2), 4.5, 6, 5.5, 7, 36, None],
        ["K1", dt.datetime(2026, 3, 9, 0, 0), 5, 6.5, 6, 7.5, 37.5, "mor"],
        [1001, dt.date(2026, 3, 3), 3, 3, 3, 3.5, None, "forelder"],  # an ID typed as a number
    ])
    summary = as_json(fit("import", str(path), "--create-clients", "--json"))
    assert (summary["format"], summary["rows"], summary["meetings_added"]) == ("xlsx", 3, 3)
    found = meetings(fit)
    assert [(m["client"], m["date"], m["ors"]["items"], m["ors"]["rater"]) for m in found] == [
        ("1001", "2026-03-03", [3.0, 3.0, 3.0, 3.5], "forelder"),
        ("K1", "2026-03-02", [4.5, 6.0, 5.5, 7.0], "self"),
        ("K1", "2026-03-09", [5.0, 6.5, 6.0, 7.5], "mor"),
    ]
    assert found[1]["srs"] == {"items": None, "total": 36.0, "rater": "self"}


def test_time_of_day_is_refused_on_its_excel_row(fit: Fit, tmp_path: Path) -> None:
    path = workbook(tmp_path / "t.xlsx", [
        ["Rapport fra Excel"], [],  # a title and a blank row above the header
        ["client", "date", "ors_total"],
        ["K1", dt.datetime(2026, 3, 2, 14, 30), 20],
        [],
        ["K2", dt.date(2026, 3, 2), 44.55],
    ])
    result = fit("import", str(path), "--create-clients")
    assert result.exit_code == 4, result.stdout
    lines = result.stderr.splitlines()
    assert lines[0] == ("line 4, column date: the cell holds a time of day (2026-03-02 14:30); "
                        "a meeting date needs a date only (or midnight).")
    assert lines[1].startswith("line 6, column ors_total: ")
    assert "44.55" in lines[1]


def test_sheet_by_name_and_unknown_sheet(fit: Fit, tmp_path: Path) -> None:
    path = workbook(tmp_path / "b.xlsx", [["notes only"]], more={
        "Data": [["client", "date", "ors_total"], ["K1", dt.date(2026, 3, 2), 20]]})
    assert fit("import", str(path), "--create-clients").exit_code == 4  # the first sheet
    ok(fit("import", str(path), "--sheet", "Data", "--create-clients"))
    result = fit("import", str(path), "--sheet", "Skårer")
    assert result.exit_code == 2
    assert result.stderr == ("Error: the workbook has no sheet 'Skårer'; its sheets are: "
                             "Ark1, Data.\n")


def test_not_a_workbook(fit: Fit, tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_text("client,date,ors_total\nK1,2026-03-02,20\n")
    result = fit("import", str(path), "--format", "xlsx")
    assert result.exit_code == 4
    assert "cannot be read (not an .xlsx" in result.stderr
    assert fit("import", str(path), "--sheet", "Data").exit_code == 2


def test_hand_checked_fixture(fit: Fit) -> None:
    """tests/data/import/excel_nb.xlsx, made in a spreadsheet: a title row, Norwegian
    headers, a dd.mm.yyyy date cell, a date typed as text, '4,50' typed as text, a
    two-decimal number cell and a collateral rater."""
    ok(fit("import", str(DATA / "excel_nb.xlsx"), "--create-clients"))
    assert [(m["client"], m["date"], m["session"], m["ors"], m["srs"])
            for m in meetings(fit)] == [
        ("K-014", "2026-03-14", 1, {"items": [4.5, 6.0, 5.5, 7.0], "total": 23.0,
                                    "rater": "self"},
         {"items": [9.0, 9.0, 8.5, 9.5], "total": 36.0, "rater": "self"}),
        ("K-014", "2026-03-14", 1, {"items": None, "total": 19.5, "rater": "far"}, None),
        ("K-014", "2026-03-21", 2, {"items": [5.0, 6.5, 6.0, 7.5], "total": 25.0,
                                    "rater": "self"}, None),
    ]


@pytest.fixture
def caseload(fit: Fit) -> None:
    ok(fit("client", "add", "C001", "--start", "2026-01-05", "--label", "=1+1"))
    ok(fit("ors", "C001", "4.5", "6", "5,5", "7", "--date", "2026-01-12"))
    ok(fit("srs", "C001", "9", "9", "9", "9.5", "--date", "2026-01-12"))
    ok(fit("ors", "C001", "--total", "28", "--date", "2026-01-12", "--rater", "mor"))
    ok(fit("client", "add", "C002", "--age-group", "child", "--start", "2026-02-01"))
    ok(fit("srs", "C002", "8", "8", "8", "8", "--date", "2026-02-02"))
    ok(fit("client", "close", "C002", "--reason", "dropout", "--date", "2026-03-01"))


@pytest.mark.usefixtures("caseload")
def test_export_writes_typed_cells_frozen_header_and_widths(fit: Fit, tmp_path: Path) -> None:
    target = tmp_path / "ut.xlsx"
    done = ok(fit("export", "--output", str(target)))  # the format follows the name
    assert done.stdout.endswith("(xlsx).\n")
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    assert sheet.freeze_panes == "A2"
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["client", "date", "session", "age_group"]
    assert rows[0][-6:] == ["label", "start", "status", "closed_date", "close_reason",
                            "practitioner"]
    first = rows[1]
    assert first[:9] == ["C001", dt.datetime(2026, 1, 12), 1, "adult", 4.5, 6, 5.5, 7, 23]
    assert sheet["B2"].is_date and sheet["E2"].data_type == "n"
    assert first[-6:] == ["=1+1", dt.datetime(2026, 1, 5), "open", None, None, None]
    assert sheet.cell(2, rows[0].index("label") + 1).data_type == "s"  # text, not a formula
    assert rows[2][8:10] == [28, "mor"]
    assert rows[3][-6:] == [None, dt.datetime(2026, 2, 1), "closed", dt.datetime(2026, 3, 1),
                            "dropout", None]
    assert all((sheet.column_dimensions[col].width or 0) >= 10 for col in "ABCDEFGH")


@pytest.mark.usefixtures("caseload")
@pytest.mark.parametrize("lang", ["en", "nb", "da", "sv"])
def test_export_header_is_in_the_users_language_and_imports_back(
        fit: Fit, tmp_path: Path, lang: str) -> None:
    target = tmp_path / "ut.xlsx"
    ok(fit("export", "--output", str(target), env={"FIT_LANG": lang}))
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    header = [c.value for c in next(sheet.iter_rows())]
    assert header[0] == {"en": "client", "nb": "Klient", "da": "Klient", "sv": "Klient"}[lang]
    assert header[4] == {"en": "ors1", "nb": "ORS delskår 1", "da": "ORS spørgsmål 1",
                         "sv": "ORS fråga 1"}[lang]
    before = meetings(fit)
    again = as_json(fit("--store", str(tmp_path / "b"), "import", str(target),
                        "--create-clients", "--json"))
    assert again["ignored_columns"] == []
    assert json.dumps(before) == json.dumps(
        [json.loads(x) for x in ok(fit("--store", str(tmp_path / "b"), "export", "--format",
                                       "jsonl")).stdout.split()])


@pytest.mark.usefixtures("caseload")
@pytest.mark.parametrize(("fmt", "name"), [
    pytest.param("csv", "ut.xlsx", id="csv-into-xlsx"),
    pytest.param("xlsx", "ut.csv", id="xlsx-into-csv"),
    pytest.param("json", "ut.csv", id="json-into-csv"),
    pytest.param("excel-csv", "ut.json", id="excel-csv-into-json"),
    pytest.param("xlsx", "ut.xls", id="xls-not-written"),
])
def test_format_and_name_must_agree(fit: Fit, tmp_path: Path, fmt: str, name: str) -> None:
    result = fit("export", "--format", fmt, "--output", str(tmp_path / name))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: --format {fmt} does not match the file name")
    assert not (tmp_path / name).exists()


@pytest.mark.usefixtures("caseload")
@pytest.mark.parametrize(("name", "fmt"), [
    ("ut.xlsx", "xlsx"), ("ut.csv", "csv"), ("ut.json", "json"), ("ut.jsonl", "jsonl"),
    ("ut.dat", "csv"),
])
def test_format_follows_the_name(fit: Fit, tmp_path: Path, name: str, fmt: str) -> None:
    assert ok(fit("export", "--output", str(tmp_path / name))).stdout.endswith(f"({fmt}).\n")
