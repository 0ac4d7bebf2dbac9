"""`fit client ...`: add, list, show, close, reopen and remove clients."""

import sys
from typing import Annotated

import typer

from fitcli.app import context, prompt
from fitcli.app.context import store, today
from fitcli.app.group import FitCommand
from fitcli.app.output import echo, emit_json, fail_line
from fitcli.app.params import (
    AgeGroupOpt,
    ClientIdArg,
    DateOpt,
    JsonOpt,
    PractitionerFilterOpt,
    YesOpt,
    choice,
    date_option,
    typed_value,
)
from fitcli.errors import EXIT_STORE, UsageProblem
from fitcli.formats.shapes import client_dict
from fitcli.i18n import current_language, t
from fitcli.model import meetings
from fitcli.model.codes import AGE_GROUPS, CLOSE_REASONS, AgeGroup, CloseReason
from fitcli.model.ids import validate_client_id, validate_practitioner
from fitcli.model.problems import DomainError
from fitcli.model.scores import Client
from fitcli.model.text import validate_label
from fitcli.render.safe import json_safe

app = typer.Typer(no_args_is_help=True, help="Add, list, show, close, reopen, exclude and remove "
                  "clients."
                  "\n\nExample: fit client add C001 --age-group adult")

PractitionerOpt = Annotated[str | None, typer.Option(
    "--practitioner", metavar="CODE", show_default=False,
    help="The practitioner responsible (default: you: FIT_PRACTITIONER, the 'practitioner' "
         "setting, or your login on a team database).")]


@app.command("add", cls=FitCommand)
def add(
    client_id: ClientIdArg,
    age_group: AgeGroupOpt = "adult",
    label: Annotated[str, typer.Option(
        "--label", metavar="TEXT",
        help="Short note for yourself, e.g. 'family therapy'. Never a name.")] = "",
    start: Annotated[str | None, typer.Option(
        "--start", metavar="DATE", help="Start of the episode (default: today).",
        show_default=False)] = None,
    practitioner: PractitionerOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a client with a pseudonymous ID.

    Example: fit client add C001 --age-group adolescent --label "family therapy"
    """
    validate_client_id(client_id)
    responsible = (validate_practitioner(practitioner) if practitioner is not None
                   else context.practitioner())
    clean_label = typed_value(validate_label, label)
    start_date = date_option(start) or today()
    if start_date > today():
        raise DomainError("error.date_future", date=start_date.isoformat(),
                          today=today().isoformat())
    client = Client(id=client_id, age_group=age_group, label=clean_label, start=start_date,
                    practitioner=responsible)
    store(create=True).create(client)
    if as_json:
        emit_json(client_dict(client))
    else:
        echo(t("client.added", client=client_id, age_group=t(f"age_group.{age_group}")))


@app.command("list", cls=FitCommand)
def list_clients(
    prefix: Annotated[str | None, typer.Argument(
        metavar="[PREFIX]", show_default=False,
        help="Only clients whose ID starts with this (case ignored), e.g. C0.")] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Include closed clients.")] = False,
    flagged: Annotated[bool, typer.Option(
        "--flagged", help="Only clients with a red or amber flag.")] = False,
    practitioner: PractitionerFilterOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List open clients (all with --all): meetings, intake, latest ORS and change, SRS,
    last date and the most severe flag.

    Example: fit client list C0 --flagged --practitioner anna
    """
    from fitcli.services import listing
    from fitcli.services.rules import norms_and_rules

    profile, rules = norms_and_rules()
    job = listing.Job(root=store().folder, lang=current_language(),
                        profile=profile, rules=rules, today=today(), show_all=show_all,
                        as_json=as_json,
                        practitioner=None if practitioner is None else practitioner.strip(),
                        prefix=prefix or None, flagged=flagged)
    listed = listing.run(job, store(), report=fail_line)
    if as_json:  # the text of emit_json(list of summary_dict), built piece by piece
        sys.stdout.write(json_safe("[" + ", ".join(row[0] for row in listed.rows) + "]")
                         + "\n")
    elif not listed.rows:
        echo(t("list.empty_all" if show_all else "list.empty"))
    else:
        from fitcli.render.console import show
        from fitcli.render.tables import client_list

        table = client_list(listed.rows, flag_header=t("flags.list_column"))
        if isinstance(table, str):  # a long list, laid out as plain text
            echo(table)
        else:
            show(table)
    if listed.problem_count:
        sys.exit(EXIT_STORE)


@app.command("show", cls=FitCommand)
def show_client(client_id: ClientIdArg, as_json: JsonOpt = False) -> None:
    """Show a client's meetings: every item, total and correction.

    Example: fit client show C001
    """
    client = store().load(client_id)
    if as_json:
        emit_json(client_dict(client))
        return
    from fitcli.render.console import show
    from fitcli.render.tables import client_detail

    show(client_detail(client))


@app.command("close", cls=FitCommand)
def close(
    client_id: ClientIdArg,
    reason: Annotated[CloseReason, typer.Option(
        "--reason", metavar="REASON", show_default=False,
        parser=choice("close_reason", CLOSE_REASONS, "--reason"),
        help="Why the episode ended: planned, dropout, referred or other.")],
    date: DateOpt = None,
) -> None:
    """Close a client's episode (planned ending, drop-out, referral or other).

    Example: fit client close C001 --reason planned
    """
    on = date_option(date) or today()
    closed = store().update(
        client_id, lambda c: (updated := meetings.close(c, reason, on, today()), updated))
    echo(t("client.closed", client=closed.id, reason=t(f"close_reason.{reason}"),
           date=on.isoformat()))


@app.command("edit", cls=FitCommand)
def edit(
    client_id: ClientIdArg,
    label: Annotated[str | None, typer.Option(
        "--label", metavar="TEXT", help="New short note for yourself. Never a name.",
        show_default=False)] = None,
    age_group: Annotated[AgeGroup | None, typer.Option(
        "--age-group", metavar="GROUP", show_default=False,
        parser=choice("age_group", AGE_GROUPS, "--age-group"),
        help="New age group, e.g. when an adolescent turns 18.")] = None,
    start: Annotated[str | None, typer.Option(
        "--start", metavar="DATE", show_default=False,
        help="New start of the episode (on or before the first visit).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a client's label, age group or episode start; the old values stay in the
    client's history ('fit client show').

    Example: fit client edit C001 --age-group adult
    """
    from fitcli.model.details import edit as change_details

    clean = typed_value(validate_label, label) if label is not None else None
    on = date_option(start)

    def apply(c: Client) -> tuple[Client, Client]:
        updated = change_details(c, now=context.now(), today=today(), age_group=age_group,
                                 label=clean, start=on)
        return updated, updated

    done = store().update(client_id, apply)
    if as_json:
        emit_json(client_dict(done))
        return
    for change in done.edits[-3:]:
        if change.at != done.edits[-1].at:
            continue
        now_value = {"age_group": t(f"age_group.{done.age_group}"), "label": done.label,
                     "start": done.start.isoformat()}[change.field]
        before = (t(f"age_group.{change.previous}") if change.field == "age_group"
                  else change.previous or "-")
        echo(t("client.edited", client=done.id, field=t(f"client.field.{change.field}"),
               before=before, after=now_value or "-"))


@app.command("reopen", cls=FitCommand)
def reopen(client_id: ClientIdArg) -> None:
    """Reopen a closed client.

    Example: fit client reopen C001
    """
    reopened = store().update(client_id, lambda c: (updated := meetings.reopen(c), updated))
    echo(t("client.reopened", client=reopened.id))


@app.command("exclude", cls=FitCommand)
def exclude(
    client_id: ClientIdArg,
    reason: Annotated[str, typer.Option(
        "--reason", metavar="TEXT",
        help="Why the client is left out of the caseload figures (one line).",
        show_default=False)],
) -> None:
    """Leave a client out of the caseload figures of 'fit report' (counted as excluded).

    Flags and trends are not affected. Undo with 'fit client include ID'.

    Example: fit client exclude C001 --reason "test entries"
    """
    def apply(c: Client) -> tuple[Client, Client]:
        updated = meetings.exclude(c, reason, today())
        return updated, updated

    done = store().update(client_id, apply)
    assert done.excluded is not None
    echo(t("client.excluded", client=done.id, reason=done.excluded.reason))


@app.command("include", cls=FitCommand)
def include(client_id: ClientIdArg) -> None:
    """Count an excluded client in the caseload figures again.

    Example: fit client include C001
    """
    done = store().update(client_id, lambda c: (updated := meetings.include(c), updated))
    echo(t("client.included", client=done.id))


@app.command("assign", cls=FitCommand)
def assign(
    client_id: ClientIdArg,
    practitioner: Annotated[str, typer.Argument(
        metavar="CODE", show_default=False,
        help="The practitioner now responsible (on a team database: their login).")],
) -> None:
    """Make another practitioner responsible for a client.

    On a team database only an administrator may hand a client to someone else.

    Example: fit client assign C001 anna
    """
    code = validate_practitioner(practitioner)

    def apply(c: Client) -> tuple[Client, Client]:
        if c.practitioner == code:
            return c, c
        updated = Client.model_validate({**c.model_dump(), "practitioner": code})
        return updated, updated

    done = store().update(client_id, apply)
    echo(t("client.assigned", client=done.id, practitioner=code))


@app.command("remove", cls=FitCommand)
def remove(client_id: ClientIdArg, yes: YesOpt = False) -> None:
    """Erase a client and all their scores permanently (asks first; --yes for scripts).

    Example: fit client remove C001 --yes
    """
    client = store().load(client_id)  # not found / corrupt: fail before asking
    if not yes:
        if not prompt.stdin_is_terminal():
            raise UsageProblem("error.confirm_needs_tty", client=client.id)
        if not prompt.confirm(t("client.remove_confirm", client=client.id,
                                meetings=len(client.sessions))):
            echo(t("client.remove_cancelled"))
            return
    store().remove(client.id)
    echo(t("client.removed", client=client.id))
