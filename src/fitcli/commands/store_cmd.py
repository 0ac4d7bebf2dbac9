"""`fit store ...`: where the client records are kept."""

import typer

from fitcli.commands._common import echo, store

app = typer.Typer(no_args_is_help=True, help="Where the client records are kept."
                  "\n\nExample: fit store path")


@app.command("path")
def path() -> None:
    """Print the store folder in use (--store, then FIT_STORE, then the user data folder).

    Example: fit store path
    """
    echo(str(store().root))
