"""The client store on a shared PostgreSQL database: one row per client.

Each row holds the same versioned document a client file of the folder store holds (JSONB,
``schema_version`` inside, read with the folder store's decoder and migrations) plus indexed
columns for the ID, the responsible practitioner, the status and the update time. Every
operation is one transaction; read-modify-write holds the client's row lock
(``SELECT ... FOR UPDATE``), so two practitioners logging for one client never lose a form.
Who may read and write which rows is the database's business (roles and row-level
security, created by ``init``): a refusal is ``NotAllowed`` (exit 6).

``PgStore`` implements the store interface (``store.ClientStore``) as the folder store
does, its readers shared with it (store/base.py); it has no folder (``folder`` is None), so
nothing of the folder's mechanics (paths, lock files, temp files) exists here.
Never prints; raises fitcli.errors. Passwords never appear in messages.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from fitcli.errors import InvalidData, NotAllowed, NotFound, StoreProblem
from fitcli.model.ids import id_key, validate_client_id
from fitcli.model.problems import DomainError
from fitcli.model.scores import Client
from fitcli.store import (
    LOCK_TIMEOUT_S,
    SCHEMA_VERSION,
    Initialised,
    decode_client,
    encode,
    file_header,
)
from fitcli.store.base import StoreBase
from fitcli.writes import note_written

if TYPE_CHECKING:  # psycopg is imported only when a PostgreSQL store is used
    import psycopg

T = TypeVar("T")
R = TypeVar("R")

SCHEMES = ("postgresql://", "postgres://")
GROUP_ROLES = {"practitioner": "fitcli_practitioner", "supervisor": "fitcli_supervisor",
               "admin": "fitcli_admin"}
# (version, file in fitcli/sql): applied in order, each once, recorded in fitcli_schema.
MIGRATIONS: tuple[tuple[int, str], ...] = ((1, "0001_clients.sql"), (2, "0002_teams.sql"))
STREAM_ROWS = 500  # rows per chunk when streaming many clients (fit flags, fit report)
_INIT_LOCK = 0x6669_7463_6C69  # advisory lock key: one `fit store init` at a time


def is_url(text: str) -> bool:
    """True for a ``postgresql://`` or ``postgres://`` connection URL (any case)."""
    return text.strip().lower().startswith(SCHEMES)


_USERINFO_PASSWORD = re.compile(r"^([a-zA-Z]+://[^:/@?#]*:)([^@/?#]*)(@)")
_QUERY_PASSWORD = re.compile(r"([?&]password=)[^&#]*", re.IGNORECASE)


def mask(url: str) -> str:
    """The URL with any password replaced by ``***`` (in the user part and in the query)."""
    masked = _USERINFO_PASSWORD.sub(lambda m: f"{m.group(1)}***{m.group(3)}"
                                    if m.group(2) else m.group(0), url.strip())
    return _QUERY_PASSWORD.sub(r"\1***", masked)


def _secrets(url: str) -> list[str]:
    """The password(s) written in ``url``, to scrub from any message that might echo them."""
    found = []
    m = _USERINFO_PASSWORD.match(url.strip())
    if m and m.group(2):
        found.append(m.group(2))
    found += [q.split("=", 1)[1] for q in re.findall(r"[?&]password=[^&#]*", url, re.I)]
    from urllib.parse import unquote

    return [s for s in found + [unquote(s) for s in found] if s]


def _row_name(client_id: str) -> str:
    """The file name the decoder checks a row's document id against (as a folder store
    checks a file's)."""
    return f"{client_id}.json"


# A row's document as the decoders read it. A current-schema document comes without its
# schema_version and gets encode()'s own first line back (``_document_text``): the decoder
# then validates it straight from the text (its shortcut), ~15 % of `fit flags` on 10,000
# clients. Others come as stored.
_SELECT = ("SELECT id, document->'schema_version' = %(current)s, "
           "CASE WHEN document->'schema_version' = %(current)s "
           "THEN (document - 'schema_version')::text ELSE document::text END FROM clients ")


def _document_text(current: bool, text: str) -> str:
    return file_header() + text[1:] if current else text


class PgStore(StoreBase):
    """The store's operations on a PostgreSQL database (see the module docstring)."""

    def __init__(self, url: str, *, lock_timeout_s: float = LOCK_TIMEOUT_S) -> None:
        """``lock_timeout_s``: the folder store's setting of that name (see ``Store``), here
        the wait for a client's row another writer holds (PostgreSQL's lock_timeout, set
        when the connection opens)."""
        self.url = url.strip()
        self.lock_timeout_s = lock_timeout_s
        self._conn: psycopg.Connection[Any] | None = None

    # -- connection and errors --------------------------------------------------------
    def describe(self) -> str:
        """The store as shown to people: the URL with the password masked."""
        return mask(self.url)

    def where(self, client_id: str) -> str:
        return f"{self.describe()} ({client_id})"

    def _clean(self, text: str) -> str:
        line = " ".join(text.split())  # one line: libpq's hints come on their own lines
        for secret in _secrets(self.url):
            line = line.replace(secret, "***")
        return line

    def connection(self) -> psycopg.Connection[Any]:
        """The connection of this command (opened on first use, autocommit: each operation
        opens its own transaction). Failing to connect is one line, exit 5."""
        if self._conn is None or self._conn.closed:
            try:
                import psycopg
            except ImportError:  # installed without the extra: fitcli[postgresql]
                raise StoreProblem("error.pg_missing") from None

            options: dict[str, Any] = {"application_name": "fitcli"}
            if "connect_timeout" not in self.url:
                options["connect_timeout"] = 10  # a server that is down: one line, soon
            # Like the folder store's lock wait: a client held by another writer for longer
            # than this is an error to retry, not a command hanging for ever. Sent with the
            # connection (no extra round trip) unless the URL has its own server options.
            lock_timeout = f"{int(self.lock_timeout_s * 1000)}ms"
            if "options" not in self.url:
                options["options"] = f"-c lock_timeout={lock_timeout}"
            try:
                self._conn = psycopg.connect(self.url, autocommit=True, **options)
                if "options" in self.url:
                    self._conn.execute("SELECT set_config('lock_timeout', %s, false)",
                                       (lock_timeout,))
            except psycopg.Error as exc:
                raise StoreProblem("error.pg_connect", store=self.describe(),
                                   reason=self._clean(str(exc))) from None
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _fail(self, exc: Exception) -> NoReturn:
        """A database error as the project's error: refusals exit 6, the rest 5."""
        import psycopg
        from psycopg import errors as pg

        diag = getattr(exc, "diag", None)
        reason = self._clean((diag.message_primary if diag is not None else None)
                             or str(exc) or type(exc).__name__)
        if isinstance(exc, pg.InsufficientPrivilege):
            raise NotAllowed("error.pg_not_allowed", store=self.describe(),
                             reason=reason) from None
        if isinstance(exc, pg.LockNotAvailable):
            raise StoreProblem("error.pg_locked", store=self.describe(),
                               seconds=int(self.lock_timeout_s)) from None
        if isinstance(exc, pg.UndefinedTable | pg.UndefinedFunction):
            raise StoreProblem("error.pg_no_schema", store=self.describe()) from None
        if isinstance(exc, psycopg.OperationalError) and (self._conn is None
                                                          or self._conn.closed):
            raise StoreProblem("error.pg_connect", store=self.describe(),
                               reason=reason) from None
        raise StoreProblem("error.pg_failed", store=self.describe(), reason=reason) from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[psycopg.Cursor[Any]]:
        """One transaction (committed when the block ends, rolled back on any error), its
        database errors turned into fitcli errors."""
        conn = self.connection()  # first: it says so if psycopg is not installed
        import psycopg

        try:
            with conn.transaction(), conn.cursor() as cur:
                yield cur
                changed = cur.rowcount > 0 and cur.statusmessage is not None \
                    and not cur.statusmessage.startswith("SELECT")
            if changed:
                note_written()  # committed: an output failure must not say "nothing saved"
        except psycopg.Error as exc:
            self._fail(exc)

    def login(self) -> str:
        """The database login of this connection (``current_user``)."""
        with self.transaction() as cur:
            row = cur.execute("SELECT current_user").fetchone()
        assert row is not None
        return str(row[0])

    # -- reading ----------------------------------------------------------------------
    def _problem(self, client_id: str, exc: StoreProblem) -> StoreProblem:
        """A folder-store decoding problem said of a row."""
        if exc.key == "error.store_schema":
            return StoreProblem("error.pg_schema", client=client_id, store=self.describe(),
                                version=exc.params.get("version"),
                                supported=exc.params.get("supported"))
        return StoreProblem("error.pg_corrupt", client=client_id, store=self.describe(),
                            reason=exc.params.get("reason", exc.key))

    def _row_client(self, client_id: str, current: bool, text: str) -> Client:
        """A row (as ``_SELECT`` reads it) as its client, or the row's problem."""
        try:
            return decode_client(_document_text(current, text), _row_name(client_id))
        except StoreProblem as exc:
            raise self._problem(client_id, exc) from None

    def ids(self) -> list[str]:
        """The IDs of every client this login may read, sorted without regard to case."""
        with self.transaction() as cur:
            rows = cur.execute("SELECT id FROM clients").fetchall()
        return sorted((r[0] for r in rows), key=lambda name: (id_key(name), name))

    def _read(self, ids: list[str] | None, missing_ok: bool,
              decode: Callable[[str | bytes, str], R]
              ) -> Iterator[tuple[str, R | StoreProblem]]:
        """The store's one reader (see ``Store.entries`` for what ``ids`` and
        ``missing_ok`` ask): (ID, ``decode`` of the row's document and the file name it
        is checked against, or the problem that stops it)."""
        rows: Iterable[tuple[str, bool, str]] = self._streamed(
            None if ids is None else [id_key(i) for i in ids])
        if ids is not None and not missing_ok:  # in the order asked: each found, or NotFound
            found = {id_key(row[0]): row for row in rows}
            missing = next((i for i in ids if id_key(i) not in found), None)
            if missing is not None:
                raise NotFound("error.client_not_found", client=missing)
            rows = [found[id_key(i)] for i in ids]
        for client_id, current, text in rows:
            name = _row_name(client_id)
            try:
                got: R | StoreProblem = decode(_document_text(current, text), name)
            except StoreProblem as exc:
                got = self._problem(client_id, exc)
            yield client_id, got

    def _streamed(self, keys: list[str] | None) -> Iterator[tuple[str, bool, str]]:
        """The rows (as ``_SELECT`` reads them) of every client or of the given ID keys, in
        store order (the order of ``ids()``: case-folded ID, then ID, compared by code
        point as Python compares strings), streamed in chunks, so the caller decodes and
        checks clients while the server still sends the next ones."""
        conn = self.connection()  # first: it says so if psycopg is not installed
        import psycopg
        from psycopg.types.json import Jsonb

        where = "" if keys is None else "WHERE id_key = ANY(%(keys)s) "
        query = _SELECT + where + 'ORDER BY id_key COLLATE "C", id COLLATE "C"'
        try:
            with conn.cursor() as cur:
                yield from cur.stream(query, {"keys": keys, "current": Jsonb(SCHEMA_VERSION)},
                                      size=STREAM_ROWS)
        except psycopg.Error as exc:
            self._fail(exc)

    def _locked_row(self, cur: psycopg.Cursor[Any], client_id: str) -> tuple[str, Client]:
        """The client's row read and locked (``FOR UPDATE``) in ``cur``'s transaction: its
        ID as stored and its client. NotFound if there is none."""
        from psycopg.types.json import Jsonb

        row = cur.execute(_SELECT + "WHERE id_key = %(key)s FOR UPDATE",
                          {"key": id_key(client_id), "current": Jsonb(SCHEMA_VERSION)}
                          ).fetchone()
        if row is None:
            raise NotFound("error.client_not_found", client=client_id)
        return row[0], self._row_client(*row)

    # -- what the store is --------------------------------------------------------------
    @property
    def folder(self) -> Path | None:
        return None  # no files: read by one process, in one connection

    has_teams = True

    # -- writing ----------------------------------------------------------------------
    @staticmethod
    def _columns(client: Client) -> tuple[str, str, str, str | None, str]:
        """(id_key, id, document, practitioner, status) of a client's row."""
        return (id_key(client.id), client.id, encode(client).decode("utf-8"),
                client.practitioner, client.status)

    def create(self, client: Client) -> None:
        try:
            validate_client_id(client.id)
        except DomainError as exc:
            raise InvalidData(exc.key, **exc.params) from None
        with self.transaction() as cur:
            cur.execute(
                "INSERT INTO clients (id_key, id, document, practitioner, status) "
                "VALUES (%s, %s, %s::jsonb, %s, %s) ON CONFLICT (id_key) DO NOTHING",
                self._columns(client))
            if cur.rowcount == 1:
                return
            # named as stored (C1 for c1), where this login may see it
            row = cur.execute("SELECT id FROM clients WHERE id_key = %s",
                              (id_key(client.id),)).fetchone()
        raise InvalidData("error.client_exists", client=client.id if row is None else row[0])

    def update(self, client_id: str, change: Callable[[Client], tuple[Client, T]]) -> T:
        """Read-modify-write one client in one transaction holding its row lock; a refusal
        inside ``change`` (or a corrupt row) writes nothing."""
        with self.transaction() as cur:
            _stored, client = self._locked_row(cur, client_id)
            updated, result = change(client)
            if updated is not client:
                _key, new_id, document, practitioner, status = self._columns(updated)
                cur.execute("UPDATE clients SET id = %s, document = %s::jsonb, "
                            "practitioner = %s, status = %s, updated_at = now() "
                            "WHERE id_key = %s", (new_id, document, practitioner, status,
                                                  id_key(client_id)))
                if cur.rowcount != 1:  # the row's policy let us read but not write it
                    raise NotAllowed("error.pg_not_allowed", store=self.describe(),
                                     reason="row-level security")
        return result

    def remove(self, client_id: str) -> Path:
        """Erase the client's row for good; an unreadable row is left for a person."""
        with self.transaction() as cur:
            stored, _client = self._locked_row(cur, client_id)
            cur.execute("DELETE FROM clients WHERE id_key = %s", (id_key(client_id),))
            if cur.rowcount != 1:
                raise NotAllowed("error.pg_not_allowed", store=self.describe(),
                                 reason="row-level security")
        return Path(_row_name(stored))

    def write_batch(self, plans: Iterable[Any],
                    progress: Callable[[float], None] | None = None, *,
                    replan: Any = None) -> int:
        """Write planned clients (``model.batch.ClientPlan``: ``base`` as read, None for a
        new client, and ``result``) all or nothing, in one transaction, without a round
        trip per client: new clients go in by COPY (or batched INSERTs where row-level
        security applies, which COPY does not support), changed clients are checked
        against their row as planned from (locked) and then replaced in one statement. A
        client created or changed by someone else since it was planned fails the whole
        batch (``import.error.changed_meanwhile``), nothing written (``replan`` is not
        needed: the database's transaction decides). Plans are taken as they come, sent a
        few hundred at a time (a generator may plan them one at a time, reading clients
        in this transaction between the pieces; an error it raises writes nothing).
        ``progress`` is told each client's share as it is sent. Returns the number of
        clients written."""
        tick = progress or (lambda _share: None)
        sent = changed = 0
        with self.transaction() as cur:
            new: list[Any] = []
            altered: list[Any] = []
            rls: bool | None = None
            for plan in plans:  # each piece is encoded while COPY sends it
                sent += 1
                (new if plan.base is None else altered).append(plan)
                if len(new) >= STREAM_ROWS:
                    rls = self._insert_new(cur, new, tick, rls)
                    new = []
                if len(altered) >= STREAM_ROWS:
                    self._send_changed(cur, altered, tick, first=not changed)
                    changed += len(altered)
                    altered = []
            if new:
                self._insert_new(cur, new, tick, rls)
            if altered:
                self._send_changed(cur, altered, tick, first=not changed)
                changed += len(altered)
            if changed:
                self._replace_changed(cur, changed)
        return sent

    def _rls_active(self, cur: psycopg.Cursor[Any]) -> bool:
        row = cur.execute("SELECT row_security_active('clients')").fetchone()
        return bool(row and row[0])

    def _insert_new(self, cur: psycopg.Cursor[Any], plans: list[Any],
                    tick: Callable[[float], None], rls: bool | None) -> bool:
        """New clients (a piece of a batch); returns whether row-level security applies
        (asked once a batch)."""
        from psycopg import errors as pg

        columns = "id_key, id, document, practitioner, status"
        if rls is None:
            rls = self._rls_active(cur)
        try:
            if rls:
                rows = []
                for plan in plans:
                    rows.append(self._columns(plan.result))
                    tick(1.0)
                cur.executemany(f"INSERT INTO clients ({columns}) "
                                "VALUES (%s, %s, %s::jsonb, %s, %s)", rows)
                return rls
            with cur.copy(f"COPY clients ({columns}) FROM STDIN") as copy:
                for plan in plans:
                    copy.write_row(self._columns(plan.result))
                    tick(1.0)
        except pg.UniqueViolation as exc:  # created by someone else since it was planned
            detail = exc.diag.message_detail or ""
            key = re.search(r"=\((.*)\) already exists", detail)
            raise InvalidData("import.error.changed_meanwhile",
                              client=key.group(1) if key else "?") from None
        return rls

    def _send_changed(self, cur: psycopg.Cursor[Any], plans: list[Any],
                      tick: Callable[[float], None], first: bool) -> None:
        """Changed clients' rows with the document each was planned from (a piece of a
        batch), into a table of this transaction; ``_replace_changed`` then writes them."""
        if first:
            cur.execute("CREATE TEMP TABLE fitcli_incoming (id_key text, id text, "
                        "document jsonb, practitioner text, status text, base jsonb) "
                        "ON COMMIT DROP")
        with cur.copy("COPY fitcli_incoming FROM STDIN") as copy:
            for plan in plans:
                copy.write_row((*self._columns(plan.result),
                                encode(plan.base).decode("utf-8")))
                tick(1.0)

    def _replace_changed(self, cur: psycopg.Cursor[Any], count: int) -> None:
        # Lock the rows first, then compare: nobody can change them between the two.
        cur.execute("SELECT 1 FROM clients c JOIN fitcli_incoming i USING (id_key) "
                    "FOR UPDATE OF c")
        row = cur.execute(
            "SELECT i.id FROM fitcli_incoming i LEFT JOIN clients c USING (id_key) "
            "WHERE c.id_key IS NULL OR c.document <> i.base ORDER BY i.id LIMIT 1").fetchone()
        if row is not None:
            raise InvalidData("import.error.changed_meanwhile", client=row[0])
        cur.execute("UPDATE clients c SET id = i.id, document = i.document, "
                    "practitioner = i.practitioner, status = i.status, updated_at = now() "
                    "FROM fitcli_incoming i WHERE c.id_key = i.id_key")
        if cur.rowcount != count:
            raise NotAllowed("error.pg_not_allowed", store=self.describe(),
                             reason="row-level security")

    # -- schema -----------------------------------------------------------------------
    def schema_versions(self) -> list[int]:
        """The migrations applied to this database (empty before `fit store init`)."""
        with self.transaction() as cur:
            exists = cur.execute("SELECT to_regclass('fitcli_schema') IS NOT NULL").fetchone()
            if not exists or not exists[0]:
                return []
            return [r[0] for r in cur.execute(
                "SELECT version FROM fitcli_schema ORDER BY version").fetchall()]

    def init(self) -> Initialised:
        """Create or migrate the schema (run by the database owner): each migration not yet
        applied, in order, all in one transaction."""
        from psycopg import sql

        applied: list[int] = []
        with self.transaction() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_INIT_LOCK,))
            cur.execute("CREATE TABLE IF NOT EXISTS fitcli_schema ("
                        "version int PRIMARY KEY, applied_at timestamptz NOT NULL "
                        "DEFAULT now())")
            done = {r[0] for r in cur.execute("SELECT version FROM fitcli_schema").fetchall()}
            newest = MIGRATIONS[-1][0]
            if done and max(done) > newest:
                raise StoreProblem("error.pg_schema_newer", store=self.describe(),
                                   version=max(done), supported=newest)
            schema_row = cur.execute("SELECT current_schema()").fetchone()
            assert schema_row is not None
            schema = sql.Identifier(schema_row[0]).as_string(cur)
            for version, name in MIGRATIONS:
                if version in done:
                    continue
                text = resources.files("fitcli.store.sql").joinpath(name).read_text("utf-8")
                cur.execute(text.replace("@SCHEMA@", schema).encode("utf-8"))
                cur.execute("INSERT INTO fitcli_schema (version) VALUES (%s)", (version,))
                applied.append(version)
        return Initialised(created=not done, applied=tuple(applied), version=newest)
