"""`fit store ...`: where the client records are kept."""

import typer

from fitcli.commands import _common
from fitcli.commands._common import check_store_folder, echo
from fitcli.i18n import t

app = typer.Typer(no_args_is_help=True, help="Where the client records are kept."
                  "\n\nExample: fit store path")


@app.command("path")
def path() -> None:
    """Print the store folder in use (--store, then FIT_STORE, then the user data folder).

    Example: fit store path
    """
    echo(str(_common.RUNTIME.store_dir()))


@app.command("init")
def init() -> None:
    """Create the store folder (private to you) if it does not exist yet.

    Example: fit --store /srv/fit store init
    """
    from fitcli.store import ensure_private_dir

    root = _common.RUNTIME.store_dir()
    check_store_folder(root, create=True)
    existed = root.is_dir()
    ensure_private_dir(root)
    ensure_private_dir(root / "clients", tighten=True)
    echo(t("store.exists" if existed else "store.created", path=str(root)))
