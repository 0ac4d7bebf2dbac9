"""Each store has one reader: ``load``, ``entries`` and ``documents`` see the same clients in
the same order and the same problems, on a store folder and on a team database alike; and
the store says what it is (a folder worker processes may reopen, teams) for the commands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from fitcli.errors import NotFound, StoreProblem
from fitcli.model.scores import Client, Rating, Session
from fitcli.store import ClientStore, Initialised, Store, decode_client, encode
from fitcli.store.database import MIGRATIONS, PgStore, mask
from test_store import BROKEN


def _client(cid: str) -> Client:
    visit = Session(session=1, date=dt.date(2026, 6, 1), ors=Rating.from_total(20.0))
    return Client(id=cid, start=dt.date(2026, 6, 1), sessions=(visit,))


@pytest.fixture(params=["folder", "database"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "folder":
        yield Store(tmp_path / "store")
        return
    pg = PgStore(request.getfixturevalue("pg_db"))
    yield pg
    pg.close()


def _put_broken(st: Store, client_id: str, content: str) -> None:
    """A client whose stored document the readers refuse (written behind the store's back)."""
    if isinstance(st, PgStore):
        with psycopg.connect(st.url, autocommit=True) as conn:
            conn.execute("INSERT INTO clients (id_key, id, document) VALUES (%s, %s, %s)",
                         (client_id.casefold(), client_id, content))
        return
    st.clients_dir.mkdir(parents=True, exist_ok=True)
    (st.clients_dir / f"{client_id}.json").write_text(content, encoding="utf-8")


def test_what_the_store_is(tmp_path: Path, pg_db: str) -> None:
    folder: ClientStore = Store(tmp_path)
    assert (folder.folder, folder.has_teams) == (tmp_path, False)
    assert folder.login() is None  # a folder knows nobody
    database: ClientStore = PgStore(pg_db)
    assert (database.folder, database.has_teams) == (None, True)
    assert database.login() == psycopg.conninfo.conninfo_to_dict(pg_db)["user"]
    database.close()
    assert database.ids() == []  # closed, then opened again when used
    database.close()


@pytest.mark.parametrize("content", [
    pytest.param(BROKEN[name], id=name)
    for name in ("future-schema", "bad-field", "unknown-field", "item-out-of-range")])
def test_every_reader_sees_the_same_clients_and_problems(any_store: Store,
                                                         content: str) -> None:
    for cid in ("b2", "A1"):
        any_store.create(_client(cid))
    _put_broken(any_store, "C002", content)
    with pytest.raises(StoreProblem) as loading:
        any_store.load("c002")
    entries = list(any_store.entries())
    validated = list(any_store.documents(validated=True))
    assert [e.client_id for e in entries] == [d.client_id for d in validated] == [
        "A1", "b2", "C002"]
    assert [e.client for e in entries[:2]] == [d.client for d in validated[:2]] == [
        _client("A1"), _client("b2")]
    for problem in (entries[2].problem, validated[2].problem):
        assert problem is not None
        assert (problem.key, problem.params) == (loading.value.key, loading.value.params)
    # the documents as stored: the schema is checked (the model is not)
    stored = list(any_store.documents())
    assert [d.doc["id"] if d.doc else None for d in stored[:2]] == ["A1", "b2"]
    if loading.value.key.endswith("_schema"):
        assert stored[2].problem is not None
        assert (stored[2].problem.key, stored[2].problem.params) == (
            loading.value.key, loading.value.params)


@pytest.mark.parametrize("reader", ["entries", "documents"])
def test_given_ids_in_any_case_come_in_the_order_asked(any_store: Store, reader: str) -> None:
    for cid in ("b2", "A1", "a10"):
        any_store.create(_client(cid))
    read = getattr(any_store, reader)
    assert [e.client_id for e in read(["B2", "a1"])] == ["b2", "A1"]
    got = read(["a10", "nope"])
    with pytest.raises(NotFound) as caught:
        next(got)  # before any client is read
    assert caught.value.params == {"client": "nope"}


@pytest.mark.parametrize("reader", ["entries", "documents"])
def test_ids_as_listed_skip_a_client_removed_meanwhile(any_store: Store, reader: str) -> None:
    """What each worker process of `fit flags` reads: a share of ``ids()``."""
    for cid in ("A1", "b2", "C3"):
        any_store.create(_client(cid))
    listed = any_store.ids()
    any_store.remove("b2")
    got = getattr(any_store, reader)(listed, missing_ok=True)
    assert [e.client_id for e in got] == ["A1", "C3"]
    with pytest.raises(NotFound):
        list(getattr(any_store, reader)(listed))


def test_bytes_that_are_not_utf8_are_a_corrupt_file() -> None:
    data = encode(_client("C1")).replace(b'"C1"', b'"C\xff"')
    with pytest.raises(StoreProblem) as caught:
        decode_client(data, "clients/C1.json")
    assert (caught.value.key, caught.value.params["path"]) == ("error.store_corrupt",
                                                               "clients/C1.json")
    assert decode_client(encode(_client("C1")), "C1.json") == _client("C1")


def test_every_store_names_itself_and_its_clients(any_store: Store) -> None:
    """For messages: the store, and where one client of it is kept."""
    name = any_store.describe()
    assert name == (mask(any_store.url) if isinstance(any_store, PgStore) else
                    str(any_store.root))
    where = any_store.where("A1")
    assert name in where and "A1" in where


def test_init_sets_a_store_up_once(tmp_path: Path, pg_db: str) -> None:
    folder = Store(tmp_path / "new")
    assert folder.init() == Initialised(created=True)
    assert (tmp_path / "new" / "clients").is_dir()
    assert folder.init() == Initialised(created=False)
    database = PgStore(pg_db)  # set up by the fixture already: nothing left to apply
    try:
        done = database.init()
    finally:
        database.close()
    assert (done.created, done.applied) == (False, ())
    assert done.version == MIGRATIONS[-1][0]
