"""`fit trend` output: the JSON shape, the plotext chart, the meeting table and the summary.

The table and summary are plain text (no rich): `fit trend` already pays for plotext, and
start-up time is part of the feature (benchmarks/bench_trend.py).
"""

from __future__ import annotations

import math
from typing import Any

from fitcli.i18n import item_labels, num, t
from fitcli.model.etr import round1
from fitcli.model.scores import SELF, Client, Rating
from fitcli.model.trajectory import Trajectory

CHART_MIN_WIDTH = 30
CHART_MIN_HEIGHT = 10
CHART_MAX_WIDTH = 120  # wider charts get no easier to read
CHART_HEIGHT = 20


def shown(value: float | None) -> str:
    """An ETR value for people: rounded half up to one decimal (never banker's rounding)."""
    return num(None if value is None else round1(value))


def _r1(value: float | None) -> float | None:
    return None if value is None else round1(value)


def _r2(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def trend_dict(client: Client, trend: Trajectory) -> dict[str, Any]:
    """`fit trend --json` (a stable script API: existing keys never change; ETR values are
    shown to one decimal, but ``target_met``/``end_target_met`` and the percentages come from
    the unrounded values, as Better Outcomes Now progress-23 computes them)."""
    return {
        "client": client.id,
        "age_group": client.age_group,
        "norms": trend.norms,
        "cutoff": trend.cutoff,
        "rci": trend.rci,
        "sessions": [
            {"session": p.session, "date": p.date.isoformat(), "ors_total": p.ors,
             "srs_total": p.srs, "etr": _r1(p.etr)}
            for p in trend.points
        ],
        "intake": trend.intake,
        "latest": trend.latest,
        "change": trend.change,
        "classification": trend.classification.value if trend.classification else None,
        "etr_target": _r1(trend.target),
        "expected_change_met_pct": _r2(trend.expected_change_met_pct),
        "rater": trend.rater,
        "raters": list(client.raters),
        "target_met": trend.target_met,
        "etr_end_target": _r1(trend.end_target),
        "end_target_met": trend.end_target_met,
        "end_target_met_pct": _r2(trend.end_target_met_pct),
        "milestones": dict(trend.milestones),
        "status": client.status,
        "closed": ({"date": client.closed.date.isoformat(), "reason": client.closed.reason}
                   if client.closed else None),
    }


def chart(trend: Trajectory, width: int, height: int, colour: bool) -> str:
    """ORS and SRS per meeting, the ETR path and the cutoff on a 0-40 axis, with a legend."""
    from fitcli.render.plot import hline, load

    fig = load().figure
    fig.clear()  # plotext 6 keeps one global figure: never inherit an earlier chart
    fig.theme("simple")  # coloured lines only: readable on light and dark terminals
    fig.plot_size(width, height)
    fig.title(t("trend.chart_title", client=trend.client_id) if trend.rater == SELF
              else t("trend.chart_title_rater", client=trend.client_id, rater=trend.rater))
    sessions = [p.session for p in trend.points]

    legend: list[str] = []

    def series(pairs: list[tuple[int, float]], marker: str, symbol: str, label: str) -> None:
        if not pairs:
            return
        sig = fig.signal([x for x, _ in pairs], [y for _, y in pairs], marker=marker)
        sig.lines()
        fig.draw(sig)
        legend.append(f"{symbol} {label}")

    if sessions:  # first, so every score drawn after it stays visible where they cross
        lo, hi = min(sessions), max(sessions)
        # a series of its own, not plotext's line(), which paints a background band
        hline(fig, trend.cutoff, lo - 0.5 if lo == hi else lo, hi + 0.5 if lo == hi else hi)
    series([(p.session, p.etr) for p in trend.points if p.etr is not None], "dot", "•",
           t("trend.legend_etr"))
    series([(p.session, p.srs) for p in trend.points if p.srs is not None], "braille", "⠉",
           t("trend.legend_srs"))
    series([(p.session, p.ors) for p in trend.points if p.ors is not None], "hd", "▚",
           t("trend.legend_ors"))
    legend.append("─ " + t("trend.legend_cutoff", cutoff=num(trend.cutoff)))
    fig.ruler("y").lim(0, 40)
    positions, labels = y_ticks(trend.cutoff, height)
    fig.ruler("y").ticks(positions, labels)
    if sessions:
        lo, hi = min(sessions), max(sessions)
        fig.ruler("x").lim(lo - 0.5 if lo == hi else lo, hi + 0.5 if lo == hi else hi)
        step = max(1, -(-len(sessions) * 4 // max(1, width - 10)))  # keep tick labels apart
        fig.ruler("x").ticks(sessions[::step])
    fig.label(t("trend.axis_meeting"), axis="x")
    # The legend goes under the chart, where it can never hide a score.
    drawn = str(fig.build().string(colorless=not colour))
    order = [t("trend.legend_ors"), t("trend.legend_etr"), t("trend.legend_srs")]
    legend.sort(key=lambda entry: next((n for n, w in enumerate(order) if w in entry), 9))
    return drawn.rstrip("\n") + "\n" + t("trend.legend", items="   ".join(legend)) + "\n"


CHART_OVERHEAD = 5  # rows that are not plot rows: title, two borders, x ticks, x label


def y_ticks(cutoff: float, height: int) -> tuple[list[float], list[str]]:
    """The y axis labels: 0, 10, 20, 30, 40 and the cutoff, which takes the label of the
    row its line is drawn on (a low chart has few rows: 25 may share the row of 20)."""
    from fitcli.render.plot import ticks_with

    ticks = ticks_with([cutoff], height - CHART_OVERHEAD)
    return ticks, [num(v, 0) if v == int(v) else num(v) for v in ticks]


def _items(rating: Rating | None) -> str:
    if rating is None:
        return "-"
    if rating.items is None:
        return t("show.total_only")
    return " ".join(num(i) for i in rating.items)


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + num(value)


def _table(rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [cell.rjust(w) if c in right else cell.ljust(w)
                 for c, (cell, w) in enumerate(zip(row, widths, strict=True))]
        out.append("  ".join(cells).rstrip())
    return out


def table(client: Client, trend: Trajectory) -> list[str]:
    """One line per meeting: number, date, the rater's ORS items and total, ETR, the rater's
    SRS and zone."""
    by_session = {s.session: s for s in client.sessions}
    rows = [[t("trend.col_session"), t("trend.col_date"), t("trend.col_ors_items"),
             t("trend.col_ors"), t("trend.col_etr"), t("trend.col_srs"), t("trend.col_zone")]]
    for p in trend.points:
        session = by_session[p.session]
        own = session.get("ors", trend.rater)
        other = own is None and any(
            session.get("ors", r) is not None for r in session.raters if r != trend.rater)
        rows.append([
            str(p.session), p.date.isoformat(),
            t("trend.other_rater") if other else _items(own),
            num(p.ors), shown(p.etr), num(p.srs),
            t(f"trend.zone.{p.zone.value}") if p.zone else "-",
        ])
    legend = t("trend.items_legend", ors=" / ".join(item_labels("ors", client.age_group)))
    return [legend, *_table(rows, right={0, 3, 4, 5})]


def _target_line(kind: str, target: float, met: bool | None, latest: float,
                 pct: float | None) -> str:
    """One target's verdict, compared unrounded; when the shown numbers look equal but the
    score is below, say so (progress-23: 27.3 against 27.325 is not met)."""
    pct_text = num(pct, 0) if pct is not None else "-"
    if pct is not None and not met and round(pct) >= 100:
        pct_text = num(math.floor(pct * 10) / 10)  # never "100 %" for a target not met
    if met:
        return t(f"trend.{kind}_met", target=shown(target), pct=pct_text)
    if round1(latest) >= round1(target):
        return t(f"trend.{kind}_just_below", target=shown(target), exact=num(target, 2),
                 latest=num(latest), pct=pct_text)
    return t(f"trend.{kind}_not_met", target=shown(target), pct=pct_text)


def summary(client: Client, trend: Trajectory, fallback: bool = False) -> list[str]:
    """The lines under the table: whose scores, norms, change, both targets, milestones."""
    lines: list[str] = []
    if client.closed is not None:
        lines.append(t("trend.closed_line", date=client.closed.date.isoformat(),
                       reason=t(f"close_reason.{client.closed.reason}")))
    if trend.rater != SELF:
        lines.append(t("trend.rater_fallback" if fallback else "trend.rater_line",
                       rater=trend.rater))
    lines.append(t("trend.norms_line", norms=trend.norms, cutoff=num(trend.cutoff),
                   rci=num(trend.rci), age_group=t(f"age_group.{client.age_group}")))
    if trend.intake is None:
        lines.append(t("trend.no_ors", client=client.id) if trend.rater == SELF
                     else t("trend.no_ors_rater", rater=trend.rater))
        return lines
    if trend.change is None or trend.latest is None:
        lines.append(t("trend.single", intake=num(trend.intake)))
    else:
        lines.append(t("trend.change_line", intake=num(trend.intake), latest=num(trend.latest),
                       change=_signed(trend.change)))
    verdict = (t(f"classification.{trend.classification.value}") if trend.classification
               else t("classification.none"))
    lines.append(t("trend.classification_line", classification=verdict))
    if trend.target is not None and trend.latest is not None:
        lines.append(_target_line("target", trend.target, trend.target_met, trend.latest,
                                  trend.expected_change_met_pct))
        if trend.end_target is not None:
            lines.append(_target_line("end_target", trend.end_target, trend.end_target_met,
                                      trend.latest, trend.end_target_met_pct))
        m = trend.milestones
        lines.append(t("trend.milestones_line",
                       m50=t("trend.reached" if m.get("50") else "trend.not_reached"),
                       m67=t("trend.reached" if m.get("67") else "trend.not_reached")))
    elif trend.model is None:
        lines.append(t("trend.no_target_high", intake=num(trend.intake)))
    else:
        lines.append(t("trend.no_target_single"))
    if trend.model is not None:
        lines.append(t("trend.model_line", model=t(f"etr_model.{trend.model.name}"),
                       count=trend.ors_count))
    return lines
