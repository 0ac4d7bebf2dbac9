"""Per-language runs: the words a practitioner reads, numbers, the choice of language, and
the parser's own errors; JSON stays byte-identical whatever the language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import Fit, ok
from fitcli import i18n
from fitcli.app import usage

LABELS = {
    "en": ("Interpersonally", "Goals and topics"),
    "nb": ("Nære relasjoner", "Mål og tema"),
    "da": ("Nære relationer", "Mål og emner"),
    "sv": ("Nära relationer", "Mål och ämne"),
}
PREFIX = {"en": "Error:", "nb": "Feil:", "da": "Fejl:", "sv": "Fel:"}


@pytest.fixture
def caseload(fit: Fit) -> None:
    ok(fit("client", "add", "C001", "--label", "family", "--start", "2026-05-01"))
    ok(fit("ors", "C001", "4.5", "6", "5,5", "7", "--date", "2026-05-04"))
    ok(fit("srs", "C001", "9", "9.5", "8.8", "9.3", "--date", "2026-05-04"))
    ok(fit("ors", "C001", "6", "6.5", "6", "7.5", "--date", "2026-05-11"))
    ok(fit("client", "add", "K7", "--age-group", "child"))


@pytest.mark.parametrize("lang", i18n.SUPPORTED)
def test_client_show_in_each_language(fit: Fit, caseload: None, lang: str) -> None:
    result = ok(fit("--lang", lang, "client", "show", "C001"))
    ors_label, srs_label = LABELS[lang]
    assert ors_label in result.stdout
    assert srs_label in result.stdout
    if lang != "en":
        assert "Interpersonally" not in result.stdout
        assert "Meetings" not in result.stdout and "Date" not in result.stdout


@pytest.mark.parametrize(("lang", "words"), [
    pytest.param("en", ("Age group", "open", "adult", "child"), id="en"),
    pytest.param("nb", ("Aldersgruppe", "aktiv", "voksen", "barn", "Samtaler"), id="nb"),
    pytest.param("da", ("Aldersgruppe", "aktiv", "voksen", "barn", "Samtaler"), id="da"),
    pytest.param("sv", ("Åldersgrupp", "aktiv", "vuxen", "barn", "Samtal"), id="sv"),
])
def test_client_list_headers_and_values(fit: Fit, caseload: None, lang: str,
                                        words: tuple[str, ...]) -> None:
    out = ok(fit("--lang", lang, "client", "list")).stdout
    for word in words:
        assert word in out


@pytest.mark.parametrize("lang", i18n.SUPPORTED)
def test_error_prefix_and_message(fit: Fit, lang: str) -> None:
    result = fit("--lang", lang, "client", "show", "NOPE")
    assert result.exit_code == 3, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith(PREFIX[lang] + " ")
    assert result.stderr.count("\n") == 1
    assert "fit client add NOPE" in result.stderr  # commands stay English


@pytest.mark.parametrize(("lang", "total", "change"), [
    pytest.param("en", "23.0", "+3.0", id="en-dot"),
    pytest.param("nb", "23,0", "+3,0", id="nb-comma"),
    pytest.param("da", "23,0", "+3,0", id="da-comma"),
    pytest.param("sv", "23,0", "+3,0", id="sv-comma"),
])
def test_numbers_follow_the_language(fit: Fit, lang: str, total: str, change: str) -> None:
    ok(fit("client", "add", "C001", "--start", "2026-06-01"))
    first = ok(fit("--lang", lang, "ors", "C001", "4.5", "6", "5,5", "7",
                   "--date", "2026-06-01")).stdout
    assert total in first and "2026-06-01" in first  # dates stay ISO
    second = ok(fit("--lang", lang, "ors", "C001", "6", "6", "6", "8")).stdout
    assert change in second
    shown = ok(fit("--lang", lang, "client", "show", "C001")).stdout
    assert ("4,5 6,0 5,5 7,0" if lang != "en" else "4.5 6.0 5.5 7.0") in shown
    listed = ok(fit("--lang", lang, "client", "list")).stdout
    assert ("26,0" if lang != "en" else "26.0") in listed


def test_float_in_an_error_message_has_a_decimal_comma(fit: Fit) -> None:
    assert i18n.num(7.75, None) == "7.75"
    i18n.set_language("sv")
    assert i18n.t("error.total_mismatch", total=23.5).startswith("totalen 23,5 ")
    assert i18n.t("error.score_range", what="item", value="11", max=10).startswith(
        "delskattning 11 ")


@given(st.integers(min_value=0, max_value=400))
def test_num_comma_is_the_dot_replaced(tenths: int) -> None:
    value = tenths / 10
    i18n.set_language("en")
    dotted = i18n.num(value)
    for lang in ("nb", "da", "sv"):
        i18n.set_language(lang)
        assert i18n.num(value) == dotted.replace(".", ",")
    i18n.set_language("en")
    assert i18n.num(None) == "-"


JSON_RUNS = [
    ("client", "show", "C001", "--json"),
    ("client", "list", "--all", "--json"),
    ("config", "show", "--json"),
    ("flags", "--json"),
    ("trend", "C001", "--json"),
]


@pytest.mark.parametrize("args", JSON_RUNS, ids=lambda a: " ".join(a[:2]))
def test_json_identical_in_every_language(fit: Fit, caseload: None, args: tuple[str]) -> None:
    outputs = {lang: ok(fit("--lang", lang, *args)).stdout for lang in i18n.SUPPORTED}
    assert len(set(outputs.values())) == 1, outputs
    assert outputs["en"].strip() not in ("", "[]", "{}")
    assert "," not in outputs["sv"].replace(", ", "").replace(",\"", "")  # no decimal comma


def test_json_of_logging_identical_in_every_language(fit: Fit) -> None:
    outputs = []
    for n, lang in enumerate(i18n.SUPPORTED):
        ok(fit("client", "add", f"C{n}"))
        out = ok(fit("--lang", lang, "ors", f"C{n}", "4.5", "6", "5,5", "7", "--json")).stdout
        outputs.append(out.replace(f'"C{n}"', '"C"'))
    assert len(set(outputs)) == 1, outputs


# --- choosing the language -------------------------------------------------------------

def _config(isolated: Path, text: str) -> None:
    path = isolated / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(("option", "env", "config", "expected"), [
    pytest.param(None, {}, None, "en", id="default-english"),
    pytest.param(None, {"LANG": "sv_SE.UTF-8"}, None, "sv", id="LANG"),
    pytest.param(None, {"LANG": "da_DK"}, None, "da", id="LANG-no-encoding"),
    pytest.param(None, {"LANG": "nb_NO.UTF-8"}, None, "nb", id="LANG-nb"),
    pytest.param(None, {"LANG": "no_NO.UTF-8"}, None, "nb", id="LANG-no"),
    pytest.param(None, {"LANG": "nn_NO.UTF-8"}, None, "nb", id="LANG-nn"),
    pytest.param(None, {"LANG": "fr_FR.UTF-8"}, None, "en", id="LANG-unsupported"),
    pytest.param(None, {"LANG": "en_GB.UTF-8", "LC_MESSAGES": "da_DK.UTF-8"}, None, "da",
                 id="LC_MESSAGES-over-LANG"),
    pytest.param(None, {"LC_MESSAGES": "da_DK", "LC_ALL": "sv_SE.UTF-8"}, None, "sv",
                 id="LC_ALL-over-LC_MESSAGES"),
    pytest.param(None, {"LC_ALL": "C", "LANG": "sv_SE.UTF-8"}, None, "en",
                 id="LC_ALL-C-decides"),
    pytest.param(None, {"LANG": "sv_SE.UTF-8"}, 'lang = "da"\n', "da", id="config-over-locale"),
    pytest.param(None, {"FIT_LANG": "nb"}, 'lang = "da"\n', "nb", id="FIT_LANG-over-config"),
    pytest.param(None, {"FIT_LANG": "NO"}, None, "nb", id="FIT_LANG-no-alias"),
    pytest.param("sv", {"FIT_LANG": "nb"}, 'lang = "da"\n', "sv", id="option-over-all"),
    pytest.param(" Da ", {}, None, "da", id="option-case-and-space"),
])
def test_language_precedence(fit: Fit, isolated: Path, monkeypatch: pytest.MonkeyPatch,
                             option: str | None, env: dict[str, str], config: str | None,
                             expected: str) -> None:
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    if config is not None:
        _config(isolated, config)
    args = (["--lang", option] if option else []) + ["client", "show", "NOPE"]
    result = fit(*args)
    assert result.exit_code == 3, result.stderr
    assert result.stderr.startswith(PREFIX[expected] + " "), result.stderr


@pytest.mark.parametrize("how", ["option", "env"])
def test_unknown_language_refused_with_the_list(fit: Fit, monkeypatch: pytest.MonkeyPatch,
                                                how: str) -> None:
    if how == "env":
        monkeypatch.setenv("FIT_LANG", "fi")
        result = fit("client", "list")
    else:
        result = fit("--lang", "fi", "client", "list")
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr == "Error: unknown language 'fi'; use one of: en, nb, da, sv.\n"


def test_unknown_language_refused_in_the_fallback_language(
        fit: Fit, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "sv_SE.UTF-8")
    result = fit("--lang", "xx", "client", "list")
    assert result.exit_code == 2
    assert result.stderr.startswith("Fel: okänt språk 'xx'; använd ett av: en, nb, da, sv.")


def test_config_set_lang_then_used(fit: Fit) -> None:
    ok(fit("config", "set", "lang", "da"))
    result = fit("client", "show", "NOPE")
    assert result.stderr.startswith("Fejl: ")
    refused = fit("config", "set", "lang", "de")
    assert refused.exit_code == 4
    assert "en, nb, da, sv" in refused.stderr


@pytest.mark.parametrize(("env", "expected"), [
    pytest.param({}, None, id="nothing"),
    pytest.param({"LANG": "sv_SE.UTF-8"}, "sv", id="sv"),
    pytest.param({"LANG": "sv_FI@euro"}, "sv", id="modifier"),
    pytest.param({"LANG": "en_US.UTF-8"}, "en", id="en"),
    pytest.param({"LANG": "C.UTF-8"}, None, id="C"),
    pytest.param({"LANG": "POSIX"}, None, id="POSIX"),
    pytest.param({"LANG": "", "LC_MESSAGES": "nb_NO"}, "nb", id="empty-skipped"),
    pytest.param({"LC_ALL": "de_DE.UTF-8", "LANG": "sv_SE.UTF-8"}, None, id="first-set-decides"),
])
def test_system_language(env: dict[str, str], expected: str | None) -> None:
    assert i18n.system_language(env) == expected


# --- the parser's own errors -----------------------------------------------------------

USAGE = [
    pytest.param(("client", "add"), {
        "en": "Error: Missing argument 'ID'. (see 'fit client add --help')",
        "sv": "Fel: Argumentet 'ID' saknas. (se 'fit client add --help')",
        "nb": "Feil: Mangler argumentet 'ID'. (se 'fit client add --help')",
        "da": "Fejl: Mangler argumentet 'ID'. (se 'fit client add --help')"},
        id="missing-argument"),
    pytest.param(("client", "close", "C001"), {
        "en": "Error: Missing option '--reason'. Choose from: planned, dropout, referred, "
              "other (see 'fit client close --help')",
        "sv": "Fel: Flaggan '--reason' saknas. Välj bland: planned, dropout, referred, "
              "other (se 'fit client close --help')"},
        id="missing-option-choices"),
    pytest.param(("client", "show", "--jsn", "C001"), {
        "en": "Error: No such option: --jsn. Did you mean '--json'? "
              "(see 'fit client show --help')",
        "da": "Fejl: Ukendt tilvalg: --jsn. Mente du '--json'? (se 'fit client show --help')"},
        id="no-such-option"),
    pytest.param(("client", "add", "C9", "--age-group", "old"), {
        "en": "Error: 'old' is not a valid value for --age-group; choose one of 'adult', "
              "'adolescent', 'child'.",
        "nb": "Feil: 'old' er ikke en gyldig verdi for --age-group; velg en av 'voksen', "
              "'ungdom', 'barn'."},
        id="bad-choice"),
    pytest.param(("trend", "C001", "--width", "x"), {
        "en": "Error: Invalid value for '--width': 'x' is not a whole number. "
              "(see 'fit trend --help')",
        "sv": "Fel: Ogiltigt värde för '--width': 'x' är inget heltal. (se 'fit trend --help')"},
        id="not-integer"),
    pytest.param(("trend", "C001", "--width", "3"), {
        "en": "Error: Invalid value for '--width': 3 is too small, the minimum is 30. "
              "(see 'fit trend --help')",
        "da": "Fejl: Ugyldig værdi for '--width': 3 er for lille, mindsteværdien er 30. "
              "(se 'fit trend --help')"},
        id="below-minimum"),
    pytest.param(("client", "show", "C001", "extra", "more"), {
        "en": "Error: Got unexpected extra argument(s) (extra more) "
              "(see 'fit client show --help')",
        "sv": "Fel: För många argument (extra more) (se 'fit client show --help')"},
        id="extra-arguments"),
    pytest.param(("clint",), {
        "en": "Error: No such command 'clint'. Did you mean 'client'? (see 'fit --help')",
        "nb": "Feil: Ukjent kommando 'clint'. Mente du 'client'? (se 'fit --help')"},
        id="no-such-command"),
    pytest.param(("client", "show", "C001", "--json=3"), {
        "en": "Error: Option '--json' does not take a value. (see 'fit --help')",
        "sv": "Fel: Flaggan '--json' tar inget värde. (se 'fit --help')"},
        id="takes-no-value"),
    pytest.param((), {
        "en": "Error: Missing command. (see 'fit --help')",
        "sv": "Fel: Kommando saknas. (se 'fit --help')"},
        id="missing-command"),
    pytest.param(("client", "add", "C9", "--label"), {
        "en": "Error: Option '--label' needs a value. (see 'fit --help')",
        "da": "Fejl: Tilvalget '--label' skal have en værdi. (se 'fit --help')"},
        id="needs-value"),
]


@pytest.mark.parametrize(("args", "expected"), USAGE)
def test_parser_errors_translated(fit: Fit, args: tuple[str, ...],
                                  expected: dict[str, str]) -> None:
    for lang, line in expected.items():
        result = fit("--lang", lang, *args)
        assert result.exit_code == 2, (lang, result.stderr)
        assert result.stdout == ""
        assert result.stderr == line + "\n", lang


def test_parser_error_before_the_root_callback_uses_env_language(
        fit: Fit, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIT_LANG", "sv")
    result = fit("--bogus")
    assert result.exit_code == 2
    assert result.stderr == "Fel: Okänd flagga: --bogus (se 'fit --help')\n"


def test_group_without_command_shows_help_without_an_empty_error(fit: Fit) -> None:
    result = fit("client")
    assert result.exit_code == 2
    assert "Usage" in result.stdout + result.stderr
    assert "Error" not in result.stderr


class _Unknown(Exception):
    """Stands in for a parser error we do not know: shown exactly as the parser wrote it."""

    exit_code = 2
    message = "Something new happened"

    def format_message(self) -> str:
        return "Something  new\nhappened"


def test_unrecognised_parser_error_keeps_its_text() -> None:
    i18n.set_language("sv")
    assert usage.usage_message(_Unknown()) == "Something new happened"


def test_import_problems_json_identical_in_every_language(fit: Fit, isolated: Path) -> None:
    ok(fit("client", "add", "C001"))
    bad = isolated / "bad.csv"
    bad.write_text("client;date;ors1;ors2;ors3;ors4\nC001;2026-04-05;4;4;x;4\n"
                   "C009;2026-04-05;4,5;4;4;4\n", encoding="utf-8")
    outputs = set()
    for lang in i18n.SUPPORTED:
        result = fit("--lang", lang, "import", str(bad), "--json", "--dry-run")
        assert result.exit_code == 4, result.stderr
        outputs.add(result.stdout)
    assert len(outputs) == 1, outputs
    assert "is not a valid item score" in outputs.pop()


def test_import_problems_translated_for_people(fit: Fit, isolated: Path) -> None:
    ok(fit("client", "add", "C001"))
    bad = isolated / "bad.csv"
    bad.write_text("client;date;ors1;ors2;ors3;ors4\nC001;2026-04-05;4;4;x;4\n", encoding="utf-8")
    result = fit("--lang", "da", "import", str(bad), "--dry-run")
    assert result.exit_code == 4
    assert "'x' er ikke en gyldig delscore" in result.stderr
    assert result.stderr.rstrip("\n").splitlines()[-1].startswith("Fejl: ")


def test_redirected_output_and_errors_are_utf8_whatever_the_code_page(tmp_path: Path) -> None:
    """Exports, --json output and error messages into a file or a pipe are UTF-8 everywhere
    (Windows would encode them in cp1252, which has no such dash, and fail on it); exports
    keep \n line ends."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "FIT_STORE": str(tmp_path / "store"), "PYTHONIOENCODING": "cp1252",
           "FIT_TODAY": "2026-06-15"}
    fit = [sys.executable, "-m", "fitcli"]
    subprocess.run([*fit, "client", "add", "C001", "--label", "Søren – ørn ≠"], env=env,
                   check=True, capture_output=True)
    shown = subprocess.run([*fit, "client", "show", "C001", "--json"], env=env,
                           capture_output=True)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout.decode("utf-8"))["label"] == "Søren – ørn ≠"
    done = subprocess.run([*fit, "export", "--format", "json"], env=env, capture_output=True)
    assert done.returncode == 0, done.stderr
    assert "Søren – ørn ≠" in done.stdout.decode("utf-8")
    assert b"\r\n" not in done.stdout
    missing = subprocess.run([*fit, "--lang", "sv", "client", "show", "C999 ≠"], env=env,
                             capture_output=True)
    assert missing.returncode != 0
    assert "≠" in missing.stderr.decode("utf-8")
