"""No silent surprises: a missing store is an error, choices and dates as fit prints them,
visits never before the episode start, interactive entry says what it is for and confirms."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Fit, ok
from fitcli.app import prompt

# -- a store that is not there -------------------------------------------------------------


@pytest.mark.parametrize("args", [
    pytest.param(("flags", "--fail-on", "red"), id="flags"),
    pytest.param(("export",), id="export"),
    pytest.param(("client", "list", "--all"), id="client-list"),
    pytest.param(("report",), id="report"),
    pytest.param(("trend", "C1"), id="trend"),
    pytest.param(("ors", "C1", "5", "5", "5", "5"), id="ors"),
])
def test_a_missing_store_is_an_error_not_an_empty_caseload(fit: Fit, tmp_path: Path,
                                                           args: tuple[str, ...]) -> None:
    missing = tmp_path / "unmounted" / "fit"
    result = fit("--store", str(missing), *args)
    assert result.exit_code == 5, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: the store folder {missing} does not exist")
    assert not missing.exists()


def test_a_store_path_that_is_a_file_is_an_error(fit: Fit, tmp_path: Path) -> None:
    afile = tmp_path / "store.txt"
    afile.write_text("x")
    for args in (("client", "list"), ("client", "add", "C1"), ("store", "init")):
        result = fit("--store", str(afile), *args)
        assert result.exit_code == 5, args
        assert result.stderr == (f"Error: the store {afile} is a file, not a folder; choose "
                                 "the store folder with --store or FIT_STORE.\n")


@pytest.mark.parametrize("args", [
    pytest.param(("client", "add", "C1"), id="client-add"),
    pytest.param(("store", "init"), id="store-init"),
    pytest.param(("demo", "--clients", "3"), id="demo"),
])
def test_commands_that_create_a_store_may_start_without_one(fit: Fit, tmp_path: Path,
                                                            args: tuple[str, ...]) -> None:
    new = tmp_path / "new"
    ok(fit("--store", str(new), *args))
    assert new.is_dir()
    assert not (new / "demo").exists()  # `fit --store X demo` does not nest a store in X


def test_import_create_clients_may_start_without_a_store(fit: Fit, tmp_path: Path) -> None:
    csv = tmp_path / "in.csv"
    csv.write_text("client,date,ors\nC1,13.06.2026,20\n")
    new = tmp_path / "new"
    assert fit("--store", str(new), "import", str(csv)).exit_code == 5
    ok(fit("--store", str(new), "import", str(csv), "--create-clients"))
    assert (new / "clients" / "C1.json").is_file()


def test_store_init_says_whether_it_made_the_folder(fit: Fit, tmp_path: Path) -> None:
    new = tmp_path / "s"
    assert ok(fit("--store", str(new), "store", "init")).stdout == f"Store folder ready: {new}\n"
    assert ok(fit("--store", str(new), "store", "init")).stdout == (
        f"Store folder already exists: {new}\n")
    assert ok(fit("--store", str(new), "client", "list")).stdout.startswith("No open clients")


def test_existing_demo_hint_repeats_the_store_given(fit: Fit, tmp_path: Path) -> None:
    target = tmp_path / "d"
    ok(fit("demo", "--store", str(target), "--clients", "2"))
    result = fit("demo", "--store", str(target), "--clients", "2")
    assert result.exit_code == 2
    assert f"'fit demo --reset --store {target}'" in result.stderr
    ok(fit("--store", str(target), "demo", "--reset", "--clients", "2"))
    result = fit("--store", str(target), "demo", "--clients", "2")
    assert f"'fit --store {target} demo --reset'" in result.stderr


# -- the words fit prints are the words it takes --------------------------------------------


@pytest.mark.parametrize(("lang", "args", "printed"), [
    pytest.param("nb", ("client", "add", "C1", "--age-group", "ungdom"), "(ungdom)", id="nb-age"),
    pytest.param("nb", ("client", "add", "C1", "--age-group", "UNGDOM"), "(ungdom)",
                 id="nb-age-case"),
    pytest.param("da", ("client", "add", "C1", "--age-group", "voksen"), "(voksen)", id="da-age"),
    pytest.param("sv", ("client", "add", "C1", "--age-group", "barn"), "(barn)", id="sv-age"),
    pytest.param("nb", ("client", "add", "C1", "--age-group", "adolescent"), "(ungdom)",
                 id="nb-english-code"),
    pytest.param("en", ("client", "add", "C1", "--age-group", "Adolescent"), "(adolescent)",
                 id="en-code"),
])
def test_age_group_takes_the_printed_word(fit: Fit, lang: str, args: tuple[str, ...],
                                          printed: str) -> None:
    assert printed in ok(fit("--lang", lang, *args)).stdout


@pytest.mark.parametrize(("word", "printed"), [
    pytest.param("frafall", "frafall", id="word"),
    pytest.param("planlagt avslutning", "planlagt avslutning", id="two-words"),
    pytest.param("planlagt", "planlagt avslutning", id="unique-start"),
    pytest.param("dropout", "frafall", id="code"),
])
def test_close_reason_takes_the_printed_word(fit: Fit, word: str, printed: str) -> None:
    ok(fit("client", "add", "C1", "--start", "2026-06-01"))
    result = ok(fit("--lang", "nb", "client", "close", "C1", "--reason", word))
    assert result.stdout == f"Avsluttet klient C1: {printed} 2026-06-15.\n"


def test_an_unknown_choice_lists_the_words_of_the_language(fit: Fit) -> None:
    result = fit("--lang", "nb", "client", "add", "C1", "--age-group", "gammel")
    assert result.exit_code == 2
    assert result.stderr == ("Feil: 'gammel' er ikke en gyldig verdi for --age-group; velg en "
                             "av 'voksen', 'ungdom', 'barn'.\n")


def test_fail_on_takes_the_severity_word(fit: Fit) -> None:
    ok(fit("client", "add", "C1", "--start", "2026-06-01"))
    ok(fit("ors", "C1", "--total", "30", "--date", "2026-06-02"))
    assert fit("--lang", "nb", "flags", "--fail-on", "rød").exit_code == 0
    assert fit("--lang", "sv", "report", "--status", "alla", "--no-chart").exit_code == 0


# -- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["13.06.2026", "13-06-2026", "2026-06-13", "13.6.2026"])
def test_day_first_dates_are_taken_and_printed_iso(fit: Fit, typed: str) -> None:
    ok(fit("client", "add", "C1", "--start", "01.06.2026"))
    result = ok(fit("ors", "C1", "5", "5", "5", "5", "--date", typed))
    assert "(2026-06-13, new visit)" in result.stdout


@pytest.mark.parametrize("typed", ["31.02.2026", "06/13/2026", "20260613", "13.06.26",
                                   "13.06-2026"])
def test_dates_that_are_not_days_are_refused(fit: Fit, typed: str) -> None:
    ok(fit("client", "add", "C1", "--start", "2026-06-01"))
    result = fit("ors", "C1", "5", "5", "5", "5", "--date", typed)
    assert result.exit_code == 2
    assert result.stderr == (f"Error: '{typed}' is not a date; write it as YYYY-MM-DD or "
                             "DD.MM.YYYY, e.g. 2026-03-14 or 14.03.2026.\n")


def test_a_visit_before_the_episode_start_is_refused_at_entry(fit: Fit) -> None:
    ok(fit("client", "add", "C1", "--start", "2026-06-10"))
    result = fit("ors", "C1", "5", "5", "5", "5", "--date", "2026-06-01")
    assert result.exit_code == 4
    assert result.stderr.startswith("Error: 2026-06-01 is before C1's episode started "
                                    "(2026-06-10)")
    ok(fit("ors", "C1", "5", "5", "5", "5", "--date", "2026-06-10"))
    ok(fit("client", "close", "C1", "--reason", "planned", "--date", "2026-06-10"))


# -- interactive entry ---------------------------------------------------------------------


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prompt, "stdin_is_terminal", lambda: True)


@pytest.mark.usefixtures("terminal")
def test_interactive_entry_names_the_visit_then_confirms(fit: Fit) -> None:
    ok(fit("client", "add", "C1", "--start", "2026-06-01"))
    result = ok(fit("ors", "C1", "--date", "14.06.2026", input="5\n6\n7\n8\ny\n"))
    assert result.stderr.startswith(
        "ORS for C1, visit 1 on 2026-06-14, rated by the client:\n")
    assert "Save ORS total 26.0 for C1? [y/N]" in result.stderr
    assert "C1 visit 1 (2026-06-14, new visit): ORS 26.0" in result.stdout


@pytest.mark.usefixtures("terminal")
def test_interactive_entry_declined_saves_nothing(fit: Fit, store_dir: Path) -> None:
    ok(fit("client", "add", "C1", "--start", "2026-06-01"))
    before = (store_dir / "clients" / "C1.json").read_bytes()
    result = ok(fit("ors", "C1", input="5\n6\n7\n8\nn\n"))
    assert "visit" not in result.stdout  # the runner echoes the answers on stdout
    assert result.stderr.endswith("Not saved.\n")
    assert (store_dir / "clients" / "C1.json").read_bytes() == before


@pytest.mark.usefixtures("terminal")
def test_interactive_entry_checks_the_date_before_asking(fit: Fit) -> None:
    ok(fit("client", "add", "C1", "--start", "2026-06-10"))
    result = fit("ors", "C1", "--date", "01.06.2026", input="5\n6\n7\n8\ny\n")
    assert result.exit_code == 4
    assert "(0-10)" not in result.stderr
