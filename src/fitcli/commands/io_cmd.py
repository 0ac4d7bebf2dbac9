"""`fit import` and `fit export`: meetings in and out in batches (CSV, JSON Lines, backup).

Import checks the whole file first and writes nothing if any row is wrong; then it writes
one client at a time (one atomic write each, under the client's lock), so a crash leaves
every file whole and running the same import again completes it without duplicates.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from fitcli import tabular
from fitcli.commands._common import echo, emit_json, fail_line, now, store, today
from fitcli.commands._params import JsonOpt
from fitcli.errors import InvalidData, StoreProblem, UsageProblem
from fitcli.i18n import DEFAULT, in_language, t
from fitcli.model import batch
from fitcli.model.ids import id_key
from fitcli.model.scores import AgeGroup, Client
from fitcli.store import (
    Store,
    atomic_write,
    encode,
    filesystem_syncer,
    stale_temps_by_file,
    write_temp,
)

REPORT_LIMIT = 20  # bad rows listed one by one; the rest are counted
PROGRESS_MIN_ROWS = 5000  # smaller files finish before a bar would help
STDIN = "-"
WRITERS = 8  # client files written at once: fsync waits overlap (the disk batches them)
BATCH_SYNC = True  # one file-system sync for a batch where it is trusted (tests turn it off)
# Below this many clients an fsync each (~0.3 ms) costs less than a sync of everything the
# file system has waiting, which may include other programs' unwritten data.
BATCH_SYNC_MIN_CLIENTS = 200

FormatOpt = Annotated[Literal["csv", "jsonl", "json"] | None, typer.Option(
    "--format", case_sensitive=False, show_default=False,
    help="csv, jsonl or json (default: detected from the content).")]


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Batch jobs build hundreds of thousands of small objects without reference cycles;
    refcounting frees them, and the cyclic collector's passes cost ~20% of the run."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# -- import ---------------------------------------------------------------------------------
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


def _existing(st: Store, keys: set[str]) -> dict[str, Client]:
    """The stored clients the file names, by id_key; unreadable files stop the import."""
    spelled = {id_key(known): known for known in st.ids()}
    wanted = [spelled[k] for k in keys if k in spelled]
    clients: dict[str, Client] = {}
    broken: list[StoreProblem] = []
    for entry in st.entries(sorted(wanted)):
        if entry.client is not None:
            clients[id_key(entry.client.id)] = entry.client
        elif entry.problem is not None:
            broken.append(entry.problem)
    for problem in broken[:-1]:
        fail_line(t(problem.key, **problem.params))
    if broken:
        raise broken[-1]
    return clients


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
            sys.stderr.write(problem_text(problem) + "\n")
        if len(problems) > REPORT_LIMIT:
            sys.stderr.write(t("import.more_problems", count=len(problems) - REPORT_LIMIT) + "\n")
    return InvalidData("import.error.refused", count=len(problems))


@dataclass(frozen=True)
class _Job:
    """One client to write, prepared before any writer starts: its file, and the encoded
    texts of the client as planned and as read (so a writer holds the lock for I/O only)."""

    client_id: str
    path: Path
    data: bytes
    base_data: bytes | None  # encode(write.base); None: the client is new (no file expected)
    write: batch.ClientPlan
    stale: list[Path]


def _prepare(st: Store, writes: list[batch.ClientPlan],
             stale: dict[str, list[Path]]) -> list[_Job]:
    jobs = []
    for write in writes:
        client_id = write.result.id if write.base is None else write.base.id
        base = None if write.base is None else encode(write.base)
        jobs.append(_Job(client_id, st.path_for(client_id),
                         encode(write.result), base, write,
                         stale.get(f"{write.result.id}.json", [])))
    return jobs


def _unchanged(st: Store, job: _Job) -> bool:
    """The client's file is as planned from: absent for a new client, else the same text
    (a cheap byte comparison; a file differing only in layout is read and compared)."""
    try:
        stored = job.path.read_bytes()
    except FileNotFoundError:
        return job.base_data is None
    except OSError:
        stored = None  # st.load below reports it
    if job.base_data is None:
        return False
    if stored == job.base_data:
        return True
    return st.load(job.client_id) == job.write.base


def _replanned(st: Store, job: _Job, rows: list[batch.Row], template: batch.Template | None,
               options: batch.Options) -> bytes | None:
    """Under the client's lock: what to write (None: nothing). Another fit process may have
    written the client since it was planned: then it is planned again from the file."""
    if _unchanged(st, job):
        return job.data
    current = st.load(job.client_id) if job.path.exists() else None
    redone, _, problems = batch.plan_client(current, template, rows, today=today(), now=now(),
                                            options=options)
    if problems:
        raise InvalidData("import.error.changed_meanwhile", client=job.client_id)
    return None if redone is None else encode(redone.result)


def _write_one(st: Store, job: _Job, rows: list[batch.Row], template: batch.Template | None,
               options: batch.Options) -> None:
    """One atomic write of one client under its lock (re-planned if it changed meanwhile)."""
    with st.batch_lock(job.client_id):
        data = _replanned(st, job, rows, template, options)
        if data is not None:
            st.write_file(job.path, data, sync_dir=False, stale=job.stale)


def _write(st: Store, plan: batch.Plan, rows: dict[str, list[batch.Row]],
           templates: dict[str, batch.Template], options: batch.Options, show_bar: bool) -> None:
    """Write every planned client, each in one atomic write under its own lock (so a crash
    at any moment leaves every file whole), and one folder fsync at the end. Everything
    needing Python (encoding, paths, folders) is done first."""
    from fitcli.render.progress import bar

    st.prepare_batch()
    jobs = _prepare(st, plan.writes, stale_temps_by_file(st.clients_dir))
    try:
        with bar(len(jobs), t("import.progress"), show_bar) as tick:
            large = BATCH_SYNC and len(jobs) >= BATCH_SYNC_MIN_CLIENTS
            syncer = filesystem_syncer(st.clients_dir) if large else None
            if syncer is not None:
                _write_synced(st, jobs, syncer, rows, templates, options, tick)
            else:
                _write_each(st, jobs, rows, templates, options, tick)
    finally:
        st.sync()


def _write_synced(st: Store, jobs: list[_Job], syncer: Callable[[], None],
                  rows: dict[str, list[batch.Row]], templates: dict[str, batch.Template],
                  options: batch.Options, tick: Callable[[float], None]) -> None:
    """Where the file system can be synced in one call (``filesystem_syncer``): every new
    file is written as a temp file, one sync makes them all durable (the work of an fsync
    each, ~5-10x faster), then each replaces its client file under the client's lock. Before
    the renames nothing a reader sees has changed; a crash leaves old or new files, whole,
    and temp files that the client's next write (or a re-run) removes."""
    temps: list[Path | None] = []
    try:
        for job in jobs:
            temps.append(write_temp(job.path, job.data))
            tick(0.5)  # half of a client's work: the bar is halfway when the sync starts
        syncer()
        for index, job in enumerate(jobs):
            with st.batch_lock(job.client_id):
                data = _replanned(st, job, rows.get(job.write.key, []),
                                  templates.get(job.write.key), options)
                tmp = temps[index]
                assert tmp is not None
                if data is job.data and tmp.exists():  # as planned: the synced temp file
                    st.replace_with_temp(tmp, job.path, job.stale)
                else:  # planned again (or the temp file was taken for a dead writer's by
                    # another fit that held this lock before us): written on its own
                    tmp.unlink(missing_ok=True)
                    if data is not None:
                        st.write_file(job.path, data, sync_dir=False, stale=job.stale)
                temps[index] = None
            tick(0.5)
    except OSError as exc:  # writing a temp file or the sync: nothing was replaced
        raise StoreProblem("error.store_unwritable", path=str(st.clients_dir),
                           reason=exc.strerror or str(exc)) from None
    finally:  # on an error or Ctrl-C: clients not replaced yet stay as they were
        for tmp in temps:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    tmp.unlink()


def _write_each(st: Store, jobs: list[_Job], rows: dict[str, list[batch.Row]],
                templates: dict[str, batch.Template], options: batch.Options,
                tick: Callable[[float], None]) -> None:
    """An fsync for every client file. The writes wait on fsync, not on Python, so a few run
    at once; the writers take jobs from one shared list (no future per client: waiting on
    10,000 futures costs this thread more GIL time than the writing does)."""
    import threading

    pending = iter(jobs)
    taking = threading.Lock()
    failures: list[BaseException] = []
    written: list[int] = []  # one entry per client written (list.append is atomic)
    stop = threading.Event()  # a failure or Ctrl-C: writers finish their current client only

    def writer() -> None:
        while not stop.is_set():
            with taking:
                job = next(pending, None)
            if job is None:
                return
            try:
                _write_one(st, job, rows.get(job.write.key, []), templates.get(job.write.key),
                           options)
            except BaseException as exc:  # reported by the main thread, which stops the rest
                failures.append(exc)
                stop.set()
                return
            written.append(1)

    threads = [threading.Thread(target=writer, daemon=True)
               for _ in range(min(WRITERS, len(jobs)))]
    try:
        for thread in threads:
            thread.start()
        shown = 0
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)
                count = len(written)
                tick(count - shown)
                shown = count
    finally:
        # on an error or Ctrl-C, clients not started yet are not written; a re-run does them
        stop.set()
        for thread in threads:
            thread.join()
    if failures:
        raise failures[0]  # a failed write stops the import (the others stay whole)


def import_cmd(
    source: Annotated[str, typer.Argument(
        metavar="FILE", show_default=False,
        help="CSV, JSON Lines or a full-backup JSON file; '-' reads standard input.")],
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Check everything and report what would change; write nothing.")
    ] = False,
    create_clients: Annotated[bool, typer.Option(
        "--create-clients", help="Add clients the store does not have yet (else an error).")
    ] = False,
    age_group: Annotated[AgeGroup | None, typer.Option(
        "--age-group", case_sensitive=False, show_default=False,
        help="Age group of created clients when the file has no age_group column "
             "(default: adult).")] = None,
    replace: Annotated[bool, typer.Option(
        "--replace", help="Correct meetings whose scores differ from the file (old values "
                          "stay in the correction history); without it they are refused.")
    ] = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import meetings from CSV (, ; or tab), JSON Lines or a backup; all rows or none.

    CSV: one row per meeting with columns client, date, ors1-ors4, srs1-srs4 (or ors_total,
    srs_total), optional session, rater, age_group; Norwegian, Danish and Swedish column
    names work too (see the README). Exit 4 with every bad row listed if anything is wrong.

    Example: fit import scores.csv --create-clients --dry-run
    """
    with _no_cyclic_gc():
        _import(source, dry_run, create_clients, age_group, replace, fmt, as_json)


def _import(source: str, dry_run: bool, create_clients: bool, age_group: AgeGroup | None,
            replace: bool, fmt: tabular.Format | None, as_json: bool) -> None:
    name, data = _read_input(source)
    # a terminal gets a spinner while checking and a bar while writing, for large files only
    on_terminal = sys.stderr.isatty() and data.count(b"\n") > PROGRESS_MIN_ROWS
    from fitcli.render.progress import status

    with status(t("import.checking", file=name), on_terminal):
        parsed = tabular.parse(tabular.decode(data), fmt)
        st = store(create=create_clients or parsed.format == "json")  # a backup makes clients
        keys = {id_key(r.client) for r in parsed.rows} | set(parsed.templates)
        existing = _existing(st, keys)
        options = batch.Options(create_clients=create_clients, age_group=age_group,
                                replace=replace)
        plan = batch.plan(parsed.rows, existing, today=today(), now=now(), options=options,
                          templates=parsed.templates)
    problems = sorted(parsed.problems + plan.problems, key=batch.Problem.sort_key)
    if problems:
        raise _refuse(problems, name, as_json)
    if parsed.ignored_columns:
        sys.stderr.write(t("import.ignored_columns",
                           columns=", ".join(parsed.ignored_columns)) + "\n")

    if not dry_run and plan.writes:
        rows: dict[str, list[batch.Row]] = {}
        for row in parsed.rows:
            rows.setdefault(id_key(row.client), []).append(row)
        _write(st, plan, rows, parsed.templates, options, on_terminal)

    counts = plan.counts
    if as_json:
        emit_json({"file": name, "ok": True, "format": parsed.format,
                   "delimiter": parsed.delimiter, "rows": parsed.lines, "dry_run": dry_run,
                   **asdict(counts), "ignored_columns": parsed.ignored_columns})
        return
    changes = counts.clients_created + counts.meetings_added + counts.meetings_completed \
        + counts.replaced
    if not changes:
        echo(t("import.nothing_new" if counts.skipped else "import.no_rows",
               skipped=counts.skipped, file=name))
        return
    echo(t("import.dry_run" if dry_run else "import.done", file=name, **asdict(counts)))


# -- export ---------------------------------------------------------------------------------
def _export_text(st: Store, ids: list[str] | None, open_only: bool,
                 fmt: tabular.Format) -> tuple[bytes, int, int]:
    """The export (UTF-8) and its counts (clients, meetings); unreadable files stop it."""
    from fitcli.commands import _exportwork
    from fitcli.render.export import layout

    exported_at = now().isoformat()
    # --client: resolve each ID like every command does (case, not found: exit 3)
    wanted = [st.load(client_id).id for client_id in ids] if ids else None
    done = _exportwork.run(_exportwork.Job(st.root, fmt, exported_at, open_only), wanted)
    broken = [StoreProblem(key, **params) for key, params in done.problems]
    for problem in broken[:-1]:
        fail_line(t(problem.key, **problem.params))
    if broken:  # an export is a backup: never a silently incomplete one
        raise broken[-1]
    return layout(fmt, exported_at).join(done.pieces), len(done.pieces), done.meetings


def _format_for(fmt: tabular.Format | None, output: Path | None) -> tabular.Format:
    if fmt is not None:
        return fmt
    suffix = output.suffix.lower().lstrip(".") if output else ""
    return next((f for f in tabular.FORMATS if f == suffix), "csv")


def export_cmd(
    fmt: Annotated[Literal["csv", "jsonl", "json"] | None, typer.Option(
        "--format", case_sensitive=False, show_default=False,
        help="csv (one row per meeting, the import format), jsonl (one JSON object per "
             "meeting) or json (full backup: details, closings, corrections). Default: from "
             "the --output name, else csv.")] = None,
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
    with _no_cyclic_gc():
        _export(fmt, output, force, clients, every, open_only)


def _export(fmt: tabular.Format | None, output: Path | None, force: bool,
            clients: list[str] | None, every: bool, open_only: bool) -> None:
    if clients and (every or open_only):
        raise UsageProblem("export.error.selection")
    chosen = _format_for(fmt, output)
    target = None if output is None or str(output) == STDIN else output.expanduser()
    if target is not None and target.exists() and not force:
        raise UsageProblem("export.error.exists", path=str(target))
    data, exported, meetings = _export_text(store(), clients, open_only, chosen)
    if target is None:
        # into a file or a pipe: UTF-8 with "\n" line ends on every platform (a Windows
        # stdout would otherwise encode in the locale's code page); a terminal gets text
        raw = getattr(sys.stdout, "buffer", None)
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

