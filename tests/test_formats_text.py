"""What Excel on a Nordic PC writes: cp1252 text, "4,50", "14.09.2026 00:00", rater words;
refusals that help (every problem of a row, an unknown header, `fit import --columns`);
the Excel-CSV export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Fit, as_json, ok
from fitcli.errors import InvalidData, UsageProblem
from fitcli.formats.encoding import decode
from fitcli.formats.reading import parse_date
from fitcli.model.problems import DomainError
from fitcli.model.scores import parse_item, parse_total


def meetings(fit: Fit) -> list[dict[str, object]]:
    return [json.loads(line) for line in ok(fit("export", "--format", "jsonl")).stdout.split()]


@pytest.mark.parametrize(("data", "text"), [
    pytest.param("Bjørn;æøå ÆØÅ äö".encode(), "Bjørn;æøå ÆØÅ äö", id="utf8"),
    pytest.param("\ufeffklient".encode(), "klient", id="utf8-bom"),
    pytest.param("Bjørn;æøå ÆØÅ äö – «x»".encode("cp1252"), "Bjørn;æøå ÆØÅ äö – «x»",
                 id="cp1252-nordic"),
    pytest.param("klient\tdato".encode("utf-16"), "klient\tdato", id="utf16-bom"),
])
def test_decoding(data: bytes, text: str) -> None:
    assert decode(data) == text


@pytest.mark.parametrize("data", [
    pytest.param("Bjørn på tur".encode("cp850"), id="dos-cp850"),
    pytest.param(b"klient\x81\x8d", id="undefined-in-cp1252"),
    pytest.param("klient".encode("utf-16-le"), id="utf16-without-bom"),
])
def test_neither_utf8_nor_nordic_codepage_is_refused(data: bytes) -> None:
    with pytest.raises(InvalidData) as refused:
        decode(data)
    assert refused.value.key == "formats.error.encoding"


def test_forced_encoding() -> None:
    assert decode("Bjørn".encode("latin-1"), "latin-1") == "Bjørn"
    assert decode("Bjørn".encode("cp850"), "cp850") == "Bjørn"
    with pytest.raises(InvalidData):
        decode("Bjørn".encode("cp1252"), "utf-8")
    with pytest.raises(UsageProblem):
        decode(b"x", "no-such-codec")


def test_excel_semicolon_csv_in_cp1252_imports(fit: Fit, tmp_path: Path) -> None:
    path = tmp_path / "skårer.csv"
    path.write_bytes(("Klient;Dato;ORS 1;ORS 2;ORS 3;ORS 4;Vurdert av;Merknad\r\n"
                      "K1;14.05.2026 00:00;4,50;6;5,5;7;bestemør;Første samtale\r\n"
                      "K1;14.05.2026;4;5;5;6;far;\r\n").encode("cp1252"))
    done = ok(fit("import", str(path), "--create-clients"))
    assert done.stderr == ("The file is not UTF-8: read in the Windows code page of Nordic "
                           "Excel (cp1252); if letters look wrong, name the encoding with "
                           "--encoding.\n")
    assert [(m["date"], m["ors"]["items"], m["ors"]["rater"]) for m in meetings(fit)] == [
        ("2026-05-14", [4.5, 6.0, 5.5, 7.0], "bestemør"),
        ("2026-05-14", [4.0, 5.0, 5.0, 6.0], "far"),
    ]
    forced = fit("--store", str(tmp_path / "b"), "import", str(path), "--encoding", "utf-8")
    assert forced.exit_code == 4
    assert "is not valid utf-8 text (line 2)" in forced.stderr
    unknown = fit("import", str(path), "--encoding", "klingon")
    assert unknown.exit_code == 2


@pytest.mark.parametrize(("text", "value"), [
    pytest.param("4,50", 4.5, id="two-decimals-trailing-zero"),
    pytest.param("4.50", 4.5, id="dot"),
    pytest.param("10,00", 10.0, id="ten"),
    pytest.param("7,0", 7.0, id="one-decimal"),
])
def test_trailing_zeros_are_no_extra_precision(text: str, value: float) -> None:
    assert parse_item(text) == value
    assert parse_total(text) == value


@pytest.mark.parametrize("text", ["4,55", "4,05", "4,501", "4,"])
def test_real_extra_precision_is_refused(text: str) -> None:
    with pytest.raises(DomainError):
        parse_item(text)


@pytest.mark.parametrize(("text", "ok_"), [
    ("14.09.2026 00:00", True), ("14.09.2026 0:00", True), ("14.09.2026 00:00:00", True),
    ("14-09-2026 00:00", True), ("14.09.2026 13:00", False), ("14.09.2026 00:01", False),
])
def test_excel_dates_with_a_zero_time(text: str, ok_: bool) -> None:
    if ok_:
        assert parse_date(text).isoformat() == "2026-09-14"
    else:
        with pytest.raises(DomainError):
            parse_date(text)


@pytest.mark.parametrize("word", ["far", "mor", "forelder", "förälder", "parent", "lærer",
                                  "Bestemør", "fosterförälder"])
def test_collateral_rater_words_are_rater_codes(fit: Fit, word: str) -> None:
    text = f"klient;dato;ors_total;vurderer\nK1;2026-03-02;20;{word}\n"
    ok(fit("import", "-", "--create-clients", input=text))
    assert meetings(fit)[0]["ors"]["rater"] == word.casefold()


def test_every_problem_of_a_row_at_once(fit: Fit) -> None:
    text = ("client,date,session,rater,ors1,ors2,ors3,ors4,ors_total,srs_total\n"
            "K 1,2026-13-01,x,a b,11,5,,5,50,\"4,55\"\n")
    result = fit("import", "-", "--create-clients", input=text)
    assert result.exit_code == 4
    columns = [line.split(":")[0] for line in result.stderr.splitlines()[:-1]]
    assert columns == [f"line 2, column {c}" for c in (
        "client", "date", "ors1", "ors3", "ors_total", "rater", "session", "srs_total")]


def test_unknown_header_says_what_was_found_and_where_names_are(fit: Fit) -> None:
    result = fit("import", "-", input="Klientnavn;Når;ORS\nK1;2026-03-02;20\n")
    assert result.exit_code == 4
    assert result.stderr.splitlines()[0] == (
        "line 1: the header has no column for client, date. Columns found: 'Klientnavn', "
        "'Når', 'ORS'. 'fit import --columns' lists the names understood, or map your "
        "columns with --map.")


def test_import_columns_lists_the_names_in_the_users_language(fit: Fit) -> None:
    english = ok(fit("import", "--columns")).stdout.splitlines()
    assert english[0].startswith("Column names 'fit import' understands")
    assert any(line.split()[0] == "client" and "klientnr" in line for line in english)
    norsk = ok(fit("import", "--columns", env={"FIT_LANG": "nb"})).stdout.splitlines()
    assert norsk[0].startswith("Kolonnenavn 'fit import' forstår")
    assert any(line.strip().startswith("Klient (client)") for line in norsk)
    assert any(line.strip().startswith("Behandler (practitioner)") for line in norsk)


@pytest.fixture
def caseload(fit: Fit) -> None:
    ok(fit("client", "add", "C001", "--start", "2026-01-05", "--label", "=HYPERLINK(x)"))
    ok(fit("ors", "C001", "4.5", "6", "5,5", "7", "--date", "2026-01-12"))
    ok(fit("client", "add", "C002", "--start", "2026-02-01"))
    ok(fit("srs", "C002", "8", "8", "8", "8", "--date", "2026-02-02"))
    ok(fit("client", "close", "C002", "--reason", "dropout", "--date", "2026-03-01"))


@pytest.mark.usefixtures("caseload")
def test_excel_csv_opens_in_nordic_excel(fit: Fit, tmp_path: Path) -> None:
    target = tmp_path / "ut.csv"
    ok(fit("export", "--format", "excel-csv", "--output", str(target), env={"FIT_LANG": "nb"}))
    data = target.read_bytes()
    assert data.startswith("\ufeffKlient;Dato;Samtale nr;Aldersgruppe;ORS delskår 1;".encode())
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[1] == ("C001;2026-01-12;1;adult;4,5;6,0;5,5;7,0;23,0;self;;;;;;;"
                        "'=HYPERLINK(x);2026-01-05;open;;;")
    assert lines[2] == "C002;2026-02-02;1;adult;;;;;;;8,0;8,0;8,0;8,0;32,0;self;;2026-02-01;" \
                       "closed;2026-03-01;dropout;"
    assert lines[3] == "" and b"\n" not in data.replace(b"\r\n", b"")
    summary = as_json(fit("--store", str(tmp_path / "b"), "import", str(target),
                          "--create-clients", "--json"))
    assert (summary["delimiter"], summary["meetings_added"], summary["ignored_columns"]) == (
        ";", 2, [])


@pytest.mark.usefixtures("caseload")
def test_csv_export_carries_the_episode(fit: Fit) -> None:
    lines = ok(fit("export")).stdout.splitlines()
    assert lines[0].endswith(",label,start,status,closed_date,close_reason,practitioner")
    assert lines[2].endswith(",,2026-02-01,closed,2026-03-01,dropout,")


@pytest.mark.parametrize("label", ["a,b", 'say "hi"', "a;b"])
def test_csv_export_quotes_any_label(fit: Fit, store_dir: Path, label: str) -> None:
    ok(fit("client", "add", "C001", "--start", "2026-01-05"))
    ok(fit("ors", "C001", "--total", "20", "--date", "2026-01-12"))
    path = store_dir / "clients" / "C001.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["label"] = label  # a hand-edited file: not every label fit would take
    path.write_text(json.dumps(doc), encoding="utf-8")
    import csv
    import io

    text = ok(fit("export")).stdout
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 2
    assert rows[1][-6:] == [label, "2026-01-05", "open", "", "", ""]


def test_a_refused_row_also_says_its_client_is_unknown(fit: Fit) -> None:
    text = "Klient;Dato;ORS sum\nK9;2026-03-02;44\nK9;2026-03-09;20\n"
    result = fit("import", "-", input=text)
    assert result.exit_code == 4
    assert [line.split(":")[0] for line in result.stderr.splitlines()[:-1]] == [
        "line 2, column Klient", "line 2, column ORS sum", "line 3, column Klient"]
    assert "there is no client 'K9'" in result.stderr.splitlines()[0]
    created = fit("import", "-", "--create-clients", input=text)
    assert created.stderr.splitlines()[0].startswith("line 2, column ORS sum:")
    assert len(created.stderr.splitlines()) == 2


@pytest.mark.parametrize("text", ["14.09-2026", "2026-W38-1", "2026-257", "20260914",
                                  "2026-09-14 00:00 x", "31.09.2026"])
def test_a_date_cell_takes_only_the_forms_the_command_line_takes(text: str) -> None:
    """One rule for dates (model.dates): a file's date refused where `fit ors --date` would
    refuse it, whatever Python's own ISO parser would accept."""
    with pytest.raises(DomainError):
        parse_date(text)


@pytest.mark.parametrize("text", ["2026-W38-1", "20260914", "2026-257", "14.09-2026",
                                  "2026-09-31"])
def test_a_json_date_follows_the_one_date_rule(fit: Fit, text: str) -> None:
    line = json.dumps({"client": "J1", "date": text, "ors": {"items": [5, 5, 5, 5]}})
    result = fit("import", "-", "--format", "jsonl", "--create-clients", input=line + "\n")
    assert result.exit_code == 4, result.stdout
    assert "line 1" in result.stderr and "Imported" not in result.stdout
