"""The work behind `fit report` (commands/report.py): loading every client and printing the
report for people. Imported only when `fit report` runs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from fitcli.app.output import echo, emit_json, fail_line
from fitcli.i18n import t
from fitcli.model import caseload
from fitcli.model.caseload import Filters, Report
from fitcli.model.norms import NormProfile
from fitcli.model.scores import Client
from fitcli.render import caseload as view
from fitcli.render.console import show
from fitcli.store import ClientStore


class Readable:
    """Every readable client of a store, one at a time; each unreadable file is reported on
    stderr as it is met and counted in ``problems``."""

    def __init__(self, source: ClientStore) -> None:
        self.source = source
        self.problems = 0

    def __iter__(self) -> Iterator[Client]:
        for entry in self.source.entries():
            if entry.client is not None:
                yield entry.client
            elif entry.problem is not None:
                fail_line(t(entry.problem.key, **entry.problem.params))
                self.problems += 1


def print_report(r: Report, charts: bool = True) -> None:
    """The report for people: scope, counts, exclusions, tables and (if any data) charts."""
    echo(view.scope_line(r))
    if r.clients == 0:
        echo(t("report.empty"))
        return
    for line in view.summary_lines(r):
        echo(line)
    echo()
    if r.included == 0:
        echo(t("report.none_included"))
    else:
        show(view.outcome_table(r))
        echo()
    show(view.figures_table(r))
    if charts and r.included:
        echo()
        echo(view.categories_chart(r))
        echo()
        echo(view.scatter_chart(r))


def by_practitioner(clients: Iterable[Client], profile: NormProfile, filters: Filters,
                    max_intake: float, as_json: bool) -> None:
    """`fit report --by practitioner`: the supervision figures, one row per practitioner."""
    groups = caseload.by_practitioner(clients, profile, filters, max_intake=max_intake)
    if as_json:
        emit_json(view.practitioner_dicts(groups))
    elif not groups:
        echo(t("report.empty"))
    else:
        show(view.practitioner_table(groups))
