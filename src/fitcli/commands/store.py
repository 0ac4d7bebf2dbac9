"""`fit store ...`: where the client records are kept; set up and copy stores."""

from typing import Annotated

import typer

from fitcli.app.context import store
from fitcli.app.group import FitCommand
from fitcli.app.output import echo
from fitcli.i18n import t
from fitcli.store import open_store

app = typer.Typer(no_args_is_help=True, help="Where the client records are kept: show it, set "
                  "up a team database, copy between stores.\n\nExample: fit store path")


@app.command("path", cls=FitCommand)
def path() -> None:
    """Print the store in use: a folder, or a database URL with the password masked
    (--store, then FIT_STORE, then the user data folder).

    Example: fit store path
    """
    echo(store(create=True).describe())  # only says where; creates nothing


@app.command("init", cls=FitCommand)
def init() -> None:
    """Create or upgrade the schema of a team database (run by the database owner).

    Creates the tables, the group roles fitcli_practitioner, fitcli_supervisor and
    fitcli_admin, and the row-level security policies; running it again applies only
    what is missing. A store folder needs no schema: it is just created.

    Example: fit --store postgresql://owner@db.example/fit store init
    """
    st = store(create=True)
    done = st.init()
    if done.version is None:  # a folder: no schema
        echo(t("store.created" if done.created else "store.exists", path=st.describe()))
    elif done.applied:
        echo(t("store.init_done", store=st.describe(), version=done.version,
               applied=", ".join(str(v) for v in done.applied)))
    else:
        echo(t("store.init_current", store=st.describe(), version=done.version))


@app.command("copy", cls=FitCommand)
def copy(
    source: Annotated[str, typer.Argument(metavar="FROM", show_default=False,
                                          help="Store folder or postgresql:// URL to copy.")],
    target: Annotated[str, typer.Argument(metavar="TO", show_default=False,
                                          help="Store folder or postgresql:// URL to copy to.")],
    replace: Annotated[bool, typer.Option(
        "--replace", help="Overwrite clients in TO that differ from FROM.")] = False,
    practitioner: Annotated[str | None, typer.Option(
        "--practitioner", metavar="CODE", show_default=False,
        help="Responsible practitioner of copied clients that have none (into a team "
             "database: your login, to copy your own folder in).")] = None,
) -> None:
    """Copy every client from one store to another (folder or database, either way).

    Clients already identical in TO are left alone, so copying again changes nothing. A
    client that differs in TO is only overwritten with --replace; without it nothing is
    copied. The copy is read back and compared before it is reported done. Clients of TO
    that FROM does not have are left as they are.

    Example: fit store copy ~/fit-data postgresql://anna@db.example/fit --practitioner anna
    """
    from fitcli.app.context import close_store
    from fitcli.model.ids import validate_practitioner
    from fitcli.services.copy import copy_store

    code = None if practitioner is None else validate_practitioner(practitioner)

    src, dst = open_store(_location(source)), open_store(_location(target))
    try:
        copy_store(src, dst, replace, code)
    finally:
        close_store(src)
        close_store(dst)


def _location(raw: str) -> str:
    from pathlib import Path

    from fitcli.store import is_database_url

    return raw.strip() if is_database_url(raw) else str(Path(raw).expanduser().absolute())
