"""`fit export`: every client (or some) as CSV, Excel, JSON Lines, OpenFIT or a full JSON
backup; an export is also a backup, so it is complete or it says it is not (exit 5)."""

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from fitcli.app.context import no_cyclic_gc, now, store
from fitcli.app.output import echo, fail_line
from fitcli.errors import StoreProblem, UsageProblem
from fitcli.formats.naming import ExportFormat, format_for
from fitcli.i18n import t
from fitcli.store import (
    ClientStore,
    atomic_write,
)

STDIN = "-"


def _export_text(st: ClientStore, ids: list[str] | None, open_only: bool,
                 fmt: ExportFormat) -> tuple[bytes, int, int]:
    """The export (UTF-8) and its counts (clients, meetings); unreadable files stop it."""
    from fitcli.formats.layout import layout
    from fitcli.services import export

    exported_at = now().isoformat()
    # --client: resolve each ID like every command does (case, not found: exit 3)
    wanted = [st.load(client_id).id for client_id in ids] if ids else None
    done = export.run(export.Job(st.folder, fmt, exported_at, open_only), wanted, st)
    broken = [StoreProblem(key, **_reason(params)) for key, params in done.problems]
    for problem in broken:
        fail_line(t(problem.key, **problem.params))
    if broken:  # an export is a backup: never a silently incomplete one
        raise StoreProblem("export.error.incomplete", count=len(broken))
    return layout(fmt, exported_at).join(done.pieces), len(done.pieces), done.meetings


def _reason(params: dict[str, Any]) -> dict[str, Any]:
    """A problem's values; a restorability flaw (see model/restorable.py) in words."""
    if "flaw" not in params:
        return params
    reason = t(params["flaw"], **params["flaw_params"])
    return {"path": params["path"], "reason": f"{params['where']}: {reason}"}


def _format_for(fmt: ExportFormat | None, output: Path | None) -> ExportFormat:
    return format_for(fmt, output)


def _check_target(target: Path, force: bool) -> None:
    """An existing --output is replaced only with --force, and only if it is a regular file:
    never a device (/dev/null), a FIFO, a folder or a symbolic link."""
    import stat

    try:
        info = os.lstat(target)
    except (FileNotFoundError, NotADirectoryError):
        return
    except OSError as exc:
        raise StoreProblem("export.error.unwritable", path=str(target),
                           reason=exc.strerror or str(exc)) from None
    if not force:
        raise UsageProblem("export.error.exists", path=str(target))
    if not stat.S_ISREG(info.st_mode):
        raise StoreProblem("export.error.not_regular", path=str(target))


def export_cmd(
    fmt: Annotated[ExportFormat | None, typer.Option(
        "--format", metavar="TEXT", case_sensitive=False, show_default=False,
        help="csv (one row per meeting and rater, the import format, with the episode), "
             "xlsx (an Excel workbook), excel-csv (';', decimal comma, for Nordic Excel), "
             "openfit (OpenFIT's import template), jsonl (one JSON object per meeting) or "
             "json (full backup: details, closings, corrections). Default: from the "
             "--output name, else csv.")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="FILE", show_default=False,
        help="Write to FILE (atomically, private to you) instead of standard output.")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Overwrite FILE if it exists.")] = False,
    clients: Annotated[list[str] | None, typer.Option(
        "--client", metavar="ID", show_default=False,
        help="Export only this client (repeat for more).")] = None,
    every: Annotated[bool, typer.Option(
        "--all", help="Every client, open and closed (the default; say it in scripts).")
    ] = False,
    open_only: Annotated[bool, typer.Option(
        "--open", help="Only open clients.")] = False,
) -> None:
    """Export meetings as CSV or JSON Lines, or the whole store as a JSON backup.

    Every client (open and closed) is exported unless --client or --open narrows it: an
    export is also your backup. 'fit import' reads every format back.

    Example: fit export --format json --output backup.json
    """
    with no_cyclic_gc():
        _export(fmt, output, force, clients, every, open_only)


def _export(fmt: ExportFormat | None, output: Path | None, force: bool,
            clients: list[str] | None, every: bool, open_only: bool) -> None:
    if clients and (every or open_only):
        raise UsageProblem("export.error.selection")
    chosen = _format_for(fmt, output)
    target = None if output is None or str(output) == STDIN else output.expanduser()
    if target is not None:
        _check_target(target, force)
    data, exported, meetings = _export_text(store(), clients, open_only, chosen)
    if target is None:
        # into a file or a pipe: UTF-8 with "\n" line ends on every platform (a Windows
        # stdout would otherwise encode in the locale's code page); a terminal gets text
        raw = getattr(sys.stdout, "buffer", None)
        if chosen == "xlsx" and (raw is None or sys.stdout.isatty()):
            raise UsageProblem("formats.error.xlsx_terminal")
        if raw is None or sys.stdout.isatty():
            sys.stdout.write(data.decode("utf-8"))
            return
        sys.stdout.flush()
        raw.write(data)
        raw.flush()
        return
    try:
        atomic_write(target, data)
    except OSError as exc:
        raise StoreProblem("export.error.unwritable", path=str(target),
                           reason=exc.strerror or str(exc)) from None
    echo(t("export.done", meetings=meetings, clients=exported, path=str(target),
           format=chosen))

