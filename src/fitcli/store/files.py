"""File mechanics of the folder store: atomic writes, temp files, syncs, private folders,
bounded reads of regular files only. Never prints; raises fitcli.errors."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import sys
from collections.abc import Callable
from pathlib import Path

from fitcli.errors import StoreProblem
from fitcli.writes import note_written as _note_written

_POSIX = os.name == "posix"



MAX_CLIENT_BYTES = 16 * 1024 * 1024
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


class NotRegularFile(OSError):
    """A path in the store that is a link, a pipe, a device or a folder: never opened."""


def read_regular(path: str | Path, limit: int | None = None) -> bytes:
    """The bytes of the regular file at ``path``: never through a symbolic link, never from
    a FIFO or a device (opened without blocking, checked before reading), at most ``limit``
    bytes (more raises OSError). FileNotFoundError when there is none."""
    limit = MAX_CLIENT_BYTES if limit is None else limit
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(errno.EINVAL, "not a regular file", str(path))
        if info.st_size > limit:
            raise OSError(errno.EFBIG, f"larger than {limit // (1024 * 1024)} MB", str(path))
        chunks = []
        size = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise OSError(errno.EFBIG, f"larger than {limit // (1024 * 1024)} MB",
                              str(path))
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a link
            raise NotRegularFile(errno.ELOOP, "a symbolic link", str(path)) from None
        raise
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    if not _POSIX:  # Windows cannot open a folder; NTFS journals the rename itself
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_name(path: Path) -> Path:
    """A fresh hidden temp file name beside ``path`` (same folder, so the rename is atomic)."""
    return path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")


def stale_temps(path: Path) -> list[Path]:
    """Temp files of ``path`` left by a process that was killed while writing it."""
    return sorted(path.parent.glob(f".{path.name}.*.tmp"))


def stale_temps_by_file(folder: Path) -> dict[str, list[Path]]:
    """Every stale temp file in ``folder`` by the name of the file it was written for: one
    listing for a batch writer, instead of one ``stale_temps`` listing per file."""
    found: dict[str, list[Path]] = {}
    if folder.is_dir():
        for tmp in folder.glob(".*.tmp"):
            name = tmp.name[1:].rsplit(".", 2)[0]
            found.setdefault(name, []).append(tmp)
    return found


def _replace(tmp: Path, path: Path) -> None:
    """``os.replace``; on Windows a reader holding ``path`` open makes it fail for a moment
    (files are opened without FILE_SHARE_DELETE there), so retry briefly before giving up."""
    attempts = 1 if _POSIX else 50
    for attempt in range(attempts):
        try:
            os.replace(tmp, path)
            return
        except PermissionError:
            if attempt == attempts - 1:
                raise
            import time

            time.sleep(0.02)


def write_temp(path: Path, data: bytes, *, sync: bool = False) -> Path:
    """A new temp file beside ``path`` holding ``data`` (0600, created exclusively), the
    first half of an atomic write; fsynced when ``sync``, else synced with many others at once
    (``filesystem_syncer``) before ``_replace`` makes it the file. Removed on any error."""
    tmp = temp_name(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        try:
            view = memoryview(data)
            while view:  # os.write may write less than asked
                view = view[os.write(fd, view):]
            if _POSIX:
                os.fchmod(fd, 0o600)  # the umask cannot widen it, but be explicit
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


# Local file systems whose syncfs writes back every file's data and commits the journal, as
# an fsync of each would: a network share (nfs, cifs, fuse, ...) gets an fsync per file.
LOCAL_JOURNALLED = frozenset({"ext4", "ext3", "xfs", "btrfs", "f2fs"})
MOUNTS = "/proc/self/mounts"  # Linux's table of this process's mounts


def filesystem_type(folder: Path, mounts: str = MOUNTS) -> str | None:
    """The type of the file system ``folder`` is on ("ext4", "nfs4", ...): that of the
    innermost mount point holding it in the table ``mounts`` (Linux's own by default; mount
    points there write a space as \\040). None where there is no such table."""
    try:
        target = os.path.realpath(folder)
        with open(mounts, encoding="utf-8", errors="replace") as fh:
            table = [line.split()[1:3] for line in fh if len(line.split()) >= 3]
    except OSError:
        return None
    best, kind = "", None
    for point, fstype in table:
        point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), point)  # \040
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fstype
    return kind


def filesystem_syncer(folder: Path) -> Callable[[], None] | None:
    """A function that makes everything written so far on ``folder``'s file system durable,
    or None where there is none to trust. Linux's syncfs(2) does, for a batch of thousands of
    new files, what an fsync of each does, in one journal commit (measured here: 10,000 client
    files in ~0.3-0.7 s instead of ~3-4 s); since Linux 5.8 it also reports write errors, as
    fsync does, so older kernels are not trusted, nor network or FUSE file systems. macOS's
    sync() may return before the data is on disk and Windows has no equivalent: there every
    file gets its own fsync."""
    if sys.platform != "linux":
        return None
    version = re.match(r"(\d+)\.(\d+)", os.uname().release)  # "6.1.0-18-amd64", "6.1-rc1"
    if version is None:
        return None
    major, minor = int(version.group(1)), int(version.group(2))
    if (major, minor) < (5, 8) or filesystem_type(folder) not in LOCAL_JOURNALLED:
        return None
    import ctypes

    try:
        syncfs = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    syncfs.argtypes = [ctypes.c_int]
    syncfs.restype = ctypes.c_int

    def sync() -> None:
        fd = os.open(folder, os.O_RDONLY)
        try:
            if syncfs(fd) != 0:
                code = ctypes.get_errno()
                raise OSError(code, os.strerror(code))
        finally:
            os.close(fd)

    return sync


def atomic_write(path: Path, data: str | bytes, *, sync_dir: bool = True) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new file, whole.

    Temp file in the same folder (created 0600, exclusively), flush + fsync, ``os.replace``,
    fsync the folder; the temp file is removed whatever happens. (Not ``tempfile``: importing
    it costs a few ms on every ``fit ors``.) ``sync_dir=False`` leaves the folder's fsync to
    the caller (one ``Store.sync()`` after many writes): a crash of the process still leaves
    old or new, only a power cut may undo the rename.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    tmp = write_temp(path, raw, sync=True)
    try:
        _replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _note_written()
    if sync_dir:  # the temp file is gone once renamed: nothing to remove after this
        _fsync_dir(path.parent)


def ensure_private_dir(folder: Path, tighten: bool = False) -> None:
    """Create ``folder`` (0700). ``tighten``: also make an existing folder 0700 (only for
    folders fitcli owns, like ``clients/``; never for a folder the user chose)."""
    try:
        existed = folder.is_dir()
        if not existed:  # every missing parent too, each 0700 whatever the umask
            missing = []
            at = folder
            while not at.exists() and at != at.parent:
                missing.append(at)
                at = at.parent
            for new in reversed(missing):
                try:
                    new.mkdir(mode=0o700)
                except FileExistsError:  # made meanwhile by another process
                    continue
                if _POSIX:
                    os.chmod(new, 0o700)
        if not folder.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
        if _POSIX and tighten and folder.lstat().st_mode & 0o077:
            os.chmod(folder, 0o700)
    except OSError as exc:
        raise StoreProblem("error.store_unwritable", path=str(folder),
                           reason=exc.strerror or str(exc)) from None
