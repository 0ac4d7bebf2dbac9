"""Process pools for commands that read thousands of client files (flags, export).

One place for what every such pool needs: how many cores this process may use, a pool
whose workers leave Ctrl+C to the main process, nothing more started after Ctrl+C or a
failure, and None where no pool can start (no semaphores in a sandbox, a frozen app), so
the caller does the work itself in one process.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, TypeVar

T = TypeVar("T")


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (Linux)
    except AttributeError:  # Windows, macOS
        return os.cpu_count() or 1


def ignore_sigint() -> None:
    """Worker start-up: Ctrl+C is the main process's to handle."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def processes_for(files: int, min_files: int, max_workers: int, chunk_size: int) -> int:
    """How many processes should read ``files`` client files in chunks of ``chunk_size``
    (1: this one alone, below ``min_files``)."""
    if files < min_files:
        return 1
    return max(1, min(usable_cores(), max_workers, -(-files // chunk_size)))


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
