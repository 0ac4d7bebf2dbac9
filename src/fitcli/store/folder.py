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
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from fitcli.errors import InvalidData, NotFound, StoreProblem
from fitcli.model.ids import id_key, validate_client_id
from fitcli.model.problems import DomainError
from fitcli.model.scores import Client
from fitcli.store import Initialised
from fitcli.store.base import StoreBase
from fitcli.store.codec import encode
from fitcli.store.files import (
    _NOFOLLOW,
    _NONBLOCK,
    _POSIX,
    NotRegularFile,
    _fsync_dir,
    _replace,
    atomic_write,
    ensure_private_dir,
    read_regular,
    stale_temps,
)
from fitcli.writes import note_written as _note_written

if TYPE_CHECKING:  # the batch planner is loaded only by the commands that write batches
    from fitcli.model.batch import ClientPlan
    from fitcli.store.batch import Replan

# The defaults of a store's settings (``Store(root, lock_timeout_s=..., ...)``):
LOCK_TIMEOUT_S = 30.0  # a held lock means another fit process is writing this client
# Below this many clients a batch gets an fsync each (~0.3 ms) rather than one sync of the
# whole file system, which would also wait for other programs' unwritten data.
BATCH_SYNC_MIN_CLIENTS = 200
T = TypeVar("T")
R = TypeVar("R")


class Store(StoreBase):
    """The folder store at ``root``. Its settings are the instance's own, given as keywords
    (their defaults above) and kept as attributes of the same name:

    ``lock_timeout_s``
        how long ``lock`` waits for a client another fit process is writing before it
        gives up with "error.store_locked" (the database store waits as long for a row);
    ``batch_sync_min_clients``
        the smallest batch ``write_batch`` makes durable with one file-system sync, where
        the platform offers one it trusts (``filesystem_syncer``); a smaller batch, or any
        batch without such a sync, gets an fsync per file.

    Nothing else decides them: no module switch. (The tests of the command line set them on
    the store each in-process `fit` opens; see ``store_settings`` in tests/conftest.py.)"""

    def __init__(self, root: Path, *, lock_timeout_s: float = LOCK_TIMEOUT_S,
                 batch_sync_min_clients: int = BATCH_SYNC_MIN_CLIENTS) -> None:
        self.root = root
        self.lock_timeout_s = lock_timeout_s
        self.batch_sync_min_clients = batch_sync_min_clients
        self.clients_dir = root / "clients"
        self.locks_dir = root / "locks"
        self._batch_ready = False  # prepare_batch() made the folders: writers skip the checks

    def describe(self) -> str:
        return str(self.root)

    def close(self) -> None:
        """Nothing to close: each file is closed as soon as it is read or written."""

    def login(self) -> str | None:
        return None

    def where(self, client_id: str) -> str:
        return str(self.clients_dir / f"{client_id}.json")

    def init(self) -> Initialised:
        """The store's folders, private (0700), made where missing; a folder needs no
        schema."""
        existed = self.root.is_dir()
        ensure_private_dir(self.root)
        ensure_private_dir(self.clients_dir, tighten=True)
        return Initialised(created=not existed)

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
        """Hold the client's lock (waits up to ``lock_timeout_s`` for another fit process).

        Released by the OS when the process dies, so a kill -9 never leaves a client locked.
        Lock files are never deleted (deleting one while another process waits on it would
        break the exclusion). On POSIX an flock on the lock file opened without following
        links (``take_lock``); elsewhere the ``filelock`` package (msvcrt on Windows). After
        ``prepare_batch`` the store's folders are not checked again: a batch takes
        thousands of these."""
        if not _POSIX:
            path = self.lock_path(client_id)  # validates the ID before any folder is made
            if not self._batch_ready:
                ensure_private_dir(self.root)
                ensure_private_dir(self.locks_dir, tighten=True)
            with self._file_lock(client_id, path):
                yield
            return
        fd = self.take_lock(client_id)
        try:
            yield
        finally:
            self.release_lock(fd)

    def take_lock(self, client_id: str) -> int:
        """``lock`` taken (POSIX only): its open lock file, for ``release_lock`` (a batch
        holding 100,000 locks keeps a number each, not a context manager)."""
        import fcntl

        path = self.lock_path(client_id)  # validates the ID before any folder is made
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
            deadline = time.monotonic() + self.lock_timeout_s
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return fd
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise StoreProblem("error.store_locked", client=client_id,
                                           seconds=int(self.lock_timeout_s)) from None
                    time.sleep(0.01)
        except BaseException:
            os.close(fd)
            raise

    def release_lock(self, fd: int) -> None:
        """Let go of a lock ``take_lock`` took."""
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    @contextlib.contextmanager
    def _file_lock(self, client_id: str, path: Path) -> Iterator[None]:
        """``lock`` where there is no flock: the ``filelock`` package."""
        from filelock import FileLock, Timeout  # only commands that write pay for it

        lock = FileLock(path, timeout=self.lock_timeout_s, mode=0o600)
        try:
            lock.acquire()
        except Timeout:
            raise StoreProblem("error.store_locked", client=client_id,
                               seconds=int(self.lock_timeout_s)) from None
        except OSError as exc:
            raise StoreProblem("error.store_unwritable", path=str(path),
                               reason=exc.strerror or str(exc)) from None
        try:
            yield
        finally:
            lock.release()

    def write_batch(self, plans: Iterable[ClientPlan],
                    progress: Callable[[float], None] | None = None, *,
                    replan: Replan | None = None) -> int:
        """Write planned clients all or nothing as far as the disk allows (store/batch.py),
        taking each plan as it comes (a generator may plan them one at a time; an error it
        raises writes nothing); ``replan`` plans a client again that another fit wrote
        meanwhile (without it, such a client stops the batch). ``progress`` is told each
        client's share as it goes. Returns the number of clients written."""
        from fitcli.store import batch

        return batch.write_batch(self, plans, progress or (lambda _share: None), replan)

    def prepare_batch(self) -> None:
        """Make the store's folders once before writing many clients (``lock`` and ``save``
        then skip their per-client folder checks: three system calls each)."""
        ensure_private_dir(self.root)
        ensure_private_dir(self.clients_dir, tighten=True)
        ensure_private_dir(self.locks_dir, tighten=True)
        self._batch_ready = True

    # -- reading -----------------------------------------------------------------------
    def _read(self, ids: list[str] | None, missing_ok: bool,
              decode: Callable[[str | bytes, str], R]
              ) -> Iterator[tuple[str, R | StoreProblem]]:
        """The store's one reader: (ID as stored, ``decode`` of the file's bytes and
        name, or the problem that stops it) for each client asked for (see ``entries``).
        The file name is a str: Path objects cost ~5 us a file here."""
        if ids is None:
            names, missing_ok = self.ids(), True
        elif missing_ok:
            names = ids
        else:  # given in any case: each one found before any is read
            names = [self._stored_id(client_id) for client_id in ids]
        folder = os.path.join(self.clients_dir, "")
        for client_id in names:
            path = f"{folder}{client_id}.json"
            try:
                data = read_regular(path)
            except FileNotFoundError:
                if not missing_ok:  # removed since it was found
                    raise NotFound("error.client_not_found", client=client_id) from None
                continue
            except OSError as exc:
                yield client_id, StoreProblem("error.store_corrupt", path=path,
                                              reason=str(exc))
                continue
            try:
                got: R | StoreProblem = decode(data, path)
            except StoreProblem as exc:
                got = exc
            yield client_id, got

    def _stored_id(self, client_id: str) -> str:
        path = self._find(client_id)
        if path is None:
            raise NotFound("error.client_not_found", client=client_id)
        return path.stem

    # -- what the store is --------------------------------------------------------------
    @property
    def folder(self) -> Path | None:
        """The folder holding the store's files: worker processes open the store again by
        it to read a share of its clients. None for a store that keeps no files."""
        return self.root

    #: Logins, roles and teams, access enforced by the store itself (a team database).
    has_teams = False

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
            self.load(client_id)  # an unreadable file is left for a person to restore or move
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
