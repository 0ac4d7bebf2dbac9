"""Teams on a PostgreSQL store: `fit team`, practitioners, and access enforced by the
database itself (roles and row-level security), checked through fit and from raw SQL."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import errors as pg_errors

from conftest import Fit, StoreSettings, as_json, ok
from pg_helpers import PgServer

_suffix = itertools.count(1)


@dataclass
class Team:
    """Logins of one test (logins are server-wide: each test gets its own names)."""

    owner_url: str
    url: Callable[[str], str]  # login -> its URL
    anna: str  # practitioner, team east
    bo: str  # practitioner, team east
    carl: str  # practitioner, team west
    sup: str  # supervisor, team east
    adm: str  # administrator


@pytest.fixture
def team(fit: Fit, pg_server: PgServer, pg_db: str) -> Team:
    n = next(_suffix)
    names = {k: f"{k}{n}" for k in ("anna", "bo", "carl", "sup", "adm")}
    for login in names.values():
        pg_server.login(login)
    database = pg_db.split("@/")[1].split("?")[0]

    def url(login: str) -> str:
        return pg_server.url(database, user=login)

    for login, role, where in ((names["anna"], "practitioner", "east"),
                               (names["bo"], "practitioner", "east"),
                               (names["carl"], "practitioner", "west"),
                               (names["sup"], "supervisor", "east"),
                               (names["adm"], "admin", None)):
        extra = ("--team", where) if where else ()
        ok(fit("--store", pg_db, "team", "grant", login, "--role", role, *extra))
    team = Team(pg_db, url, **names)
    for login, client in ((team.anna, "A1"), (team.bo, "B1"), (team.carl, "C1")):
        ok(fit("--store", url(login), "client", "add", client))
        ok(fit("--store", url(login), "ors", client, "--total", "18"))
    return team


def rows(url: str) -> list[tuple[str, str | None, int]]:
    """(id, practitioner, number of visits) of every client, read as the owner."""
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT id, practitioner, jsonb_array_length(document->'sessions') "
            "FROM clients ORDER BY id").fetchall()


def ids(fit: Fit, url: str) -> list[str]:
    return [c["id"] for c in as_json(fit("--store", url, "client", "list", "--json"))]


def test_grant_list_revoke(fit: Fit, team: Team) -> None:
    listed = as_json(fit("--store", team.owner_url, "team", "list", "--json"))
    mine = {m["login"]: (m["roles"], m["teams"]) for m in listed}
    assert mine[team.anna] == (["practitioner"], ["east"])
    assert mine[team.sup] == (["supervisor"], ["east"])
    assert mine[team.adm][0] == ["admin"]
    text = ok(fit("--store", team.owner_url, "team", "list")).stdout
    assert f"{team.sup}" in text and "supervisor / east" in text
    gone = ok(fit("--store", team.owner_url, "team", "revoke", team.bo))
    assert gone.stdout == f"{team.bo} no longer has any fitcli role or team (the login " \
        "itself stays).\n"
    refused = fit("--store", team.url(team.bo), "client", "list")
    assert refused.exit_code == 6, refused.stderr
    assert refused.stderr.startswith("Error: the database postgresql://")
    assert "refused this for your login (permission denied for table clients)" in refused.stderr


def test_grant_names_an_existing_login(fit: Fit, pg_db: str) -> None:
    result = fit("--store", pg_db, "team", "grant", "nobody_here", "--role", "practitioner")
    assert result.exit_code == 3
    assert result.stderr == ("Error: there is no database login nobody_here; the database "
                             "administrator creates logins first (CREATE ROLE ... LOGIN).\n")


def test_team_needs_a_database(fit: Fit) -> None:
    result = fit("team", "list")
    assert result.exit_code == 2
    assert "'fit team' works on a team database only" in result.stderr


def test_a_practitioner_reads_and_writes_only_their_clients(fit: Fit, team: Team) -> None:
    anna = team.url(team.anna)
    assert rows(team.owner_url) == [("A1", team.anna, 1), ("B1", team.bo, 1),
                                    ("C1", team.carl, 1)]
    assert ids(fit, anna) == ["A1"]
    assert as_json(fit("--store", anna, "flags", "--json"))[0]["client"] == "A1"
    for args in (("client", "show", "B1"), ("ors", "B1", "--total", "20"),
                 ("client", "remove", "B1", "--yes")):
        hidden = fit("--store", anna, *args)
        assert hidden.exit_code == 3, (args, hidden.stderr)  # not even its existence shows
    for args in (("client", "add", "X1", "--practitioner", team.bo),
                 ("client", "assign", "A1", team.bo)):
        refused = fit("--store", anna, *args)
        assert refused.exit_code == 6, (args, refused.stderr)
        assert "new row violates row-level security policy" in refused.stderr
    assert rows(team.owner_url) == [("A1", team.anna, 1), ("B1", team.bo, 1),
                                    ("C1", team.carl, 1)]
    ok(fit("--store", anna, "srs", "A1", "--total", "36"))


def test_a_supervisor_reads_their_team_and_writes_nothing(fit: Fit, team: Team) -> None:
    sup = team.url(team.sup)
    assert ids(fit, sup) == ["A1", "B1"]
    assert as_json(fit("--store", sup, "report", "--json"))["clients"] == 2
    before = rows(team.owner_url)
    for args in (("ors", "A1", "--total", "20"), ("client", "add", "S1"),
                 ("client", "close", "B1", "--reason", "planned"),
                 ("client", "remove", "A1", "--yes")):
        refused = fit("--store", sup, *args)
        assert refused.exit_code == 6, (args, refused.stderr)
        assert "permission denied for table clients" in refused.stderr
    assert rows(team.owner_url) == before
    assert fit("--store", sup, "client", "show", "C1").exit_code == 3  # another team's


def test_an_administrator_does_everything(fit: Fit, team: Team, pg_server: PgServer) -> None:
    adm = team.url(team.adm)
    assert ids(fit, adm) == ["A1", "B1", "C1"]
    assigned = ok(fit("--store", adm, "client", "assign", "B1", team.anna))
    assert assigned.stdout == f"Client B1 is now the responsibility of {team.anna}.\n"
    assert ids(fit, team.url(team.anna)) == ["A1", "B1"]
    ok(fit("--store", adm, "client", "add", "D1", "--practitioner", team.carl))
    assert ids(fit, team.url(team.carl)) == ["C1", "D1"]
    newcomer = f"dora{next(_suffix)}"
    pg_server.login(newcomer)
    ok(fit("--store", adm, "team", "grant", newcomer, "--role", "practitioner", "--team",
           "east"))
    ok(fit("--store", team.url(newcomer), "client", "add", "N1"))
    assert ids(fit, team.url(team.sup)) == ["A1", "B1", "N1"]


def test_the_database_enforces_it_for_raw_sql_too(team: Team) -> None:
    with psycopg.connect(team.url(team.anna), autocommit=True) as conn:
        assert conn.execute("SELECT id FROM clients ORDER BY id").fetchall() == [("A1",)]
        changed = conn.execute("UPDATE clients SET status = 'closed' WHERE id = 'B1'")
        assert changed.rowcount == 0
        assert conn.execute("DELETE FROM clients WHERE id <> 'A1'").rowcount == 0
        with pytest.raises(pg_errors.InsufficientPrivilege):
            conn.execute("INSERT INTO clients (id_key, id, document, practitioner) "
                         "VALUES ('x', 'X', '{}', %s)", (team.bo,))
        with pytest.raises(pg_errors.InsufficientPrivilege):
            conn.execute("UPDATE clients SET practitioner = %s WHERE id = 'A1'", (team.bo,))
        with pytest.raises(pg_errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM fitcli_members")
        with pytest.raises(pg_errors.InsufficientPrivilege):
            conn.execute("ALTER TABLE clients DISABLE ROW LEVEL SECURITY")
    with psycopg.connect(team.url(team.sup), autocommit=True) as conn:
        assert conn.execute("SELECT id FROM clients ORDER BY id").fetchall() == [("A1",),
                                                                                ("B1",)]
        for statement in ("UPDATE clients SET status = 'closed'", "DELETE FROM clients",
                          "INSERT INTO clients (id_key, id, document) VALUES ('y','Y','{}')"):
            with pytest.raises(pg_errors.InsufficientPrivilege):
                conn.execute(statement)
        with pytest.raises(pg_errors.InsufficientPrivilege):  # nor can they join a team
            conn.execute("INSERT INTO fitcli_members VALUES (%s, 'west')", (team.sup,))
    with psycopg.connect(team.url(team.adm), autocommit=True) as conn:
        assert len(conn.execute("SELECT id FROM clients").fetchall()) == 3
    assert rows(team.owner_url) == [("A1", team.anna, 1), ("B1", team.bo, 1),
                                    ("C1", team.carl, 1)]


def test_practitioner_code_from_setting_and_environment(fit: Fit, team: Team,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # a store folder: no practitioner unless one is set
    ok(fit("client", "add", "F1"))
    ok(fit("config", "set", "practitioner", "p-17"))
    ok(fit("client", "add", "F2"))
    monkeypatch.setenv("FIT_PRACTITIONER", "p-18")
    ok(fit("client", "add", "F3"))
    assert ids_by_practitioner(fit) == {"p-17": ["F2"], "p-18": ["F3"]}
    bad = fit("config", "set", "practitioner", "not valid")
    assert bad.exit_code == 4
    monkeypatch.setenv("FIT_PRACTITIONER", "bad code")
    refused = fit("client", "add", "F4")
    assert refused.exit_code == 4
    assert refused.stderr.startswith("Error: 'bad code' is not a practitioner code")


def ids_by_practitioner(fit: Fit) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for code in ("p-17", "p-18"):
        found[code] = [c["id"] for c in as_json(fit("client", "list", "--practitioner", code,
                                                     "--json"))]
    return found


def test_only_administrators_manage_the_team(fit: Fit, team: Team, pg_server: PgServer) -> None:
    outsider = f"eve{next(_suffix)}"
    pg_server.login(outsider)
    for login in (team.anna, team.sup):
        refused = fit("--store", team.url(login), "team", "grant", outsider, "--role",
                      "practitioner")
        assert refused.exit_code == 6, refused.stderr
        assert "permission denied" in refused.stderr
    # an administrator names practitioners and supervisors, the owner names administrators
    no_admin = fit("--store", team.url(team.adm), "team", "grant", outsider, "--role", "admin")
    assert no_admin.exit_code == 6, no_admin.stderr
    listed = as_json(fit("--store", team.owner_url, "team", "list", "--json"))
    assert outsider not in {m["login"] for m in listed}


def test_store_init_on_a_folder_just_makes_it(fit: Fit, store_dir: Path) -> None:
    assert ok(fit("store", "init")).stdout == f"Store folder already exists: {store_dir}\n"
    assert store_dir.is_dir()


def test_store_init_needs_the_owner(fit: Fit, team: Team, pg_empty: str,
                                    pg_server: PgServer) -> None:
    database = pg_empty.split("@/")[1].split("?")[0]
    refused = fit("--store", pg_server.url(database, user=team.anna), "store", "init")
    assert refused.exit_code == 6, refused.stderr
    assert "permission denied for schema public" in refused.stderr


def test_write_batch_as_a_practitioner_is_checked_row_by_row(team: Team) -> None:
    """COPY is not allowed under row-level security: batched INSERTs are, with the same
    all-or-nothing transaction."""
    import datetime as dt

    from fitcli.errors import NotAllowed
    from fitcli.model.batch import ClientPlan
    from fitcli.model.scores import Client
    from fitcli.store.database import PgStore

    def new(cid: str, who: str) -> ClientPlan:
        return ClientPlan(cid.casefold(), None,
                          Client(id=cid, start=dt.date(2026, 6, 1), practitioner=who))

    store = PgStore(team.url(team.anna))
    try:
        with pytest.raises(NotAllowed):
            store.write_batch([new("A2", team.anna), new("A3", team.bo)])
        assert store.ids() == ["A1"]
        assert store.write_batch([new("A2", team.anna), new("A3", team.anna)]) == 2
        assert store.ids() == ["A1", "A2", "A3"]
        changed = store.load("A2").model_copy(update={"label": "group"})
        assert store.write_batch([ClientPlan("a2", store.load("A2"), changed)]) == 1
        assert store.load("A2").label == "group"
    finally:
        store.close()


def test_a_client_locked_by_another_writer_times_out(fit: Fit, team: Team,
                                                     store_settings: StoreSettings) -> None:
    store_settings(lock_timeout_s=1.0)
    with psycopg.connect(team.owner_url) as holder:
        holder.execute("SELECT 1 FROM clients WHERE id = 'A1' FOR UPDATE")
        waited = fit("--store", team.url(team.anna), "ors", "A1", "--total", "20", "--rater",
                     "mor")
        assert waited.exit_code == 5, waited.stderr
        assert "is being written by someone else and stayed locked for 1 s" in waited.stderr
    ok(fit("--store", team.url(team.anna), "ors", "A1", "--total", "20", "--rater", "mor"))


def test_a_practitioner_copies_their_own_folder_in(fit: Fit, team: Team, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    ok(fit("--store", str(folder), "client", "add", "M1"))
    ok(fit("--store", str(folder), "ors", "M1", "--total", "15"))
    anna = team.url(team.anna)
    refused = fit("store", "copy", str(folder), anna)  # no practitioner: only admins' rows
    assert refused.exit_code == 6, refused.stderr
    assert ids(fit, anna) == ["A1"]
    done = ok(fit("store", "copy", str(folder), anna, "--practitioner", team.anna))
    assert "(1 new, 0 replaced, 0 already identical)" in done.stdout
    assert ids(fit, anna) == ["A1", "M1"]
    again = ok(fit("store", "copy", str(folder), anna, "--practitioner", team.anna))
    assert "(0 new, 0 replaced, 1 already identical)" in again.stdout
