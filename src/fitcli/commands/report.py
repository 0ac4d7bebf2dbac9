"""`fit report`: the caseload figures FIT systems are expected to show (OpenFIT, BON)."""

import sys
from typing import Annotated, Literal

import typer

from fitcli.app.context import store
from fitcli.app.output import emit_json
from fitcli.app.params import JsonOpt, choice, date_option
from fitcli.errors import EXIT_STORE, UsageProblem
from fitcli.model.codes import AGE_GROUPS, AgeGroup

FromOpt = Annotated[str | None, typer.Option(
    "--from", metavar="DATE", show_default=False,
    help="Only clients with a meeting on or after this date.")]
ToOpt = Annotated[str | None, typer.Option(
    "--to", metavar="DATE", show_default=False,
    help="Only clients with a meeting on or before this date; later meetings are ignored.")]
AgeOpt = Annotated[AgeGroup | None, typer.Option(
    "--age-group", metavar="GROUP", show_default=False,
    parser=choice("age_group", AGE_GROUPS, "--age-group"),
    help="Only adult, adolescent or child clients.")]
StatusOpt = Annotated[Literal["open", "closed", "all"], typer.Option(
    "--status", metavar="STATUS", parser=choice("status", ("open", "closed", "all"), "--status"),
    help="Open, closed or all episodes.")]
ByOpt = Annotated[Literal["practitioner"] | None, typer.Option(
    "--by", metavar="GROUP", show_default=False,
    parser=choice("report_by", ("practitioner",), "--by"),
    help="One row per practitioner (the clients each is responsible for): clients, included, "
         "effect size, ETR target, meetings with an SRS, unplanned endings.")]
NoChartOpt = Annotated[bool, typer.Option("--no-chart", help="Tables only, no charts.")]


def report_cmd(
    start: FromOpt = None,
    end: ToOpt = None,
    age_group: AgeOpt = None,
    status: StatusOpt = "all",
    no_chart: NoChartOpt = False,
    as_json: JsonOpt = False,
    by: ByOpt = None,
) -> None:
    """Caseload outcomes: change categories, effect sizes, ETR target, endings, SRS, with n.

    Outcome figures compare each client's first and latest own ORS (a client without any uses a
    collateral rater's, counted as such); clients with fewer than 2 ORS, an intake above 32, an
    unscored age group or excluded with 'fit client exclude' are left out and counted by
    reason. Open episodes are judged against the ETR meeting target, closed ones against the
    end-of-episode target (Better Outcomes Now progress-23). Both severity-adjusted effect
    sizes are shown, each named: OpenFIT-normalised (0 = as expected) and Seidel, Miller &
    Chow 2014 (comparable to published benchmarks, about 0.8).

    Example: fit report --from 2026-01-01 --to 2026-06-30 --status closed

    Example: fit report --by practitioner (the figures used in supervision)
    """
    from fitcli.model.caseload import Filters, report
    from fitcli.services.caseload import Readable, print_report
    from fitcli.services.rules import norms_and_rules

    filters = Filters(date_option(start), date_option(end), age_group, status)
    if filters.start and filters.end and filters.start > filters.end:
        raise UsageProblem("error.report_period", start=filters.start.isoformat(),
                           end=filters.end.isoformat())
    profile, rules = norms_and_rules()
    clients = Readable(store())
    if by == "practitioner":
        from fitcli.services.caseload import by_practitioner

        by_practitioner(clients, profile, filters, rules.etr_max_intake, as_json)
        if clients.problems:
            sys.exit(EXIT_STORE)
        return
    result = report(clients, profile, filters, max_intake=rules.etr_max_intake)
    if as_json:
        from fitcli.render.caseload import report_dict

        emit_json(report_dict(result))
    else:
        print_report(result, charts=not no_chart)
    if clients.problems:
        sys.exit(EXIT_STORE)

