"""Process pools for commands that read thousands of client files (flags, list, export).

One place for what every such pool needs (and ``read_clients``, the store-wide reading
`fit flags` and `fit client list` share): how many cores this process may use, how a big
store is shared out (``PoolPlan``), a pool whose workers leave Ctrl+C to the main process,
nothing more started after Ctrl+C or a failure, and None where no pool can start (no
semaphores in a sandbox, a frozen app), so the caller does the work itself in one process.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar

if TYPE_CHECKING:
    from pathlib import Path

    from fitcli.model.scores import Client
    from fitcli.store import ClientStore, Entry, Store

T = TypeVar("T")


class Collected(Protocol):
    """What reading some clients gathered: problems in store order, mergeable in order."""

    problems: list[str]
    problem_count: int

    def add(self, other: Self) -> None: ...


C = TypeVar("C", bound=Collected)
J = TypeVar("J")


@dataclass(frozen=True)
class PoolPlan:
    """How the client files of a big store are shared out over processes.

    The defaults are what `fit flags` and `fit client list` use; tests and benchmarks pass
    their own (a pool for a small store, exactly N workers, the "spawn" start method)."""

    # Below this many client files, starting processes costs more than it saves (a spawned
    # worker imports pydantic and the model, ~0.3 s); above it each core reads its share.
    min_files: int = 2000
    chunk_size: int = 500  # client files per task: small enough to share the work out evenly
    max_workers: int = 8  # each worker holds its own ~70 MB interpreter
    workers: int | None = None  # exactly this many processes; None: one per usable core
    start_method: str | None = None  # multiprocessing's; None: the platform's default

    def workers_for(self, files: int) -> int:
        """How many processes should read ``files`` client files (1: this one alone)."""
        if files < self.min_files:
            return 1
        if self.workers is not None:
            return max(1, self.workers)
        return max(1, min(usable_cores(), self.max_workers, -(-files // self.chunk_size)))

    def chunks(self, ids: list[str]) -> list[list[str]]:
        """``ids`` in runs of consecutive IDs, one task each."""
        size = self.chunk_size
        return [ids[start:start + size] for start in range(0, len(ids), size)]


DEFAULT_PLAN = PoolPlan()


def folder_store(root: Path | None) -> Store:
    """The folder store at ``root``, as a worker process opens it again to read its share
    (only a store with a folder is shared out over processes)."""
    from fitcli.store import Store

    if root is None:
        raise ValueError("only a store with a folder is read by worker processes")
    return Store(root)


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (Linux)
    except AttributeError:  # Windows, macOS
        return os.cpu_count() or 1


def ignore_sigint() -> None:
    """Worker start-up: Ctrl+C is the main process's to handle."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def start_reader(lang: str) -> None:
    """Worker start-up of the store readers (`fit flags`, `fit client list`): Ctrl+C is the
    main process's, words in the user's language, what is loaded now kept out of the
    garbage collector's passes."""
    import gc

    from fitcli.i18n import set_language

    ignore_sigint()
    set_language(lang)
    gc.freeze()


def run(workers: int, start_method: str | None, initializer: Callable[..., None],
        initargs: tuple[Any, ...], work: Callable[[Executor], T]) -> T | None:
    """``work(pool)`` on a pool of ``workers`` processes; None if no pool can start here."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        context = multiprocessing.get_context(start_method)
        with ProcessPoolExecutor(workers, mp_context=context, initializer=initializer,
                                 initargs=initargs) as pool:
            try:
                return work(pool)
            except BaseException:  # Ctrl+C or a failure: nothing more is started
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    except (BrokenProcessPool, ImportError, NotImplementedError, OSError):
        return None


def readable(entries: Iterable[Entry], into: Collected,
             report: Callable[[str], None] | None) -> Iterator[Client]:
    """The clients of ``entries`` that could be read; each unreadable one's problem is told
    to ``report`` as it is met (or kept in ``into.problems``) and counted."""
    from fitcli.i18n import t

    for entry in entries:
        if entry.client is not None:
            yield entry.client
            continue
        if entry.problem is not None:
            text = t(entry.problem.key, **entry.problem.params)
            if report is not None:
                report(text)
            else:
                into.problems.append(text)
        into.problem_count += 1


def read_clients(store: ClientStore, job: J, lang: str, plan: PoolPlan,
                 chunk: Callable[[J, list[str]], C], merged: Callable[[int], C],
                 here: Callable[[Iterable[Entry]], C], report: Callable[[str], None]) -> C:
    """Every client of ``store``: ``chunk(job, ids)`` on worker processes for a big store
    folder (merged in store order into ``merged(workers)``), else ``here(entries)`` in this
    process (a database store is read here). Problems reach ``report`` either way."""
    ids = store.ids()
    # worker processes reopen a store folder by its path
    workers = plan.workers_for(len(ids)) if store.folder is not None else 1
    if workers > 1:
        chunks = plan.chunks(ids)

        def work(executor: Executor) -> C:
            done = merged(workers)
            for part in executor.map(chunk, [job] * len(chunks), chunks):
                done.add(part)
            return done

        done = run(workers, plan.start_method, start_reader, (lang,), work)
        if done is not None:
            for text in done.problems:
                report(text)
            return done
    return here(store.entries(ids, missing_ok=True))
