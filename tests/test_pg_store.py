"""The PostgreSQL store's own operations, and `fit store copy` between a folder and a
database (both ways): idempotent, refusing to overwrite without --replace, verified."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Fit, as_json, ok
from fitcli.errors import InvalidData, NotFound
from fitcli.model.batch import ClientPlan
from fitcli.model.scores import Client, Rating, Session
from fitcli.store import Store
from fitcli.store.database import PgStore, mask
from strategies import clients


@pytest.mark.parametrize(("url", "shown"), [
    pytest.param("postgresql://anna:pa55@db.example:5432/fit",
                 "postgresql://anna:***@db.example:5432/fit", id="user-password"),
    pytest.param("postgres://anna:p%40ss@db/fit?sslmode=require",
                 "postgres://anna:***@db/fit?sslmode=require", id="escaped-password"),
    pytest.param("postgresql://db/fit?user=anna&password=pa55",
                 "postgresql://db/fit?user=anna&password=***", id="query-password"),
    pytest.param("postgresql:///fit?service=team", "postgresql:///fit?service=team",
                 id="service-name"),
    pytest.param("postgresql://anna@db/fit", "postgresql://anna@db/fit", id="pgpass"),
])
def test_mask(url: str, shown: str) -> None:
    assert mask(url) == shown


@pytest.fixture
def pg(pg_db: str) -> PgStore:
    store = PgStore(pg_db)
    yield store  # type: ignore[misc]
    store.close()


def _client(cid: str, total: float = 20.0, practitioner: str | None = None) -> Client:
    visit = Session(session=1, date=dt.date(2026, 6, 1), ors=Rating.from_total(total))
    return Client(id=cid, start=dt.date(2026, 6, 1), sessions=(visit,),
                  practitioner=practitioner)


def test_rows_hold_the_file_stores_document(pg: PgStore, pg_db: str, tmp_path: Path) -> None:
    client = _client("C.1", practitioner="anna")
    pg.create(client)
    folder = Store(tmp_path / "s")
    folder.create(client)
    assert pg.load("c.1") == client == folder.load("C.1")
    assert [d.doc for d in pg.documents()] == [d.doc for d in folder.documents()]
    with psycopg.connect(pg_db) as conn:
        row = conn.execute("SELECT id_key, id, practitioner, status, "
                           "document->>'schema_version' FROM clients").fetchone()
    assert row == ("c.1", "C.1", "anna", "open", "2")


def test_entries_and_ids_in_store_order(pg: PgStore) -> None:
    for cid in ("b2", "A1", "a10", "B1"):
        pg.create(_client(cid))
    assert pg.ids() == ["A1", "a10", "B1", "b2"]
    assert [e.client_id for e in pg.entries(["b2", "A1"])] == ["b2", "A1"]
    with pytest.raises(NotFound):
        list(pg.entries(["nope"]))


def test_write_batch_is_all_or_nothing(pg: PgStore) -> None:
    pg.create(_client("K1"))
    stale = _client("K1", 30.0)  # planned from a version that is no longer stored
    plans = [ClientPlan("k0", None, _client("K0")), ClientPlan("k1", stale, _client("K1", 25))]
    with pytest.raises(InvalidData) as refused:
        pg.write_batch(plans)
    assert (refused.value.key, refused.value.params) == ("import.error.changed_meanwhile",
                                                         {"client": "K1"})
    assert pg.ids() == ["K1"]
    # a new client that someone created meanwhile fails the whole batch too
    with pytest.raises(InvalidData) as exists:
        pg.write_batch([ClientPlan("k2", None, _client("K2")),
                        ClientPlan("k1", None, _client("K1"))])
    assert exists.value.params == {"client": "k1"}
    assert pg.ids() == ["K1"]
    ticks: list[float] = []
    done = pg.write_batch([ClientPlan("k1", pg.load("K1"), _client("K1", 25)),
                           ClientPlan("k2", None, _client("K2"))], ticks.append)
    assert done == 2 and ticks == [1.0, 1.0]
    assert pg.load("K1").sessions[0].ors == Rating.from_total(25)


def test_write_batch_takes_plans_as_they_come(pg: PgStore,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Plans made one at a time (reading clients in the batch's transaction between the
    pieces it sends): all written in one transaction, or none when the planning fails."""
    from fitcli.store import database

    monkeypatch.setattr(database, "STREAM_ROWS", 2)
    pg.create(_client("K1"))
    pg.create(_client("K2"))

    def plans(fail: bool) -> Iterator[ClientPlan]:
        for n in range(5):
            yield ClientPlan(f"n{n}", None, _client(f"N{n}"))
        yield ClientPlan("k1", pg.load("K1"), _client("K1", 25))
        yield ClientPlan("k2", pg.load("K2"), _client("K2", 26))
        yield ClientPlan("k9", None, _client("K9"))
        if fail:
            raise InvalidData("import.error.refused", count=1)

    with pytest.raises(InvalidData):
        pg.write_batch(plans(fail=True))
    assert pg.ids() == ["K1", "K2"]
    assert pg.load("K1").sessions[0].ors == Rating.from_total(20)
    assert pg.write_batch(plans(fail=False)) == 8
    assert len(pg.ids()) == 8
    assert pg.load("K2").sessions[0].ors == Rating.from_total(26)


def test_update_refusal_writes_nothing(pg: PgStore) -> None:
    pg.create(_client("C1"))

    def refuse(c: Client) -> tuple[Client, None]:
        raise InvalidData("error.score_range")

    with pytest.raises(InvalidData):
        pg.update("C1", refuse)
    assert pg.load("C1") == _client("C1")


# -- fit store copy ------------------------------------------------------------------------

def _caseload(fit: Fit, folder: Path) -> None:
    """A varied store: the demo's clients (collateral raters, closures, corrections...)."""
    ok(fit("demo", "--store", str(folder), "--clients", "20"))
    folder_store = ["--store", str(folder)]
    ok(fit(*folder_store, "client", "exclude", _first(folder), "--reason", "test"))
    ok(fit(*folder_store, "client", "add", "Z.9", "--practitioner", "anna"))


def _first(folder: Path) -> str:
    return Store(folder).ids()[0]


def _shown(fit: Fit, where: str) -> dict[str, object]:
    ids = [c["id"] for c in as_json(fit("--store", where, "client", "list", "--all", "--json"))]
    return {cid: as_json(fit("--store", where, "client", "show", cid, "--json")) for cid in ids}


def test_copy_round_trip_folder_database_folder(fit: Fit, tmp_path: Path, pg_db: str) -> None:
    source, back = tmp_path / "source", tmp_path / "back"
    _caseload(fit, source)
    count = len(Store(source).ids())
    there = ok(fit("store", "copy", str(source), pg_db))
    assert there.stdout == (f"Copied {count} clients from {source} to {pg_db} ({count} new, 0 "
                            f"replaced, 0 already identical); verified: all {count} clients "
                            "read back the same.\n")
    ok(fit("store", "copy", pg_db, str(back)))
    assert _shown(fit, str(source)) == _shown(fit, pg_db) == _shown(fit, str(back))
    files = sorted(p.name for p in (source / "clients").iterdir())
    assert files == sorted(p.name for p in (back / "clients").iterdir())
    for name in files:  # byte for byte: the same documents
        assert (source / "clients" / name).read_bytes() == (back / "clients" / name).read_bytes()
    again = ok(fit("store", "copy", str(source), pg_db))
    assert f"(0 new, 0 replaced, {count} already identical)" in again.stdout


def test_copy_refuses_to_overwrite_without_replace(fit: Fit, tmp_path: Path,
                                                   pg_db: str) -> None:
    source = tmp_path / "source"
    _caseload(fit, source)
    ok(fit("store", "copy", str(source), pg_db))
    ok(fit("--store", pg_db, "ors", "Z.9", "--total", "30"))
    ok(fit("--store", str(source), "client", "add", "NEW1"))
    before = _shown(fit, pg_db)
    refused = fit("store", "copy", str(source), pg_db)
    assert refused.exit_code == 4, refused.stderr
    assert refused.stderr == (f"Error: 1 clients differ between {source} and {pg_db} (first: "
                              "Z.9); nothing was copied. Copy with --replace to overwrite "
                              f"them in {pg_db}.\n")
    assert _shown(fit, pg_db) == before  # NEW1 was not copied either
    replaced = ok(fit("store", "copy", str(source), pg_db, "--replace"))
    assert "(1 new, 1 replaced," in replaced.stdout
    assert _shown(fit, pg_db) == _shown(fit, str(source))


def test_copy_refuses_an_unreadable_source(fit: Fit, tmp_path: Path, pg_db: str) -> None:
    source = tmp_path / "source"
    ok(fit("--store", str(source), "client", "add", "C1"))
    (source / "clients" / "BAD.json").write_text("{", encoding="utf-8")
    refused = fit("store", "copy", str(source), pg_db)
    assert refused.exit_code == 5
    assert refused.stderr == (f"Error: 1 clients of {source} (source) cannot be read (first: "
                              "BAD); nothing was copied.\n")
    with psycopg.connect(pg_db) as conn:
        assert conn.execute("SELECT count(*) FROM clients").fetchone() == (0,)


def test_copy_to_itself_is_refused(fit: Fit, pg_db: str) -> None:
    assert fit("store", "copy", pg_db, pg_db).exit_code == 2


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(client=clients(), practitioner=st.sampled_from([None, "anna", "Bo.K-2"]))
def test_any_client_round_trips_through_a_row(pg: PgStore, client: Client,
                                              practitioner: str | None) -> None:
    """What the folder store keeps, a row keeps: loaded one by one, streamed, and as the
    stored document."""
    client = client.model_copy(update={"practitioner": practitioner})
    with contextlib.suppress(NotFound):  # an ID hypothesis drew before
        pg.remove(client.id)
    pg.create(client)
    assert pg.load(client.id.swapcase()) == client
    [entry] = [e for e in pg.entries(pg.ids(), missing_ok=True) if e.client_id == client.id]
    assert entry.client == client
    [doc] = [d.doc for d in pg.documents([client.id])]
    assert doc is not None and Client.model_validate(doc) == client
    pg.remove(client.id)


def test_copy_between_folders_replaces_a_client_whose_id_differs_in_case(
        fit: Fit, tmp_path: Path) -> None:
    source, target = tmp_path / "source", tmp_path / "target"
    ok(fit("--store", str(source), "client", "add", "a1", "--start", "2026-06-01"))
    ok(fit("--store", str(source), "ors", "a1", "5", "5", "5", "5"))
    ok(fit("--store", str(target), "client", "add", "A1", "--start", "2026-06-01"))
    replaced = ok(fit("store", "copy", str(source), str(target), "--replace"))
    assert "(0 new, 1 replaced, 0 already identical)" in replaced.stdout
    assert len(list((target / "clients").glob("*.json"))) == 1  # one client, one file
    assert _shown(fit, str(target)) == _shown(fit, str(source))
