"""`fit export`: formats, selection, --output safety, backup restore."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import Fit, as_json, ok

CSV_HEADER = ("client,date,session,age_group,ors1,ors2,ors3,ors4,ors_total,ors_rater,"
              "srs1,srs2,srs3,srs4,srs_total,srs_rater,"
              "label,start,status,closed_date,close_reason,practitioner")


@pytest.fixture
def caseload(fit: Fit) -> None:
    ok(fit("client", "add", "C001", "--start", "2026-01-05", "--label", "family"))
    ok(fit("ors", "C001", "4.5", "6", "5,5", "7", "--date", "2026-01-12"))
    ok(fit("srs", "C001", "9", "9", "9", "9.5", "--date", "2026-01-12"))
    ok(fit("ors", "C001", "--total", "28", "--date", "2026-01-19", "--rater", "other"))
    ok(fit("ors", "C001", "5", "6", "6", "7", "--session", "2"))
    ok(fit("client", "add", "C002", "--age-group", "child", "--start", "2026-02-01"))
    ok(fit("srs", "C002", "8", "8", "8", "8", "--date", "2026-02-02"))
    ok(fit("client", "close", "C002", "--reason", "planned", "--date", "2026-03-01"))


@pytest.mark.usefixtures("caseload")
def test_csv_is_the_import_format(fit: Fit) -> None:
    result = ok(fit("export"))
    assert result.stdout.splitlines() == [
        CSV_HEADER,
        "C001,2026-01-12,1,adult,4.5,6.0,5.5,7.0,23.0,self,9.0,9.0,9.0,9.5,36.5,self,"
        "family,2026-01-05,open,,,",
        "C001,2026-01-19,2,adult,5.0,6.0,6.0,7.0,24.0,self,,,,,,,family,2026-01-05,open,,,",
        "C001,2026-01-19,2,adult,,,,,28.0,other,,,,,,,family,2026-01-05,open,,,",
        "C002,2026-02-02,1,child,,,,,,,8.0,8.0,8.0,8.0,32.0,self,"
        ",2026-02-01,closed,2026-03-01,planned,",
    ]


@pytest.mark.usefixtures("caseload")
def test_jsonl_is_one_visit_and_rater_a_line_in_the_json_shape(fit: Fit) -> None:
    lines = ok(fit("export", "--format", "jsonl")).stdout.splitlines()
    assert len(lines) == 4
    first = json.loads(lines[0])
    shown = as_json(fit("client", "show", "C001", "--json"))["sessions"][0]
    assert first == {key: shown[key] for key in ("client", "session", "date", "ors", "srs")} | {
        "age_group": "adult"}
    parent = json.loads(lines[2])
    assert (parent["session"], parent["ors"]["rater"], parent["srs"]) == (2, "other", None)


@pytest.mark.usefixtures("caseload")
def test_json_backup_holds_details_closings_and_corrections(fit: Fit) -> None:
    doc = json.loads(ok(fit("export", "--format", "json")).stdout)
    assert doc["fitcli_backup"] == 2
    c1, c2 = doc["clients"]
    assert c1 == as_json(fit("client", "show", "C001", "--json"))
    assert c1["label"] == "family"
    assert [(f["rater"], f["total"]) for f in c1["sessions"][1]["forms"]] == [
        ("self", 24.0), ("other", 28.0)]
    added = c1["sessions"][1]["corrections"][0]
    assert (added["action"], added["rater"], added["previous"]) == ("added", "self", None)
    assert c2["closed"] == {"reason": "planned", "date": "2026-03-01"}


@pytest.mark.usefixtures("caseload")
def test_backup_restores_exactly_and_twice_is_harmless(fit: Fit, tmp_path: Path) -> None:
    backup = tmp_path / "backup.json"
    ok(fit("export", "--output", str(backup)))  # format from the suffix
    original = [as_json(fit("client", "show", c, "--json")) for c in ("C001", "C002")]
    other = str(tmp_path / "other-store")
    restored = ok(fit("--store", other, "import", str(backup)))
    assert restored.stdout.startswith(f"Imported {backup}: 2 clients created, 3 meetings added")
    assert [as_json(fit("--store", other, "client", "show", c, "--json"))
            for c in ("C001", "C002")] == original
    again = ok(fit("--store", other, "import", str(backup)))
    assert again.stdout == f"Nothing new in {backup}: all 4 meetings are already in the store.\n"


@pytest.mark.usefixtures("caseload")
def test_selection(fit: Fit) -> None:
    only = ok(fit("export", "--client", "c002", "--format", "jsonl")).stdout.splitlines()
    assert [json.loads(line)["client"] for line in only] == ["C002"]
    opened = ok(fit("export", "--open", "--format", "jsonl")).stdout.splitlines()
    assert {json.loads(line)["client"] for line in opened} == {"C001"}
    assert ok(fit("export", "--all")).stdout == ok(fit("export")).stdout
    missing = fit("export", "--client", "C404")
    assert missing.exit_code == 3
    mixed = fit("export", "--client", "C001", "--all")
    assert mixed.exit_code == 2
    assert mixed.stderr == ("Error: --client cannot be combined with --all or --open; choose "
                            "one selection.\n")


@pytest.mark.usefixtures("caseload")
def test_output_is_private_and_never_overwritten_without_force(fit: Fit, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    done = ok(fit("export", "--output", str(target)))
    assert done.stdout == f"Exported 3 meetings of 2 clients to {target} (csv).\n"
    assert target.read_text(encoding="utf-8").splitlines()[0] == CSV_HEADER
    if os.name == "posix":
        assert target.stat().st_mode & 0o777 == 0o600
    target.write_text("mine")
    refused = fit("export", "--output", str(target), "--format", "excel-csv")
    assert refused.exit_code == 2
    assert refused.stderr == (f"Error: {target} already exists; use --force to overwrite it, "
                              "or choose another --output.\n")
    assert target.read_text() == "mine"
    ok(fit("export", "--output", str(target), "--format", "excel-csv", "--force"))
    assert target.read_text(encoding="utf-8").startswith("\ufeffclient;date;")


@pytest.mark.parametrize("content", [b"{broken", b'{"schema_version": 1, "id": "C\xff"}',
                                     "\ufeff{}".encode()], ids=["json", "utf8", "bom"])
def test_unreadable_client_file_stops_the_export(fit: Fit, store_dir: Path,
                                                 tmp_path: Path, content: bytes) -> None:
    ok(fit("client", "add", "C001"))
    (store_dir / "clients" / "C002.json").write_bytes(content)
    target = tmp_path / "backup.json"
    result = fit("export", "--output", str(target))
    assert result.exit_code == 5
    assert "C002.json cannot be read" in result.stderr
    assert not target.exists()


def test_empty_store_exports_a_header_or_nothing(fit: Fit) -> None:
    assert ok(fit("export")).stdout == CSV_HEADER + "\n"
    assert ok(fit("export", "--format", "jsonl")).stdout == ""
    assert json.loads(ok(fit("export", "--format", "json")).stdout)["clients"] == []


def test_odd_stored_text_is_still_valid_csv(fit: Fit, store_dir: Path) -> None:
    """The CSV writer quotes what needs quoting (export itself refuses a file the model
    refuses, like this rater: see tests/test_hostile_export.py)."""
    from fitcli.formats.csv import client_rows

    doc = {"id": "C001", "age_group": "adult", "label": "", "start": "2026-06-15",
           "closed": None, "sessions": [
               {"session": 1, "date": "2026-03-02", "srs": None,
                "ors": {"items": None, "total": 20.0, "rater": 'se,"lf'}}]}
    assert client_rows(doc) == ('C001,2026-03-02,1,adult,,,,,20.0,"se,""lf",,,,,,,,2026-06-15,'
                              'open,,,\n')


def _stored(**changes: object) -> dict[str, object]:
    rating = {"items": [4.5, 6.0, 5.5, 7.0], "total": 23.0, "rater": "self"}
    doc: dict[str, object] = {
        "id": "C001", "age_group": "adult", "label": None, "start": "2026-03-01",
        "closed": None,
        "sessions": [{"session": 1, "date": "2026-03-02", "ors": rating, "srs": None,
                      "corrections": []}]}
    doc.update(changes)
    return doc


@pytest.mark.parametrize("doc", [
    pytest.param(_stored(), id="usual"),
    pytest.param(_stored(sessions=[]), id="no-meetings"),
    pytest.param(_stored(label='Ærlig "sitat" \\ ny\nlinje'), id="label-needs-escaping"),
    pytest.param(_stored(closed={"reason": "planned", "date": "2026-04-01"}), id="closed"),
    pytest.param(_stored(sessions=[{"session": 1, "date": "2026-03-02", "srs": None,
                                    "ors": {"items": None, "total": 20, "rater": "other"},
                                    "corrections": []}]), id="int-total"),
    pytest.param(_stored(sessions=[{"session": 1, "date": "2026-03-02", "srs": None,
                                    "ors": {"total": 20.0, "items": None, "rater": "self"},
                                    "corrections": []}]), id="keys-reordered"),
    pytest.param(_stored(sessions=[{"session": 1, "date": "2026-03-02", "srs": None,
                                    "ors": {"items": [True, 1.0, 1.0, 1.0], "total": 4.0,
                                            "rater": "self"},
                                    "corrections": []}]), id="bool-item"),
    pytest.param(_stored(sessions=[{"session": 1, "date": "2026-03-02", "srs": None,
                                    "ors": {"items": None, "total": float("nan"),
                                            "rater": "self"},
                                    "corrections": []}]), id="nan"),
    pytest.param(_stored(sessions=[{"session": 1, "date": "2026-03-02", "srs": None,
                                    "ors": {"items": None, "total": 20.0, "rater": "self"},
                                    "corrections": [{"at": "2026-03-03T10:00:00Z",
                                                     "form": "ors", "previous": None,
                                                     "previous_date": None}]}]),
                 id="corrections"),
])
def test_backup_text_is_json_dumps_of_the_client_document(doc: dict[str, object]) -> None:
    """The backup's text is json.dumps of client_document (compact), whatever the file holds:
    ints stay ints, true stays true, key order and NaN are kept, text is not escaped."""
    from fitcli.formats import backup, shapes

    expected = "\n  " + json.dumps(shapes.client_document(doc), ensure_ascii=False,
                                    separators=(",", ":"))
    assert backup.piece(doc) == expected.encode("utf-8")
