"""The root `fit` command: global options and the sub-commands. No logic here."""

from typing import Annotated

import typer

from fitcli import __version__
from fitcli.app.context import start
from fitcli.app.group import root_group

# Each command's module is imported only when that command runs (or help lists it): `fit ors`
# loads the logging code, not the import parser, the report or the charts.
COMMANDS: dict[str, tuple[str, str]] = {
    "client": ("fitcli.commands.client", "app"),
    "meeting": ("fitcli.commands.meeting", "app"),
    "ors": ("fitcli.commands.scores", "ors"),
    "srs": ("fitcli.commands.scores", "srs"),
    "store": ("fitcli.commands.store", "app"),
    "team": ("fitcli.commands.team", "app"),
    "config": ("fitcli.commands.config", "app"),
    "trend": ("fitcli.commands.trend", "trend"),
    "flags": ("fitcli.commands.flags", "flags"),
    "rules": ("fitcli.commands.rules", "rules"),
    "import": ("fitcli.commands.import_", "import_cmd"),
    "export": ("fitcli.commands.export", "export_cmd"),
    "report": ("fitcli.commands.report", "report_cmd"),
    "demo": ("fitcli.commands.demo", "demo"),
}

app = typer.Typer(
    cls=root_group(COMMANDS),
    name="fit",
    help="Feedback-Informed Treatment in the terminal: log ORS/SRS, see trends and alerts."
         "\n\nExample: fit ors C001 4.5 6 5,5 7",
    no_args_is_help=True,
    invoke_without_command=True,  # so that options without a command are reported below
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: real metavars, rewrapped paragraphs, no rich import
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"fit {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    store: Annotated[str | None, typer.Option(
        "--store", metavar="DIR|URL", show_default=False,
        help="Store folder, or a postgresql:// URL of a team database (default: FIT_STORE, "
             "else the user data folder).")] = None,
    lang: Annotated[str | None, typer.Option(
        "--lang", metavar="CODE", show_default=False,
        help="Language: en, nb, da, sv (default: FIT_LANG, config, system locale).")] = None,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """fit: log ORS and SRS scores after each meeting and see who needs attention."""
    start(store, lang)
    if ctx.invoked_subcommand is None:  # `fit --lang nb` and nothing more
        from fitcli.app.usage import problem

        raise problem(ctx, "usage.missing_command")


def main() -> None:
    app()
