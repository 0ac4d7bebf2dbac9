"""Coming from another system: OpenFIT's import template (read, written, detected), CamCOPS
ORS/SRS task exports (detected), and a user's column mapping (`--map`, with --dry-run)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from conftest import Fit, as_json, ok

OPENFIT_HEADER = ("Service_Location,Provider_Email,Client_ID,Case_ID,Session_ID,Session_Date,"
                  "ORS_Skip,ORSQ1,ORSQ2,ORSQ3,ORSQ4,Total_ORS,"
                  "SRS_Skip,SRSQ1,SRSQ2,SRSQ3,SRSQ4,Total_SRS")


def meetings(fit: Fit, *store: str) -> list[dict[str, Any]]:
    out = ok(fit(*store, "export", "--format", "jsonl")).stdout
    return [json.loads(line) for line in out.split()]


def test_openfit_template_is_detected_and_read(fit: Fit) -> None:
    text = "\n".join([
        OPENFIT_HEADER,
        # Format A: items, total blank; SRS skipped
        "Oslo,a@b.no,K1,CASE-1,1,2026-03-02,0,4.5,6,5.5,7,,1,,,,,",
        # Format B as OpenFIT stores it: the total split equally over the items (derived)
        "Oslo,a@b.no,K1,CASE-1,2,2026-03-09,N,4.25,4.25,4.25,4.25,17,N,9,9,9,9.5,",
        # Format B as sent: total only; Skip Y ignores the ORS cells
        "Oslo,a@b.no,K1,CASE-1,3,2026-03-16,Y,1,1,1,1,,0,,,,,36",
    ]) + "\n"
    result = ok(fit("import", "-", "--create-clients", "--json", input=text))
    summary = json.loads(result.stdout)
    assert summary["format"] == "openfit"
    assert "1 form(s) had items OpenFIT split equally from the total" in result.stderr
    assert summary["ignored_columns"] == ["Service_Location", "Provider_Email"]
    found = meetings(fit)
    assert [(m["session"], m["ors"], m["srs"]) for m in found] == [
        (1, {"items": [4.5, 6.0, 5.5, 7.0], "total": 23.0, "rater": "self"}, None),
        (2, {"items": None, "total": 17.0, "rater": "self"},  # never stored as measured
         {"items": [9.0, 9.0, 9.0, 9.5], "total": 36.5, "rater": "self"}),
        (3, None, {"items": None, "total": 36.0, "rater": "self"}),
    ]


@pytest.mark.parametrize(("row", "message"), [
    pytest.param("x,y,K1,C1,1,2026-03-02,maybe,,,,,20,1,,,,,",
                 "line 2, column ORS_Skip: 'maybe' is not a skip flag", id="bad-skip"),
    pytest.param("x,y,K1,C1,1,2026-03-02,0,4,4,,4,,1,,,,,",
                 "line 2, column ORSQ3: the ORS items are incomplete", id="items-incomplete"),
    pytest.param("x,y,K1,C1,1,2026-03-02,0,11,4,4,4,,1,,,,,",
                 "line 2, column ORSQ1: the item score 11 is out of range", id="item-range"),
])
def test_openfit_problems_name_openfit_columns(fit: Fit, row: str, message: str) -> None:
    result = fit("import", "-", "--create-clients", input=f"{OPENFIT_HEADER}\n{row}\n")
    assert result.exit_code == 4
    assert result.stderr.startswith(message)


def test_openfit_two_cases_of_one_client_are_refused(fit: Fit) -> None:
    text = (f"{OPENFIT_HEADER}\nx,y,K1,C1,1,2026-03-02,0,,,,,20,1,,,,,\n"
            "x,y,K1,C2,1,2026-04-02,0,,,,,22,1,,,,,\n")
    result = fit("import", "-", "--create-clients", input=text)
    assert result.exit_code == 4
    assert result.stderr.startswith("line 3, column Case_ID: client K1 has another case here "
                                    "than on line 2 (C1)")


def test_openfit_export_and_round_trip(fit: Fit, tmp_path: Path) -> None:
    ok(fit("client", "add", "K1", "--start", "2026-03-01"))
    ok(fit("ors", "K1", "4.5", "6", "5.5", "7", "--date", "2026-03-02"))
    ok(fit("srs", "K1", "--total", "36", "--date", "2026-03-02"))
    ok(fit("ors", "K1", "--total", "17", "--date", "2026-03-09"))
    ok(fit("ors", "K1", "--total", "30", "--date", "2026-03-09", "--rater", "mor"))
    target = tmp_path / "openfit.csv"
    ok(fit("export", "--format", "openfit", "--output", str(target)))
    assert target.read_bytes().decode().split("\r\n") == [
        "Client_ID,Case_ID,Session_ID,Session_Date,ORS_Skip,ORSQ1,ORSQ2,ORSQ3,ORSQ4,"
        "Total_ORS,SRS_Skip,SRSQ1,SRSQ2,SRSQ3,SRSQ4,Total_SRS",
        "K1,K1,1,2026-03-02,0,4.5,6,5.5,7,,0,,,,,36",
        "K1,K1,2,2026-03-09,0,,,,,17,1,,,,,",  # the mother's form has no place here
        "",
    ]
    ok(fit("--store", str(tmp_path / "b"), "import", str(target), "--create-clients"))
    own = [m for m in meetings(fit) if m["ors"] is None or m["ors"]["rater"] == "self"]
    assert meetings(fit, "--store", str(tmp_path / "b")) == own


def camcops_book(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "ors"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_camcops_ors_export_is_detected(fit: Fit, tmp_path: Path) -> None:
    path = camcops_book(tmp_path / "camcops.xlsx", [
        "_pk", "_device_id", "_patient_idnum1", "when_created", "q_session", "q_date", "q_who",
        "q_who_other", "q_individual", "q_interpersonal", "q_social", "q_overall"], [
        [1, 3, "1001", dt.datetime(2026, 3, 2, 10, 5), 1, dt.date(2026, 3, 2), 0, None,
         4.46, 6.0, 5.55, 7.04],
        [2, 3, "1001", dt.datetime(2026, 3, 2, 10, 9), 1, dt.date(2026, 3, 2), 1, "Mother",
         3, 3, 3, 3],
    ])
    result = ok(fit("import", str(path), "--create-clients", "--json"))
    assert json.loads(result.stdout)["format"] == "camcops"
    assert result.stderr == ("3 item mark(s) with more than one decimal were rounded half up "
                             "to one decimal, as a paper form is scored.\n")
    found = meetings(fit)
    assert [(m["client"], m["session"], m["ors"]) for m in found] == [
        ("1001", 1, {"items": [4.5, 6.0, 5.6, 7.0], "total": 23.1, "rater": "self"}),
        ("1001", 1, {"items": [3.0, 3.0, 3.0, 3.0], "total": 12.0, "rater": "mother"}),
    ]


def test_camcops_srs_export_is_detected(fit: Fit) -> None:
    text = ("patient_id,when_created,q_session,q_date,q_relationship,q_goals,q_approach,"
            "q_overall\nP7,2026-03-02T10:05:00+01:00,1,,9.1,9,8.5,9.95\n")
    summary = as_json(fit("import", "-", "--create-clients", "--json", input=text))
    assert summary["format"] == "camcops"
    found = meetings(fit)
    assert [(m["client"], m["date"], m["srs"]["items"]) for m in found] == [
        ("P7", "2026-03-02", [9.1, 9.0, 8.5, 10.0])]


MAPPING = """
header_row = 3

[columns]
client = "Klientnr"
date = "Dato for samtale"
ors_total = "ORS sum"
srs_total = "SRS sum"
rater = "Utfylt av"

[values.rater]
"Klienten" = "self"
"Mor" = "mor"
"""


def test_mapping_with_dry_run_preview(fit: Fit, tmp_path: Path) -> None:
    mapping = tmp_path / "asist.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    sheet = tmp_path / "asist.csv"
    sheet.write_text("ASIST-uttrekk\n\nKlientnr;Avdeling;Dato for samtale;ORS sum;SRS sum;"
                     "Utfylt av\nA-1;BUP;02.03.2026;20,5;36;Klienten\n"
                     "A-1;BUP;02.03.2026;25;;mor\n", encoding="utf-8")
    dry = ok(fit("import", str(sheet), "--map", str(mapping), "--dry-run",
                 "--create-clients"))
    assert dry.stdout.splitlines()[:9] == [
        f"Mapping from {mapping} (field <- column in the file):",
        "  client    <- Klientnr",
        "  date      <- Dato for samtale",
        "  ors_total <- ORS sum",
        "  srs_total <- SRS sum",
        "  rater     <- Utfylt av",
        "The first rows as fit reads them:",
        "  row 4: client=A-1, date=02.03.2026, ors_total=20,5, srs_total=36, rater=self",
        "  row 5: client=A-1, date=02.03.2026, ors_total=25, rater=mor",
    ]
    assert dry.stdout.splitlines()[9].startswith("Dry run of")
    ok(fit("import", str(sheet), "--map", str(mapping), "--create-clients"))
    assert [(m["ors"]["total"], m["ors"]["rater"]) for m in meetings(fit)] == [
        (20.5, "self"), (25.0, "mor")]


def test_mapping_naming_absent_columns(fit: Fit, tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text('[columns]\nclient = "Klientnr"\ndate = "Dato"\nors_total = "ORS"\n')
    result = fit("import", "-", "--map", str(mapping), input="Klient;Dato;ORS\nK1;2026-03-02;20\n")
    assert result.exit_code == 4
    assert result.stderr.startswith("line 1: the mapping names columns the file does not "
                                    "have: 'Klientnr'. Columns found: 'Klient', 'Dato', 'ORS'.")


@pytest.mark.parametrize(("text", "reason"), [
    pytest.param("[columns]\nklient = 'K'\n", "'klient' is not a field", id="unknown-field"),
    pytest.param("sheet = 1\n[columns]\nclient = 'K'\n", "sheet must be", id="sheet-type"),
    pytest.param("[columns\n", "cannot be used", id="toml-syntax"),
    pytest.param("columns = 3\n", "no [columns] table", id="no-columns"),
])
def test_bad_mapping_is_a_usage_error(fit: Fit, tmp_path: Path, text: str, reason: str) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text(text)
    result = fit("import", "-", "--map", str(mapping), input="a,b\n1,2\n")
    assert result.exit_code == 2
    assert reason in result.stderr


def test_mapping_of_a_workbook_names_its_sheet_and_header_row(fit: Fit, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.append(["Forside"])
    data = book.create_sheet("Skårer")
    data.append(["ASIST", "uttrekk"])  # two cells: only the mapping's header_row finds it
    data.append(["Løpenr", "Kontaktdato", "ORS-sum", "Hvem"])
    data.append(["L-7", dt.date(2026, 3, 2), 20.5, "Mor"])
    path = tmp_path / "asist.xlsx"
    book.save(path)
    mapping = tmp_path / "m.toml"
    mapping.write_text('sheet = "Skårer"\nheader_row = 2\n[columns]\nclient = "Løpenr"\n'
                       'date = "Kontaktdato"\nors_total = "ORS-sum"\nrater = "Hvem"\n'
                       '[values.rater]\n"mor" = "mor"\n', encoding="utf-8")
    ok(fit("import", str(path), "--map", str(mapping), "--create-clients"))
    assert [(m["client"], m["date"], m["ors"]) for m in meetings(fit)] == [
        ("L-7", "2026-03-02", {"items": None, "total": 20.5, "rater": "mor"})]
