"""`fit ors` and `fit srs` end to end: meetings, corrections, prompts and every refusal."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Fit, as_json, ok, snapshot
from fitcli.app import prompt


@pytest.fixture
def c1(fit: Fit) -> str:
    ok(fit("client", "add", "C1", "--start", "2026-05-01"))
    return "C1"


def test_ors_then_srs_share_a_meeting(fit: Fit, c1: str) -> None:
    first = ok(fit("ors", c1, "4.5", "6", "5,5", "7", "--date", "2026-05-04"))
    assert first.stdout == ("C1 visit 1 (2026-05-04, new visit): ORS 23.0, rated by the client"
                            " - first ORS\n")
    assert first.stderr == ""
    srs = ok(fit("srs", c1, "9", "9,5", "8.8", "9.3", "--date", "2026-05-04"))
    assert srs.stdout == "C1 visit 1 (2026-05-04): SRS 36.6, rated by the client\n"
    second = ok(fit("ors", c1, "6", "6", "6", "6.5"))
    assert second.stdout == ("C1 visit 2 (2026-06-15, new visit): ORS 24.5, rated by the client"
                             " - change since first ORS "
                             "(23.0): +1.5\n"
                             "  ! AMBER ORS 24.5 is below the ETR target 25.3: 65.3 % of the "
                             "expected change met\n")
    lower = ok(fit("ors", c1, "1", "1", "1", "1", "--session", "3"))
    assert lower.stdout.splitlines()[0].endswith("change since first ORS (23.0): -19.0")
    assert "  ! RED ORS 4.0 is 19.0 below the intake 23.0" in lower.stdout


def test_json_is_exactly_one_object(fit: Fit, c1: str) -> None:
    result = ok(fit("ors", c1, "4.5", "6", "5,5", "7", "--date", "2026-05-04", "--json"))
    assert result.stdout.count("\n") == 1
    assert json.loads(result.stdout) == {
        "client": "C1", "session": 1, "date": "2026-05-04",
        "ors": {"items": [4.5, 6.0, 5.5, 7.0], "total": 23.0, "rater": "self"}, "srs": None,
        "forms": [{"form": "ors", "rater": "self", "items": [4.5, 6.0, 5.5, 7.0],
                   "total": 23.0}], "practitioner": None}
    data = as_json(fit("srs", c1, "9", "9", "9", "9", "--rater", "other", "--date",
                       "2026-05-04", "--json"))
    assert data["srs"] is None  # the client's own SRS; the parent's is among the forms
    assert data["forms"][1] == {"form": "srs", "rater": "other", "items": [9.0, 9.0, 9.0, 9.0],
                                "total": 36.0}
    assert data["ors"]["total"] == 23.0


def test_srs_starts_a_new_meeting_when_the_latest_has_one(fit: Fit, c1: str) -> None:
    ok(fit("srs", c1, "9", "9", "9", "9", "--date", "2026-05-04"))
    data = as_json(fit("srs", c1, "8", "8", "8", "8", "--json"))
    assert (data["session"], data["date"], data["ors"]) == (2, "2026-06-15", None)


def test_total_only(fit: Fit, c1: str) -> None:
    data = as_json(fit("ors", c1, "--total", "18,4", "--date", "2026-05-04", "--json"))
    assert data["ors"] == {"items": None, "total": 18.4, "rater": "self"}
    assert "(total only)" in ok(fit("client", "show", c1)).stdout


def test_collateral_rater_has_its_own_first_ors(fit: Fit, c1: str) -> None:
    ok(fit("ors", c1, "5", "5", "5", "5", "--date", "2026-05-04"))
    other = ok(fit("ors", c1, "2", "2", "2", "2", "--rater", "Other"))
    assert other.stdout == ("C1 visit 2 (2026-06-15, new visit): ORS 8.0, rated by other"
                            " - first ORS\n")
    parent = ok(fit("ors", c1, "3", "3", "3", "3", "--rater", "mor", "--date", "2026-05-04"))
    assert parent.stdout == "C1 visit 1 (2026-05-04): ORS 12.0, rated by mor - first ORS\n"


def test_session_corrects_and_keeps_history(fit: Fit, c1: str) -> None:
    ok(fit("ors", c1, "4", "4", "4", "4", "--date", "2026-05-04"))
    ok(fit("ors", c1, "5", "5", "5", "5", "--date", "2026-05-11"))
    fixed = ok(fit("ors", c1, "4.5", "4", "4", "4", "--session", "1", "--date", "2026-05-05"))
    assert fixed.stdout == ("C1 visit 1 (2026-05-05) corrected: ORS 16.5, rated by the client"
                            " - first ORS\n")
    fixed2 = ok(fit("ors", c1, "6", "5", "5", "5", "--session", "2"))
    assert fixed2.stdout == ("C1 visit 2 (2026-05-11) corrected: ORS 21.0, rated by the client"
                             " - change since "
                             "first ORS (16.5): +4.5\n")
    data = as_json(fit("client", "show", c1, "--json"))
    assert [s["ors"]["total"] for s in data["sessions"]] == [16.5, 21.0]
    [correction] = data["sessions"][0]["corrections"]
    assert correction["form"] == "ors"
    assert correction["previous"] == {"items": [4.0, 4.0, 4.0, 4.0], "total": 16.0,
                                      "rater": "self"}
    assert correction["previous_date"] == "2026-05-04"
    shown = ok(fit("client", "show", c1)).stdout
    assert "visit 1: ORS by client corrected on " in shown
    assert "before: 4.0 4.0 4.0 4.0 = 16.0; earlier date 2026-05-04" in shown


def test_closed_client_can_be_corrected_not_extended(fit: Fit, c1: str, store_dir: Path) -> None:
    ok(fit("ors", c1, "4", "4", "4", "4", "--date", "2026-05-04"))
    ok(fit("client", "close", c1, "--reason", "planned", "--date", "2026-05-04"))
    ok(fit("ors", c1, "5", "4", "4", "4", "--session", "1"))
    before = snapshot(store_dir)
    for form in ("ors", "srs"):
        result = fit(form, c1, "5", "5", "5", "5")
        assert result.exit_code == 4
        assert result.stderr == ("Error: client C1 is closed; reopen it first with 'fit client "
                                 "reopen C1'.\n")
    assert snapshot(store_dir) == before


ITEM_RANGE = ("is out of range; it must be between 0 and 10 with at most one decimal.\n")


@pytest.mark.parametrize(("args", "code", "message"), [
    pytest.param(("C1", "11", "1", "1", "1"), 4, f"Error: the item score 11 {ITEM_RANGE}",
                 id="item-above-10"),
    pytest.param(("C1", "10.1", "1", "1", "1"), 4, f"Error: the item score 10.1 {ITEM_RANGE}",
                 id="item-10.1"),
    pytest.param(("C1", "4.55", "1", "1", "1"), 4, "Error: '4.55' is not a valid item score; "
                 "write a number with at most one decimal, e.g. 4.5 or 4,5.\n", id="two-decimals"),
    pytest.param(("C1", "x", "1", "1", "1"), 4, "Error: 'x' is not a valid item score; write a "
                 "number with at most one decimal, e.g. 4.5 or 4,5.\n", id="not-a-number"),
    pytest.param(("C1", "1", "1", "1"), 2, "Error: ors takes exactly four item scores, got 3; "
                 "give all four, or --total T for a total only.\n", id="three-items"),
    pytest.param(("C1", "1", "1", "1", "1", "1"), 2, "Error: ors takes exactly four item "
                 "scores, got 5; give all four, or --total T for a total only.\n",
                 id="five-items"),
    pytest.param(("C1",), 2, "Error: give the four ors item scores (e.g. 'fit ors C001 4.5 6 5,5 "
                 "7'), or --total T for a total only.\n", id="no-items-no-terminal"),
    pytest.param(("C1", "1", "1", "1", "1", "--total", "4"), 2, "Error: give either four item "
                 "scores or --total, not both.\n", id="items-and-total"),
    pytest.param(("C1", "--total", "40.5"), 4, "Error: the total score 40.5 is out of range; it "
                 "must be between 0 and 40 with at most one decimal.\n", id="total-above-40"),
    pytest.param(("C1", "1", "1", "1", "1", "--date", "2026-13-01"), 2, "Error: '2026-13-01' is "
                 "not a date; write it as YYYY-MM-DD or DD.MM.YYYY, e.g. 2026-03-14 or "
                 "14.03.2026.\n", id="bad-date"),
    pytest.param(("C1", "1", "1", "1", "1", "--date", "2026-06-16"), 4, "Error: the date "
                 "2026-06-16 is in the future (today is 2026-06-15); give the date the meeting "
                 "took place.\n", id="future-date"),
    pytest.param(("C1", "1", "1", "1", "1", "--date", "2026-05-03"), 4, "Error: the date "
                 "2026-05-03 is before the latest meeting (meeting 1 on 2026-05-04); use a later "
                 "date, or --session N to correct an earlier meeting.\n", id="before-latest"),
    pytest.param(("C1", "1", "1", "1", "1", "--session", "3"), 3, "Error: client C1 has no "
                 "meeting 3 (meetings 1-1); use --session with an existing number, or leave it "
                 "out to start a new meeting.\n", id="session-not-found"),
    pytest.param(("C1", "1", "1", "1", "1", "--session", "0"), 2, "Error: '0' is not a meeting "
                 "number; give a whole number from 1 (see the numbers with 'fit client show "
                 "ID').\n", id="session-zero"),
    pytest.param(("C1", "1", "1", "1", "1", "--session", "two"), 2, "Error: 'two' is not a "
                 "meeting number; give a whole number from 1 (see the numbers with 'fit client "
                 "show ID').\n", id="session-text"),
    pytest.param(("C1", "1", "1", "1", "1", "--session", "1", "--date", "2026-06-16"), 4,
                 "Error: the date 2026-06-16 is in the future (today is 2026-06-15); give the "
                 "date the meeting took place.\n", id="correction-future"),
    pytest.param(("C1", "1", "1", "1", "1", "--rater", "mum!"), 2, "Error: 'mum!' is not a "
                 "rater code: use self (the client) or 1-20 letters, digits, '-' or '_' for a "
                 "collateral rater, e.g. mother, far, teacher.\n", id="bad-rater"),
    pytest.param(("C1", "1", "1", "1", "1", "--colour"), 2, "Error: No such option: --colour "
                 "(see 'fit ors --help')\n", id="unknown-option"),
    pytest.param(("NOPE", "1", "1", "1", "1"), 3, "Error: no client 'NOPE' in this store; see "
                 "the IDs with 'fit client list --all', or add it with 'fit client add NOPE'.\n",
                 id="client-not-found"),
    pytest.param(("../C1", "1", "1", "1", "1"), 4, "Error: '../C1' is not a valid client ID; use "
                 "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit (a "
                 "pseudonymous code, never a name).\n", id="bad-id"),
    pytest.param((), 2, "Error: Missing argument 'ID'. (see 'fit ors --help')\n", id="no-id"),
])
def test_ors_refused_writes_nothing(fit: Fit, c1: str, store_dir: Path, args: tuple[str, ...],
                                    code: int, message: str) -> None:
    ok(fit("ors", c1, "5", "5", "5", "5", "--date", "2026-05-04"))
    before = snapshot(store_dir)
    result = fit("ors", *args)
    assert result.exit_code == code, result.stderr
    assert (result.stdout, result.stderr) == ("", message)
    assert snapshot(store_dir) == before


def test_srs_errors_name_srs(fit: Fit, c1: str) -> None:
    result = fit("srs", c1, "1", "1")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: srs takes exactly four item scores, got 2")


def test_corrupt_client_file_exit_5_untouched(fit: Fit, c1: str, store_dir: Path) -> None:
    path = store_dir / "clients" / "C1.json"
    path.write_text('{"schema_version": 1, "id": "C1", "start": ')
    result = fit("ors", c1, "5", "5", "5", "5")
    assert result.exit_code == 5
    assert result.stderr.startswith(f"Error: the client file {path} cannot be read (")
    assert path.read_text() == '{"schema_version": 1, "id": "C1", "start": '


# -- prompting on a terminal -----------------------------------------------------------------

@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prompt, "stdin_is_terminal", lambda: True)


@pytest.mark.usefixtures("terminal")
def test_prompts_for_each_item_by_label(fit: Fit, c1: str) -> None:
    result = ok(fit("ors", c1, "--json", input="4,5\n6\n5.5\n7\ny\n"))
    assert re.findall(r"ORS [A-Za-z ]+ \(0-10\)", result.stderr) == [
        "ORS Individually (0-10)", "ORS Interpersonally (0-10)", "ORS Socially (0-10)",
        "ORS Overall (0-10)"]
    assert json.loads(result.stdout.splitlines()[-1])["ors"]["items"] == [4.5, 6.0, 5.5, 7.0]


@pytest.mark.usefixtures("terminal")
def test_prompt_asks_again_after_a_bad_answer(fit: Fit, c1: str) -> None:
    result = ok(fit("srs", c1, input="11\nabc\n9\n9\n9\n9\ny\n"))
    assert "the item score 11 is out of range" in result.stderr
    assert "'abc' is not a valid item score" in result.stderr
    assert result.stderr.count("SRS Relationship (0-10)") == 3
    assert result.stdout.endswith(
        "C1 visit 1 (2026-06-15, new visit): SRS 36.0, rated by the client\n")


@pytest.mark.usefixtures("terminal")
def test_child_ors_prompts_use_cors_labels(fit: Fit) -> None:
    ok(fit("client", "add", "K1", "--age-group", "child"))
    result = ok(fit("ors", "K1", input="1\n2\n3\n4\ny\n"))
    assert re.findall(r"ORS [A-Za-z ]+ \(0-10\)", result.stderr) == [
        "ORS Me (0-10)", "ORS Family (0-10)", "ORS School (0-10)", "ORS Everything (0-10)"]


@pytest.mark.usefixtures("terminal")
def test_prompt_refuses_a_closed_client_before_asking(fit: Fit, c1: str) -> None:
    ok(fit("client", "close", c1, "--reason", "other"))
    result = fit("ors", c1, input="1\n2\n3\n4\n")
    assert result.exit_code == 4
    assert result.stderr == ("Error: client C1 is closed; reopen it first with "
                             "'fit client reopen C1'.\n")


@pytest.mark.usefixtures("terminal")
def test_prompt_interrupted_writes_nothing(fit: Fit, c1: str, store_dir: Path) -> None:
    before = snapshot(store_dir)
    result = fit("ors", c1, input="5\n")  # input ends after one item
    assert result.exit_code == 130
    assert result.stderr.endswith("Aborted; nothing was written.\n")
    assert snapshot(store_dir) == before


@pytest.mark.usefixtures("terminal")
def test_prompt_for_missing_client_is_not_found(fit: Fit) -> None:
    result = fit("ors", "NOPE", input="1\n1\n1\n1\n")
    assert result.exit_code == 3
    assert result.stderr.startswith("Error: no client 'NOPE' in this store")


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_prompts_on_a_real_terminal(tmp_path: Path) -> None:
    """The real check for 'a terminal attached': stdin is a pty, not a test double."""
    env = {**os.environ, "FIT_STORE": str(tmp_path / "store"), "NO_COLOR": "1",
           "FIT_CONFIG": str(tmp_path / "config.toml"), "FIT_TODAY": "2026-06-15"}
    env.pop("FIT_LANG", None)
    subprocess.run([sys.executable, "-m", "fitcli", "client", "add", "C1"], env=env,
                   check=True, capture_output=True, timeout=60)
    master, slave = os.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "fitcli", "ors", "C1"], env=env,
                            stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    os.write(master, b"12\n4,5\n6\n5.5\n7\ny\n")  # typed ahead; the terminal keeps it
    output = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the other end closed (Linux: EIO)
            break
        if not chunk:
            break
        output += chunk
    os.close(master)
    assert proc.wait(timeout=60) == 0, output
    text = output.decode()
    for label in ("Individually", "Interpersonally", "Socially", "Overall"):
        assert f"ORS {label} (0-10):" in text
    assert "the item score 12 is out of range" in text
    assert ("C1 visit 1 (2026-06-15, new visit): ORS 23.0, rated by the client - first ORS"
            in text)
