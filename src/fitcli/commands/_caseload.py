"""The work behind `fit report` (commands/report.py): loading every client and printing the
report for people. Imported only when `fit report` runs."""

from __future__ import annotations

from fitcli.commands._common import echo, fail_line
from fitcli.i18n import t
from fitcli.model.caseload import Report
from fitcli.model.scores import Client
from fitcli.render import caseload as view
from fitcli.render.console import show
from fitcli.store import Store


def load_all(source: Store) -> tuple[list[Client], int]:
    """Every readable client; each unreadable file is reported on stderr and counted."""
    clients, problems = [], 0
    for entry in source.entries():
        if entry.client is not None:
            clients.append(entry.client)
        elif entry.problem is not None:
            fail_line(t(entry.problem.key, **entry.problem.params))
            problems += 1
    return clients, problems


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
