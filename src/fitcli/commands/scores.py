"""`fit ors` and `fit srs`: log a form's four items (or a total) for a client's meeting.

Hot path: a practitioner runs this after every meeting, so it imports neither rich nor plotext.
"""

import datetime as dt
import sys
from typing import Annotated

import typer

from fitcli.app import context, prompt
from fitcli.app.context import now, store, today
from fitcli.app.output import echo, emit_json
from fitcli.app.params import (
    ClientIdArg,
    DateOpt,
    JsonOpt,
    RaterOpt,
    date_option,
    parse_rater_option,
    session_option,
)
from fitcli.errors import FitcliError, UsageProblem
from fitcli.formats.shapes import session_dict
from fitcli.i18n import item_labels, num, t
from fitcli.model import meetings
from fitcli.model.change import change
from fitcli.model.problems import DomainError
from fitcli.model.scores import (
    ITEM_COUNT,
    SELF,
    Client,
    Form,
    Rater,
    Rating,
    parse_item,
    parse_total,
)
from fitcli.render.safe import printable

ItemsArg = Annotated[list[str] | None, typer.Argument(
    metavar="I1 I2 I3 I4", show_default=False,
    help="The four item scores, 0-10 with one decimal ('4.5' or '4,5'). "
         "Left out on a terminal: you are asked for each.")]
TotalOpt = Annotated[str | None, typer.Option(
    "--total", metavar="T", show_default=False,
    help="Record a total only (0-40), for old paper data without items.")]
# A string, parsed here: the message for "--session x" then says what a meeting number is
# (the parser's own int message is pydantic's wording).
SessionOpt = Annotated[str | None, typer.Option(
    "--session", metavar="N", show_default=False,
    help="Visit number: corrects (or adds) this rater's form in visit N, keeping the previous "
         "form in its history; without it the form joins the visit of --date or starts one.")]

def _prompt_items(form: Form, client: Client) -> tuple[float, float, float, float]:
    """Ask for each item by its label; a bad answer is explained and asked again.
    Prompts go to stderr, so stdout stays one line (or one JSON object)."""
    values: list[float] = []
    for label in item_labels(form, client.age_group):
        while True:
            raw = typer.prompt(t("prompt.item", form=form.upper(), label=label), err=True)
            try:
                values.append(parse_item(str(raw)))
                break
            except DomainError as exc:
                sys.stderr.write(printable(t(exc.key, **exc.params)) + "\n")
    return values[0], values[1], values[2], values[3]


def _rating(form: Form, client_id: str, items: list[str] | None, total: str | None,
            rater: Rater, session: int | None, on: dt.date | None) -> Rating:
    if total is not None:
        if items:
            raise UsageProblem("error.items_and_total")
        return Rating.from_total(parse_total(total), rater)
    if not items:
        if not prompt.stdin_is_terminal():
            raise UsageProblem("error.items_missing", form=form)
        client = store().load(client_id)
        # refuse a closed client, a wrong --session or a form the visit already holds
        # before four questions, not after
        place = meetings.locate(client, form, rater, today=today(), date=on,
                                session=session)
        visit = len(client.sessions) + 1 if place.index is None else place.index + 1
        who = t("logged.rater_self") if rater == SELF else t("logged.rater", rater=rater)
        sys.stderr.write(t("prompt.header", form=form.upper(), client=client.id,
                           session=visit, date=place.date.isoformat(), rater=who) + "\n")
        rating = Rating.from_items(_prompt_items(form, client), rater)
        if not prompt.confirm(t("prompt.confirm", form=form.upper(),
                                total=num(rating.total), client=client.id)):
            sys.stderr.write(t("prompt.cancelled") + "\n")
            raise typer.Exit(0)
        return rating
    if len(items) != ITEM_COUNT:
        raise UsageProblem("error.items_count", form=form, count=len(items))
    a, b, c, d = (parse_item(i) for i in items)
    return Rating.from_items((a, b, c, d), rater)


def log_form(form: Form, client_id: str, items: list[str] | None, total: str | None,
             date: str | None, session: str | int | None, rater: str, as_json: bool) -> None:
    """Log one form: check every value first, then change the client under its lock."""
    on = date_option(date)
    number = session if isinstance(session, int) else session_option(session)
    who = parse_rater_option(rater)
    rating = _rating(form, client_id, items, total, who, number, on)
    holder = context.practitioner()  # who held a new visit (None for a solo user without a code)

    def apply(client: Client) -> tuple[Client, meetings.Recorded]:
        done = meetings.record(client, form, rating, today=today(), now=now(), date=on,
                               session=number, practitioner=holder)
        return done.client, done

    done = store().update(client_id, apply)
    if as_json:
        emit_json(session_dict(done.client.id, done.session))
        return
    echo(_summary(form, done))
    for line in raised_flags(form, done):
        echo(line)


def raised_flags(form: Form, done: meetings.Recorded) -> list[str]:
    """Red and amber flags this score raised (rules of its form, about this meeting).

    The score is saved already: a broken config file only means no flags are shown here
    (every other command reports it)."""
    from fitcli.model.alerts import Severity, at_or_above, evaluate
    from fitcli.render.flags import message, severity_word
    from fitcli.services.rules import norms_and_rules

    try:
        profile, rules = norms_and_rules()
    except FitcliError:
        return []
    client = done.client
    flags = at_or_above(evaluate(client, profile, rules, today()), Severity.AMBER)
    return [t("flags.logged", severity=severity_word(f.severity),
              message=message(f, client.age_group))
            for f in flags
            if f.session == done.session.session and f.rule.startswith(f"{form}-")
            and f.rater == done.rater]


def _summary(form: Form, done: meetings.Recorded) -> str:
    """One line for a person: the visit, its date, the rater, the total, and for an ORS the
    change since the rater's first ORS."""
    client, session = done.client, done.session
    rating = session.get(form, done.rater)
    assert rating is not None
    who = t("logged.rater_self") if done.rater == SELF else t("logged.rater", rater=done.rater)
    line = t(f"logged.{done.action}", client=client.id, session=session.session,
             date=session.date.isoformat(), form=form.upper(), total=num(rating.total),
             rater=who)
    if form == "ors":
        first_session, first = client.ors_ratings(done.rater)[0]
        if first_session.session == session.session:
            line += " " + t("logged.ors_first")
        else:
            delta = change(first.total, rating.total)
            line += " " + t("logged.ors_change", change=("+" if delta > 0 else "") + num(delta),
                            intake=num(first.total))
    return line


def ors(
    client_id: ClientIdArg,
    items: ItemsArg = None,
    total: TotalOpt = None,
    date: DateOpt = None,
    session: SessionOpt = None,
    rater: RaterOpt = "self",
    as_json: JsonOpt = False,
) -> None:
    """Log an ORS (Outcome Rating Scale, start of meeting) for the client or a rater.

    Example: fit ors C001 4.5 6 5,5 7 --date 2026-11-23
    """
    log_form("ors", client_id, items, total, date, session, rater, as_json)


def srs(
    client_id: ClientIdArg,
    items: ItemsArg = None,
    total: TotalOpt = None,
    date: DateOpt = None,
    session: SessionOpt = None,
    rater: RaterOpt = "self",
    as_json: JsonOpt = False,
) -> None:
    """Log an SRS (Session Rating Scale, end of meeting) for the client or a rater.

    Example: fit srs C001 9.1 9.5 8.8 9.3
    """
    log_form("srs", client_id, items, total, date, session, rater, as_json)
