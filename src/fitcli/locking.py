"""An exclusive lock on a file, held by this process until released (or until it dies).

POSIX: ``fcntl.flock``; Windows: ``msvcrt.locking`` on the first byte. Both locks belong to
the open file and vanish with the process, so a ``kill -9`` never leaves a client locked.
Stdlib only: the ``filelock`` package costs ~8 ms to import (it pulls in ``logging``), paid
by every ``fit ors``, for the same two system calls.
"""

from __future__ import annotations

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


class FileLock:
    """``with FileLock(path, timeout):`` holds an exclusive lock on ``path`` (created 0600)."""

    def __init__(self, path: Path, timeout: float) -> None:
        self.path = path
        self.timeout = timeout
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + self.timeout
        try:
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise LockTimeout(str(self.path))
                time.sleep(_POLL_S)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

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
