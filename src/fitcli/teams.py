"""Team membership on a PostgreSQL store: fitcli's group roles and the teams table.

GRANT and REVOKE name roles, which cannot be query parameters: they are quoted as
identifiers by psycopg (``sql.Identifier``), never pasted into SQL text. Never prints.
"""

from __future__ import annotations

from dataclasses import dataclass

from fitcli.errors import NotFound
from fitcli.store.database import GROUP_ROLES, PgStore

TEAM_MAX = 63


@dataclass(frozen=True)
class Member:
    login: str
    roles: tuple[str, ...]  # "practitioner", "supervisor", "admin"
    teams: tuple[str, ...]


def _check_login(st: PgStore, login: str) -> None:
    with st.transaction() as cur:
        found = cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s AND rolcanlogin",
                            (login,)).fetchone()
    if found is None:
        raise NotFound("error.team_login_unknown", login=login)


def grant(st: PgStore, login: str, role: str, team: str | None) -> None:
    """Put ``login`` into fitcli's ``role`` (and ``team``), in one transaction."""
    from psycopg import sql

    from fitcli.errors import InvalidData

    if team is not None and not (1 <= len(team.strip()) <= TEAM_MAX):
        raise InvalidData("error.team_name", max=TEAM_MAX)
    _check_login(st, login)
    with st.transaction() as cur:
        cur.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(GROUP_ROLES[role]),
                                                     sql.Identifier(login)))
        if team is not None:
            cur.execute("INSERT INTO fitcli_members (login, team) VALUES (%s, %s) "
                        "ON CONFLICT DO NOTHING", (login, team.strip()))


def revoke(st: PgStore, login: str, role: str | None) -> None:
    """Take ``role`` (None: every fitcli role and team) from ``login``."""
    from psycopg import sql

    _check_login(st, login)
    roles = list(GROUP_ROLES.values()) if role is None else [GROUP_ROLES[role]]
    with st.transaction() as cur:
        held = {r[0] for r in cur.execute(
            "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = %s", (login,)).fetchall()}
        for name in roles:
            if name in held:
                cur.execute(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(name),
                                                                sql.Identifier(login)))
        if role is None:
            cur.execute("DELETE FROM fitcli_members WHERE login = %s", (login,))


def members(st: PgStore) -> list[Member]:
    """Every login holding a fitcli role or a team, sorted by login."""
    names = {v: k for k, v in GROUP_ROLES.items()}
    with st.transaction() as cur:
        rows = cur.execute(
            "SELECT u.rolname, g.rolname FROM pg_auth_members m "
            "JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member "
            "WHERE g.rolname = ANY(%s) AND u.rolcanlogin", (list(names),)).fetchall()
        teams = cur.execute("SELECT login, team FROM fitcli_members ORDER BY team").fetchall()
    roles: dict[str, list[str]] = {}
    for login, group in rows:
        roles.setdefault(login, []).append(names[group])
    in_teams: dict[str, list[str]] = {}
    for login, team in teams:
        in_teams.setdefault(login, []).append(team)
    order = list(GROUP_ROLES)
    return [Member(login, tuple(sorted(roles.get(login, []), key=order.index)),
                   tuple(in_teams.get(login, [])))
            for login in sorted(set(roles) | set(in_teams))]
