"""`fit trend` output: the JSON shape, the plotext chart, the meeting table and the summary.

The table and summary are plain text (no rich): `fit trend` already pays for plotext, and
start-up time is part of the feature (benchmarks/bench_trend.py).
"""

from __future__ import annotations

from typing import Any

from fitcli.i18n import item_labels, num, t
from fitcli.model.scores import Client, Rating
from fitcli.model.trajectory import Trajectory

CHART_MIN_WIDTH = 30
CHART_MIN_HEIGHT = 10
CHART_MAX_WIDTH = 120  # wider charts get no easier to read
CHART_HEIGHT = 20


def trend_dict(client: Client, trend: Trajectory) -> dict[str, Any]:
    """`fit trend --json` (a stable script API: the keys never change)."""
    return {
        "client": client.id,
        "age_group": client.age_group,
        "norms": trend.norms,
        "cutoff": trend.cutoff,
        "rci": trend.rci,
        "sessions": [
            {"session": p.session, "date": p.date.isoformat(), "ors_total": p.ors,
             "srs_total": p.srs, "etr": p.etr}
            for p in trend.points
        ],
        "intake": trend.intake,
        "latest": trend.latest,
        "change": trend.change,
        "classification": trend.classification.value if trend.classification else None,
        "etr_target": trend.target,
        "expected_change_met_pct": trend.expected_change_met_pct,
    }


def chart(trend: Trajectory, width: int, height: int, colour: bool) -> str:
    """ORS and SRS per meeting, the ETR path and the cutoff on a 0-40 axis, with a legend."""
    from fitcli.render.plot import load

    fig = load().figure
    fig.clear()  # plotext 6 keeps one global figure: never inherit an earlier chart
    fig.theme("simple")  # coloured lines only: readable on light and dark terminals
    fig.plot_size(width, height)
    fig.title(t("trend.chart_title", client=trend.client_id))
    sessions = [p.session for p in trend.points]

    legend: list[str] = []

    def series(pairs: list[tuple[int, float]], marker: str, symbol: str, label: str) -> None:
        if not pairs:
            return
        sig = fig.signal([x for x, _ in pairs], [y for _, y in pairs], marker=marker)
        sig.lines()
        fig.draw(sig)
        legend.append(f"{symbol} {label}")

    series([(p.session, p.etr) for p in trend.points if p.etr is not None], "dot", "•",
           t("trend.legend_etr"))
    series([(p.session, p.srs) for p in trend.points if p.srs is not None], "braille", "⠉",
           t("trend.legend_srs"))
    series([(p.session, p.ors) for p in trend.points if p.ors is not None], "hd", "▚",
           t("trend.legend_ors"))
    fig.line(trend.cutoff)
    legend.append("─ " + t("trend.legend_cutoff", cutoff=num(trend.cutoff)))
    fig.ruler("y").lim(0, 40)
    fig.ruler("y").ticks([0, 10, 20, 30, 40])
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
    """One line per meeting: number, date, ORS items and total, ETR, SRS and zone."""
    by_session = {s.session: s for s in client.sessions}
    rows = [[t("trend.col_session"), t("trend.col_date"), t("trend.col_ors_items"),
             t("trend.col_ors"), t("trend.col_etr"), t("trend.col_srs"), t("trend.col_zone")]]
    for p in trend.points:
        session = by_session[p.session]
        own = session.ors if session.ors is not None and p.ors is not None else None
        other = session.ors is not None and own is None
        rows.append([
            str(p.session), p.date.isoformat(),
            t("trend.other_rater") if other else _items(own),
            num(p.ors), num(p.etr), num(p.srs),
            t(f"trend.zone.{p.zone.value}") if p.zone else "-",
        ])
    legend = t("trend.items_legend", ors=" / ".join(item_labels("ors", client.age_group)))
    return [legend, *_table(rows, right={0, 3, 4, 5})]


def summary(client: Client, trend: Trajectory) -> list[str]:
    lines = [t("trend.norms_line", norms=trend.norms, cutoff=num(trend.cutoff),
               rci=num(trend.rci), age_group=t(f"age_group.{client.age_group}"))]
    if trend.intake is None:
        lines.append(t("trend.no_ors", client=client.id))
        return lines
    if trend.change is None or trend.latest is None:
        lines.append(t("trend.single", intake=num(trend.intake)))
    else:
        lines.append(t("trend.change_line", intake=num(trend.intake), latest=num(trend.latest),
                       change=_signed(trend.change)))
    verdict = (t(f"classification.{trend.classification.value}") if trend.classification
               else t("classification.none"))
    lines.append(t("trend.classification_line", classification=verdict))
    if trend.target is not None:
        pct = trend.expected_change_met_pct
        lines.append(t("trend.target_met" if trend.target_met else "trend.target_not_met",
                       target=num(trend.target),
                       pct=num(pct, 0) if pct is not None else "-"))
    elif trend.model is None:
        lines.append(t("trend.no_target_high", intake=num(trend.intake)))
    else:
        lines.append(t("trend.no_target_single"))
    if trend.model is not None:
        lines.append(t("trend.model_line", model=t(f"etr_model.{trend.model.name}"),
                       count=trend.ors_count))
    return lines
