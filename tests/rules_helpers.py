"""Builders for clients with given ORS/SRS totals (pure-logic tests of trend and alerts)."""

from __future__ import annotations

import datetime as dt

from fitcli.model.scores import AgeGroup, Client, Rater, Rating, Session

START = dt.date(2026, 1, 5)
TODAY = dt.date(2026, 6, 15)


def client(
    ors: list[float | None],
    srs: list[float | None] | None = None,
    *,
    age_group: AgeGroup = "adult",
    start: dt.date = START,
    every_days: int = 7,
    rater: Rater = "self",
    srs_items: dict[int, tuple[float, float, float, float]] | None = None,
) -> Client:
    """One meeting per ORS entry (None: no ORS that meeting), weekly from ``start``."""
    srs = srs if srs is not None else [None] * len(ors)
    srs_items = srs_items or {}
    sessions = []
    for n, (o, s) in enumerate(zip(ors, srs, strict=True), start=1):
        srs_rating = (Rating.from_items(srs_items[n]) if n in srs_items
                      else Rating.from_total(s) if s is not None else None)
        sessions.append(Session(
            session=n, date=start + dt.timedelta(days=every_days * (n - 1)),
            ors=Rating.from_total(o, rater) if o is not None else None, srs=srs_rating))
    return Client(id="C1", age_group=age_group, start=start, sessions=tuple(sessions))
