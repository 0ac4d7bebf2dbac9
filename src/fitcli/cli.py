"""The root `fit` command: global options and the sub-commands. No logic here."""

from typing import Annotated

import typer

from fitcli import __version__
from fitcli.commands import (
    client,
    config_cmd,
    demo,
    flags,
    io_cmd,
    meeting,
    report,
    rules,
    scores,
    store_cmd,
    team,
    trend,
)
from fitcli.commands._common import FitGroup, start

app = typer.Typer(
    cls=FitGroup,
    name="fit",
    help="Feedback-Informed Treatment in the terminal: log ORS/SRS, see trends and alerts."
         "\n\nExample: fit ors C001 4.5 6 5,5 7",
    no_args_is_help=True,
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


app.add_typer(client.app, name="client")
app.add_typer(meeting.app, name="meeting")
app.command("ors")(scores.ors)
app.command("srs")(scores.srs)
app.add_typer(store_cmd.app, name="store")
app.add_typer(team.app, name="team")
app.add_typer(config_cmd.app, name="config")
app.command("trend")(trend.trend)
app.command("flags")(flags.flags)
app.command("rules")(rules.rules)
app.command("import")(io_cmd.import_cmd)
app.command("export")(io_cmd.export_cmd)
app.command("report")(report.report_cmd)
app.command("demo")(demo.demo)


def main() -> None:
    app()
