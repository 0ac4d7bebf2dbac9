"""`fit team ...`: who is a practitioner, supervisor or administrator on a team database.

Logins and their passwords are the database administrator's business; these commands put
existing logins into fitcli's group roles (fitcli_practitioner, fitcli_supervisor,
fitcli_admin) and teams. The database enforces what each role may read and write.
"""

from typing import Annotated, Any, Literal

import typer

from fitcli.app.context import store
from fitcli.app.group import FitCommand
from fitcli.app.output import echo, emit_json
from fitcli.app.params import JsonOpt
from fitcli.errors import UsageProblem
from fitcli.i18n import t

app = typer.Typer(no_args_is_help=True, help="Practitioners, supervisors and administrators of "
                  "a team database.\n\nExample: fit team grant anna --role practitioner "
                  "--team east")

Role = Literal["practitioner", "supervisor", "admin"]
LoginArg = Annotated[str, typer.Argument(metavar="LOGIN", show_default=False,
                                         help="An existing database login.")]


def _db() -> Any:

    st = store()
    if not st.has_teams:
        raise UsageProblem("error.team_needs_db")
    return st


@app.command("grant", cls=FitCommand)
def grant(
    login: LoginArg,
    role: Annotated[Role, typer.Option(
        "--role", metavar="TEXT", case_sensitive=False, show_default=False,
        help="practitioner, supervisor or admin.")],
    team: Annotated[str | None, typer.Option(
        "--team", metavar="NAME", show_default=False,
        help="Also put the login into this team (a supervisor sees their teams' clients).")]
    = None,
) -> None:
    """Give a database login a fitcli role, and optionally a team (run by an administrator).

    Example: fit team grant anna --role practitioner --team east
    """
    from fitcli.teams import grant as do_grant

    do_grant(_db(), login, role, team)
    echo(t("team.granted", login=login, role=t(f"role.{role}")))
    if team:
        echo(t("team.joined", login=login, team=team))


@app.command("revoke", cls=FitCommand)
def revoke(
    login: LoginArg,
    role: Annotated[Role | None, typer.Option(
        "--role", metavar="TEXT", case_sensitive=False, show_default=False,
        help="Only this role (default: every fitcli role and team).")] = None,
) -> None:
    """Take fitcli roles (all, or one) from a database login (run by an administrator).

    The login itself stays: dropping it is the database administrator's business.

    Example: fit team revoke anna --role supervisor
    """
    from fitcli.teams import revoke as do_revoke

    do_revoke(_db(), login, role)
    if role is None:
        echo(t("team.revoked_all", login=login))
    else:
        echo(t("team.revoked", login=login, role=t(f"role.{role}")))


@app.command("list", cls=FitCommand)
def list_members(as_json: JsonOpt = False) -> None:
    """Show every login with a fitcli role, its roles and teams.

    Example: fit team list
    """
    from fitcli.teams import members

    found = members(_db())
    if as_json:
        emit_json([{"login": m.login, "roles": list(m.roles), "teams": list(m.teams)}
                   for m in found])
        return
    if not found:
        echo(t("team.none"))
        return
    width = max(len(t("team.col_login")), *(len(m.login) for m in found))
    echo(f"{t('team.col_login'):<{width}}  {t('team.col_roles')} / {t('team.col_teams')}")
    for m in found:
        roles = ", ".join(t(f"role.{r}") for r in m.roles) or "-"
        teams = ", ".join(m.teams) or "-"
        echo(f"{m.login:<{width}}  {roles} / {teams}")
