"""What every store has in common: how one client is found (``Entry``), how its stored
document is (``Document``), and the readers every command uses (``load``, ``entries``,
``documents``), written once over each store's own ``_read``: the folder store reads files,
the database store rows, and both hand over (ID as stored, decoded client or document, or
the problem that stops it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from fitcli.errors import StoreProblem
from fitcli.model.scores import Client
from fitcli.store.codec import decode_client, decode_client_document

R = TypeVar("R")


@dataclass(frozen=True)
class Document:
    """One client file as its stored JSON document, or the problem that stops it loading."""

    client_id: str
    doc: dict[str, Any] | None
    problem: StoreProblem | None
    client: Client | None = None  # with ``documents(validated=True)``


@dataclass(frozen=True)
class Entry:
    """One client as found: the client, or the problem that stops it loading (which names
    its file or row)."""

    client_id: str
    client: Client | None
    problem: StoreProblem | None


class StoreBase:
    """The readers of a store, over its one ``_read``."""

    def _read(self, ids: list[str] | None, missing_ok: bool,
              decode: Callable[[str | bytes, str], R]
              ) -> Iterator[tuple[str, R | StoreProblem]]:
        """(ID as stored, ``decode`` of the stored bytes or text and a name for messages,
        or the problem that stops it) for each client asked for (see ``entries``)."""
        raise NotImplementedError

    def load(self, client_id: str) -> Client:
        entry = next(self.entries([client_id]))
        if entry.problem is not None:
            raise entry.problem
        assert entry.client is not None
        return entry.client

    def entries(self, ids: list[str] | None = None, *,
                missing_ok: bool = False) -> Iterator[Entry]:
        """Every client (or the given ones), each loaded or with its problem; never raises
        for one bad file, so listings and checks carry on with the others.

        ``ids`` given in any case and order: each one's entry in that order, and NotFound
        (before any is read) for one that does not exist. With ``missing_ok``, ``ids`` are
        as ``ids()`` listed them (all or a share of them: each worker process of `fit flags`
        reads one), and a client removed meanwhile by another process is skipped, as it is
        when listing every client."""
        for client_id, got in self._read(ids, missing_ok, decode_client):
            if isinstance(got, StoreProblem):
                yield Entry(client_id, None, got)
            else:
                yield Entry(client_id, got, None)

    def documents(self, ids: list[str] | None = None, *, missing_ok: bool = False,
                  validated: bool = False) -> Iterator[Document]:
        """Like ``entries`` but each client as its stored JSON document (see
        decode_client_document). ``validated``: every document is checked by the model,
        exactly as ``entries`` reads it (a file `fit client list` reports is a problem here
        too), and carries its client."""
        decode: Callable[[str | bytes, str], Client | dict[str, Any]] = (
            decode_client if validated else decode_client_document)
        for client_id, got in self._read(ids, missing_ok, decode):
            if isinstance(got, StoreProblem):
                yield Document(client_id, None, got)
            elif isinstance(got, Client):
                yield Document(client_id, got.model_dump(mode="json"), None, got)
            else:
                yield Document(client_id, got, None)
