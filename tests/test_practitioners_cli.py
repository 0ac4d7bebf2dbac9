"""Practitioners in everyday use: `fit flags --practitioner`, who held each visit, and the
supervision figures of `fit report --by practitioner`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import Fit, as_json, ok
from fitcli.model.alerts import RuleSettings, Severity
from fitcli.model.settings import norm_profile
from fitcli.services import flags
from fitcli.services.pool import PoolPlan
from fitcli.store import Store


def _caseload(fit: Fit) -> None:
    """anna: A1 (low SRS: a flag) and A2; bo: B1 (low SRS); C1 has no practitioner."""
    for cid, who in (("A1", "anna"), ("A2", "anna"), ("B1", "bo"), ("C1", None)):
        extra = ("--practitioner", who) if who else ()
        ok(fit("client", "add", cid, "--start", "2026-05-01", *extra))
    for cid in ("A1", "B1", "C1"):
        ok(fit("ors", cid, "--total", "15", "--date", "2026-05-01"))
        ok(fit("srs", cid, "--total", "20", "--date", "2026-05-01"))
        ok(fit("ors", cid, "--total", "30", "--date", "2026-05-15"))
    ok(fit("ors", "A2", "--total", "10", "--date", "2026-05-01"))
    ok(fit("ors", "A2", "--total", "12", "--date", "2026-05-15"))
    ok(fit("client", "close", "A2", "--reason", "dropout"))


def _flagged(result_stdout: str) -> set[str]:
    return {flag["client"] for flag in json.loads(result_stdout)}


def test_flags_for_one_practitioner(fit: Fit) -> None:
    _caseload(fit)
    everyone = _flagged(ok(fit("flags", "--json")).stdout)
    assert {"A1", "B1", "C1"} <= everyone
    assert _flagged(ok(fit("flags", "--json", "--practitioner", "anna")).stdout) == {"A1"}
    assert _flagged(ok(fit("flags", "--json", "--practitioner", "bo")).stdout) == {"B1"}
    nobody = ok(fit("flags", "--practitioner", "carl"))
    assert nobody.stdout == "No flags for the 0 clients checked.\n"


def test_flags_for_one_practitioner_on_several_processes(fit: Fit, store_dir: Path) -> None:
    _caseload(fit)
    alone = ok(fit("flags", "--practitioner", "anna")).stdout
    assert "A1" in alone and "B1" not in alone
    job = flags.Job(root=store_dir, lang="en", profile=norm_profile({}),
                    rules=RuleSettings.from_values({}), today=dt.date(2026, 6, 15),
                    only=Severity.INFO, fail_level=None, as_json=False, closed_too=False,
                    practitioner="anna")
    one = flags.run(job, Store(store_dir), None, report=print)
    many = flags.run(job, Store(store_dir), None, report=print,
                     plan=PoolPlan(min_files=1, chunk_size=2, workers=2))
    assert (one.processes, many.processes) == (1, 2)
    assert many == one
    assert [client for _, client, _ in many.clients] == ["A1"]


def test_new_visits_record_who_held_them(fit: Fit, store_dir: Path) -> None:
    ok(fit("client", "add", "S1", "--start", "2026-05-01"))
    ok(fit("ors", "S1", "--total", "15", "--date", "2026-05-01"))  # a solo user: no code
    stored = (store_dir / "clients" / "S1.json").read_text(encoding="utf-8")
    assert "practitioner" not in stored  # files of solo users stay as they were
    env = {"FIT_PRACTITIONER": "anna"}
    ok(fit("srs", "S1", "--total", "30", "--date", "2026-05-01", env=env))  # joins visit 1
    done = as_json(fit("ors", "S1", "--total", "20", "--date", "2026-05-08", "--json",
                       env={"FIT_PRACTITIONER": "bo"}))
    assert done["practitioner"] == "bo"
    shown = as_json(fit("client", "show", "S1", "--json"))
    assert shown["practitioner"] is None
    assert [s["practitioner"] for s in shown["sessions"]] == [None, "bo"]


def test_client_show_names_the_practitioners(fit: Fit) -> None:
    ok(fit("client", "add", "T1", "--start", "2026-05-01", "--practitioner", "anna"))
    plain = ok(fit("client", "show", "T1")).stdout
    assert "Responsible practitioner: anna" in plain
    ok(fit("ors", "T1", "--total", "15", "--date", "2026-05-01"))
    assert "Held by" not in ok(fit("client", "show", "T1")).stdout  # no visit records it
    ok(fit("ors", "T1", "--total", "18", "--date", "2026-05-08", env={"FIT_PRACTITIONER": "bo"}))
    lines = ok(fit("client", "show", "T1")).stdout.splitlines()
    header = next(line for line in lines if "Held by" in line)
    assert header.split()[-2:] == ["Held", "by"]
    rows = [line.split() for line in lines if line.split()[:1] in (["1"], ["2"])]
    assert [row[-1] for row in rows] == ["-", "bo"]
    assert as_json(fit("client", "show", "T1", "--json"))["practitioner"] == "anna"


def test_report_by_practitioner(fit: Fit) -> None:
    _caseload(fit)
    rows = as_json(fit("report", "--by", "practitioner", "--json"))
    assert [r["practitioner"] for r in rows] == ["anna", "bo", None]
    anna, bo, none = rows
    assert (anna["clients"], anna["included"]) == (2, 2)
    assert anna["unplanned_endings"] == {"count": 1, "n": 1, "share": 1.0}
    assert anna["meetings_with_srs"] == {"count": 1, "n": 4, "share": 0.25}
    assert bo["clients"] == 1 and bo["unplanned_endings"]["n"] == 0
    assert bo["meetings_with_srs"]["share"] == 0.5
    # each group's figures are those of `fit report` over that practitioner's clients alone
    whole = as_json(fit("report", "--json"))
    assert sum(r["clients"] for r in rows) == whole["clients"]
    assert none["effect_size"] == bo["effect_size"] is not None
    assert anna["etr_target_met"]["n"] == 2
    text = ok(fit("report", "--by", "practitioner"))
    lines = text.stdout.splitlines()
    assert lines[0].split()[0] == "Practitioner"
    assert [line.split()[0] for line in lines[1:]] == ["anna", "bo", "(none)"]
    norsk = ok(fit("--lang", "nb", "report", "--by", "behandler")).stdout
    assert norsk.splitlines()[0].split()[0] == "Behandler"
    assert "(ingen)" in norsk


def test_report_by_refuses_other_groups(fit: Fit) -> None:
    wrong = fit("report", "--by", "team")
    assert wrong.exit_code == 2, wrong.stderr
    assert "--by" in wrong.stderr


def test_report_by_practitioner_of_an_empty_store(fit: Fit) -> None:
    assert as_json(fit("report", "--by", "practitioner", "--json")) == []
    assert ok(fit("report", "--by", "practitioner")).stdout.startswith(
        "No clients to report on: the store has none")


def test_backup_keeps_the_practitioners(fit: Fit, tmp_path: Path) -> None:
    ok(fit("client", "add", "R1", "--start", "2026-05-01", "--practitioner", "anna"))
    ok(fit("ors", "R1", "--total", "15", "--date", "2026-05-01"))
    ok(fit("ors", "R1", "--total", "18", "--date", "2026-05-08", env={"FIT_PRACTITIONER": "bo"}))
    before = as_json(fit("client", "show", "R1", "--json"))
    backup = tmp_path / "backup.json"
    ok(fit("export", "--format", "json", "-o", str(backup)))
    ok(fit("client", "remove", "R1", "--yes"))
    ok(fit("import", str(backup)))
    assert as_json(fit("client", "show", "R1", "--json")) == before
    assert [s["practitioner"] for s in before["sessions"]] == [None, "bo"]


def test_backup_refuses_a_bad_practitioner_code(fit: Fit, tmp_path: Path) -> None:
    ok(fit("client", "add", "R1", "--start", "2026-05-01"))
    ok(fit("ors", "R1", "--total", "15", "--date", "2026-05-01"))
    backup = tmp_path / "backup.json"
    ok(fit("export", "--format", "json", "-o", str(backup)))
    doc = json.loads(backup.read_text(encoding="utf-8"))
    doc["clients"][0]["sessions"][0]["practitioner"] = "no spaces"
    backup.write_text(json.dumps(doc), encoding="utf-8")
    ok(fit("client", "remove", "R1", "--yes"))
    refused = fit("import", str(backup))
    assert refused.exit_code == 4, refused.stderr
    assert "sessions[0].practitioner" in refused.stderr


# -- on a team database (a real PostgreSQL server, see pg_helpers.py) ----------------------

@pytest.fixture
def database(pg_db: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("FIT_STORE", pg_db)
    return pg_db


def _login(fit: Fit) -> str:
    """The database login: the practitioner of clients added and visits held there."""
    ok(fit("client", "add", "L0", "--start", "2026-05-01"))
    login = as_json(fit("client", "show", "L0", "--json"))["practitioner"]
    ok(fit("client", "remove", "L0", "--yes"))
    assert isinstance(login, str) and login
    return str(login)


@pytest.mark.usefixtures("database")
def test_flags_for_one_practitioner_on_a_database(fit: Fit) -> None:
    _caseload(fit)
    assert _flagged(ok(fit("flags", "--json", "--practitioner", "anna")).stdout) == {"A1"}
    assert _flagged(ok(fit("flags", "--json", "--practitioner", "bo")).stdout) == {"B1"}


@pytest.mark.usefixtures("database")
def test_visits_on_a_database_record_the_login(fit: Fit) -> None:
    login = _login(fit)
    ok(fit("client", "add", "D1", "--start", "2026-05-01"))
    ok(fit("ors", "D1", "--total", "15", "--date", "2026-05-01"))
    ok(fit("ors", "D1", "--total", "16", "--date", "2026-05-08", env={"FIT_PRACTITIONER": "bo"}))
    shown = as_json(fit("client", "show", "D1", "--json"))
    assert shown["practitioner"] == login
    assert [s["practitioner"] for s in shown["sessions"]] == [login, "bo"]


@pytest.mark.usefixtures("database")
def test_report_by_practitioner_on_a_database(fit: Fit) -> None:
    _caseload(fit)
    login = _login(fit)
    rows = as_json(fit("report", "--by", "practitioner", "--json"))
    # C1, added without --practitioner, is the login's on a database
    assert [(r["practitioner"], r["clients"]) for r in rows] == sorted(
        [("anna", 2), ("bo", 1), (login, 1)])
