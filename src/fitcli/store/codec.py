"""The client document: its schema version, migrations of older versions, and the bytes of a
client file (``encode``, ``decode_client``, ``decode_client_document``). Shared by the folder
and the database store."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import StrictInt, ValidationError
from pydantic_core import from_json

from fitcli.errors import StoreProblem
from fitcli.model.ids import id_key
from fitcli.model.migrate import v1_to_v2
from fitcli.model.problems import DomainError
from fitcli.model.scores import Client

SCHEMA_VERSION = 2

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
    return b"".join((file_header().encode("utf-8"), body[2:], b"\n"))


_serialize = Client.__pydantic_serializer__.to_json  # model_dump_json, as bytes


def file_header() -> str:
    """What encode() writes first. A file that starts with exactly this is validated as a
    Client straight from the rest of its text: no dict, no intermediate model. (Built on each
    call from SCHEMA_VERSION, so an older file can never skip its migrations.)"""
    return f'{{\n "schema_version": {SCHEMA_VERSION},\n'


# Decoding a client file: the rules, in the order they are checked, each in one place.
#  1. UTF-8 JSON, an object                          (_text, decode_client_document)
#  2. a known schema_version, migrated to the current (migrate)
#  3. its id names the file (in any case)            (_check_name)
#  4. valid as a Client                              (the model)
# decode_client_document applies 1-3 (export copies documents out as stored); decode_client
# applies 1-4. A file in the current schema takes a shortcut through 1, 2 and 4 at once
# (_parse_current); it only ever accepts what the full path accepts (tests pin this), and
# anything it does not accept goes the full path, which migrates or names the problem.


class _CurrentFile(Client):
    """A client file in the current schema: parsed and validated in one step (the shortcut)."""

    schema_version: StrictInt  # like migrate(): 1.0 or true is not a version


def _parse_current(text: str) -> Client | None:
    """The client if ``text`` is a valid file of the current schema, else None.

    pydantic parses the JSON itself (no dict in between): about twice as fast as parsing to
    a dict and validating that, which `fit flags` over thousands of files feels."""
    try:
        header = file_header()
        if text.startswith(header):
            return Client.model_validate_json("{" + text[len(header):])
        doc = _CurrentFile.model_validate_json(text)
    except (ValidationError, DomainError):
        return None
    if doc.schema_version != SCHEMA_VERSION:  # older files go through their migrations
        return None
    fields = {name: getattr(doc, name) for name in Client.model_fields}
    return Client.model_construct(doc.model_fields_set - {"schema_version"}, **fields)


def _text(data: str | bytes, path: Path | str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StoreProblem("error.store_corrupt", path=str(path), reason=str(exc)) from None


def _check_name(client_id: object, path: Path | str) -> None:
    stem = os.path.splitext(os.path.basename(path))[0]
    if not isinstance(client_id, str) or id_key(stem) != id_key(client_id):
        raise StoreProblem("error.store_corrupt", path=str(path),
                           reason=f"file name does not match id {client_id!r}")


def decode_client(data: str | bytes, path: Path | str) -> Client:
    """A client file (its text, or its bytes as read) as the validated client, or the
    StoreProblem naming ``path`` and what is wrong (rules 1-4 above)."""
    text = _text(data, path)
    client = _parse_current(text)
    if client is not None:
        _check_name(client.id, path)
        return client
    doc = decode_client_document(text, path)
    try:
        return Client.model_validate(doc)
    except (ValidationError, DomainError) as exc:
        reason = str(exc).splitlines()[0]
        raise StoreProblem("error.store_corrupt", path=str(path), reason=reason) from None


def decode_client_document(data: str | bytes, path: Path | str) -> dict[str, Any]:
    """A client file (its text, or its bytes as read: UTF-8) as its JSON document: parsed,
    schema checked and migrated, its id matching the file name, but the model not
    validated (rules 1-3 above). For bulk readers that copy data out as it is stored
    (export): validating is most of ``decode_client``'s time."""
    try:  # pydantic's JSON parser: the same values as json.loads, ~1.5x faster (export)
        doc = from_json(data)
    except ValueError as exc:  # not JSON, or not UTF-8
        raise StoreProblem("error.store_corrupt", path=str(path), reason=str(exc)) from None
    if not isinstance(doc, dict):
        raise StoreProblem("error.store_corrupt", path=str(path), reason="not a JSON object")
    doc = migrate(doc, path)
    doc.pop("schema_version", None)
    _check_name(doc.get("id"), path)
    if not isinstance(doc.get("sessions"), list):
        raise StoreProblem("error.store_corrupt", path=str(path), reason="no sessions list")
    return doc


# A client file is a few kilobytes (a thousand meetings is ~300 KB); anything far larger is
