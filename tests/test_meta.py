"""The command as a whole: help everywhere, version, entry points, import cost, error shape."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main

import fitcli
from conftest import ENGLISH_HELP_WORDS, HELP_WORDS, Fit, ok
from fitcli import errors
from fitcli.cli import app

ROOT = Path(__file__).resolve().parent.parent


def _walk(command: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    if not hasattr(command, "list_commands"):
        return found
    ctx = typer.Context(command)
    for name in sorted(command.list_commands(ctx)):  # the root loads its commands on demand
        found += _walk(command.get_command(ctx, name), (*path, name))
    return found


COMMANDS = _walk(typer.main.get_command(app))


def test_the_core_commands_exist() -> None:
    expected = {("client", c) for c in ("add", "list", "show", "close", "reopen", "remove")}
    expected |= {("ors",), ("srs",), ("store", "path"), ("config", "show"), ("config", "set"),
                 ("config", "reset")}
    assert expected <= set(COMMANDS)


@pytest.mark.parametrize("path", [pytest.param(p, id=" ".join(p) or "fit") for p in COMMANDS])
def test_every_command_has_help_with_an_example(fit: Fit, path: tuple[str, ...]) -> None:
    result = ok(fit(*path, "--help"))
    assert "Usage: fit" in result.stdout
    assert re.search(r"Example: fit \S", result.stdout), result.stdout


EXAMPLE_WORD = {"nb": "Eksempel: fit ", "da": "Eksempel: fit ", "sv": "Exempel: fit "}


@pytest.mark.parametrize("lang", sorted(EXAMPLE_WORD))
@pytest.mark.parametrize("path", [pytest.param(p, id=" ".join(p) or "fit")
                                  for p in COMMANDS if p])
def test_every_command_explains_itself_in_each_language(fit: Fit, path: tuple[str, ...],
                                                        lang: str) -> None:
    """A command's own description and example are translated, not only its options."""
    english = ok(fit(*path, "--help")).stdout
    shown = ok(fit("--lang", lang, *path, "--help")).stdout
    assert EXAMPLE_WORD[lang] in shown, shown
    assert english.split("\n\n")[1] not in shown


def test_every_parameter_is_shown_as_people_type_it(fit: Fit) -> None:
    """Metavars, never the parser's type labels (<str>, <practitioner|admin>) or braces."""
    for path in COMMANDS:
        shown = ok(fit(*path, "--help")).stdout
        assert not re.search(r"<\S+>|\{\w+\}", shown), (path, shown)


@pytest.mark.parametrize("lang", ["nb", "da", "sv"])
def test_every_help_screen_has_the_parsers_words_in_each_language(fit: Fit, lang: str) -> None:
    words = HELP_WORDS[lang]
    for path in COMMANDS:
        shown = ok(fit("--lang", lang, *path, "--help")).stdout
        assert shown.startswith(f"{words['usage']}: fit "), (path, shown)
        assert words["help"] in " ".join(shown.split()), (path, shown)
        for english in ENGLISH_HELP_WORDS:
            assert english not in shown, (path, english)


def test_short_help_option(fit: Fit) -> None:
    assert "Usage: fit ors" in ok(fit("ors", "-h")).stdout


def test_version(fit: Fit) -> None:
    result = ok(fit("--version"))
    assert result.stdout == f"fit {fitcli.__version__}\n"


def _env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "FIT_STORE": str(tmp_path / "store"), "NO_COLOR": "1",
           "FIT_CONFIG": str(tmp_path / "config.toml"), "FIT_TODAY": "2026-06-15"}
    env.pop("FIT_LANG", None)
    return env


def test_python_dash_m(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "fitcli", "--version"], capture_output=True,
                          text=True, env=_env(tmp_path), timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"fit {fitcli.__version__}\n", "")


def test_console_script_version(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("fit")
    if not script.exists():
        pytest.skip("the fit script is not installed beside this Python")
    done = subprocess.run([str(script), "--version"], capture_output=True, text=True,
                          env=_env(tmp_path), timeout=60)
    assert done.stdout == f"fit {fitcli.__version__}\n"


HEAVY = ("rich", "plotext")
PROBE = """
import sys
{setup}
loaded = sorted(m for m in {heavy!r} if m in sys.modules)
print("LOADED=" + ",".join(loaded))
"""
RUN_MAIN = """
import fitcli.cli
for argv in {argvs!r}:
    sys.argv = ["fit", *argv]
    try:
        fitcli.cli.main()
    except SystemExit as exc:
        print("EXIT", exc.code)
"""


def _probe(tmp_path: Path, setup: str) -> str:
    code = PROBE.format(setup=setup, heavy=HEAVY)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=_env(tmp_path), timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_import_cli_loads_neither_rich_nor_plotext(tmp_path: Path) -> None:
    assert _probe(tmp_path, "import fitcli.cli").splitlines()[-1] == "LOADED="


@pytest.mark.slow
def test_logging_scores_never_loads_rich_or_plotext(tmp_path: Path) -> None:
    argvs = [
        ["client", "add", "C1", "--start", "2026-06-01"],
        ["ors", "C1", "4.5", "6", "5,5", "7", "--date", "2026-06-02"],
        ["srs", "C1", "9", "9", "9", "9", "--json"],
        ["ors", "C1", "--total", "20"],
        ["ors", "C1", "5", "5", "5", "5", "--session", "1"],
        ["ors", "C1", "11", "1", "1", "1"],          # refused: the error path too
        ["ors", "NOPE", "1", "1", "1", "1"],
        ["ors", "C1", "1", "1", "--bogus"],
        ["store", "path"],
    ]
    out = _probe(tmp_path, RUN_MAIN.format(argvs=argvs))
    codes = [int(line.split()[1]) for line in out.splitlines() if line.startswith("EXIT")]
    assert codes == [0, 0, 0, 0, 0, 4, 3, 2, 0]
    assert out.splitlines()[-1] == "LOADED="


@pytest.mark.parametrize("args", [
    pytest.param(("ors",), id="missing-id"),
    pytest.param(("ors", "C1", "1", "1", "1", "1", "--date"), id="option-without-value"),
    pytest.param(("ors", "C1", "1", "1", "1", "1", "--session", "x"), id="bad-session"),
    pytest.param(("nosuch",), id="unknown-command"),
    pytest.param(("client", "nosuch"), id="unknown-subcommand"),
    pytest.param(("client", "add", "C1", "--age-group", "x"), id="bad-choice"),
    pytest.param(("--lang", "xx", "client", "list"), id="bad-language"),
    pytest.param(("client", "show", "A", "B"), id="extra-argument"),
])
def test_usage_errors_are_one_line(fit: Fit, args: tuple[str, ...]) -> None:
    result = fit(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ")
    assert "Value error" not in line and "Traceback" not in line


def test_group_without_command_shows_help(fit: Fit) -> None:
    result = fit("client")
    assert result.exit_code == 2
    assert "Usage: fit client" in result.stdout
    assert "Error" not in result.stderr


def test_bad_fit_today_is_a_usage_error(fit: Fit) -> None:
    ok(fit("client", "add", "C1"))
    result = fit("ors", "C1", "1", "1", "1", "1", env={"FIT_TODAY": "soon"})
    assert result.exit_code == 2
    assert result.stderr == ("Error: 'soon' is not a date; write it as YYYY-MM-DD or "
                             "DD.MM.YYYY, e.g. 2026-03-14 or 14.03.2026.\n")


def test_internal_error_is_one_line_without_client_data(fit: Fit,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from fitcli.model import meetings

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret client data")

    ok(fit("client", "add", "C1"))
    monkeypatch.setattr(meetings, "record", boom)
    result = fit("ors", "C1", "1", "1", "1", "1")
    assert result.exit_code == errors.EXIT_INTERNAL
    assert result.stderr == ("Error: unexpected internal error (RuntimeError); nothing more was "
                             "written. Run again with FIT_DEBUG=1 for details and report it.\n")


def test_exit_codes_match_the_docs() -> None:
    readme = (ROOT / "docs" / "exit-codes.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| (\d+) \| ([^|]+) \|$", readme, flags=re.M))
    assert {int(code) for code in table} >= {
        errors.EXIT_OK, errors.EXIT_FLAGS_FOUND, errors.EXIT_USAGE, errors.EXIT_NOT_FOUND,
        errors.EXIT_INVALID_DATA, errors.EXIT_STORE, errors.EXIT_INTERNAL, 130}
    assert (errors.UsageProblem.exit_code, errors.NotFound.exit_code,
            errors.InvalidData.exit_code, errors.StoreProblem.exit_code) == (2, 3, 4, 5)


FORMATS_MAY_IMPORT = ("fitcli.formats", "fitcli.model", "fitcli.errors", "fitcli.i18n")


def _fitcli_imports(path: Path) -> set[str]:
    """The fitcli modules a source file imports, at its top or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in ("fitcli", "rich", "plotext")}


@pytest.mark.parametrize("module", sorted(
    p.name for p in (ROOT / "src" / "fitcli" / "formats").glob("*.py")))
def test_formats_read_and_write_with_the_model_alone(module: str) -> None:
    """formats/ never reaches for the screen (render, rich), the store or the commands."""
    imported = _fitcli_imports(ROOT / "src" / "fitcli" / "formats" / module)
    assert {name for name in imported if not name.startswith(FORMATS_MAY_IMPORT)} == set()
def test_importing_fitcli_leaves_the_environment_alone(tmp_path: Path) -> None:
    """A library import changes nothing of its host; the `fit` program itself keeps
    pydantic plugins away from the client records."""
    env = _env(tmp_path)
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    code = ("import os; before = dict(os.environ); import fitcli.cli; "
            "print(dict(os.environ) == before)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.stdout == "True\n", done.stderr
    program = ("import atexit, os, sys; atexit.register(lambda: print('PLUGINS=' + "
               "os.environ.get('PYDANTIC_DISABLE_PLUGINS', ''))); sys.argv = ['fit', "
               "'--version']; from fitcli._entry import main; main()")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.stdout.splitlines()[-1] == "PLUGINS=__all__", done.stderr


def test_every_command_reports_its_usage_errors_in_the_users_language() -> None:
    """Each group and command is one of ours (so an unknown command, extra arguments and a
    bare group are worded from the catalogue), whichever way it was declared."""
    import typer

    from fitcli.app.group import FitCommand, FitGroup
    from fitcli.cli import COMMANDS, app

    root = typer.main.get_command(app)
    ctx = typer.Context(root)
    assert isinstance(root, FitGroup)
    for name in COMMANDS:
        command = root.get_command(ctx, name)  # type: ignore[attr-defined]
        subs = getattr(command, "commands", {})
        assert isinstance(command, FitGroup if subs else FitCommand), name
        for sub_name, sub in subs.items():
            assert isinstance(sub, FitCommand), (name, sub_name)


def test_no_private_parts_of_other_packages() -> None:
    """Typer's vendored parser (typer._click) is private: its classes are never imported or
    recognised by name, its English sentences never matched."""
    for path in sorted((ROOT / "src" / "fitcli").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for private in ("typer._click", "type(exc).__name__ ==", "type_descriptor",
                        "Got unexpected extra", "No such command"):
            assert private not in text, (path.name, private)


@pytest.mark.parametrize("text", ["postgresql://a@db/fit", " POSTGRES://x", "/tmp/store",
                                  "postgresqlx://y", "C:\\fit", ""])
def test_a_database_url_is_known_without_loading_the_database_store(text: str) -> None:
    """Every command asks whether its store is a database; on a folder that must not cost
    the database module (start-up of `fit ors`), and the answer is the database store's."""
    from fitcli.store import is_database_url
    from fitcli.store.database import is_url

    assert is_database_url(text) == is_url(text)
    code = ("import sys; from fitcli.store import is_database_url; "
            f"is_database_url({text!r}); print('fitcli.store.database' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout == "False\n", done.stderr


def test_nothing_imports_a_command_but_the_root() -> None:
    """A command's module is loaded only when it runs: only cli.py names them (the
    plumbing lives in app/, the work in services/)."""
    for path in sorted((ROOT / "src" / "fitcli").rglob("*.py")):
        if path.parent.name == "commands" or path.name == "cli.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert "fitcli.commands" not in text, path.relative_to(ROOT)


@pytest.mark.parametrize("module", sorted(
    [f"commands/{p.name}" for p in (ROOT / "src" / "fitcli" / "commands").glob("*.py")
     if p.name != "__init__.py"] + ["cli.py", "app/params.py"]))
def test_modules_typer_reads_keep_their_annotations_evaluated(module: str) -> None:
    """Typer would eval every postponed annotation on every start (commands/__init__)."""
    text = (ROOT / "src" / "fitcli" / module).read_text(encoding="utf-8")
    assert "from __future__ import annotations" not in text


def test_logging_a_score_imports_only_what_it_uses(tmp_path: Path) -> None:
    """`fit ors` imports its own command and what logging needs: no other command, no
    import/export format, no batch planner, no database driver, no spreadsheet library."""
    def run(*argvs: list[str]) -> list[str]:
        code = "import sys\n" + RUN_MAIN.format(argvs=list(argvs)) + (
            "print('ALL=' + ','.join(sorted(sys.modules)))")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env=_env(tmp_path), timeout=60)
        assert done.returncode == 0 and "EXIT 0" in done.stdout.splitlines(), done.stderr
        return done.stdout.splitlines()[-1].removeprefix("ALL=").split(",")

    run(["client", "add", "C1", "--start", "2026-06-01"])
    loaded = run(["ors", "C1", "4.5", "6", "5,5", "7", "--date", "2026-06-02"])
    assert {m for m in loaded if m.startswith("fitcli.commands.")} == {"fitcli.commands.scores"}
    unwanted = ("fitcli.formats.reading", "fitcli.formats.csv", "fitcli.formats.backup",
                "fitcli.model.batch", "fitcli.store.batch", "fitcli.services.importing",
                "fitcli.store.database", "psycopg", "openpyxl", "python_calamine", "rich",
                "plotext")
    assert [m for m in unwanted if m in loaded] == []
