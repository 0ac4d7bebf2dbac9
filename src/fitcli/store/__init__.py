"""Where clients are kept, behind one interface.

``ClientStore`` is what every command uses: the folder of one JSON file per client
(``store.folder.Store``, the embedded default) and a shared PostgreSQL database
(``store.database.PgStore``) implement it. ``open_store`` picks one from ``--store`` /
``FIT_STORE``. The rooms behind it: ``codec`` (the client document, its schema version and
migrations), ``files`` (atomic writes, temp files, syncs, private folders), ``folder`` (the
folder store and its locks), ``batch`` (writing many clients all or nothing), ``database``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:  # the names below, as the type checker sees them
    from fitcli.model.scores import Client
    from fitcli.store.base import Document, Entry
    from fitcli.store.codec import (
        MIGRATIONS,
        SCHEMA_VERSION,
        decode_client,
        decode_client_document,
        encode,
        file_header,
        migrate,
    )
    from fitcli.store.files import (
        LOCAL_JOURNALLED,
        MAX_CLIENT_BYTES,
        NotRegularFile,
        atomic_write,
        ensure_private_dir,
        filesystem_syncer,
        read_regular,
        stale_temps,
        stale_temps_by_file,
        temp_name,
        write_temp,
    )
    from fitcli.store.folder import LOCK_TIMEOUT_S, Store
    from fitcli.writes import forget_writes, wrote_anything

# Where each name lives; imported on first use (PEP 562), so that the config, which only
# needs the file mechanics, does not load the client models (`fit --version` stays quick).
_HOME = {
    **dict.fromkeys(("MIGRATIONS", "SCHEMA_VERSION", "decode_client", "decode_client_document",
                     "encode", "file_header", "migrate"), "fitcli.store.codec"),
    **dict.fromkeys(("LOCAL_JOURNALLED", "MAX_CLIENT_BYTES", "NotRegularFile", "atomic_write",
                     "ensure_private_dir", "filesystem_syncer", "read_regular", "stale_temps",
                     "stale_temps_by_file", "temp_name", "write_temp"), "fitcli.store.files"),
    **dict.fromkeys(("Document", "Entry"), "fitcli.store.base"),
    **dict.fromkeys(("LOCK_TIMEOUT_S", "Store"), "fitcli.store.folder"),
    **dict.fromkeys(("forget_writes", "wrote_anything"), "fitcli.writes"),
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'fitcli.store' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


T = TypeVar("T")


@dataclass(frozen=True)
class Initialised:
    """What ``init`` did: set the store up where it was missing (``created``) and, for a
    store with a schema (a database), applied the migrations ``applied`` to reach
    ``version`` (None: a store without a schema, a folder)."""

    created: bool
    applied: tuple[int, ...] = ()
    version: int | None = None


class ClientStore(Protocol):
    """The operations every store offers (one transaction or one locked write each)."""

    def ids(self) -> list[str]: ...
    def load(self, client_id: str) -> Client: ...
    def entries(self, ids: list[str] | None = None, *,
                missing_ok: bool = False) -> Iterator[Entry]: ...
    def documents(self, ids: list[str] | None = None, *, missing_ok: bool = False,
                  validated: bool = False) -> Iterator[Document]: ...
    def create(self, client: Client) -> None: ...
    def update(self, client_id: str, change: Callable[[Client], tuple[Client, T]]) -> T: ...
    def remove(self, client_id: str) -> Any: ...
    def write_batch(self, plans: Iterable[Any],
                    progress: Callable[[float], None] | None = None, *,
                    replan: Any = None) -> int: ...

    def init(self) -> Initialised: ...
    def close(self) -> None:
        """Let go of what the store holds open (a database connection); reading or writing
        again opens it again."""
    def login(self) -> str | None:
        """Who this store knows the user as (a database login), or None (a folder)."""
    def describe(self) -> str:
        """The store for a message: its folder, or its URL with the password masked."""
    def where(self, client_id: str) -> str:
        """Where one client is kept, for a message: its file, or its row in a database."""

    # What the store is, for commands that work differently on one:
    @property
    def folder(self) -> Path | None:
        """The folder holding the store's files, or None (a database keeps none). Worker
        processes open a store again by its folder to read a share of its clients; a store
        without one is read by the process that opened it."""
    @property
    def has_teams(self) -> bool:
        """Logins, roles and teams, access enforced by the store itself (a database)."""


def is_database_url(text: str) -> bool:
    """True for a ``postgresql://`` or ``postgres://`` URL (the PostgreSQL store). Decided
    without loading the database store's module: every command asks, on a folder too."""
    return text.strip().lower().startswith(("postgresql://", "postgres://"))


def open_store(location: str | Path) -> ClientStore:
    """The store at ``location``: a PostgreSQL URL opens the database store (psycopg is
    imported only then), anything else the store folder."""
    if isinstance(location, str) and is_database_url(location):
        from fitcli.store.database import PgStore

        return PgStore(location)
    from fitcli.store.folder import Store

    return Store(Path(location))


__all__ = [
    "LOCAL_JOURNALLED", "LOCK_TIMEOUT_S", "MAX_CLIENT_BYTES", "MIGRATIONS", "SCHEMA_VERSION",
    "ClientStore", "Document", "Entry", "Initialised", "NotRegularFile", "Store", "atomic_write",
    "decode_client", "decode_client_document", "encode", "ensure_private_dir", "file_header",
    "filesystem_syncer",
    "forget_writes", "is_database_url", "migrate", "open_store", "read_regular",
    "stale_temps", "stale_temps_by_file", "temp_name", "write_temp", "wrote_anything",
]
