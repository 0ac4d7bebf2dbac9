"""fit client edit keeps the old details; the list filters; help in the user's language."""

from __future__ import annotations

import pytest

from conftest import ENGLISH_HELP_WORDS, HELP_WORDS, Fit, as_json, ok


def test_edit_changes_details_and_keeps_them(fit: Fit) -> None:
    ok(fit("client", "add", "A1", "--age-group", "adolescent", "--start", "2026-06-01"))
    result = ok(fit("--lang", "nb", "client", "edit", "A1", "--age-group", "voksen"))
    assert result.stdout == "A1: aldersgruppe endret fra ungdom til voksen.\n"
    data = as_json(fit("client", "show", "A1", "--json"))
    assert data["age_group"] == "adult"
    shown = ok(fit("client", "show", "A1")).stdout
    assert "Earlier details:" in shown and "age group was adolescent until" in shown


@pytest.mark.parametrize(("args", "code", "message"), [
    pytest.param((), 4, "Error: nothing to change for A1; give --label, --age-group or --start "
                 "with a new value.\n", id="nothing"),
    pytest.param(("--start", "05.06.2026"), 4, "Error: the start 2026-06-05 is after A1's first "
                 "visit (2026-06-02); the episode starts on or before it.\n", id="after-visit"),
    pytest.param(("--start", "2026-06-16"), 4, "Error: the date 2026-06-16 is in the future "
                 "(today is 2026-06-15); give the date the meeting took place.\n", id="future"),
])
def test_edit_refusals(fit: Fit, args: tuple[str, ...], code: int, message: str) -> None:
    ok(fit("client", "add", "A1", "--start", "2026-06-01"))
    ok(fit("ors", "A1", "--total", "20", "--date", "2026-06-02"))
    result = fit("client", "edit", "A1", *args)
    assert result.exit_code == code, result.stdout
    assert result.stderr == message


def test_edit_start_earlier_allows_backlog(fit: Fit) -> None:
    ok(fit("client", "add", "A1", "--start", "2026-06-10"))
    ok(fit("client", "edit", "A1", "--start", "01.05.2026"))
    ok(fit("ors", "A1", "--total", "20", "--date", "2026-05-02"))


def test_list_filters_by_prefix_and_flag(fit: Fit, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS")
    for client in ("C01", "C02", "X01"):
        ok(fit("client", "add", client, "--start", "2026-06-01"))
    ok(fit("ors", "C02", "--total", "20", "--date", "2026-06-02"))
    ok(fit("ors", "C02", "--total", "12", "--date", "2026-06-09"))
    ids = [line.split()[0] for line in ok(fit("client", "list", "c0")).stdout.splitlines()[1:]]
    assert ids == ["C01", "C02"]
    flagged = ok(fit("client", "list", "--flagged")).stdout.splitlines()[1:]
    ids = [line.split()[0] for line in flagged]
    assert ids == ["C02"]


@pytest.mark.parametrize(("typed", "suggested"), [
    pytest.param("rename", "'edit'", id="rename-is-edit-not-remove"),
    pytest.param("delete", "'remove'", id="delete-is-remove"),
    pytest.param("lst", "'list'", id="typo"),
])
def test_unknown_command_suggests_what_was_meant(fit: Fit, typed: str, suggested: str) -> None:
    result = fit("client", typed)
    assert result.exit_code == 2
    assert f"Did you mean {suggested}?" in result.stderr


@pytest.mark.parametrize(("lang", "words"), [
    pytest.param("nb", ("Avslutningskoder:", "5   problem med lageret", "Eksempel:"), id="nb"),
    pytest.param("da", ("Afslutningskoder:", "Eksempel:"), id="da"),
    pytest.param("sv", ("Slutkoder:", "Exempel:"), id="sv"),
    pytest.param("en", ("Exit codes:", "70  internal error"), id="en"),
])
def test_root_help_in_the_language_with_exit_codes(fit: Fit, lang: str,
                                                   words: tuple[str, ...]) -> None:
    out = ok(fit("--lang", lang, "--help")).stdout
    for word in words:
        assert word in out


@pytest.mark.parametrize("env", [
    pytest.param({"FIT_LANG": "nb"}, id="FIT_LANG"),
    pytest.param({"LANG": "nb_NO.UTF-8"}, id="LANG"),
])
def test_command_help_follows_the_environment(fit: Fit, env: dict[str, str]) -> None:
    out = ok(fit("client", "close", "--help", env=env)).stdout
    assert "Avslutt forløpet til en klient" in out
    assert "Dato forløpet ble avsluttet" in out  # not "Date of the meeting"
    assert "--date 13.10.2026" in out


def test_help_metavars_are_plain(fit: Fit) -> None:
    out = ok(fit("ors", "--help")).stdout
    assert out.startswith("Usage: fit ors [OPTIONS] ID [I1 I2 I3 I4]...")
    for noise in ("<str>", "<bool>", "<list[str]>", "{ID}"):
        assert noise not in out


def test_client_ids_complete_from_the_store(fit: Fit) -> None:
    import typer

    from fitcli.app.params import complete_client_id
    from fitcli.cli import app

    ok(fit("client", "add", "C001"))
    ok(fit("client", "add", "C002"))
    ok(fit("client", "add", "X1"))
    ctx = typer.Context(typer.main.get_command(app))
    assert complete_client_id(ctx, "c") == ["C001", "C002"]
    assert complete_client_id(ctx, "") == ["C001", "C002", "X1"]


@pytest.mark.parametrize(("args", "present", "absent"), [
    pytest.param(("--show", "table"), "Label", "Flags of the open clients", id="table"),
    pytest.param(("--show", "flags"), "Flags of the open clients", "Label", id="flags"),
    pytest.param(("--show", "trend", "D004"), "Trend of D004", "Flags of the open", id="trend"),
])
def test_demo_shows_one_part_at_a_time(fit: Fit, args: tuple[str, ...], present: str,
                                       absent: str) -> None:
    ok(fit("demo"))
    out = ok(fit("demo", *args)).stdout
    assert present in out and absent not in out
    assert "Demo caseload:" not in out  # the existing demo store is shown, not rebuilt


@pytest.mark.parametrize("lang", sorted(HELP_WORDS))
def test_the_parsers_own_words_are_in_the_users_language(fit: Fit, lang: str) -> None:
    words = HELP_WORDS[lang]
    text = ok(fit("--lang", lang, "client", "add", "--help")).stdout
    assert text.startswith(f"{words['usage']}: fit client add {words['options_piece']} ID\n")
    assert f"\n{words['arguments']}:\n  ID " in text
    assert f"\n{words['options']}:\n  --age-group GROUP" in text
    assert words["required"] in text and f"[{words['default']}: adult]" in text
    assert f"-h, --help           {words['help']}" in text
    group = ok(fit("--lang", lang, "client", "--help")).stdout
    assert group.startswith(f"{words['usage']}: fit client {words['options_piece']} COMMAND")
    assert f"\n{words['commands']}:\n  add " in group
    demo = " ".join(ok(fit("--lang", lang, "demo", "--help")).stdout.split())
    assert f"[{words['default']}: 20; 1<=x<=999]" in demo
    if lang != "en":
        for english in ENGLISH_HELP_WORDS:
            assert english not in text + group + demo, english


@pytest.mark.parametrize("lang", ["nb", "da", "sv"])
@pytest.mark.parametrize("args", [("client", "add"), ("client", "close"), ("team", "grant"),
                                  ("flags",), ("demo",)])
def test_translated_help_fits_a_narrow_terminal(lang: str, args: tuple[str, ...]) -> None:
    """The parser's words are laid out in the user's language, not put in after the English
    was wrapped: no line is wider than the help's width."""
    from typer.testing import CliRunner

    from fitcli.cli import app

    result = CliRunner().invoke(app, ["--lang", lang, *args, "--help"], terminal_width=54)
    text = ok(result).stdout
    assert max(len(line) for line in text.splitlines()) <= 54, text
    for english in ENGLISH_HELP_WORDS:
        assert english not in text, english


def test_english_help_keeps_the_parsers_words(fit: Fit) -> None:
    text = ok(fit("--lang", "en", "client", "add", "--help")).stdout
    assert text.startswith("Usage: fit client add [OPTIONS] ID")
    assert "--label TEXT" in text and "Show this message and exit." in text


@pytest.mark.parametrize("store", [
    pytest.param("postgresql://nobody@localhost:1/none", id="database"),
    pytest.param("/nonexistent/fit-store", id="missing-folder")])
def test_client_ids_complete_to_nothing_without_a_store_folder(
        monkeypatch: pytest.MonkeyPatch, store: str) -> None:
    """Tab never prints an error into the command line, nor asks a database."""
    import typer

    from fitcli.app.params import complete_client_id
    from fitcli.cli import app

    monkeypatch.setenv("FIT_STORE", store)
    ctx = typer.Context(typer.main.get_command(app))
    assert complete_client_id(ctx, "") == []
