"""Every command that reads or writes clients, end to end on both stores: the folder and a
PostgreSQL database (a real server, see pg_helpers.py). Same commands, same output."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import psycopg
import pytest

from conftest import Fit, as_json, ok
from pg_helpers import PgServer


@pytest.fixture(params=["folder", "postgresql"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch,
            store_dir: Path) -> str:
    """FIT_STORE set to a store folder or to a fresh database; returns it."""
    if request.param == "folder":
        return str(store_dir)
    url: str = request.getfixturevalue("pg_db")
    monkeypatch.setenv("FIT_STORE", url)
    return url


def _visits(fit: Fit) -> None:
    ok(fit("client", "add", "C1", "--start", "2026-05-01"))
    ok(fit("ors", "C1", "4", "5", "4", "5", "--date", "2026-05-01"))
    ok(fit("srs", "C1", "9", "9", "9", "9", "--date", "2026-05-01"))
    ok(fit("ors", "C1", "6", "6", "6", "7", "--date", "2026-05-15"))
    ok(fit("ors", "C1", "--total", "12", "--rater", "mor", "--date", "2026-05-15"))


def test_store_path_names_the_store(fit: Fit, backend: str) -> None:
    assert ok(fit("store", "path")).stdout == f"{backend}\n"


def test_client_lifecycle(fit: Fit, backend: str) -> None:
    _visits(fit)
    ok(fit("client", "add", "c2", "--age-group", "child", "--label", "group"))
    shown = as_json(fit("client", "show", "C1", "--json"))
    assert [s["ors"]["total"] for s in shown["sessions"]] == [18.0, 25.0]
    assert shown["sessions"][1]["forms"][1] == {"form": "ors", "rater": "mor", "items": None,
                                                "total": 12.0}
    assert [c["id"] for c in as_json(fit("client", "list", "--json"))] == ["C1", "c2"]
    closed = ok(fit("client", "close", "c1", "--reason", "planned"))
    assert closed.stdout == "Closed client C1: planned ending on 2026-06-15.\n"
    assert [c["id"] for c in as_json(fit("client", "list", "--json"))] == ["c2"]
    assert len(as_json(fit("client", "list", "--all", "--json"))) == 2
    ok(fit("client", "reopen", "C1"))
    ok(fit("client", "exclude", "C1", "--reason", "test entries"))
    assert as_json(fit("client", "show", "C1", "--json"))["excluded"]["reason"] == "test entries"
    ok(fit("client", "include", "C1"))
    removed = ok(fit("client", "remove", "c2", "--yes"))
    assert removed.stdout == "Removed client c2 and all their scores.\n"
    missing = fit("client", "show", "c2")
    assert missing.exit_code == 3, missing.stderr
    assert missing.stderr.startswith("Error: no client 'c2' in this store;")


def test_refusals_write_nothing(fit: Fit, backend: str) -> None:
    _visits(fit)
    before = as_json(fit("client", "show", "C1", "--json"))
    twice = fit("ors", "C1", "--total", "12", "--rater", "mor", "--date", "2026-05-15")
    assert twice.exit_code == 4, twice.stderr
    exists = fit("client", "add", "c1")
    assert exists.exit_code == 4
    assert exists.stderr.startswith("Error: client C1 already exists")
    assert as_json(fit("client", "show", "C1", "--json")) == before


def test_meeting_remove(fit: Fit, backend: str) -> None:
    _visits(fit)
    ok(fit("meeting", "remove", "C1", "2", "--form", "ors", "--rater", "mor", "--yes"))
    shown = as_json(fit("client", "show", "C1", "--json"))
    assert [f["rater"] for f in shown["sessions"][1]["forms"]] == ["self"]
    ok(fit("meeting", "remove", "C1", "2", "--yes"))
    assert len(as_json(fit("client", "show", "C1", "--json"))["sessions"]) == 1


def test_trend_flags_report_read_the_store(fit: Fit, backend: str) -> None:
    _visits(fit)
    trend = ok(fit("trend", "C1", "--json"))
    assert json.loads(trend.stdout)["client"] == "C1"
    flags = as_json(fit("flags", "--json"))
    assert {f["client"] for f in flags} == {"C1"}
    assert ok(fit("flags", "C1")).stdout.startswith("C1 ")
    report = as_json(fit("report", "--json"))
    assert report["clients"] == 1


def test_same_output_on_both_stores(fit: Fit, pg_db: str, store_dir: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    outputs = []
    # the same practitioner on both (a database's default is the login, a folder's none)
    monkeypatch.setenv("FIT_PRACTITIONER", "anna")
    for where in (str(store_dir), pg_db):
        monkeypatch.setenv("FIT_STORE", where)
        _visits(fit)
        outputs.append([ok(fit(*args)).stdout for args in (
            ("client", "show", "C1"), ("client", "list"), ("trend", "C1"), ("flags",),
            ("report",), ("client", "show", "C1", "--json"))])
    assert outputs[0] == outputs[1]


# -- the database store's own behaviour ------------------------------------------------------

def test_password_is_masked_everywhere(fit: Fit, pg_server: PgServer, pg_db: str) -> None:
    pg_server.login("pw_user", password="s3cret-pw")
    database = pg_db.split("@/")[1].split("?")[0]
    url = pg_server.url(database, user="pw_user", password="s3cret-pw")
    assert ok(fit("--store", url, "store", "path")).stdout == (
        url.replace("s3cret-pw", "***") + "\n")
    wrong = fit("--store", url.replace("s3cret-pw", "wrong-pw"), "client", "list")
    assert wrong.exit_code == 5, wrong.stderr
    assert "wrong-pw" not in wrong.stderr and "s3cret" not in wrong.stderr
    assert wrong.stderr.startswith("Error: cannot connect to the database postgresql://"
                                   "pw_user:***@/")
    assert "password authentication failed" in wrong.stderr
    assert wrong.stderr.count("\n") == 1
    # the right password, but no rights on the tables yet: refused, exit 6
    refused = fit("--store", url, "client", "list")
    assert refused.exit_code == 6, refused.stderr
    assert "s3cret" not in refused.stderr


def test_server_down_is_one_line_exit_5(fit: Fit) -> None:
    url = "postgresql://nobody:hunter2@127.0.0.1:1/fit?connect_timeout=2"
    result = fit("--store", url, "client", "list")
    assert result.exit_code == 5, result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("Error: cannot connect to the database "
                                    "postgresql://nobody:***@127.0.0.1:1/fit")
    assert "hunter2" not in result.stderr


def test_tls_required_is_one_line_exit_5(fit: Fit) -> None:
    """A server without TLS while the URL requires it (sslmode=require): a stand-in server
    on localhost answers the client's TLS request with PostgreSQL's "N" (no TLS here)."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def answer() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(8)  # SSLRequest
            conn.sendall(b"N")

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        result = fit("--store", f"postgresql://anna:pw@127.0.0.1:{port}/fit?sslmode=require",
                     "client", "list")
    finally:
        thread.join(5)
        listener.close()
    assert result.exit_code == 5, result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("Error: cannot connect to the database "
                                    f"postgresql://anna:***@127.0.0.1:{port}/fit")
    assert "SSL" in result.stderr


def test_store_init_is_idempotent(fit: Fit, pg_empty: str) -> None:
    uninitialised = fit("--store", pg_empty, "client", "list")
    assert uninitialised.exit_code == 5
    assert "fit store init" in uninitialised.stderr
    first = ok(fit("--store", pg_empty, "store", "init"))
    assert first.stdout.endswith("is at version 2 (applied now: 1, 2).\n")
    again = ok(fit("--store", pg_empty, "store", "init"))
    assert again.stdout.endswith("is up to date (version 2).\n")
    with psycopg.connect(pg_empty) as conn:
        versions = conn.execute("SELECT version FROM fitcli_schema ORDER BY 1").fetchall()
    assert versions == [(1,), (2,)]
    ok(fit("--store", pg_empty, "client", "add", "C1"))


def test_store_init_refuses_a_newer_schema(fit: Fit, pg_db: str) -> None:
    with psycopg.connect(pg_db) as conn:
        conn.execute("INSERT INTO fitcli_schema (version) VALUES (99)")
    result = fit("--store", pg_db, "store", "init")
    assert result.exit_code == 5
    assert "schema version 99, newer than this fitcli knows (2)" in result.stderr


@pytest.mark.parametrize(("document", "message"), [
    pytest.param({"schema_version": 9, "id": "BAD"}, "has schema version 9, but this fitcli "
                 "reads up to version 2; it was left untouched", id="future-schema"),
    pytest.param({"schema_version": 2, "id": "BAD", "sessions": "x"}, "cannot be read",
                 id="no-sessions-list"),
    pytest.param({"schema_version": 2, "id": "OTHER", "sessions": []}, "cannot be read",
                 id="id-mismatch"),
])
def test_corrupt_rows_are_named_and_left_alone(fit: Fit, pg_db: str, document: dict[str, object],
                                               message: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIT_STORE", pg_db)
    ok(fit("client", "add", "C1"))
    with psycopg.connect(pg_db) as conn:
        conn.execute("INSERT INTO clients (id_key, id, document) VALUES ('bad', 'BAD', %s)",
                     (json.dumps(document),))
    listing = fit("client", "list", "--json")
    assert listing.exit_code == 5
    assert [c["id"] for c in json.loads(listing.stdout)] == ["C1"]
    assert listing.stderr.startswith("Error: client BAD in the database ")
    assert message in listing.stderr
    flags = fit("flags")
    assert flags.exit_code == 5 and "client BAD" in flags.stderr
    for args in (("ors", "BAD", "--total", "20"), ("client", "remove", "BAD", "--yes"),
                 ("client", "close", "BAD", "--reason", "other")):
        refused = fit(*args)
        assert refused.exit_code == 5, (args, refused.stderr)
    with psycopg.connect(pg_db) as conn:
        row = conn.execute("SELECT document FROM clients WHERE id = 'BAD'").fetchone()
    assert row == (document,)
    ok(fit("ors", "C1", "--total", "20"))


def test_import_writes_to_the_database_in_one_transaction(fit: Fit, pg_db: str,
                                                          tmp_path: Path) -> None:
    ok(fit("--store", pg_db, "client", "add", "C1", "--start", "2026-05-01"))
    csv = tmp_path / "in.csv"
    csv.write_text("client,date,ors_total\nC2,2026-06-01,20\nC1,2026-06-01,22\n",
                   encoding="utf-8")
    done = ok(fit("--store", pg_db, "import", str(csv), "--create-clients"))
    assert "1 client created, 2 meetings added" in done.stdout
    with psycopg.connect(pg_db) as conn:
        assert conn.execute("SELECT id FROM clients ORDER BY id").fetchall() == [("C1",),
                                                                                 ("C2",)]
    again = ok(fit("--store", pg_db, "import", str(csv), "--create-clients"))
    assert again.stdout.startswith("Nothing new")


def test_export_from_the_database_restores_into_a_folder(fit: Fit, pg_db: str,
                                                         tmp_path: Path) -> None:
    ok(fit("--store", pg_db, "client", "add", "C1", "--start", "2026-05-01"))
    ok(fit("--store", pg_db, "ors", "C1", "5", "5", "5", "5", "--date", "2026-05-04"))
    ok(fit("--store", pg_db, "ors", "C1", "4", "4", "4", "4", "--date", "2026-05-04",
           "--rater", "mor"))
    backup = tmp_path / "b.json"
    ok(fit("--store", pg_db, "export", "--output", str(backup)))
    only = ok(fit("--store", pg_db, "export", "--client", "c1", "--format", "jsonl")).stdout
    assert len(only.splitlines()) == 2  # one line per visit and rater
    folder = str(tmp_path / "folder")
    ok(fit("--store", folder, "import", str(backup)))
    shown = [as_json(fit("--store", where, "client", "show", "C1", "--json"))
             for where in (pg_db, folder)]
    assert shown[0]["sessions"] == shown[1]["sessions"]


def test_demo_says_it_needs_a_folder_for_now(fit: Fit, pg_db: str) -> None:
    """A command still written for store folders stops with a clear message and writes
    nothing: a database is never taken for an empty folder."""
    ok(fit("--store", pg_db, "client", "add", "C1"))
    message = "works on a store folder only, not yet on the database postgresql://"
    for args in (("demo",),):
        result = fit("--store", pg_db, *args)
        assert result.exit_code == 5, (args, result.stdout, result.stderr)
        assert message in result.stderr, args
        assert result.stdout == ""
    with psycopg.connect(pg_db) as conn:
        assert conn.execute("SELECT id FROM clients").fetchall() == [("C1",)]


def test_pgpass_and_service_file_keep_the_password_out_of_the_url(
        fit: Fit, pg_server: PgServer, pg_db: str, isolated: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """libpq's own files work: the password in ~/.pgpass, everything in a service file."""
    pg_server.login("pass_user", password="from-pgpass")
    database = pg_db.split("@/")[1].split("?")[0]
    with psycopg.connect(pg_db) as conn:  # a practitioner, so that they may read clients
        conn.execute("GRANT fitcli_admin TO pass_user")
    home = isolated / "home"
    pgpass = home / ".pgpass"
    pgpass.write_text(f"*:*:{database}:pass_user:from-pgpass\n", encoding="utf-8")
    pgpass.chmod(0o600)
    url = pg_server.url(database, user="pass_user")
    ok(fit("--store", url, "client", "add", "P1"))
    (home / ".pg_service.conf").write_text(
        f"[fitteam]\nhost={pg_server.socket_dir}\ndbname={database}\nuser=pass_user\n",
        encoding="utf-8")
    monkeypatch.setenv("FIT_STORE", "postgresql:///?service=fitteam")
    assert ok(fit("store", "path")).stdout == "postgresql:///?service=fitteam\n"
    assert [c["id"] for c in as_json(fit("client", "list", "--json"))] == ["P1"]
    pgpass.unlink()
    refused = fit("client", "list")
    assert refused.exit_code == 5
    assert "no password supplied" in refused.stderr or "password" in refused.stderr


def test_exit_code_6_is_documented() -> None:
    from fitcli import errors

    readme = (Path(__file__).resolve().parents[1] / "docs" / "exit-codes.md").read_text(
        encoding="utf-8")
    assert errors.NotAllowed.exit_code == errors.EXIT_NOT_ALLOWED == 6
    assert "| 6 | not allowed: the database refused this login" in readme


def test_postgres_scheme_and_missing_driver(fit: Fit, pg_db: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    short = pg_db.replace("postgresql://", "postgres://", 1)
    ok(fit("--store", short, "client", "add", "S1"))
    assert [c["id"] for c in as_json(fit("--store", pg_db, "client", "list", "--json"))] == [
        "S1"]
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if installed without the extra
    result = fit("--store", pg_db, "client", "list")
    assert result.exit_code == 5
    assert result.stderr == ("Error: a postgresql:// store needs the psycopg package: pip "
                             "install 'fitcli[postgresql]'.\n")
