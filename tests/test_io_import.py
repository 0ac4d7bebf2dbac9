"""`fit import`: dialects, every kind of bad row, conflicts, --replace, idempotence, stdin."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import (
    Fit,
    StoreSettings,
    as_json,
    ok,
    ors_by_another_fit,
    without_filesystem_sync,
)

DATA = Path(__file__).parent / "data" / "import"

EXPECTED = [
    {"client": "C001", "session": 1, "date": "2026-03-02", "age_group": "adult",
     "ors": {"items": [4.5, 6.0, 5.5, 7.0], "total": 23.0, "rater": "self"},
     "srs": {"items": [9.0, 9.0, 8.5, 9.5], "total": 36.0, "rater": "self"}},
    {"client": "C001", "session": 2, "date": "2026-03-09", "age_group": "adult",
     "ors": {"items": [5.0, 6.5, 6.0, 7.5], "total": 25.0, "rater": "self"},
     "srs": {"items": [9.5, 9.0, 9.0, 9.5], "total": 37.0, "rater": "self"}},
    {"client": "C002", "session": 1, "date": "2026-03-03", "age_group": "adolescent",
     "ors": {"items": [3.5, 3.0, 3.0, 3.0], "total": 12.5, "rater": "other"}, "srs": None},
]


def exported(fit: Fit) -> list[dict[str, object]]:
    result = ok(fit("export", "--format", "jsonl"))
    return [json.loads(line) for line in result.stdout.splitlines()]


def client_files(store_dir: Path) -> dict[str, bytes]:
    folder = store_dir / "clients"
    return {p.name: p.read_bytes() for p in folder.glob("*.json")} if folder.is_dir() else {}


@pytest.mark.parametrize("name", [
    pytest.param("comma.csv", id="comma"),
    pytest.param("semicolon_decimal_comma.csv", id="semicolon-decimal-comma-norwegian"),
    pytest.param("tab.tsv", id="tab-swedish"),
    pytest.param("bom.csv", id="utf8-bom-danish"),
    pytest.param("crlf.csv", id="crlf-quoted-multiline"),
])
def test_every_dialect_gives_the_same_meetings(fit: Fit, name: str) -> None:
    result = ok(fit("import", str(DATA / name), "--create-clients"))
    assert "2 clients created, 3 meetings added" in result.stdout
    assert exported(fit) == EXPECTED


def test_summary_json_reports_dialect_and_ignored_columns(fit: Fit) -> None:
    summary = as_json(fit("import", str(DATA / "semicolon_decimal_comma.csv"),
                          "--create-clients", "--json"))
    assert summary == {
        "file": str(DATA / "semicolon_decimal_comma.csv"), "ok": True, "format": "csv",
        "delimiter": ";", "rows": 3, "dry_run": False, "clients_created": 2,
        "meetings_added": 3, "meetings_completed": 0, "skipped": 0, "replaced": 0,
        "ignored_columns": [],  # "Merknad" is the client's label: an export's episode column
        "encoding": "utf-8",
    }


def test_reimport_adds_nothing_and_says_so(fit: Fit, store_dir: Path) -> None:
    ok(fit("import", str(DATA / "comma.csv"), "--create-clients"))
    before = client_files(store_dir)
    again = ok(fit("import", str(DATA / "comma.csv")))
    assert again.stdout == (f"Nothing new in {DATA / 'comma.csv'}: all 3 meetings are already "
                            "in the store.\n")
    assert client_files(store_dir) == before
    summary = as_json(fit("import", str(DATA / "bom.csv"), "--json"))
    assert (summary["skipped"], summary["meetings_added"]) == (3, 0)


def test_dry_run_reports_and_writes_nothing(fit: Fit, store_dir: Path) -> None:
    result = ok(fit("import", str(DATA / "comma.csv"), "--create-clients", "--dry-run"))
    assert result.stdout.startswith(f"Dry run of {DATA / 'comma.csv'}: no problems found. "
                                    "Importing would create 2 clients, add 3 meetings")
    assert client_files(store_dir) == {}


def test_stdin(fit: Fit) -> None:
    text = (DATA / "comma.csv").read_text(encoding="utf-8")
    result = ok(fit("import", "-", "--create-clients", input=text))
    assert result.stdout.startswith("Imported stdin: 2 clients created, 3 meetings added")
    assert exported(fit) == EXPECTED


def test_unknown_clients_need_create_clients(fit: Fit, store_dir: Path) -> None:
    result = fit("import", str(DATA / "comma.csv"))
    assert result.exit_code == 4, result.stderr
    assert result.stderr.splitlines()[0] == (
        "line 2, column client: there is no client 'C001' in this store; add it with "
        "'fit client add C001', or import with --create-clients.")
    assert result.stderr.splitlines()[-1].startswith("Error: 3 problems found; nothing was "
                                                     "imported.")
    assert client_files(store_dir) == {}


def test_known_clients_are_matched_without_case(fit: Fit) -> None:
    ok(fit("client", "add", "c001", "--start", "2026-01-01"))
    ok(fit("import", "-", input="client,date,ors_total\nC001,2026-03-02,20\n"))
    assert [m["client"] for m in exported(fit)] == ["c001"]


def setup_store(fit: Fit) -> None:
    ok(fit("client", "add", "C001", "--start", "2026-01-01"))
    ok(fit("ors", "C001", "5", "5", "5", "5", "--date", "2026-02-23"))
    ok(fit("client", "add", "C002", "--start", "2026-01-01"))
    ok(fit("client", "close", "C002", "--reason", "dropout", "--date", "2026-02-01"))


BAD_ROWS = """client,date,session,ors1,ors2,ors3,ors4,ors_total,srs1,srs2,srs3,srs4,rater
C001,2026-03-02,,11,5,5,5,,,,,,
C001,2026-03-09,,4.55,5,5,5,,,,,,
C001,2026-13-01,,5,5,5,5,,,,,,
bad id!,2026-03-01,,5,5,5,5,,,,,,
C001,2026-03-16,,5,5,,5,,,,,,
C001,2026-03-23,,5,5,5,5,21,,,,,
C001,2026-03-30,0,5,5,5,5,,,,,,
C001,2026-07-01,,5,5,5,5,,,,,,
C001,2026-04-06,,,,,,,,,,,
C003,2026-04-06,,5,5,5,5,,,,,,
C001,2026-04-13,,5,5,5,5,,,,,,
C001,2026-04-13,,6,6,6,6,,,,,,
C001,2026-01-01,,5,5,5,5,,,,,,
C002,2026-04-20,,5,5,5,5,,,,,,
C001,2026-04-27,,5,5,5,5,,,,,,boss!
C001,2026-05-04,9,5,5,5,5,,,,,,
C001,2026-05-11,,5,5,5,5,,9,9,9,,
C001,2026-05-18,,5,5,5,5,41,,,,,
"""


def test_bad_rows_of_every_kind_are_all_listed_and_nothing_is_written(
        fit: Fit, store_dir: Path) -> None:
    setup_store(fit)
    before = client_files(store_dir)
    result = fit("import", "-", input=BAD_ROWS)
    assert result.exit_code == 4, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    expected_starts = [
        "line 2, column ors1: the item score 11 is out of range",
        "line 3, column ors1: '4.55' is not a valid item score",
        "line 4, column date: '2026-13-01' is not a date",
        "line 5, column client: 'bad id!' is not a valid client ID",
        "line 6, column ors3: the ORS items are incomplete",
        "line 7, column ors_total: the total 21 does not equal the sum of the items (20.0)",
        "line 8, column session: '0' is not a meeting number",
        "line 9, column date: the date 2026-07-01 is in the future",
        "line 10: the row has no scores",
        "line 11, column client: there is no client 'C003'",
        "line 13, column ors1: client C001 already has a row for this meeting (2026-04-13) "
        "on line 12",
        "line 14, column date: the date 2026-01-01 is before the latest meeting",
        "line 15, column client: client C002 is closed",
        "line 16, column rater: 'boss!' is not a rater",
        "line 17, column session: client C001 has 1 meetings, so meeting 9 would leave a gap",
        "line 18, column srs4: the SRS items are incomplete",
        "line 19, column ors_total: the total score 41 is out of range",
    ]
    assert len(lines) == len(expected_starts) + 1
    for line, start in zip(lines, expected_starts, strict=False):
        assert line.startswith(start), (line, start)
    assert lines[-1] == ("Error: 17 problems found; nothing was imported. Fix them and run "
                         "the import again (--dry-run checks without writing).")
    assert client_files(store_dir) == before


def test_report_is_capped_with_a_count_of_the_rest(fit: Fit) -> None:
    rows = "".join(f"C{i:03d},2026-03-02,5,5,5,5\n" for i in range(30))
    result = fit("import", "-", input="client,date,ors1,ors2,ors3,ors4\n" + rows)
    assert result.exit_code == 4
    lines = result.stderr.splitlines()
    assert len(lines) == 22
    assert lines[20] == ("... and 10 more problems not shown (use --json to see them all).")


def test_failure_as_json_lists_every_problem(fit: Fit) -> None:
    rows = "".join(f"C{i:03d},2026-03-02,5,5,5,5\n" for i in range(30))
    result = fit("import", "-", "--json", input="client,date,ors1,ors2,ors3,ors4\n" + rows)
    assert result.exit_code == 4
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["problem_count"] == 30
    assert report["problems"][0] == {
        "line": 2, "column": "client", "error": "import.error.unknown_client",
        "message": "there is no client 'C000' in this store; add it with 'fit client add C000', "
                   "or import with --create-clients."}


@pytest.mark.parametrize(("text", "message"), [
    pytest.param("date,ors1,ors2,ors3,ors4\n2026-01-01,1,1,1,1\n",
                 "line 1: the header has no column for client. Columns found: 'date', 'ors1',",
                 id="no-client-column"),
    pytest.param("client,date,ors1,ors2\nC1,2026-01-01,1,1\n",
                 "line 1: ORS item columns are incomplete (missing ors3, ors4)",
                 id="two-item-columns"),
    pytest.param("client,date,notes\nC1,2026-01-01,x\n",
                 "line 1: the header has no score columns", id="no-score-columns"),
    pytest.param("klient,client,date,ors_total\nC1,C1,2026-01-01,3\n",
                 "line 1, column client: this column means 'client', like the column 'klient'",
                 id="column-twice"),
    pytest.param("client,date,ors_total\nC1,2026-01-01,3,4,5\n",
                 "line 2: the row has 5 cells but the header only 3", id="extra-cells"),
])
def test_file_level_problems(fit: Fit, text: str, message: str) -> None:
    result = fit("import", "-", "--create-clients", input=text)
    assert result.exit_code == 4, result.stdout
    assert result.stderr.splitlines()[0].startswith(message)


def test_not_utf8_says_how_to_fix(fit: Fit, tmp_path: Path) -> None:
    # an old DOS code page: neither UTF-8 nor text that reads right as cp1252 (that is
    # accepted now: tests/test_formats_text.py)
    path = tmp_path / "dos.csv"
    path.write_bytes("klient;dato;ors_total;merknad\nC1;2026-01-01;20;Bjørn på\n"
                     .encode("cp850"))
    result = fit("import", str(path))
    assert result.exit_code == 4
    assert "save it as 'CSV UTF-8'" in result.stderr
    assert "--encoding" in result.stderr
    assert "line 2" in result.stderr


def test_utf16_unicode_text_from_excel(fit: Fit, tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_bytes("klient\tdato\tors_total\r\nC1\t2026-01-01\t20,5\r\n".encode("utf-16"))
    ok(fit("import", str(path), "--create-clients"))
    assert exported(fit)[0]["ors"] == {"items": None, "total": 20.5, "rater": "self"}


def test_missing_file_is_a_usage_error(fit: Fit, tmp_path: Path) -> None:
    result = fit("import", str(tmp_path / "nope.csv"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: there is no file {tmp_path / 'nope.csv'}")


def test_conflict_is_refused_and_replace_keeps_history(fit: Fit, store_dir: Path) -> None:
    ok(fit("import", str(DATA / "comma.csv"), "--create-clients"))
    changed = (DATA / "comma.csv").read_text().replace("5.0,6.5,6.0,7.5", "5.0,6.5,6.0,8.5")
    before = client_files(store_dir)
    refused = fit("import", "-", input=changed)
    assert refused.exit_code == 4
    assert refused.stderr.splitlines()[0] == (
        "line 3, column ors1: client C001 already has meeting 2 on 2026-03-09 with a different "
        "ORS; use --replace to correct it (the old values are kept in its history), or fix the "
        "file.")
    assert client_files(store_dir) == before

    summary = as_json(fit("import", "-", "--replace", "--json", input=changed))
    assert (summary["replaced"], summary["skipped"]) == (1, 2)
    shown = as_json(fit("client", "show", "C001", "--json"))
    meeting = shown["sessions"][1]
    assert meeting["ors"]["items"] == [5.0, 6.5, 6.0, 8.5]
    assert [c["previous"]["items"] for c in meeting["corrections"]] == [[5.0, 6.5, 6.0, 7.5]]
    assert meeting["srs"]["total"] == 37.0
    again = ok(fit("import", "-", "--replace", input=changed))
    assert again.stdout.startswith("Nothing new in stdin")


def test_conflicting_date_for_a_numbered_meeting(fit: Fit) -> None:
    ok(fit("import", str(DATA / "comma.csv"), "--create-clients"))
    moved = "client,date,session,ors1,ors2,ors3,ors4,rater\nC002,2026-03-04,1,3.5,3,3,3,other\n"
    refused = fit("import", "-", input=moved)
    assert refused.exit_code == 4
    assert "already has meeting 1, dated 2026-03-03 and not 2026-03-04" in refused.stderr
    ok(fit("import", "-", "--replace", input=moved))
    meeting = as_json(fit("client", "show", "C002", "--json"))["sessions"][0]
    assert meeting["date"] == "2026-03-04"
    assert meeting["corrections"][0]["previous_date"] == "2026-03-03"


def test_a_later_srs_file_completes_the_meetings(fit: Fit) -> None:
    ok(fit("import", "-", "--create-clients",
           input="client,date,ors1,ors2,ors3,ors4\nC1,2026-03-02,5,5,5,5\n"
                 "C1,2026-03-09,6,6,6,6\n"))
    summary = as_json(fit("import", "-", "--json",
                          input="client;date;srs_total\nC1;2026-03-02;35,5\nC1;2026-03-09;37\n"))
    assert (summary["meetings_completed"], summary["meetings_added"]) == (2, 0)
    meetings = exported(fit)
    assert [m["srs"]["total"] for m in meetings] == [35.5, 37.0]  # type: ignore[index]
    assert all(not m for m in as_json(fit("client", "show", "C1", "--json"))["sessions"][0][
        "corrections"])


def test_ors_and_srs_rows_of_one_meeting_merge(fit: Fit) -> None:
    text = ("client,date,ors_total,srs_total\nC1,2026-03-02,20,\nC1,2026-03-02,,36\n"
            "C1,2026-03-09,22,\n")
    summary = as_json(fit("import", "-", "--create-clients", "--json", input=text))
    assert summary["meetings_added"] == 2
    assert [(m["ors"]["total"], m["srs"] and m["srs"]["total"])  # type: ignore[index]
            for m in exported(fit)] == [(20.0, 36.0), (22.0, None)]


def test_rows_in_any_order_land_in_date_order(fit: Fit) -> None:
    text = "client,date,ors_total\nC1,2026-03-16,30\nC1,2026-03-02,20\nC1,2026-03-09,25\n"
    ok(fit("import", "-", "--create-clients", input=text))
    assert [(m["session"], m["date"]) for m in exported(fit)] == [
        (1, "2026-03-02"), (2, "2026-03-09"), (3, "2026-03-16")]


def test_age_group_for_created_clients(fit: Fit) -> None:
    ok(fit("import", "-", "--create-clients", "--age-group", "child",
           input="client,date,ors_total\nK1,2026-03-02,20\n"))
    assert exported(fit)[0]["age_group"] == "child"
    ok(fit("client", "add", "A1", "--start", "2026-01-01"))
    refused = fit("import", "-", input="client,date,ors_total,age group\nA1,2026-03-02,20,barn\n")
    assert refused.exit_code == 4
    assert "client A1 is stored as adult, but the row says child" in refused.stderr


def test_jsonl_problems_name_line_and_key(fit: Fit) -> None:
    text = ('{"client": "C1", "session": 1, "date": "2026-03-02", "ors": {"items": [1, 2, 3, '
            '11], "total": 17, "rater": "self"}, "srs": null}\n'
            '{"client": "C1", "date": "2026-03-09", "ors": null, "srs": null, "mood": 3}\n'
            '{not json\n')
    result = fit("import", "-", "--create-clients", input=text)
    assert result.exit_code == 4
    assert result.stderr.splitlines()[:3] == [
        "line 1, column ors.items[3]: the item score 11 is out of range; it must be between 0 "
        "and 10 with at most one decimal.",
        "line 2, column mood: unknown key 'mood'; remove it (see 'fit export --format jsonl' "
        "for the shape).",
        "line 3: this is not valid JSON (Expecting property name enclosed in double quotes, "
        "column 2).",
    ]


def test_messages_follow_the_language(fit: Fit) -> None:
    result = fit("--lang", "nb", "import", "-", input="klient,dato,ors_total\nC1,2026-03-02,20\n")
    assert result.exit_code == 4
    assert result.stderr.startswith("linje 2, kolonne klient: det finnes ingen klient «C1»")


def test_empty_input_imports_nothing(fit: Fit) -> None:
    result = ok(fit("import", "-", input=""))
    assert result.stdout == "stdin holds no meetings; nothing was imported.\n"


def test_unreadable_client_file_stops_the_import(fit: Fit, store_dir: Path) -> None:
    ok(fit("client", "add", "C001"))
    (store_dir / "clients" / "C001.json").write_text("{broken", encoding="utf-8")
    result = fit("import", "-", input="client,date,ors_total\nC001,2026-03-02,20\n")
    assert result.exit_code == 5
    assert "C001.json cannot be read" in result.stderr
    assert (store_dir / "clients" / "C001.json").read_text(encoding="utf-8") == "{broken"


def test_backup_with_problems_names_where(fit: Fit, tmp_path: Path) -> None:
    doc = {"fitcli_backup": 1, "clients": [
        {"id": "C1", "start": "2026-01-01", "closed": {"reason": "planned",
                                                      "date": "2026-01-01"},
         "sessions": [{"client": "C1", "session": 1, "date": "2026-02-01",
                       "ors": {"items": None, "total": 20, "rater": "self"}, "srs": None,
                       "corrections": []}]},
        {"id": "C2", "start": "2026-01-01", "sessions": [
            {"client": "C2", "session": 2, "date": "2026-02-01", "ors": None,
             "srs": {"items": None, "total": 30, "rater": "self"}}]},
    ]}
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = fit("import", str(path))
    assert result.exit_code == 4
    assert result.stderr.splitlines()[:2] == [
        "at clients[0].closed: the closing date 2026-01-01 is before the latest meeting "
        "(2026-02-01); use a date on or after it.",
        "at clients[1].sessions[0].session: the meetings are not numbered in order; this one "
        "should be meeting 1.",
    ]


def test_backup_meetings_out_of_date_order_are_reported(fit: Fit, tmp_path: Path) -> None:
    meetings = [{"client": "C1", "session": n, "date": d, "ors": None,
                 "srs": {"items": None, "total": 30, "rater": "self"}, "corrections": []}
                for n, d in ((1, "2026-02-01"), (2, "2026-01-15"))]
    doc = {"fitcli_backup": 1, "clients": [{"id": "C1", "start": "2026-01-01",
                                           "sessions": meetings}]}
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = fit("import", str(path))
    assert result.exit_code == 4, result.stderr
    assert result.stderr.startswith("at clients[0].sessions[1].date: the date 2026-01-15 is "
                                    "before the latest meeting")


def test_stdin_from_a_terminal_is_refused() -> None:
    """`fit import -` typed at a terminal, nothing piped in: refused at once (exit 2), not a
    command that seems to hang while it waits for typed CSV."""
    import subprocess
    import sys

    pty = pytest.importorskip("pty")  # (POSIX)
    terminal, typed_at = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "fitcli", "import", "-"], stdin=typed_at,
                              capture_output=True, text=True, timeout=60)
    finally:
        os.close(terminal)
        os.close(typed_at)
    assert done.returncode == 2, done.stderr
    assert "but nothing is piped in; use 'fit import - < FILE'" in done.stderr


@pytest.fixture(params=["synced", "each"])
def write_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch,
               store_dir: Path, store_settings: StoreSettings) -> str:
    """Both ways `fit import` writes, every batch counted as large: temp files made durable
    by one file-system sync (Linux, on a file system it trusts), and an fsync per file (a
    platform without such a sync: macOS, Windows, a network share)."""
    from fitcli.store import filesystem_syncer

    if request.param == "synced" and filesystem_syncer(store_dir) is None:
        pytest.skip("no trusted file-system sync here")
    if request.param == "each":
        without_filesystem_sync(monkeypatch)
    store_settings(batch_sync_min_clients=1)
    return str(request.param)


def test_a_full_disk_while_writing_writes_nothing(
        fit: Fit, store_dir: Path, monkeypatch: pytest.MonkeyPatch, write_path: str) -> None:
    """The disk fills up while the new files are written: no client is written (the write
    phase is all-or-nothing too), no temp file stays, and a re-run completes the import."""
    from fitcli.store import batch as store_batch

    real = store_batch.write_temp

    def failing(path: Path, data: bytes, *, sync: bool = False) -> Path:
        if path.stem == "C005":
            raise OSError(28, "No space left on device")
        return real(path, data, sync=sync)

    ok(fit("import", "-", "--create-clients", input="client,date,ors_total\nC000,2026-03-01,20\n"))
    before = {p.name: p.read_bytes() for p in (store_dir / "clients").iterdir()}
    rows = "".join(f"C{i:03d},2026-03-02,20\n" for i in range(10))
    text = "client,date,ors_total\n" + rows
    monkeypatch.setattr(store_batch, "write_temp", failing)
    failed = fit("import", "-", "--create-clients", input=text)
    assert failed.exit_code == 5
    assert "No space left on device" in failed.stderr
    assert {p.name: p.read_bytes() for p in (store_dir / "clients").iterdir()} == before
    assert list((store_dir / "clients").glob(".*.tmp")) == []  # no copy left behind
    monkeypatch.setattr(store_batch, "write_temp", real)
    summary = as_json(fit("import", "-", "--create-clients", "--json", input=text))
    assert summary["clients_created"] == 9
    assert len(exported(fit)) == 11


def test_a_lock_held_elsewhere_writes_nothing(
        fit: Fit, store_dir: Path, store_settings: StoreSettings, write_path: str) -> None:
    """Another fit holds one client's lock too long: no client is written."""
    from fitcli.store import Store

    store_settings(lock_timeout_s=0.2)
    rows = "".join(f"C{i:03d},2026-03-02,20\n" for i in range(10))
    held = Store(store_dir)
    held.prepare_batch()
    with held.lock("C007"):
        failed = fit("import", "-", "--create-clients", input="client,date,ors_total\n" + rows)
    assert failed.exit_code == 5, failed.output
    assert "C007" in failed.stderr
    assert list((store_dir / "clients").iterdir()) == []


def test_a_failing_rename_names_the_clients_written(
        fit: Fit, store_dir: Path, monkeypatch: pytest.MonkeyPatch, write_path: str) -> None:
    """Renames need no space, but should one fail, the message says which clients were
    written; a re-run completes the import."""
    from fitcli.errors import StoreProblem
    from fitcli.store import Store

    real = Store.replace_with_temp

    def failing(self: Store, tmp: Path, path: Path, stale: list[Path]) -> None:
        if path.stem == "C005":
            raise StoreProblem("error.store_unwritable", path="clients", reason="I/O error")
        real(self, tmp, path, stale)

    rows = "".join(f"C{i:03d},2026-03-02,20\n" for i in range(10))
    text = "client,date,ors_total\n" + rows
    monkeypatch.setattr(Store, "replace_with_temp", failing)
    failed = fit("import", "-", "--create-clients", input=text)
    assert failed.exit_code == 5
    assert failed.stderr == (
        "Error: writing stopped after 5 of 10 clients (I/O error); these were written: "
        "C000, C001, C002, C003, C004. The others are unchanged: fix the cause and run the "
        "same import again to complete it (what is there already is skipped).\n")
    assert list((store_dir / "clients").glob(".*.tmp")) == []
    monkeypatch.setattr(Store, "replace_with_temp", real)
    summary = as_json(fit("import", "-", "--create-clients", "--json", input=text))
    assert summary["clients_created"] + summary["skipped"] == 10
    assert len(exported(fit)) == 10


def test_a_failing_sync_writes_nothing(fit: Fit, store_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                       store_settings: StoreSettings) -> None:
    """The file-system sync fails (a disk error): no client file is replaced or created and
    no temp file stays; the error says what failed (exit 5)."""
    from fitcli.store import batch as store_batch

    def no_sync(folder: Path) -> object:
        def sync() -> None:
            raise OSError(5, "Input/output error")
        return sync

    ok(fit("import", "-", "--create-clients", input="client,date,ors_total\nC000,2026-03-02,20\n"))
    before = {p.name: p.read_bytes() for p in (store_dir / "clients").iterdir()}
    store_settings(batch_sync_min_clients=1)
    monkeypatch.setattr(store_batch, "filesystem_syncer", no_sync)
    rows = "".join(f"C{i:03d},2026-03-{2 + i:02d},20\n" for i in range(10))
    failed = fit("import", "-", "--create-clients", input="client,date,ors_total\n" + rows)
    assert failed.exit_code == 5
    assert "Input/output error" in failed.stderr
    assert {p.name: p.read_bytes() for p in (store_dir / "clients").iterdir()} == before


def test_both_write_paths_write_the_same_files(fit: Fit, store_dir: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               store_settings: StoreSettings) -> None:
    text = (DATA / "comma.csv").read_text(encoding="utf-8")
    written = []
    store_settings(batch_sync_min_clients=1)
    for synced in (True, False):
        with monkeypatch.context() as platform:
            if not synced:
                without_filesystem_sync(platform)
            ok(fit("import", "-", "--create-clients", input=text))
        files = sorted((store_dir / "clients").iterdir())
        written.append({p.name: (p.read_bytes(), p.stat().st_mode & 0o777) for p in files})
        for path in files:
            path.unlink()
    assert written[0] == written[1] and written[0]
    if os.name == "posix":
        assert {mode for _, mode in written[0].values()} == {0o600}


@pytest.mark.parametrize("new_client", [pytest.param(False, id="stored-client"),
                                        pytest.param(True, id="created-meanwhile")])
def test_a_client_written_by_another_command_after_checking_keeps_that_write(
        fit: Fit, store_dir: Path, monkeypatch: pytest.MonkeyPatch, new_client: bool,
        write_path: str) -> None:
    """Import plans, then `fit ors` writes the client before the import takes its lock:
    the import plans that client again under the lock and loses nothing."""
    import datetime as dt

    from fitcli.commands import import_
    from fitcli.model import batch
    from fitcli.model.scores import Client
    from fitcli.store import Store

    if not new_client:
        ok(fit("import", "-", "--create-clients",
               input="client,date,ors_total\nC001,2026-03-02,20\n"))
    real_plan = batch.plan_client
    planned_once: list[bool] = []

    def plan_then_other_writer(*args: object, **kwargs: object) -> object:
        planned = real_plan(*args, **kwargs)  # type: ignore[arg-type]
        if planned_once:  # planned again under the lock: the other writer wrote before
            return planned
        planned_once.append(True)
        if new_client:
            Store(store_dir).create(Client(id="C001", age_group="adult",
                                           start=dt.date(2026, 3, 1)))
        ors_by_another_fit(store_dir, "C001", "2026-03-05", 22.0)
        return planned

    monkeypatch.setattr(import_.batch, "plan_client", plan_then_other_writer)
    ok(fit("import", "-", "--create-clients",
           input="client,date,ors_total\nC001,2026-03-09,24\n"))
    assert len(planned_once) == 1
    monkeypatch.setattr(import_.batch, "plan_client", real_plan)
    totals = [(m["date"], m["ors"]["total"]) for m in exported(fit)]  # type: ignore[index]
    expected = [("2026-03-05", 22.0), ("2026-03-09", 24.0)]
    assert totals == ([] if new_client else [("2026-03-02", 20.0)]) + expected


def test_a_temp_file_taken_before_the_rename_is_written_again(
        fit: Fit, store_dir: Path, monkeypatch: pytest.MonkeyPatch,
        store_settings: StoreSettings) -> None:
    """Between writing its temp files and replacing the client files, another fit (holding
    a client's lock) may remove that client's temp file as a dead writer's: the import then
    writes that client the ordinary way and loses nothing."""
    from fitcli.store import batch as store_batch

    def sync_after_a_cleanup(folder: Path) -> object:
        def sync() -> None:
            for tmp in folder.glob(".C003.json.*.tmp"):
                tmp.unlink()
        return sync

    store_settings(batch_sync_min_clients=1)
    monkeypatch.setattr(store_batch, "filesystem_syncer", sync_after_a_cleanup)
    rows = "".join(f"C{i:03d},2026-03-02,{20 + i}\n" for i in range(6))
    ok(fit("import", "-", "--create-clients", input="client,date,ors_total\n" + rows))
    assert [(m["client"], m["ors"]["total"]) for m in exported(fit)] == [  # type: ignore[index]
        (f"C{i:03d}", 20.0 + i) for i in range(6)]
    assert list((store_dir / "clients").glob(".*.tmp")) == []


def test_a_small_import_fsyncs_each_file(fit: Fit, store_dir: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A few clients: an fsync each is cheaper than syncing everything the file system holds
    (other programs' data included), so the one-sync path is not even looked for."""
    from fitcli.store import Store
    from fitcli.store import batch as store_batch

    def never(folder: Path) -> object:
        raise AssertionError("a small import must not sync the whole file system")

    monkeypatch.setattr(store_batch, "filesystem_syncer", never)
    small = Store(store_dir).batch_sync_min_clients - 1  # the default setting
    rows = "".join(f"C{i:03d},2026-03-02,20\n" for i in range(small))
    ok(fit("import", "-", "--create-clients", input="client,date,ors_total\n" + rows))
    assert len(exported(fit)) == small


def test_more_clients_than_open_files_are_written_a_lock_at_a_time(
        fit: Fit, store_dir: Path, monkeypatch: pytest.MonkeyPatch,
        store_settings: StoreSettings) -> None:
    """Where the process may not hold every lock at once, clients are replaced one lock at
    a time: the same files; a lock held elsewhere stops it and the message names the
    clients already written."""
    from fitcli.store import Store

    resource = pytest.importorskip("resource")  # (Windows has no such limit)
    # a system whose limit of open files, soft and hard, is far below a lock per client
    monkeypatch.setattr(resource, "getrlimit", lambda which: (64, 64))
    store_settings(lock_timeout_s=0.2)
    rows = "".join(f"C{i:03d},2026-03-02,20\n" for i in range(6))
    held = Store(store_dir)
    held.prepare_batch()
    with held.lock("C003"):
        failed = fit("import", "-", "--create-clients", input="client,date,ors_total\n" + rows)
    assert failed.exit_code == 5, failed.output
    assert failed.stderr.startswith("Error: writing stopped after 3 of 6 clients (")
    assert "these were written: C000, C001, C002." in failed.stderr
    assert list((store_dir / "clients").glob(".*.tmp")) == []
    summary = as_json(fit("import", "-", "--create-clients", "--json",
                          input="client,date,ors_total\n" + rows))
    assert summary["clients_created"] == 3 and summary["skipped"] == 3
