"""`fit import`: meetings in from a file (CSV, Excel, JSON Lines, a backup), all or none.

Import checks every row of the file first, keeping only where each client's rows are; then
it plans one client at a time (its rows read again, its stored version loaded) and hands
each plan to the store, which writes it as a temp file; only when every client is planned
without a problem does the store take every client's lock and replace the client files (see
``_write``). A problem in any client, a full disk or a held lock changes nothing, a crash
leaves every file whole, and running the same import again completes it without duplicates.
"""

import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from fitcli.app.context import no_cyclic_gc, now, store, today
from fitcli.app.output import echo, emit_json, fail_line
from fitcli.app.params import JsonOpt
from fitcli.errors import InvalidData, StoreProblem, UsageProblem
from fitcli.formats.naming import ImportFormat
from fitcli.i18n import DEFAULT, in_language, t
from fitcli.model import batch
from fitcli.model.scores import AgeGroup
from fitcli.render.safe import printable
from fitcli.store import (
    ClientStore,
)

if TYPE_CHECKING:  # the planner is imported only when an import runs
    from fitcli.services.importing import Planner

REPORT_LIMIT = 20  # bad rows listed one by one; the rest are counted
PROGRESS_MIN_ROWS = 5000  # smaller files finish before a bar would help
STDIN = "-"

FormatOpt = Annotated[ImportFormat | None, typer.Option(
    "--format", metavar="TEXT", case_sensitive=False, show_default=False,
    help="csv, jsonl, json, xlsx (also .xls, .ods), openfit or camcops (default: detected "
         "from the content).")]
SheetOpt = Annotated[str | None, typer.Option(
    "--sheet", metavar="NAME", show_default=False,
    help="The workbook's sheet to read (default: the first).")]
EncodingOpt = Annotated[str | None, typer.Option(
    "--encoding", metavar="NAME", show_default=False,
    help="The text file's encoding, e.g. cp1252 (default: UTF-8, else the Windows code "
         "page of Nordic Excel when the text reads right in it).")]
MapOpt = Annotated[Path | None, typer.Option(
    "--map", metavar="FILE", show_default=False,
    help="A TOML file naming which column holds which field, for any other sheet "
         "(see docs/import-export.md); --dry-run shows it applied to the first rows.")]


def _show_columns(wanted: bool) -> None:
    if wanted:
        from fitcli.render.columns import listing

        echo(listing())
        raise typer.Exit()


ColumnsOpt = Annotated[bool, typer.Option(
    "--columns", is_eager=True, callback=_show_columns,
    help="List the column names the import understands, per field, and exit.")]



def _read_input(source: str) -> tuple[str, bytes]:
    if source == STDIN:
        if sys.stdin.isatty():  # nothing piped in: waiting for typed CSV would look like a hang
            raise UsageProblem("import.error.stdin_tty")
        stream = getattr(sys.stdin, "buffer", None)
        data = stream.read() if stream is not None else sys.stdin.read().encode("utf-8")
        return "stdin", data
    path = Path(source).expanduser()
    try:
        return str(path), path.read_bytes()
    except FileNotFoundError:
        raise UsageProblem("import.error.no_file", path=str(path)) from None
    except OSError as exc:
        raise UsageProblem("import.error.unreadable", path=str(path),
                           reason=exc.strerror or str(exc)) from None


def problem_text(problem: batch.Problem) -> str:
    reason = t(problem.key, **problem.params)
    if problem.line is None:
        return t("import.problem_at", where=problem.column, reason=reason)
    if problem.column:
        return t("import.problem", line=problem.line, column=problem.column, reason=reason)
    return t("import.problem_row", line=problem.line, reason=reason)


def problem_dict(problem: batch.Problem) -> dict[str, Any]:
    """One problem for --json: the message in English, so JSON is the same in every language."""
    with in_language(DEFAULT):
        message = t(problem.key, **problem.params)
    return {"line": problem.line, "column": problem.column or None, "error": problem.key,
            "message": message}


def _refuse(problems: list[batch.Problem], source: str, as_json: bool) -> InvalidData:
    if as_json:
        emit_json({"file": source, "ok": False, "problem_count": len(problems),
                   "problems": [problem_dict(p) for p in problems]})
    else:
        for problem in problems[:REPORT_LIMIT]:
            sys.stderr.write(printable(problem_text(problem)) + "\n")
        if len(problems) > REPORT_LIMIT:
            sys.stderr.write(t("import.more_problems", count=len(problems) - REPORT_LIMIT) + "\n")
    return InvalidData("import.error.refused", count=len(problems))


def import_cmd(
    source: Annotated[str, typer.Argument(
        metavar="FILE", show_default=False,
        help="CSV, Excel workbook, JSON Lines or a full-backup JSON file; '-' reads "
             "standard input.")],
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Check everything and report what would change; write nothing.")
    ] = False,
    create_clients: Annotated[bool, typer.Option(
        "--create-clients", help="Add clients the store does not have yet (else an error).")
    ] = False,
    age_group: Annotated[AgeGroup | None, typer.Option(
        "--age-group", metavar="TEXT", case_sensitive=False, show_default=False,
        help="Age group of created clients when the file has no age_group column "
             "(default: adult).")] = None,
    replace: Annotated[bool, typer.Option(
        "--replace", help="Correct meetings whose scores differ from the file (old values "
                          "stay in the correction history); without it they are refused.")
    ] = False,
    fmt: FormatOpt = None,
    sheet: SheetOpt = None,
    encoding: EncodingOpt = None,
    mapping: MapOpt = None,
    columns: ColumnsOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Import meetings from CSV (, ; or tab), Excel, JSON Lines or a backup; all or none.

    CSV or workbook: one row per meeting with columns client, date, ors1-ors4, srs1-srs4 (or
    ors_total, srs_total), optional session, rater, age_group; Norwegian, Danish and Swedish
    column names work too (fit import --columns lists them). OpenFIT and CamCOPS files are
    recognised; map any other sheet with --map. Exit 4 with every bad row listed if anything
    is wrong.

    Example: fit import scores.csv --create-clients --dry-run
    """
    with no_cyclic_gc():
        _import(source, dry_run, create_clients, age_group, replace, fmt, as_json,
                _Reading(sheet, encoding, mapping))


@dataclass(frozen=True)
class _Reading:
    """How to read the file: the workbook's sheet, the text's encoding, a column mapping."""

    sheet: str | None = None
    encoding: str | None = None
    mapping: Path | None = None


def _import(source: str, dry_run: bool, create_clients: bool, age_group: AgeGroup | None,
            replace: bool, fmt: ImportFormat | None, as_json: bool,
            reading: _Reading | None = None) -> None:
    reading = reading or _Reading()
    from fitcli.formats import mapping as column_mapping
    from fitcli.formats import source as import_source
    from fitcli.services.importing import Planner

    mapped = column_mapping.load(reading.mapping) if reading.mapping is not None else None
    name, data = _read_input(source)
    # a terminal gets a spinner while checking and a bar while writing, for large files only
    on_terminal = sys.stderr.isatty() and data.count(b"\n") > PROGRESS_MIN_ROWS
    from fitcli.render.progress import status

    with status(t("import.checking", file=name), on_terminal):
        read = import_source.read(data, fmt, reading.sheet, reading.encoding, mapped)
        del data  # a backup keeps its bytes in ``read``; a text file is held as text
        parsed = read.parsed
        st = store(create=create_clients or parsed.format == "json")  # a backup makes clients
        options = batch.Options(create_clients=create_clients, age_group=age_group,
                                replace=replace)

        def verdict(planner: Planner) -> None:
            """Once every client is planned: a stored client that cannot be read, or any
            problem of the file, refuses the whole import (nothing written)."""
            for _, problem in planner.broken[:-1]:
                fail_line(t(problem.key, **problem.params))
            if planner.broken:
                raise planner.broken[-1][1]
            if read.mapped and dry_run and not as_json:
                from fitcli.render.columns import mapping_preview

                echo(mapping_preview(str(reading.mapping), read.mapped, read.preview))
            for key, count in read.notes.items():  # how the file was read, where fit chose
                sys.stderr.write(t(key, count=count) + "\n")
            unknown = import_source.unknown_clients(parsed, planner.known, create_clients)
            problems = sorted(parsed.problems + planner.problems + unknown + planner.flaws,
                              key=batch.Problem.sort_key)
            if problems:
                raise _refuse(problems, name, as_json)
            if parsed.ignored_columns:
                sys.stderr.write(printable(t("import.ignored_columns",
                                             columns=", ".join(parsed.ignored_columns))) + "\n")

        planner = Planner(st, parsed, options, today=today(), now=now(),
                          extra_keys=import_source.unread_keys(parsed), verdict=verdict)
        if dry_run:
            for _ in planner.plans():
                pass
    if not dry_run:
        _write(st, planner, on_terminal)

    counts = planner.counts
    if as_json:
        emit_json({"file": name, "ok": True, "format": parsed.format,
                   "delimiter": parsed.delimiter, "rows": parsed.lines, "dry_run": dry_run,
                   **asdict(counts), "ignored_columns": parsed.ignored_columns,
                   "encoding": read.encoding})
        return
    changes = counts.clients_created + counts.meetings_added + counts.meetings_completed \
        + counts.replaced
    if not changes:
        echo(t("import.nothing_new" if counts.skipped else "import.no_rows",
               skipped=counts.skipped, file=name))
        return
    echo(t("import.dry_run" if dry_run else "import.done", file=name, **asdict(counts)))


def _write(st: ClientStore, planner: "Planner", show_bar: bool) -> None:
    """Every client planned and written by the store as it is planned, all or nothing (see
    store/batch.py): a problem found in any client, however late, writes nothing."""
    from fitcli.render.progress import bar

    plans = planner.plans()
    with bar(len(planner.parsed.keys), t("import.progress"), show_bar) as tick:
        planner.tick = tick
        try:
            st.write_batch(plans, progress=tick, replan=planner.replan)
        except StoreProblem:
            if planner.finished:
                raise
            # the disk failed while planning went on: a problem of the file still refuses
            # the import first (as when everything was checked before writing)
            planner.writing = False
            for _ in plans:
                pass
            raise

