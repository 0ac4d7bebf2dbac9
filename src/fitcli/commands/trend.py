"""`fit trend ID`: a client's ORS against the expected treatment response, as chart and table."""

import shutil
import sys
from typing import Annotated

import typer

from fitcli.app.context import store
from fitcli.app.output import echo, emit_json
from fitcli.app.params import ClientIdArg, JsonOpt

WidthOpt = Annotated[int | None, typer.Option(
    "--width", metavar="W", min=30, show_default=False,
    help="Chart width in columns (default: the terminal width, at most 120).")]
HeightOpt = Annotated[int | None, typer.Option(
    "--height", metavar="H", min=10, show_default=False,
    help="Chart height in rows (default: what fits the terminal beside the table, at most "
         "20).")]
NoChartOpt = Annotated[bool, typer.Option("--no-chart", help="Table and summary only.")]
TrendRaterOpt = Annotated[str | None, typer.Option(
    "--rater", metavar="CODE", show_default=False,
    help="Whose scores: self (the client) or a collateral rater's code, e.g. mother. Default: "
         "the client's own; for a client with no own ORS and one collateral rater, that rater.")]


def trend(
    client_id: ClientIdArg,
    as_json: JsonOpt = False,
    no_chart: NoChartOpt = False,
    width: WidthOpt = None,
    height: HeightOpt = None,
    rater: TrendRaterOpt = None,
) -> None:
    """Show a client's ORS per meeting against the expected treatment response (ETR).

    Chart: ORS, ETR path, clinical cutoff and SRS on a 0-40 axis; then a table per meeting.

    Summary: intake, latest, change classification, the ETR meeting target and the
    end-of-episode target, % of expected change met and the 50 % / 67 % milestones.

    ETR model and targets: Better Outcomes Now's algorithms-23 and progress-23 (MIT licence);
    every comparison uses the unrounded values, the display rounds to one decimal.

    Example: fit trend C001 --no-chart
    """
    # Imported here, not at the top: every other command would pay for them at start-up.
    from fitcli.model.problems import DomainError
    from fitcli.model.scores import SELF, validate_rater
    from fitcli.model.trajectory import default_rater, trajectory
    from fitcli.render import trend as view
    from fitcli.render.console import colour_wanted
    from fitcli.services.rules import norms_and_rules

    client = store().load(client_id)
    fallback = False
    if rater is None:
        who, fallback = default_rater(client)
    else:
        who = validate_rater(rater)
        if who != SELF and who not in client.all_raters:
            raise DomainError("error.trend_rater_unknown", kind="not_found", client=client.id,
                              rater=who, raters=", ".join(client.raters) or "-")
    profile, rules = norms_and_rules()
    result = trajectory(client, profile, rater=who, max_intake=rules.etr_max_intake,
                        amber_min_pct=rules.below_target_amber_min_pct)
    if as_json:
        emit_json(view.trend_dict(client, result))
        return
    text: list[str] = view.table(client, result) if client.sessions else []
    text += view.summary(client, result, fallback)
    lines: list[str] = []
    if not no_chart and any(p.ors is not None or p.srs is not None for p in result.points):
        size = shutil.get_terminal_size((80, 24))
        w = width or max(view.CHART_MIN_WIDTH, min(size.columns, view.CHART_MAX_WIDTH))
        h = height or default_height(size.lines, len(text), sys.stdout.isatty())
        lines.append(view.chart(result, w, h, colour_wanted()))
    echo("\n".join(lines + text))


def default_height(screen_rows: int, text_rows: int, on_terminal: bool) -> int:
    """The chart's height: on a terminal, what is left of the screen once the table, the
    summary, the legend and the prompt are shown (so nothing scrolls away), between the
    smallest readable chart and the usual one; elsewhere the usual one."""
    from fitcli.render.trend import CHART_HEIGHT, CHART_MIN_HEIGHT

    if not on_terminal:
        return CHART_HEIGHT
    return max(CHART_MIN_HEIGHT, min(CHART_HEIGHT, screen_rows - text_rows - 2))
