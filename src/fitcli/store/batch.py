"""Writing many clients to the folder store, all or nothing as far as a disk allows (the
write of `fit import` and `fit store copy`): temp files first, then every lock, then the
renames. Never prints; raises fitcli.errors."""

from __future__ import annotations

import contextlib
import hashlib
import os
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fitcli.errors import InvalidData, StoreProblem
from fitcli.model.batch import ClientPlan
from fitcli.model.scores import Client
from fitcli.store.codec import encode
from fitcli.store.files import _POSIX, filesystem_syncer, stale_temps_by_file, write_temp

if TYPE_CHECKING:
    from fitcli.store.folder import Store

# Planning a client again under its lock: (the client as stored now, or None; its ID as
# first planned) -> the client to write, or None (nothing to write).
Replan = Callable[[Client | None, str], Client | None]

REPORT_LIMIT = 20  # clients named one by one in a message; the rest are counted
WRITERS = 8  # client files written at once: fsync waits overlap (the disk batches them)
WRITERS_CHUNK = 256  # files handed to the writers at a time
_NO_STALE: list[Path] = []


@dataclass(slots=True)
class _Job:
    """One client being written, kept small (a batch may hold 100,000): its ID, its temp
    file, and a fingerprint of the client as planned from (the file it must still find
    under the lock); the client itself is planned again if it is needed once more."""

    client_id: str
    base: bytes | None  # fingerprint of encode(write.base); None: new (no file expected)
    stale: list[Path] = field(default_factory=lambda: _NO_STALE)
    tmp: str | None = None


def _fingerprint(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _path(st: Store, job: _Job) -> Path:
    return st.path_for(job.client_id)


def _unchanged(st: Store, job: _Job) -> bool:
    """The client's file is as planned from: absent for a new client, else the same text
    (a cheap comparison; a file differing only in layout is read and compared)."""
    try:
        stored = _path(st, job).read_bytes()
    except FileNotFoundError:
        return job.base is None
    except OSError:
        stored = None  # st.load below reports it
    if job.base is None:
        return False
    if stored is not None and _fingerprint(stored) == job.base:
        return True
    return _fingerprint(encode(st.load(job.client_id))) == job.base


def _replanned(st: Store, job: _Job, replan: Replan | None, have_temp: bool
               ) -> tuple[bool, bytes | None]:
    """Under the client's lock: whether the temp file as written stands, else what to write
    (None: nothing). Another fit process may have written the client since it was planned: then
    it is planned again from the file (or, without ``replan``, the batch stops: nothing
    written). A temp file another fit removed is written again from a new plan."""
    if _unchanged(st, job) and have_temp:
        return True, None
    if replan is None:
        raise InvalidData("import.error.changed_meanwhile", client=job.client_id)
    current = st.load(job.client_id) if _path(st, job).exists() else None
    redone = replan(current, job.client_id)
    return False, None if redone is None else encode(redone)


def write_batch(st: Store, plans: Iterable[ClientPlan], tick: Callable[[float], None],
                replan: Replan | None) -> int:
    """Write every planned client, all or nothing as far as the disk allows:

    1. as each plan arrives, its new file is written as a temp file beside its client file
       (only a small record is kept); all are made durable (one file-system sync where
       trusted, else an fsync each, a few at once); a full disk or an I/O error here, or
       an error raised by ``plans`` itself, leaves every client as it was;
    2. every client's lock is taken (sorted, so two imports cannot deadlock); one held too
       long by another fit, or a locks folder that cannot be written, leaves every client
       as it was;
    3. under all the locks, a client another fit wrote since the check is planned again
       (a new temp file), still before anything is replaced;
    4. only then each temp file replaces its client file: renames, which do not need free
       space. Should one still fail, the message names the clients already written.

    A crash at any moment leaves every file whole (old or new); temp files it leaves are
    removed by the client's next write or a re-run."""
    jobs: list[_Job] = []
    try:
        _write_temps(st, plans, jobs, tick)
        if _enough_open_files(len(jobs)):
            with _all_locks(st, jobs):
                final = _replan_all(st, jobs, replan)
                _replace_all(st, jobs, final, tick)
        else:  # more clients than this process may hold files open: a lock at a time
            _replace_one_by_one(st, jobs, replan, tick)
    finally:  # on an error or Ctrl-C: temp files not renamed are removed
        for job in jobs:
            if job.tmp is not None:
                with contextlib.suppress(OSError):
                    Path(job.tmp).unlink()
        if jobs:
            st.sync()
    return len(jobs)


def _unwritable(st: Store, exc: OSError) -> StoreProblem:
    return StoreProblem("error.store_unwritable", path=str(st.clients_dir),
                        reason=exc.strerror or str(exc))


def _write_temps(st: Store, plans: Iterable[ClientPlan], jobs: list[_Job],
                 tick: Callable[[float], None]) -> None:
    """Phase 1: a temp file for each plan as it arrives, all durable at the end. The first
    ``st.batch_sync_min_clients`` wait in memory: a smaller batch gets an fsync each; a
    larger one, one file-system sync where the platform offers one it trusts (decided by
    ``filesystem_syncer`` alone, from the kernel and the file system: nothing else turns it
    on or off), else an fsync each by a few writer threads at once (the waits overlap; the
    disk batches them)."""
    stale = stale_temps_by_file(st.clients_dir)
    sync_from = st.batch_sync_min_clients
    waiting: list[tuple[_Job, Path, bytes]] = []
    syncer: Callable[[], None] | None = None
    writers: _Writers | None = None
    try:
        try:
            for write in plans:
                if not jobs:  # the folders, once there is something to write
                    st.prepare_batch()
                client_id = write.result.id if write.base is None else write.base.id
                job = _Job(client_id, None if write.base is None else _fingerprint(
                    encode(write.base)), stale.get(f"{write.result.id}.json", _NO_STALE))
                jobs.append(job)
                item = (job, st.path_for(client_id), encode(write.result))
                del write
                if syncer is not None:
                    job.tmp = str(write_temp(item[1], item[2]))
                    tick(0.5)
                elif writers is not None:
                    writers.put(item)
                    tick(0.5)
                else:
                    waiting.append(item)
                    if len(waiting) < sync_from:
                        continue
                    syncer = filesystem_syncer(st.clients_dir)
                    if syncer is None:
                        writers = _Writers(WRITERS)
                    for queued in waiting:
                        if writers is not None:
                            writers.put(queued)
                        else:
                            queued[0].tmp = str(write_temp(queued[1], queued[2]))
                        tick(0.5)
                    waiting = []
            if waiting:  # a small batch: an fsync each
                writers = _Writers(min(WRITERS, len(waiting)))
                for queued in waiting:
                    writers.put(queued)
                    tick(0.5)
                waiting = []
            if writers is not None:
                done, writers = writers, None
                done.finish()
            if syncer is not None:
                syncer()
        finally:
            if writers is not None:  # stopped by an error: the writers stop too
                writers.stop()
    except OSError as exc:
        raise _unwritable(st, exc) from None


class _Writers:
    """Threads writing temp files with an fsync each. They get WRITERS_CHUNK files at a
    time while the planning thread waits: a thread back from a system call would otherwise
    wait for the interpreter lock the planning holds (up to 5 ms each time, four system
    calls a file), and the chunk's encoded files are all that is held."""

    def __init__(self, count: int) -> None:
        import queue
        import threading

        self.queue: queue.Queue[tuple[_Job, Path, bytes] | None] = queue.Queue()
        self.waiting = 0
        self.failures: list[BaseException] = []
        self.stopped = self.joined = False
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(count)]
        for thread in self.threads:
            thread.start()

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            try:
                if item is None:
                    return
                if self.failures or self.stopped:
                    continue
                job, path, data = item
                try:
                    job.tmp = str(write_temp(path, data, sync=True))
                except BaseException as exc:  # reported by the main thread
                    self.failures.append(exc)
            finally:
                self.queue.task_done()

    def put(self, item: tuple[_Job, Path, bytes]) -> None:
        self.queue.put(item)
        self.waiting += 1
        if self.waiting >= WRITERS_CHUNK:
            self.waiting = 0
            self.queue.join()
        if self.failures:
            self.stop()
            raise self.failures[0]

    def finish(self) -> None:
        """Wait until every file is written; the first failure, if any, is raised."""
        self.stop(skip=False)
        if self.failures:
            raise self.failures[0]

    def stop(self, skip: bool = True) -> None:
        self.stopped = self.stopped or skip
        if self.joined:
            return
        self.joined = True
        for _ in self.threads:
            self.queue.put(None)
        for thread in self.threads:
            thread.join()


@contextlib.contextmanager
def _all_locks(st: Store, jobs: list[_Job]) -> Iterator[None]:
    """Phase 2: the locks of every client in the batch, held together (each is an open
    file: the soft limit of open files is raised to the hard one where it is too low)."""
    order = sorted(range(len(jobs)), key=lambda i: st.lock_path(jobs[i].client_id).name)
    if not _POSIX:  # take_lock is the flock of POSIX; elsewhere each lock is filelock
        with contextlib.ExitStack() as held:
            for index in order:
                held.enter_context(st.lock(jobs[index].client_id))
            yield
        return
    held_fds = array("i")  # (a context manager each would take ~1 KB: 100 MB for 100,000)
    try:
        for index in order:
            held_fds.append(st.take_lock(jobs[index].client_id))
        yield
    finally:
        for fd in reversed(held_fds):
            with contextlib.suppress(OSError):
                st.release_lock(fd)


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


def _replace_one_by_one(st: Store, jobs: list[_Job], replan: Replan | None,
                        tick: Callable[[float], None]) -> None:
    """Phases 2-4 a client at a time, for a batch larger than the open-file limit allows
    to lock at once: a lock held elsewhere can then stop the import part-way, and the
    message names the clients already written."""
    written: list[str] = []
    total = len(jobs)
    for job in jobs:
        try:
            with st.lock(job.client_id):
                final = _replan_all(st, [job], replan)
                _replace_all(st, [job], final, tick)
        except StoreProblem as exc:
            if written:
                raise _partial(written, total, exc) from None
            raise
        if final[0]:
            written.append(job.client_id)


def _partial(written: list[str], total: int, exc: StoreProblem) -> StoreProblem:
    shown = ", ".join(written[:REPORT_LIMIT])
    more = len(written) - REPORT_LIMIT
    from fitcli.i18n import t  # the reason is another problem's message, in the same words

    reason = exc.params.get("reason") or t(exc.key, **exc.params)
    return StoreProblem("import.error.partial", done=len(written), total=total,
                        reason=reason, clients=shown + (f" (+{more})" if more > 0 else ""))


def _replan_all(st: Store, jobs: list[_Job], replan: Replan | None) -> list[bool]:
    """Phase 3, under every lock: which jobs to replace (True), with a new temp file for a
    client another fit wrote since it was checked (or whose temp file another fit removed
    as a dead writer's while it held that client's lock)."""
    final: list[bool] = []
    try:
        for job in jobs:
            have_temp = job.tmp is not None and os.path.exists(job.tmp)
            keep, data = _replanned(st, job, replan, have_temp)
            if keep:
                final.append(True)
                continue
            if job.tmp is not None:
                Path(job.tmp).unlink(missing_ok=True)
                job.tmp = None
            if data is not None:
                job.tmp = str(write_temp(_path(st, job), data, sync=True))
            final.append(data is not None)
    except OSError as exc:
        raise _unwritable(st, exc) from None
    return final


def _replace_all(st: Store, jobs: list[_Job], final: list[bool],
                 tick: Callable[[float], None]) -> None:
    """Phase 4: the renames. Ctrl+C waits until they are done (a second or two for a large
    batch), so that an interruption never leaves a part; a rename that fails is reported
    with the clients already written."""
    written: list[str] = []
    with _sigint_deferred():
        for job, replace in zip(jobs, final, strict=True):
            if not replace or job.tmp is None:
                tick(0.5)
                continue
            try:
                st.replace_with_temp(Path(job.tmp), _path(st, job), job.stale)
            except StoreProblem as exc:
                if written:
                    raise _partial(written, sum(final), exc) from None
                raise
            job.tmp = None
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
