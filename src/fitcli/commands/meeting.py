"""`fit meeting remove`: take a wrongly entered form, or a whole visit, out of a client."""

from typing import Annotated

import typer

from fitcli.app import prompt
from fitcli.app.context import now, store
from fitcli.app.group import FitCommand
from fitcli.app.output import echo, emit_json
from fitcli.app.params import (
    ClientIdArg,
    JsonOpt,
    RaterFilterOpt,
    YesOpt,
    parse_rater_option,
    session_option,
)
from fitcli.errors import UsageProblem
from fitcli.i18n import t
from fitcli.model import meetings
from fitcli.model.codes import Form
from fitcli.model.scores import Client
from fitcli.render.tables import rater_word

app = typer.Typer(no_args_is_help=True, help="Correct a client's visits: remove a form or a "
                  "whole visit.\n\nExample: fit meeting remove C001 3 --form srs")

VisitArg = Annotated[str, typer.Argument(metavar="N", help="The visit number (see 'fit client "
                                         "show ID').", show_default=False)]
FormOpt = Annotated[Form | None, typer.Option(
    "--form", metavar="TEXT", case_sensitive=False, show_default=False,
    help="Remove only this form (default: every form of the rater, or the whole visit).")]


@app.command("remove", cls=FitCommand)
def remove(
    client_id: ClientIdArg,
    session: VisitArg,
    form: FormOpt = None,
    rater: RaterFilterOpt = None,
    yes: YesOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Remove one form or a whole visit (asks first; --yes for scripts).

    Without --form and --rater the whole visit goes; later visits move up one number. What
    is removed stays in the client's history ('fit client show').

    Example: fit meeting remove C001 3 --form ors --rater mother
    """
    number = session_option(session)
    assert number is not None
    who = parse_rater_option(rater) if rater is not None else None
    client = store().load(client_id)  # not found / corrupt: fail before asking
    # check what would be removed before asking (the same rules as the change itself)
    preview = meetings.remove(client, number, now=now(), form=form, rater=who)
    what = _describe(preview)
    if not yes:
        if not prompt.stdin_is_terminal():
            raise UsageProblem("error.confirm_needs_tty_meeting", client=client.id)
        if not prompt.confirm(t("meeting.remove_confirm", what=what)):
            echo(t("client.remove_cancelled"))
            return

    def apply(current: Client) -> tuple[Client, meetings.Removed]:
        done = meetings.remove(current, number, now=now(), form=form, rater=who)
        return done.client, done

    done = store().update(client.id, apply)
    if as_json:
        emit_json({"client": done.client.id, "session": done.session,
                   "whole_visit": done.whole_visit,
                   "removed": [{"form": f, "rater": r} for f, r in done.forms]})
        return
    echo(t("meeting.removed", what=_describe(done)))


def _describe(done: meetings.Removed) -> str:
    forms = ", ".join(f"{f.upper()} ({rater_word(r)})" for f, r in done.forms)
    key = "meeting.what_visit" if done.whole_visit else "meeting.what_forms"
    return t(key, client=done.client.id, session=done.session, forms=forms)
