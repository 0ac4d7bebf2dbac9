"""`fit report` output: the stable JSON shape, the tables and the two charts."""

from __future__ import annotations

import shutil
from typing import Any

from fitcli.i18n import num, t
from fitcli.model.caseload import (
    CLASSIFICATIONS,
    EXCLUSION_REASONS,
    Mean,
    Outcome,
    Report,
    Share,
    category_counts,
)
from fitcli.model.change import Classification
from fitcli.model.etr import round1
from fitcli.model.scores import AGE_GROUPS
from fitcli.render.console import colour_wanted
from fitcli.render.safe import cell

# Scatter markers, one per change category: readable without colour.
MARKERS: dict[Classification, str] = {
    Classification.RECOVERED: "*",
    Classification.RELIABLY_IMPROVED: "+",
    Classification.NO_RELIABLE_CHANGE: "o",
    Classification.RELIABLY_DETERIORATED: "x",
}
CHART_MAX_WIDTH = 100
SCATTER_HEIGHT = 24


# -- JSON (script API: existing keys never change; README "fit report") -------------------------

def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _mean(m: Mean) -> dict[str, Any]:
    return {"mean": _round(m.value, 2), "n": m.n}


def _share(s: Share) -> dict[str, Any]:
    return {"count": s.count, "n": s.n, "share": _round(s.value, 4)}


def _categories(outcomes: list[Outcome]) -> dict[str, Any]:
    counts = category_counts(outcomes)
    return {"n": len(outcomes), **{c.value: counts[c] for c in CLASSIFICATIONS}}


def report_dict(r: Report) -> dict[str, Any]:
    f = r.filters
    shares = {c.value: _round(r.counts[c] / r.included if r.included else None, 4)
              for c in CLASSIFICATIONS}
    e = r.endings
    return {
        "norms": r.norms, "rci": r.rci, "srs_cutoff": r.srs_cutoff, "max_intake": r.max_intake,
        "filters": {"from": f.start.isoformat() if f.start else None,
                    "to": f.end.isoformat() if f.end else None,
                    "age_group": f.age_group, "status": f.status},
        "clients": r.clients,
        "clients_by_age_group": {g: r.by_age_group[g] for g in AGE_GROUPS},
        "open": r.open, "closed": r.closed,
        "collateral_raters": r.collateral_raters,
        "meetings": r.meetings,
        "included": r.included,
        "excluded": {reason: r.excluded[reason] for reason in EXCLUSION_REASONS},
        **{c.value: r.counts[c] for c in CLASSIFICATIONS},
        "shares": shares,
        "by_intake": {"clinical": _categories(r.clinical_intake),
                      "non_clinical": _categories(r.non_clinical_intake)},
        "effect_size": _round(r.effect_size.value, 2),
        "effect_size_n": r.effect_size.n,
        "severity_adjusted_effect_size": _round(r.severity_adjusted_effect_size.value, 2),
        "severity_adjusted_effect_size_n": r.severity_adjusted_effect_size.n,
        # the same figure under its convention's name, and the Seidel, Miller & Chow 2014 form
        "severity_adjusted_effect_size_normalised": _round(r.severity_adjusted_effect_size.value,
                                                           2),
        "severity_adjusted_effect_size_smc": _round(r.severity_adjusted_effect_size_smc.value, 2),
        "intake_srs_mean": _mean(r.intake_srs),
        "collateral_trajectories": r.collateral_trajectories,
        "etr_target_met": _share(r.etr_target_met),
        "mean_intake_ors": {g: _mean(r.intake_by_age_group[g]) for g in AGE_GROUPS},
        "mean_meetings_per_episode": _mean(r.meetings_per_episode),
        "mean_days_per_episode": _mean(r.days_per_episode),
        "endings": {
            "n": e.total, "planned": e.planned, "unplanned": e.unplanned, "other": e.other,
            "unplanned_share": _round(e.unplanned / e.total if e.total else None, 4),
            "unplanned_on_target": e.unplanned_on_target,
            "unplanned_below_target": e.unplanned_below_target,
            "unplanned_no_target": e.unplanned_no_target,
        },
        "srs": {"mean": _round(r.srs.value, 2), "n": r.srs.n,
                "below_cutoff": r.srs_below_cutoff.count,
                "below_cutoff_share": _round(r.srs_below_cutoff.value, 4)},
        "meetings_without_srs": _share(r.meetings_without_srs),
        "outcomes": [
            {"client": o.client_id, "age_group": o.age_group, "intake": o.intake,
             "latest": o.latest, "change": o.change, "classification": o.classification.value,
             "cutoff": o.cutoff, "etr_target": round1(o.etr_target),
             "target_met": o.target_met, "target_kind": o.target_kind, "rater": o.rater,
             "meeting_target": round(o.meeting_target, 2),
             "end_target": round(o.end_target, 2)}
            for o in r.outcomes
        ],
    }


# -- text ----------------------------------------------------------------------------------------

def _pct(value: float | None) -> str:
    return "-" if value is None else num(value * 100, 0) + " %"


def _with_srs(r: Report) -> Share:
    """Visits with an SRS (the report counts those without one)."""
    without = r.meetings_without_srs
    return Share(without.n - without.count, without.n)


def _unplanned(r: Report) -> Share:
    return Share(r.endings.unplanned, r.endings.total)


def practitioner_dicts(groups: list[tuple[str | None, Report]]) -> list[dict[str, Any]]:
    """`fit report --by practitioner --json`: the supervision figures per practitioner
    (``practitioner`` null: clients without a responsible practitioner)."""
    return [{"practitioner": code, "clients": r.clients, "included": r.included,
             "effect_size": _round(r.effect_size.value, 2), "effect_size_n": r.effect_size.n,
             "etr_target_met": _share(r.etr_target_met),
             "meetings_with_srs": _share(_with_srs(r)),
             "unplanned_endings": _share(_unplanned(r))}
            for code, r in groups]


def practitioner_table(groups: list[tuple[str | None, Report]]) -> Any:
    """`fit report --by practitioner`: one row per practitioner."""
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column(cell(t("report.by.practitioner")))
    for key in ("report.by.clients", "report.by.included", "report.by.effect_size",
                "report.by.etr_target_met", "report.by.with_srs", "report.by.unplanned"):
        table.add_column(cell(t(key)), justify="right")
    for code, r in groups:
        table.add_row(*map(cell, (
            code if code is not None else t("report.by.none"), str(r.clients),
            str(r.included), num(r.effect_size.value, 2),
            _count_share(r.etr_target_met) if r.etr_target_met.n else "-",
            _count_share(_with_srs(r)) if r.meetings_without_srs.n else "-",
            _count_share(_unplanned(r)) if r.endings.total else "-")))
    return table


def _count_share(s: Share) -> str:
    return f"{s.count} ({_pct(s.value)})"


def scope_line(r: Report) -> str:
    f = r.filters
    parts = [t(f"report.scope.status.{f.status}")]
    if f.age_group:
        parts.append(t(f"age_group.{f.age_group}"))
    if f.start or f.end:
        parts.append(t("report.scope.period", start=f.start.isoformat() if f.start else "...",
                       end=f.end.isoformat() if f.end else "..."))
    return t("report.title", scope=", ".join(parts), norms=r.norms, rci=num(r.rci, 0),
             srs_cutoff=num(r.srs_cutoff, 0))


def summary_lines(r: Report) -> list[str]:
    """The head of the report: who is counted and who is left out, and why."""
    groups = ", ".join(f"{t(f'age_group.{g}')} {r.by_age_group[g]}" for g in AGE_GROUPS)
    lines = [
        t("report.clients", clients=r.clients, groups=groups, open=r.open, closed=r.closed,
          collateral=r.collateral_raters),
        t("report.meetings", meetings=r.meetings,
          without=_count_share(r.meetings_without_srs)),
    ]
    reasons = ", ".join(f"{t(f'report.excluded.{k}', max=num(r.max_intake, 0))} {r.excluded[k]}"
                        for k in EXCLUSION_REASONS)
    lines.append(t("report.included", included=r.included, clients=r.clients, reasons=reasons))
    if r.collateral_trajectories:
        lines.append(t("report.collateral_trajectories", count=r.collateral_trajectories))
    return lines


def outcome_table(r: Report) -> Any:
    """Change categories for all included clients, split by where they started."""
    from rich.table import Table

    columns = [(t("report.col.all"), r.outcomes),
               (t("report.col.clinical"), r.clinical_intake),
               (t("report.col.non_clinical"), r.non_clinical_intake)]
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column(cell(t("report.col.category")))
    for title, group in columns:
        table.add_column(cell(f"{title} (n={len(group)})"), justify="right")
    counted = [category_counts(group) for _, group in columns]
    for c in CLASSIFICATIONS:
        cells = []
        for (_, group), counts in zip(columns, counted, strict=True):
            cells.append(f"{counts[c]} ({_pct(counts[c] / len(group) if group else None)})")
        table.add_row(*map(cell, (t(f"report.category.{c.value}"), *cells)))
    return table


def figures_table(r: Report) -> Any:
    """Every other figure, each with the n it rests on."""
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column(cell(t("report.col.figure")))
    table.add_column(cell(t("report.col.value")), justify="right")
    table.add_column(cell("n"), justify="right")

    def row(key: str, value: str, n: int, **params: Any) -> None:
        table.add_row(cell(t(key, **params)), cell(value), cell(str(n)))

    row("report.fig.effect_size", num(r.effect_size.value, 2), r.effect_size.n)
    row("report.fig.severity_adjusted", num(r.severity_adjusted_effect_size.value, 2),
        r.severity_adjusted_effect_size.n)
    row("report.fig.severity_adjusted_smc", num(r.severity_adjusted_effect_size_smc.value, 2),
        r.severity_adjusted_effect_size_smc.n)
    row("report.fig.etr_target_met", _count_share(r.etr_target_met), r.etr_target_met.n)
    for g in AGE_GROUPS:
        m = r.intake_by_age_group[g]
        row("report.fig.intake", num(m.value), m.n, age_group=t(f"age_group.{g}"))
    row("report.fig.intake_srs", num(r.intake_srs.value), r.intake_srs.n)
    row("report.fig.srs_mean", num(r.srs.value), r.srs.n)
    row("report.fig.srs_below", _count_share(r.srs_below_cutoff), r.srs_below_cutoff.n,
        cutoff=num(r.srs_cutoff, 0))
    row("report.fig.meetings_per_episode", num(r.meetings_per_episode.value),
        r.meetings_per_episode.n)
    row("report.fig.days_per_episode", num(r.days_per_episode.value), r.days_per_episode.n)
    e = r.endings
    row("report.fig.planned", str(e.planned), e.total)
    row("report.fig.unplanned",
        f"{e.unplanned} ({_pct(e.unplanned / e.total if e.total else None)})", e.total)
    row("report.fig.unplanned_on_target", str(e.unplanned_on_target), e.unplanned)
    row("report.fig.unplanned_below_target", str(e.unplanned_below_target), e.unplanned)
    row("report.fig.unplanned_no_target", str(e.unplanned_no_target), e.unplanned)
    row("report.fig.other_endings", str(e.other), e.total)
    return table


# -- charts (plotext) ----------------------------------------------------------------------------

def chart_width(width: int | None = None) -> int:
    if width is not None:
        return width
    return max(40, min(CHART_MAX_WIDTH, shutil.get_terminal_size((100, 24)).columns))


def _figure() -> Any:
    from fitcli.render.plot import load

    figure = load().figure
    figure.clear()  # one global figure in plotext 6: never inherit a previous chart
    figure.theme("simple" if colour_wanted() else "colorless")
    return figure


def categories_chart(r: Report, width: int | None = None) -> str:
    """Horizontal bars: how many included clients fell in each change category."""
    figure = _figure()
    order = list(reversed(CLASSIFICATIONS))  # plotext draws the first bar at the bottom
    labels = [f"{t(f'report.category.{c.value}')} {r.counts[c]} "
              f"({_pct(r.counts[c] / r.included if r.included else None)})" for c in order]
    figure.plot_size(chart_width(width), 3 * len(order) + 3)
    figure.title(t("report.chart.categories", n=r.included))
    figure.draw(figure.bar(labels, [r.counts[c] for c in order], orientation="h",
                           width=0.5))
    figure.ruler("x").ticks([])
    return str(figure.build().string(colorless=not colour_wanted()))


def scatter_chart(r: Report, width: int | None = None, height: int = SCATTER_HEIGHT) -> str:
    """Jacobson-Truax style: intake (x) against latest ORS (y), 0-40 on both axes, with the
    RCI band around "no change" and each age group's cutoff on both axes (Jacobson & Truax
    1991)."""
    from fitcli.render.plot import hline, ticks_with, vline

    figure = _figure()
    chart_w = chart_width(width)
    figure.plot_size(chart_w, height)
    figure.title(t("report.chart.scatter", n=r.included))
    cutoffs = sorted({o.cutoff for o in r.outcomes})
    for cutoff in cutoffs:  # first: the points drawn after them stay visible
        hline(figure, cutoff, 0.0, 40.0, marker="┈")
        vline(figure, cutoff, 0.0, 40.0, marker="┊")
    rci = r.rci
    for lower in (True, False):  # the band edges: latest = intake +- RCI
        xs, ys = ((rci, 40.0), (0.0, 40.0 - rci)) if lower else ((0.0, 40.0 - rci), (rci, 40.0))
        figure.draw(figure.segment(xs, ys, marker="·"))
    for c in CLASSIFICATIONS:
        points = [o for o in r.outcomes if o.classification == c]
        if points:
            figure.draw(figure.signal([o.intake for o in points], [o.latest for o in points],
                                      marker=MARKERS[c]))
    # rows: all but title, borders, x ticks and label; columns: all but the y labels, borders
    axes = {"y": ticks_with(cutoffs, height - 5),
            "x": ticks_with(cutoffs, chart_w - 4, gap=3)}  # x labels need room side by side
    for axis, ticks in axes.items():
        figure.ruler(axis).lim(0, 40)
        figure.ruler(axis).ticks(ticks, [num(v, 0) for v in ticks])
    figure.label(t("report.chart.intake"), "x")
    figure.legend(False)
    chart = str(figure.build().string(colorless=not colour_wanted()))
    return chart + "\n" + scatter_key(r, cutoffs)


def scatter_key(r: Report, cutoffs: list[float]) -> str:
    """The legend under the scatter, one line (plotext's legend box would hide points)."""
    points = [f"{MARKERS[c]} {t(f'report.category.{c.value}')}" for c in CLASSIFICATIONS]
    parts = [t("report.chart.band", rci=num(r.rci, 0))]
    groups = {cutoff: [t(f"age_group.{o}") for o in AGE_GROUPS
                       if any(x.age_group == o and x.cutoff == cutoff for x in r.outcomes)]
              for cutoff in cutoffs}
    for cutoff, names in groups.items():
        parts.append(t("report.chart.cutoff", cutoff=num(cutoff, 0), groups=", ".join(names)))
    return "\n".join((t("report.chart.axes"), "   ".join(points), "   ".join(parts)))
