"""`fit client add|list|show|close|reopen|remove` end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Fit, as_json, ok, snapshot
from fitcli.app import prompt

ID_RULE = ("use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit "
           "(a pseudonymous code, never a name).")


def err(result: object) -> str:
    return result.stderr  # type: ignore[attr-defined, no-any-return]


# -- add -----------------------------------------------------------------------------------

def test_add(fit: Fit) -> None:
    result = ok(fit("client", "add", "C001"))
    assert result.stdout == "Added client C001 (adult).\n"
    assert result.stderr == ""
    data = as_json(fit("client", "show", "C001", "--json"))
    assert data == {"id": "C001", "age_group": "adult", "status": "open", "label": "",
                    "start": "2026-06-15", "practitioner": None, "closed": None,
                    "excluded": None, "sessions": [], "removed": []}


def test_add_with_options_json(fit: Fit) -> None:
    data = as_json(fit("client", "add", "T-7", "--age-group", "ADOLESCENT", "--label",
                       " family therapy ", "--start", "2026-03-01", "--json"))
    assert (data["id"], data["age_group"], data["label"], data["start"]) == (
        "T-7", "adolescent", "family therapy", "2026-03-01")


@pytest.mark.parametrize(("args", "code", "message"), [
    pytest.param(("a b",), 4, f"Error: 'a b' is not a valid client ID; {ID_RULE}\n", id="space"),
    pytest.param(("../x",), 4, f"Error: '../x' is not a valid client ID; {ID_RULE}\n",
                 id="dot-dot-slash"),
    pytest.param(("",), 4, f"Error: '' is not a valid client ID; {ID_RULE}\n", id="empty"),
    pytest.param(("a/b",), 4, f"Error: 'a/b' is not a valid client ID; {ID_RULE}\n",
                 id="slash"),
    pytest.param(("x" * 65,), 4, f"Error: '{'x' * 65}' is not a valid client ID; {ID_RULE}\n",
                 id="too-long"),
    pytest.param(("aux",), 4, "Error: 'aux' is a device name on Windows and cannot be a client "
                 "ID; choose another code.\n", id="windows-device"),
    pytest.param(("C9", "--start", "2026-06-16"), 4, "Error: the date 2026-06-16 is in the "
                 "future (today is 2026-06-15); give the date the meeting took place.\n",
                 id="future-start"),
    pytest.param(("C9", "--start", "06/15/2026"), 2, "Error: '06/15/2026' is not a date; write "
                 "it as YYYY-MM-DD or DD.MM.YYYY, e.g. 2026-03-14 or 14.03.2026.\n",
                 id="start-month-first"),
    pytest.param(("C9", "--start", "20260101"), 2, "Error: '20260101' is not a date; write "
                 "it as YYYY-MM-DD or DD.MM.YYYY, e.g. 2026-03-14 or 14.03.2026.\n",
                 id="start-compact"),
    pytest.param(("C9", "--start", "2026-02-30"), 2, "Error: '2026-02-30' is not a date; write "
                 "it as YYYY-MM-DD or DD.MM.YYYY, e.g. 2026-03-14 or 14.03.2026.\n",
                 id="start-no-such-day"),
    pytest.param(("C9", "--age-group", "senior"), 2, "Error: 'senior' is not a valid value for "
                 "--age-group; choose one of 'adult', 'adolescent', 'child'.\n", id="age-group"),
    pytest.param(("C9", "--label", "line\nbreak"), 2, "Error: the label contains an invisible "
                 "or control character (U+000A); type it as plain text on one line.\n",
                 id="label-newline"),
    pytest.param(("C9", "--label", "x" * 81), 2, "Error: the label must be one line of at most "
                 "80 characters; keep it a short note, never a name.\n", id="label-long"),
    pytest.param((), 2, "Error: Missing argument 'ID'. (see 'fit client add --help')\n",
                 id="missing-id"),
    pytest.param(("C9", "C10"), 2, "Error: Got unexpected extra argument(s) (C10) "
                 "(see 'fit client add --help')\n", id="extra-argument"),
])
def test_add_refused(fit: Fit, store_dir: Path, args: tuple[str, ...], code: int,
                     message: str) -> None:
    result = fit("client", "add", *args)
    assert result.exit_code == code, result.stderr
    assert (result.stdout, result.stderr) == ("", message)
    assert snapshot(store_dir) == {}


def test_duplicate_refused_whatever_the_case(fit: Fit, store_dir: Path) -> None:
    ok(fit("client", "add", "C001"))
    before = snapshot(store_dir)
    for again in ("C001", "c001"):
        result = fit("client", "add", again, "--label", "new")
        assert result.exit_code == 4
        assert result.stderr == ("Error: client C001 already exists; choose another ID, or see it "
                                 "with 'fit client show C001'.\n")
    assert snapshot(store_dir) == before


# -- list ----------------------------------------------------------------------------------

def _caseload(fit: Fit) -> None:
    ok(fit("client", "add", "B2", "--start", "2026-05-01", "--label", "couple"))
    ok(fit("client", "add", "a1", "--age-group", "child", "--start", "2026-05-01"))
    ok(fit("client", "add", "Z9", "--start", "2026-05-01"))
    ok(fit("ors", "B2", "4", "5", "6", "7", "--date", "2026-05-04"))
    ok(fit("srs", "B2", "9", "9", "9", "9.5", "--date", "2026-05-04"))
    ok(fit("ors", "B2", "5", "5", "6", "7", "--date", "2026-05-11"))
    ok(fit("client", "close", "Z9", "--reason", "dropout"))


def test_list_open_clients(fit: Fit) -> None:
    _caseload(fit)
    result = ok(fit("client", "list"))
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "Age", "group", "Status", "Meetings", "Intake", "ORS",
                                "Change", "SRS", "Last", "meeting", "Label", "Flag"]
    # Flag: the most severe, named in words; intake and change tell the story at a glance
    assert lines[1].split() == ["a1", "child", "open", "0", "-", "-", "-", "-", "-",
                                "AMBER", "no", "recent", "visit"]
    assert lines[2].split() == ["B2", "adult", "open", "2", "22.0", "23.0", "+1.0", "36.5",
                                "2026-05-11", "couple", "RED", "below", "target"]
    assert len(lines) == 3  # the closed client Z9 is left out


def test_list_all_json(fit: Fit) -> None:
    _caseload(fit)
    rows = as_json(fit("client", "list", "--all", "--json"))
    assert [r["id"] for r in rows] == ["a1", "B2", "Z9"]
    assert rows[1] == {"id": "B2", "age_group": "adult", "status": "open", "label": "couple",
                       "meetings": 2, "latest_ors": 23.0, "latest_srs": 36.5,
                       "last_date": "2026-05-11", "raters": ["self"], "excluded": False}
    assert rows[2]["status"] == "closed"
    assert as_json(fit("client", "list", "--json")) == rows[:2]


def test_list_empty(fit: Fit) -> None:
    assert ok(fit("client", "list")).stdout == (
        "No open clients. Add one with 'fit client add ID' (or see closed ones with --all).\n")
    assert ok(fit("client", "list", "--all")).stdout == (
        "No clients yet. Add one with 'fit client add ID'.\n")
    assert as_json(fit("client", "list", "--json")) == []


def test_list_reports_a_corrupt_file_and_shows_the_rest(fit: Fit, store_dir: Path) -> None:
    _caseload(fit)
    bad = store_dir / "clients" / "BAD.json"
    bad.write_text("{oops")
    result = fit("client", "list", "--json")
    assert result.exit_code == 5
    assert [r["id"] for r in __import__("json").loads(result.stdout)] == ["a1", "B2"]
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: the client file {bad} cannot be read (")
    assert line.endswith("it was left untouched. Restore it from a backup or move it out of "
                         "the store.")
    assert bad.read_text() == "{oops"
    # the other clients keep working
    ok(fit("ors", "B2", "6", "6", "6", "6"))


# -- show ----------------------------------------------------------------------------------

def test_show_text(fit: Fit) -> None:
    _caseload(fit)
    ok(fit("ors", "B2", "4.5", "5", "6", "7", "--session", "1"))
    out = ok(fit("client", "show", "b2")).stdout
    lines = out.splitlines()
    assert lines[0] == "Client B2 - adult, open, since 2026-05-01"
    assert lines[1] == "Label: couple"
    legend = " ".join(lines[2:4]).split()  # wrapped at COLUMNS=120
    assert " ".join(legend) == (
        "Items - ORS: Individually / Interpersonally / Socially / Overall; SRS: "
        "Relationship / Goals and topics / Approach or method / Overall")
    del lines[3]
    assert lines[4].split() == ["1", "2026-05-04", "4.5", "5.0", "6.0", "7.0", "22.5", "9.0",
                                "9.0", "9.0", "9.5", "36.5", "client"]
    assert lines[5].split() == ["2", "2026-05-11", "5.0", "5.0", "6.0", "7.0", "23.0", "-",
                                "client"]
    assert lines[6] == "Corrections"
    assert lines[7].startswith("visit 1: ORS by client corrected on ")
    assert lines[7].endswith("; before: 4.0 5.0 6.0 7.0 = 22.0")


def test_show_json_shape(fit: Fit) -> None:
    _caseload(fit)
    data = as_json(fit("client", "show", "B2", "--json"))
    assert set(data) >= {"id", "age_group", "status", "label", "sessions"}
    first = data["sessions"][0]
    assert {k: first[k] for k in ("client", "session", "date", "ors", "srs")} == {
        "client": "B2", "session": 1, "date": "2026-05-04",
        "ors": {"items": [4.0, 5.0, 6.0, 7.0], "total": 22.0, "rater": "self"},
        "srs": {"items": [9.0, 9.0, 9.0, 9.5], "total": 36.5, "rater": "self"}}
    assert data["sessions"][1]["srs"] is None


def test_show_no_meetings(fit: Fit) -> None:
    ok(fit("client", "add", "C1"))
    assert "No meetings yet. Log one with 'fit ors C1 I1 I2 I3 I4'." in ok(
        fit("client", "show", "C1")).stdout


@pytest.mark.parametrize("command", [
    pytest.param(("show", "NOPE"), id="show"),
    pytest.param(("close", "NOPE", "--reason", "planned"), id="close"),
    pytest.param(("reopen", "NOPE"), id="reopen"),
    pytest.param(("remove", "NOPE", "--yes"), id="remove"),
])
def test_not_found(fit: Fit, store_dir: Path, command: tuple[str, ...]) -> None:
    result = fit("client", *command)
    assert result.exit_code == 3
    assert result.stderr == ("Error: no client 'NOPE' in this store; see the IDs with 'fit client "
                             "list --all', or add it with 'fit client add NOPE'.\n")
    assert snapshot(store_dir) == {}


@pytest.mark.parametrize("command", [
    pytest.param(("show", "BAD"), id="show"),
    pytest.param(("close", "BAD", "--reason", "planned"), id="close"),
    pytest.param(("reopen", "BAD"), id="reopen"),
    pytest.param(("remove", "BAD", "--yes"), id="remove"),
])
def test_corrupt_client_exit_5_with_path(fit: Fit, store_dir: Path,
                                         command: tuple[str, ...]) -> None:
    ok(fit("client", "add", "OK1"))
    bad = store_dir / "clients" / "BAD.json"
    bad.write_text('{"schema_version": 7, "id": "BAD"}')
    before = snapshot(store_dir)
    result = fit("client", *command)
    assert result.exit_code == 5
    assert result.stderr == (f"Error: the client file {bad} has schema version 7, but this fitcli "
                             "reads up to version 2; it was left untouched. Upgrade fitcli.\n")
    assert {k: v for k, v in snapshot(store_dir).items() if not k.startswith("locks")} == {
        k: v for k, v in before.items() if not k.startswith("locks")}


# -- close / reopen ------------------------------------------------------------------------

def test_close_and_reopen(fit: Fit) -> None:
    _caseload(fit)
    assert ok(fit("client", "close", "b2", "--reason", "planned", "--date", "2026-06-01")
              ).stdout == "Closed client B2: planned ending on 2026-06-01.\n"
    data = as_json(fit("client", "show", "B2", "--json"))
    assert (data["status"], data["closed"]) == ("closed", {"reason": "planned",
                                                           "date": "2026-06-01"})
    assert "Closed: planned ending on 2026-06-01" in ok(fit("client", "show", "B2")).stdout
    assert ok(fit("client", "reopen", "B2")).stdout == "Reopened client B2.\n"
    assert as_json(fit("client", "show", "B2", "--json"))["closed"] is None


@pytest.mark.parametrize(("args", "code", "message"), [
    pytest.param(("B2", "--reason", "planned", "--date", "2026-05-10"), 4,
                 "Error: the closing date 2026-05-10 is before the latest meeting (2026-05-11); "
                 "use a date on or after it.\n", id="before-latest"),
    pytest.param(("a1", "--reason", "planned", "--date", "2026-04-30"), 4,
                 "Error: the closing date 2026-04-30 is before the episode started (2026-05-01); "
                 "use a date on or after it.\n", id="before-start"),
    pytest.param(("B2", "--reason", "planned", "--date", "2026-07-01"), 4,
                 "Error: the date 2026-07-01 is in the future (today is 2026-06-15); give the "
                 "date the meeting took place.\n", id="future"),
    pytest.param(("Z9", "--reason", "planned"), 4,
                 "Error: client Z9 was already closed on 2026-06-15; reopen it first to close it "
                 "again.\n", id="already-closed"),
    pytest.param(("B2",), 2, "Error: Missing option '--reason'. Choose from: planned, dropout, "
                 "referred, other (see 'fit client close --help')\n", id="no-reason"),
    pytest.param(("B2", "--reason", "bored"), 2, "Error: 'bored' is not a valid value for "
                 "--reason; choose one of 'planned ending', 'drop-out', 'referred', 'other'.\n",
                 id="bad-reason"),
])
def test_close_refused(fit: Fit, store_dir: Path, args: tuple[str, ...], code: int,
                       message: str) -> None:
    _caseload(fit)
    before = snapshot(store_dir)
    result = fit("client", "close", *args)
    assert result.exit_code == code
    assert (result.stdout, result.stderr) == ("", message)
    assert snapshot(store_dir) == before


def test_reopen_open_client_refused(fit: Fit) -> None:
    ok(fit("client", "add", "C1"))
    result = fit("client", "reopen", "C1")
    assert result.exit_code == 4
    assert result.stderr == "Error: client C1 is not closed; nothing to reopen.\n"


# -- remove --------------------------------------------------------------------------------

def test_remove_with_yes(fit: Fit, store_dir: Path) -> None:
    _caseload(fit)
    assert ok(fit("client", "remove", "b2", "--yes")).stdout == (
        "Removed client B2 and all their scores.\n")
    assert not (store_dir / "clients" / "B2.json").exists()
    assert fit("client", "show", "B2").exit_code == 3


def test_remove_without_terminal_needs_yes(fit: Fit, store_dir: Path) -> None:
    _caseload(fit)
    before = snapshot(store_dir)
    result = fit("client", "remove", "B2")
    assert result.exit_code == 2
    assert result.stderr == ("Error: removing B2 erases all their scores for good; confirm with "
                             "--yes when not on a terminal.\n")
    assert snapshot(store_dir) == before


@pytest.mark.parametrize(("answer", "removed"), [
    pytest.param("y\n", True, id="yes"), pytest.param("n\n", False, id="no"),
    pytest.param("\n", False, id="default-no"),
])
def test_remove_asks_on_a_terminal(fit: Fit, store_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                   answer: str, removed: bool) -> None:
    _caseload(fit)
    monkeypatch.setattr(prompt, "stdin_is_terminal", lambda: True)
    result = ok(fit("client", "remove", "B2", input=answer))
    assert "Erase client B2 and all 2 meetings for good? [y/N]" in result.stderr
    assert (store_dir / "clients" / "B2.json").exists() is not removed
    # (CliRunner echoes the typed answer on stdout, where a terminal would show it)
    assert result.stdout.endswith("Removed client B2 and all their scores.\n" if removed else
                                  "Nothing was removed.\n")


@pytest.mark.parametrize(("lang", "answer", "removed"), [
    pytest.param("nb", "j\n", True, id="nb-j"), pytest.param("sv", "ja\n", True, id="sv-ja"),
    pytest.param("da", "nej\n", False, id="da-nej"), pytest.param("nb", "y\n", True, id="nb-y"),
    pytest.param("en", "maybe\nn\n", False, id="asks-again"),
])
def test_remove_answer_words_follow_the_language(
    fit: Fit, store_dir: Path, monkeypatch: pytest.MonkeyPatch, lang: str, answer: str,
    removed: bool,
) -> None:
    _caseload(fit)
    monkeypatch.setattr(prompt, "stdin_is_terminal", lambda: True)
    ok(fit("--lang", lang, "client", "remove", "B2", input=answer))
    assert (store_dir / "clients" / "B2.json").exists() is not removed


def test_remove_interrupted_at_the_prompt(fit: Fit, store_dir: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    _caseload(fit)
    monkeypatch.setattr(prompt, "stdin_is_terminal", lambda: True)
    result = fit("client", "remove", "B2", input="")  # end of input, like Ctrl-D
    assert result.exit_code == 130
    assert result.stderr.endswith("Aborted; nothing was written.\n")
    assert (store_dir / "clients" / "B2.json").exists()


# -- a long list --------------------------------------------------------------------------------

def _many(fit: Fit, count: int) -> None:
    rows = "".join(f"L{i:03d},2026-03-02,{10 + i % 20}\n" for i in range(count))
    ok(fit("import", "-", "--create-clients", input="client,date,ors_total\n" + rows))
    ok(fit("client", "add", "W1", "--label", "æøå [b]x[/b]"))


def test_long_list_is_laid_out_like_the_table(fit: Fit, store_dir: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Above ``rich_max_rows`` the list is plain text with the same columns and cells."""
    from fitcli.render.console import show
    from fitcli.render.tables import RICH_MAX_ROWS, client_list

    _many(fit, 12)
    shown = ok(fit("client", "list")).stdout
    capsys.readouterr()
    rows = [tuple(line) for line in _rows(store_dir)]
    assert len(rows) == 13 < RICH_MAX_ROWS
    show(client_list(rows, "Flag"))
    rich = capsys.readouterr().out
    plain = client_list(rows, "Flag", rich_max_rows=1)
    assert isinstance(plain, str)
    assert [line.rstrip() for line in plain.splitlines()] == [
        line.rstrip() for line in rich.splitlines()]
    assert rich == shown  # what `fit client list` printed


def _rows(store_dir: Path) -> list[tuple[str, ...]]:
    """The rows `fit client list` lays out (open clients, English)."""
    import datetime as dt

    from fitcli.model.alerts import RuleSettings
    from fitcli.model.settings import norm_profile
    from fitcli.services import listing
    from fitcli.store import Store

    job = listing.Job(root=store_dir, lang="en", profile=norm_profile({}),
                      rules=RuleSettings.from_values({}), today=dt.date(2026, 6, 15),
                      show_all=False, as_json=False)
    return listing.run(job, Store(store_dir), report=print).rows


@pytest.mark.parametrize("as_json", [False, True], ids=["table", "json"])
@pytest.mark.parametrize("show_all", [False, True], ids=["open", "all"])
def test_list_in_worker_processes_is_the_same(fit: Fit, store_dir: Path, as_json: bool,
                                              show_all: bool) -> None:
    import datetime as dt

    from fitcli.model.alerts import RuleSettings
    from fitcli.model.settings import norm_profile
    from fitcli.services import listing
    from fitcli.services.pool import PoolPlan
    from fitcli.store import Store

    _many(fit, 30)
    ok(fit("client", "close", "L003", "--reason", "planned"))
    job = listing.Job(root=store_dir, lang="en", profile=norm_profile({}),
                      rules=RuleSettings.from_values({}), today=dt.date(2026, 6, 15),
                      show_all=show_all, as_json=as_json)
    one = listing.run(job, Store(store_dir), report=print)
    many = listing.run(job, Store(store_dir), report=print,
                       plan=PoolPlan(min_files=1, chunk_size=7, start_method="spawn",
                                     workers=2))
    assert (one.processes, many.processes) == (1, 2)
    assert many == one and len(one.rows) == (31 if show_all else 30)
