"""Builders for clients with given ORS/SRS totals (pure-logic tests of trend and alerts)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from fitcli.model.scores import AgeGroup, Client, Rater, RaterForms, Rating, Session

START = dt.date(2026, 1, 5)
TODAY = dt.date(2026, 6, 15)

Totals = Sequence[float | None]


def _total(value: float | None, rater: Rater) -> Rating | None:
    return Rating.from_total(value, rater) if value is not None else None


def client(
    ors: Totals,
    srs: Totals | None = None,
    *,
    age_group: AgeGroup = "adult",
    start: dt.date = START,
    every_days: int = 7,
    rater: Rater = "self",
    srs_items: dict[int, tuple[float, float, float, float]] | None = None,
    others: Mapping[Rater, tuple[Totals, Totals | None]] | None = None,
) -> Client:
    """One meeting per ORS entry (None: no ORS that meeting), weekly from ``start``.

    ``rater``: whose ORS and SRS these are (another code than "self" files them as that
    collateral rater's forms: the client gives none). ``others``: more collateral raters,
    code -> (ORS totals, SRS totals), one entry per meeting like ``ors``."""
    srs = srs if srs is not None else [None] * len(ors)
    srs_items = srs_items or {}
    raters: dict[Rater, tuple[Totals, Totals]] = {
        code: (o, s if s is not None else [None] * len(o))
        for code, (o, s) in (others or {}).items()}
    if rater != "self":
        raters[rater] = (ors, srs)
    sessions = []
    for n in range(1, len(ors) + 1):
        own_ors = _total(ors[n - 1], "self") if rater == "self" else None
        own_srs = None
        if rater == "self":
            own_srs = (Rating.from_items(srs_items[n]) if n in srs_items
                       else _total(srs[n - 1], "self"))
        collateral = []
        for code in sorted(raters):
            o, s = raters[code]
            o_rating, s_rating = _total(o[n - 1], code), _total(s[n - 1], code)
            if o_rating is not None or s_rating is not None:
                collateral.append(RaterForms(rater=code, ors=o_rating, srs=s_rating))
        sessions.append(Session(
            session=n, date=start + dt.timedelta(days=every_days * (n - 1)),
            ors=own_ors, srs=own_srs, collateral=tuple(collateral)))
    return Client(id="C1", age_group=age_group, start=start, sessions=tuple(sessions))
