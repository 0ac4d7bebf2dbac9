"""The client store: one JSON file per client, written atomically under a per-client lock.

Layout under the store folder (folders 0700, files 0600 where the OS has POSIX modes)::

    clients/<ID>.json     {"schema_version": 2, "id": ..., "sessions": [...]}
    locks/<id>.lock       one lock file per client (case-folded, like the file systems)

A file that does not parse or has an unknown schema version is never overwritten: every
command touching it fails with its path (exit 5) and the other clients keep working.
Never prints; raises fitcli.errors.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import StrictInt, ValidationError
from pydantic_core import from_json

from fitcli.errors import InvalidData, NotFound, StoreProblem
from fitcli.model.ids import id_key, validate_client_id
from fitcli.model.migrate import v1_to_v2
from fitcli.model.problems import DomainError
from fitcli.model.scores import Client

SCHEMA_VERSION = 2
LOCK_TIMEOUT_S = 30.0  # a held lock means another fit process is writing this client
_POSIX = os.name == "posix"

T = TypeVar("T")

# Whether this run has changed anything on disk (a client file, the config, an export file):
# if its output then fails, the message must say the change was made, or a retry repeats it.
_written = False


def wrote_anything() -> bool:
    return _written


def forget_writes() -> None:
    """Start of a command (tests run many in one process)."""
    global _written
    _written = False


def _note_written() -> None:
    global _written
    _written = True

# Migrations: MIGRATIONS[n] turns a schema n document into schema n + 1 (in memory; the file
# is rewritten in the new schema on its next save).
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: v1_to_v2}


def migrate(doc: dict[str, Any], path: Path | str) -> dict[str, Any]:
    version = doc.get("schema_version")
    if not isinstance(version, int) or version < 1 or version > SCHEMA_VERSION:
        raise StoreProblem("error.store_schema", path=str(path), version=version,
                           supported=SCHEMA_VERSION)
    while version < SCHEMA_VERSION:
        doc = MIGRATIONS[version](doc)
        version += 1
        doc["schema_version"] = version
    return doc


def encode(client: Client) -> bytes:
    """A client file's content (UTF-8). The same text as json.dumps({"schema_version": ...,
    **model_dump(mode="json")}, ensure_ascii=False, indent=1), from pydantic's serializer
    straight to bytes: ~10x faster, which batch imports of thousands of clients feel
    (tests/test_io_roundtrip.py pins the equality)."""
    body = _serialize(client, indent=1)
    return b"".join((_header().encode("utf-8"), body[2:], b"\n"))


_serialize = Client.__pydantic_serializer__.to_json  # model_dump_json, as bytes


class _CurrentFile(Client):
    """A client file in the current schema: parsed and validated in one step (fast path)."""

    schema_version: StrictInt  # like migrate(): 1.0 or true is not a version


def _header() -> str:
    """What encode() writes first. A file that starts with exactly this is validated as a
    Client straight from the rest of its text: no dict, no intermediate model. (Built on each
    call from SCHEMA_VERSION, so an older file can never skip its migrations.)"""
    return f'{{\n "schema_version": {SCHEMA_VERSION},\n'


def _fast_decode(text: str) -> Client | None:
    """The client if ``text`` is a valid file of the current schema, else None.

    pydantic parses the JSON itself (no dict in between): about twice as fast as json.loads
    + model_validate, which matters to `fit flags` over thousands of files. Anything unusual
    (old schema, broken JSON, invalid data, a repeated key) returns None and takes the full
    path in decode(), which migrates or explains the problem exactly as before.
    """
    try:
        header = _header()
        if text.startswith(header):
            return Client.model_validate_json("{" + text[len(header):])
        doc = _CurrentFile.model_validate_json(text)
    except (ValidationError, DomainError):
        return None
    if doc.schema_version != SCHEMA_VERSION:  # older files go through their migrations
        return None
    fields = {name: getattr(doc, name) for name in Client.model_fields}
    return Client.model_construct(doc.model_fields_set - {"schema_version"}, **fields)


def decode(text: str, path: Path) -> Client:
    fast = _fast_decode(text)
    if fast is not None:
        if id_key(path.stem) != id_key(fast.id):
            raise StoreProblem("error.store_corrupt", path=str(path),
                               reason=f"file name does not match id {fast.id!r}")
        return fast
    doc = decode_document(text, path)
    try:
        return Client.model_validate(doc)
    except (ValidationError, DomainError) as exc:
        reason = str(exc).splitlines()[0]
        raise StoreProblem("error.store_corrupt", path=str(path), reason=reason) from None


def decode_document(data: str | bytes, path: Path | str) -> dict[str, Any]:
    """A client file (its text, or its bytes as read: UTF-8) as its JSON document: parsed,
    schema checked and migrated, its id matching the file name, but the model not
    validated. For bulk readers that copy data out as it is stored (export): ``decode`` is
    several times slower, mostly in validation."""
    try:  # pydantic's JSON parser: the same values as json.loads, ~1.5x faster (export)
        doc = from_json(data)
    except ValueError as exc:  # not JSON, or not UTF-8
        raise StoreProblem("error.store_corrupt", path=str(path), reason=str(exc)) from None
    if not isinstance(doc, dict):
        raise StoreProblem("error.store_corrupt", path=str(path), reason="not a JSON object")
    doc = migrate(doc, path)
    doc.pop("schema_version", None)
    client_id = doc.get("id")
    stem = os.path.splitext(os.path.basename(path))[0]
    if not isinstance(client_id, str) or id_key(stem) != id_key(client_id):
        raise StoreProblem("error.store_corrupt", path=str(path),
                           reason=f"file name does not match id {client_id!r}")
    if not isinstance(doc.get("sessions"), list):
        raise StoreProblem("error.store_corrupt", path=str(path), reason="no sessions list")
    return doc


# A client file is a few kilobytes (a thousand meetings is ~300 KB); anything far larger is
# not one, and reading it whole could exhaust memory (a link to /dev/zero, say).
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
_MOUNTS = "/proc/self/mounts"


def _filesystem_type(folder: Path) -> str | None:
    """The type of the file system ``folder`` is on, from /proc/self/mounts (Linux)."""
    try:
        target = os.path.realpath(folder)
        with open(_MOUNTS, encoding="utf-8", errors="replace") as fh:
            mounts = [line.split()[1:3] for line in fh if len(line.split()) >= 3]
    except OSError:
        return None
    best, kind = "", None
    for point, fstype in mounts:
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
    if (major, minor) < (5, 8) or _filesystem_type(folder) not in LOCAL_JOURNALLED:
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


@dataclass(frozen=True)
class Document:
    """One client file as its stored JSON document, or the problem that stops it loading."""

    client_id: str
    doc: dict[str, Any] | None
    problem: StoreProblem | None
    client: Client | None = None  # with ``documents(validated=True)``


@dataclass(frozen=True)
class Entry:
    """One client file as found: the client, or the problem that stops it loading."""

    client_id: str
    path: Path
    client: Client | None
    problem: StoreProblem | None


class Store:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.clients_dir = root / "clients"
        self.locks_dir = root / "locks"
        self._batch_ready = False  # prepare_batch() made the folders: writers skip the checks

    # -- paths -------------------------------------------------------------------------
    def path_for(self, client_id: str) -> Path:
        try:
            validate_client_id(client_id)
        except DomainError as exc:
            raise InvalidData(exc.key, **exc.params) from None
        return self.clients_dir / f"{client_id}.json"

    def _find(self, client_id: str) -> Path | None:
        """The file of ``client_id``; the ID's case need not match (file systems ignore it)."""
        exact = self.path_for(client_id)
        try:
            os.lstat(exact)  # on macOS/Windows this also matches another case: fine
            return exact
        except (FileNotFoundError, NotADirectoryError):
            pass
        except OSError as exc:  # no permission to look: a store problem, not "not found"
            raise StoreProblem("error.store_unreadable", path=str(self.clients_dir),
                               reason=exc.strerror or str(exc)) from None
        key = id_key(client_id)
        for known in self.ids():
            if id_key(known) == key:
                return self.clients_dir / f"{known}.json"
        return None

    def ids(self) -> list[str]:
        """The IDs of every client file, sorted without regard to case."""
        try:
            if os.path.islink(self.clients_dir):
                raise NotRegularFile(errno.ELOOP, "a symbolic link", str(self.clients_dir))
            if not self.clients_dir.is_dir():
                return []
            names = [name[:-5] for name in os.listdir(self.clients_dir)
                     if name.endswith(".json") and not name.startswith(".")]
        except OSError as exc:
            raise StoreProblem("error.store_unreadable", path=str(self.clients_dir),
                               reason=exc.strerror or str(exc)) from None
        return sorted(names, key=lambda name: (id_key(name), name))

    def lock_path(self, client_id: str) -> Path:
        """The client's lock file: named by a hash of the case-folded ID, so IDs differing
        only in case share one lock and no lock file name reveals an ID (even after erasure)."""
        self.path_for(client_id)  # validates: no ID (so no lock) names a path outside the store
        digest = hashlib.sha256(id_key(client_id).encode("utf-8")).hexdigest()[:24]
        return self.locks_dir / f"{digest}.lock"

    @contextlib.contextmanager
    def lock(self, client_id: str) -> Iterator[None]:
        """Hold the client's lock (waits up to LOCK_TIMEOUT_S for another fit process).

        The ``filelock`` package: fcntl on POSIX, msvcrt on Windows, released by the OS when
        the process dies, so a kill -9 never leaves a client locked. Lock files are never
        deleted (deleting one while another process waits on it would break the exclusion).
        """
        if _POSIX:  # the same flock as batch_lock, opened without following links
            with self.batch_lock(client_id):
                yield
            return
        from filelock import FileLock, Timeout  # only commands that write pay for it

        path = self.lock_path(client_id)
        ensure_private_dir(self.root)
        ensure_private_dir(self.locks_dir, tighten=True)
        lock = FileLock(path, timeout=LOCK_TIMEOUT_S, mode=0o600)
        try:
            lock.acquire()
        except Timeout:
            raise StoreProblem("error.store_locked", client=client_id,
                               seconds=int(LOCK_TIMEOUT_S)) from None
        except OSError as exc:
            raise StoreProblem("error.store_unwritable", path=str(path),
                               reason=exc.strerror or str(exc)) from None
        try:
            yield
        finally:
            lock.release()

    def prepare_batch(self) -> None:
        """Make the store's folders once before writing many clients (``batch_lock`` and
        ``save`` then skip their per-client folder checks: three system calls each)."""
        ensure_private_dir(self.root)
        ensure_private_dir(self.clients_dir, tighten=True)
        ensure_private_dir(self.locks_dir, tighten=True)
        self._batch_ready = True

    @contextlib.contextmanager
    def batch_lock(self, client_id: str) -> Iterator[None]:
        """``lock`` for writers of thousands of clients (fit import). On POSIX it takes the
        same flock on the same lock file as ``lock`` (filelock), so the two exclude each
        other, without filelock's ~0.2 ms of bookkeeping per client; elsewhere it is ``lock``."""
        if not _POSIX:
            with self.lock(client_id):
                yield
            return
        import fcntl

        path = self.lock_path(client_id)
        if not self._batch_ready:
            ensure_private_dir(self.root)
            ensure_private_dir(self.locks_dir, tighten=True)
        try:
            if os.path.islink(self.locks_dir):
                raise NotRegularFile(errno.ELOOP, "a symbolic link", str(self.locks_dir))
            # never through a link (one could point outside the store), never a FIFO
            fd = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _NONBLOCK, 0o600)
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                os.close(fd)
                raise NotRegularFile(errno.EINVAL, "not a regular file", str(path))
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                exc = NotRegularFile(errno.ELOOP, "a symbolic link", str(path))
            raise StoreProblem("error.store_unwritable", path=str(path),
                               reason=exc.strerror or str(exc)) from None
        try:
            deadline = time.monotonic() + LOCK_TIMEOUT_S
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise StoreProblem("error.store_locked", client=client_id,
                                           seconds=int(LOCK_TIMEOUT_S)) from None
                    time.sleep(0.01)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    # -- reading -----------------------------------------------------------------------
    def _read(self, path: Path) -> Client:
        try:
            text = read_regular(path).decode("utf-8")
        except FileNotFoundError:
            raise NotFound("error.client_not_found", client=path.stem) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise StoreProblem("error.store_corrupt", path=str(path), reason=str(exc)) from None
        return decode(text, path)

    def load(self, client_id: str) -> Client:
        path = self._find(client_id)
        if path is None:
            raise NotFound("error.client_not_found", client=client_id)
        return self._read(path)

    def entries(self, ids: list[str] | None = None) -> Iterator[Entry]:
        """Every client (or the given ones), each loaded or with its problem; never raises
        for one bad file, so listings and checks carry on with the others. A given ID that
        does not exist raises NotFound; a file removed meanwhile by another process is
        skipped when listing every client."""
        if ids is None:
            yield from self.stored_entries(self.ids())
            return
        found = []
        for client_id in ids:
            path = self._find(client_id)
            if path is None:
                raise NotFound("error.client_not_found", client=client_id)
            found.append((path.stem, path))
        for client_id, path in found:
            try:
                yield Entry(client_id, path, self._read(path), None)
            except StoreProblem as exc:
                yield Entry(client_id, path, None, exc)

    def stored_entries(self, stored_ids: list[str]) -> Iterator[Entry]:
        """The entries of IDs as ``ids()`` lists them (all or a slice: each worker process of
        `fit flags` reads one), each loaded or with its problem; a file removed meanwhile by
        another process is skipped."""
        for client_id in stored_ids:
            path = self.clients_dir / f"{client_id}.json"
            try:
                yield Entry(client_id, path, self._read(path), None)
            except StoreProblem as exc:
                yield Entry(client_id, path, None, exc)
            except NotFound:
                pass

    def documents(self, ids: list[str] | None = None, *, missing_ok: bool = False,
                  validated: bool = False) -> Iterator[Document]:
        """Like ``entries`` but each file as its stored JSON document (see decode_document).
        A given ID without a file is NotFound, unless ``missing_ok`` (IDs as ``ids()``
        listed them, from a file another process may have removed since). ``validated``:
        every document is checked by the model, exactly as ``entries`` reads it (a file
        `fit client list` reports is a problem here too), and carries its client."""
        folder = os.path.join(self.clients_dir, "")
        for client_id in self.ids() if ids is None else ids:
            path = f"{folder}{client_id}.json"  # a str: Path objects cost ~7 us a file here
            try:  # bytes: the JSON parser checks the UTF-8
                data = read_regular(path)
            except FileNotFoundError:
                if ids is not None and not missing_ok:
                    raise NotFound("error.client_not_found", client=client_id) from None
                continue
            except OSError as exc:
                yield Document(client_id, None, StoreProblem(
                    "error.store_corrupt", path=path, reason=str(exc)))
                continue
            try:
                if validated:
                    client = decode(data.decode("utf-8"), Path(path))
                    yield Document(client_id, client.model_dump(mode="json"), None, client)
                else:
                    yield Document(client_id, decode_document(data, path), None)
            except UnicodeDecodeError as exc:
                yield Document(client_id, None, StoreProblem(
                    "error.store_corrupt", path=path, reason=str(exc)))
            except StoreProblem as exc:
                yield Document(client_id, None, exc)

    # -- writing -----------------------------------------------------------------------
    def save(self, client: Client, *, sync_dir: bool = True,
             stale: list[Path] | None = None) -> None:
        """Write ``client`` (caller holds its lock). Batch writers pass ``sync_dir=False``
        and call ``sync()`` once at the end, and ``stale`` (its entry of
        ``stale_temps_by_file``) so that no save lists the whole folder."""
        self.write_file(self.path_for(client.id), encode(client),
                        sync_dir=sync_dir, stale=stale)

    def write_file(self, path: Path, data: bytes, *, sync_dir: bool = True,
                   stale: list[Path] | None = None) -> None:
        """``save`` of a client already encoded to ``data`` at ``path`` (its ``path_for``);
        batch writers encode before taking the lock, so the lock is held for I/O only."""
        if not self._batch_ready:
            ensure_private_dir(self.root)
            ensure_private_dir(self.clients_dir, tighten=True)
        try:
            for tmp in stale_temps(path) if stale is None else stale:
                tmp.unlink(missing_ok=True)  # we hold the lock: no live writer owns these
            atomic_write(path, data, sync_dir=sync_dir)
        except OSError as exc:
            raise StoreProblem("error.store_unwritable", path=str(self.clients_dir),
                               reason=exc.strerror or str(exc)) from None

    def replace_with_temp(self, tmp: Path, path: Path, stale: list[Path]) -> None:
        """Make ``tmp`` (a ``write_temp`` already synced) the file at ``path``; the caller
        holds the client's lock, so ``stale`` temp files of dead writers can go first."""
        try:
            for old in stale:
                old.unlink(missing_ok=True)
            _replace(tmp, path)
            _note_written()
        except OSError as exc:
            raise StoreProblem("error.store_unwritable", path=str(self.clients_dir),
                               reason=exc.strerror or str(exc)) from None

    def sync(self) -> None:
        """Make the renames of ``save(..., sync_dir=False)`` durable: one folder fsync."""
        if self.clients_dir.is_dir():
            _fsync_dir(self.clients_dir)

    def create(self, client: Client) -> None:
        with self.lock(client.id):
            existing = self._find(client.id)
            if existing is not None:
                raise InvalidData("error.client_exists", client=existing.stem)
            self.save(client)

    def update(self, client_id: str, change: Callable[[Client], tuple[Client, T]]) -> T:
        """Read-modify-write one client under its lock; ``change`` returns (client, result).
        A model refusal inside ``change`` writes nothing."""
        if self._find(client_id) is None:  # fail before creating a lock file for a typo
            raise NotFound("error.client_not_found", client=client_id)
        with self.lock(client_id):
            client = self.load(client_id)
            updated, result = change(client)
            if updated is not client:
                self.save(updated)
            return result

    def remove(self, client_id: str) -> Path:
        """Erase the client's file for good (under its lock); returns the path removed."""
        if self._find(client_id) is None:
            raise NotFound("error.client_not_found", client=client_id)
        with self.lock(client_id):
            path = self._find(client_id)
            if path is None:
                raise NotFound("error.client_not_found", client=client_id)
            self._read(path)  # an unreadable file is left for a person to restore or move
            try:
                path.unlink()
                _note_written()
                for tmp in stale_temps(path):  # a copy a killed writer left is erased too
                    tmp.unlink(missing_ok=True)
                _fsync_dir(path.parent)
            except OSError as exc:
                raise StoreProblem("error.store_unwritable", path=str(path),
                                   reason=exc.strerror or str(exc)) from None
            return path
