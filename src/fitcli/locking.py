"""An exclusive lock on a file, held by this process until released (or until it dies).

POSIX: ``fcntl.flock``; Windows: ``msvcrt.locking`` on the first byte. Both locks belong to
the open file and vanish with the process, so a ``kill -9`` never leaves a client locked.
Stdlib only: the ``filelock`` package costs ~8 ms to import (it pulls in ``logging``), paid
by every ``fit ors``, for the same two system calls.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

_POLL_S = 0.005  # waiting writers retry this often (a write takes a few ms)


class LockTimeout(Exception):
    """The lock stayed held by another process for the whole timeout."""


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _still_linked(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file open as ``fd`` (always true on Windows, where
    an open file cannot be deleted)."""
    if sys.platform == "win32":
        return True
    try:
        current = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (current.st_dev, current.st_ino) == (mine.st_dev, mine.st_ino)


class FileLock:
    """``with FileLock(path, timeout):`` holds an exclusive lock on ``path`` (created 0600)."""

    def __init__(self, path: Path, timeout: float) -> None:
        self.path = path
        self.timeout = timeout
        self._fd: int | None = None

    def acquire(self) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                while not _try_lock(fd):
                    if time.monotonic() >= deadline:
                        raise LockTimeout(str(self.path))
                    time.sleep(_POLL_S)
            except BaseException:
                os.close(fd)
                raise
            if _still_linked(fd, self.path):
                self._fd = fd
                return
            # The holder before us deleted the lock file (see ``unlink_held``): we hold a lock
            # on a file nobody else will open again, so start over with a fresh one.
            _unlock(fd)
            os.close(fd)

    def unlink_held(self) -> None:
        """Delete the lock file while holding it (after its client was erased), so no trace
        of the ID is left. Safe: a waiter that then gets this lock sees the file gone and
        retries on a new one. Where open files cannot be deleted (Windows) it stays."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.path)

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
