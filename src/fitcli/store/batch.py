"""Writing many clients to the folder store, all or nothing as far as a disk allows (the
write of `fit import` and `fit store copy`): temp files first, then every lock, then the
renames. Never prints; raises fitcli.errors."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fitcli.errors import InvalidData, StoreProblem
from fitcli.model.batch import ClientPlan
from fitcli.model.scores import Client
from fitcli.store.codec import encode
from fitcli.store.files import filesystem_syncer, stale_temps_by_file, write_temp

if TYPE_CHECKING:
    from fitcli.store.folder import Store

# Planning a client again under its lock: (the client as stored now, or None; the write as
# first planned) -> the client to write, or None (nothing to write).
Replan = Callable[[Client | None, ClientPlan], Client | None]

REPORT_LIMIT = 20  # clients named one by one in a message; the rest are counted
WRITERS = 8  # client files written at once: fsync waits overlap (the disk batches them)
BATCH_SYNC = True  # one file-system sync for a batch where it is trusted (tests turn it off)
# Below this many clients an fsync each (~0.3 ms) costs less than a sync of everything the
# file system has waiting, which may include other programs' unwritten data.
BATCH_SYNC_MIN_CLIENTS = 200


@dataclass(frozen=True)
class _Job:
    """One client to write, prepared before any writer starts: its file, and the encoded
    texts of the client as planned and as read (so a writer holds the lock for I/O only)."""

    client_id: str
    path: Path
    data: bytes
    base_data: bytes | None  # encode(write.base); None: the client is new (no file expected)
    write: ClientPlan
    stale: list[Path]


def _prepare(st: Store, writes: Sequence[ClientPlan],
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


def _replanned(st: Store, job: _Job, replan: Replan | None) -> bytes | None:
    """Under the client's lock: what to write (None: nothing). Another fit process may have
    written the client since it was planned: then it is planned again from the file (or,
    without ``replan``, the batch stops: nothing written)."""
    if _unchanged(st, job):
        return job.data
    if replan is None:
        raise InvalidData("import.error.changed_meanwhile", client=job.client_id)
    current = st.load(job.client_id) if job.path.exists() else None
    redone = replan(current, job.write)
    return None if redone is None else encode(redone)


def write_batch(st: Store, writes: Sequence[ClientPlan], tick: Callable[[float], None],
                replan: Replan | None) -> int:
    """Write every planned client, all or nothing as far as the disk allows:

    1. every new file is written as a temp file beside its client file and made durable
       (one file-system sync where trusted, else an fsync each, a few at once); a full
       disk or an I/O error here leaves every client as it was;
    2. every client's lock is taken (sorted, so two imports cannot deadlock); one held too
       long by another fit, or a locks folder that cannot be written, leaves every client
       as it was;
    3. under all the locks, a client another fit wrote since the check is planned again
       (a new temp file), still before anything is replaced;
    4. only then each temp file replaces its client file: renames, which do not need free
       space. Should one still fail, the message names the clients already written.

    A crash at any moment leaves every file whole (old or new); temp files it leaves are
    removed by the client's next write or a re-run."""
    st.prepare_batch()
    jobs = _prepare(st, writes, stale_temps_by_file(st.clients_dir))
    temps: dict[int, Path] = {}
    try:
        large = BATCH_SYNC and len(jobs) >= BATCH_SYNC_MIN_CLIENTS
        syncer = filesystem_syncer(st.clients_dir) if large else None
        _write_temps(jobs, temps, syncer, tick)
        if _enough_open_files(len(jobs)):
            with _all_locks(st, jobs):
                final = _replan_all(st, jobs, temps, replan)
                _replace_all(st, jobs, temps, final, tick)
        else:  # more clients than this process may hold files open: a lock at a time
            _replace_one_by_one(st, jobs, temps, replan, tick)
    finally:  # on an error or Ctrl-C: temp files not renamed are removed
        for tmp in temps.values():
            with contextlib.suppress(OSError):
                tmp.unlink()
        st.sync()
    return len(jobs)


def _unwritable(st: Store, exc: OSError) -> StoreProblem:
    return StoreProblem("error.store_unwritable", path=str(st.clients_dir),
                        reason=exc.strerror or str(exc))


def _write_temps(jobs: list[_Job], temps: dict[int, Path],
                 syncer: Callable[[], None] | None, tick: Callable[[float], None]) -> None:
    """Phase 1: every job's temp file, durable. With ``syncer`` (see filesystem_syncer) the
    files are written and then synced in one call; else each is fsynced, a few at once
    (the waits overlap; the disk batches them)."""
    try:
        if syncer is not None:
            for index, job in enumerate(jobs):
                temps[index] = write_temp(job.path, job.data)
                tick(0.5)
            syncer()
            return
        _fsync_each(jobs, temps, tick)
    except OSError as exc:
        raise StoreProblem("error.store_unwritable", path=str(jobs[0].path.parent),
                           reason=exc.strerror or str(exc)) from None


def _fsync_each(jobs: list[_Job], temps: dict[int, Path],
                tick: Callable[[float], None]) -> None:
    import threading

    pending = iter(enumerate(jobs))
    taking = threading.Lock()
    failures: list[BaseException] = []
    stop = threading.Event()

    def writer() -> None:
        while not stop.is_set():
            with taking:
                item = next(pending, None)
            if item is None:
                return
            index, job = item
            try:
                temps[index] = write_temp(job.path, job.data, sync=True)
            except BaseException as exc:  # reported by the main thread
                failures.append(exc)
                stop.set()
                return

    threads = [threading.Thread(target=writer, daemon=True)
               for _ in range(min(WRITERS, len(jobs)))]
    try:
        for thread in threads:
            thread.start()
        shown = 0
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)
                count = len(temps)
                tick((count - shown) / 2)
                shown = count
        tick((len(temps) - shown) / 2)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    if failures:
        raise failures[0]


@contextlib.contextmanager
def _all_locks(st: Store, jobs: list[_Job]) -> Iterator[None]:
    """Phase 2: the locks of every client in the batch, held together (each is an open
    file: the soft limit of open files is raised to the hard one where it is too low)."""
    with contextlib.ExitStack() as held:
        for job in sorted(jobs, key=lambda j: st.lock_path(j.client_id).name):
            held.enter_context(st.lock(job.client_id))
        yield


def _enough_open_files(locks: int) -> bool:
    """Whether this process may hold ``locks`` lock files open at once (raising its soft
    limit of open files towards the hard one where needed)."""
    try:
        import resource
    except ImportError:  # Windows: no such limit on handles
        return True
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = locks + 256  # the interpreter, the store, the progress bar
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return True
    if hard != resource.RLIM_INFINITY and hard < needed:
        return False
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
    except (ValueError, OSError):
        return False
    return True


def _replace_one_by_one(st: Store, jobs: list[_Job], temps: dict[int, Path],
                        replan: Replan | None, tick: Callable[[float], None]) -> None:
    """Phases 2-4 a client at a time, for a batch larger than the open-file limit allows
    to lock at once: a lock held elsewhere can then stop the import part-way, and the
    message names the clients already written."""
    written: list[str] = []
    total = len(jobs)
    for index, job in enumerate(jobs):
        try:
            with st.lock(job.client_id):
                one = {index: temps[index]}
                final = _replan_all(st, [job], one, replan, first=index)
                _replace_all(st, [job], one, final, tick, first=index)
                temps.pop(index, None)
                if index in one:  # not replaced: the caller removes it
                    temps[index] = one[index]
        except StoreProblem as exc:
            if written:
                raise _partial(written, total, exc) from None
            raise
        if final.get(index):
            written.append(job.client_id)


def _partial(written: list[str], total: int, exc: StoreProblem) -> StoreProblem:
    shown = ", ".join(written[:REPORT_LIMIT])
    more = len(written) - REPORT_LIMIT
    from fitcli.i18n import t  # the reason is another problem's message, in the same words

    reason = exc.params.get("reason") or t(exc.key, **exc.params)
    return StoreProblem("import.error.partial", done=len(written), total=total,
                        reason=reason, clients=shown + (f" (+{more})" if more > 0 else ""))


def _replan_all(st: Store, jobs: list[_Job], temps: dict[int, Path], replan: Replan | None,
                first: int = 0) -> dict[int, bool]:
    """Phase 3, under every lock: which jobs to replace (True), with a new temp file for a
    client another fit wrote since it was checked (or whose temp file another fit removed
    as a dead writer's while it held that client's lock)."""
    final: dict[int, bool] = {}
    try:
        for index, job in enumerate(jobs, start=first):
            data = _replanned(st, job, replan)
            tmp = temps[index]
            if data is job.data and tmp.exists():
                final[index] = True
                continue
            tmp.unlink(missing_ok=True)
            del temps[index]
            if data is not None:
                temps[index] = write_temp(job.path, data, sync=True)
            final[index] = data is not None
    except OSError as exc:
        raise _unwritable(st, exc) from None
    return final


def _replace_all(st: Store, jobs: list[_Job], temps: dict[int, Path], final: dict[int, bool],
                 tick: Callable[[float], None], first: int = 0) -> None:
    """Phase 4: the renames. Ctrl+C waits until they are done (a second or two for a large
    batch), so that an interruption never leaves a part; a rename that fails is reported
    with the clients already written."""
    written: list[str] = []
    with _sigint_deferred():
        for index, job in enumerate(jobs, start=first):
            if not final.get(index):
                tick(0.5)
                continue
            try:
                st.replace_with_temp(temps[index], job.path, job.stale)
            except StoreProblem as exc:
                if written:
                    raise _partial(written, sum(final.values()), exc) from None
                raise
            del temps[index]
            written.append(job.client_id)
            tick(0.5)


@contextlib.contextmanager
def _sigint_deferred() -> Iterator[None]:
    """Ctrl+C is held back while the block runs (POSIX, main thread) and acted on after."""
    import signal
    import threading

    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    mask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        mask(signal.SIG_UNBLOCK, {signal.SIGINT})
