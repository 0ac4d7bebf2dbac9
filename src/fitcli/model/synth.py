"""A synthetic caseload for training and demonstrations. Pure and deterministic: the same
seed and the same "today" always give the same clients. No real data is involved.

The first clients are archetypes a FIT trainer wants to show (the patterns `fit flags` names),
each built so that it shows its pattern for every seed: the random parts are bounded. After
them come "typical" clients drawn from a realistic mix (most improve, some do not, a few get
worse). ORS paths are built around the expected treatment response (model/etr.py), items are
one-decimal values that add up to the total, and SRS totals mostly lie between 34 and 40.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from fitcli.model.archetypes import (
    ARCHETYPES,
    DEFAULT_CLIENTS,
    ID_PREFIX,
    MAX_CLIENTS,
    TYPICAL,
)
from fitcli.model.etr import expected, select_model
from fitcli.model.problems import DomainError
from fitcli.model.scores import (
    ITEM_COUNT,
    AgeGroup,
    Client,
    CloseReason,
    Closure,
    Rater,
    RaterForms,
    Rating,
    Session,
)

_TENTHS_MAX = 400  # totals 0.0-40.0 (Miller et al. 2003)
_ITEM_TENTHS_MAX = 100  # items 0.0-10.0
PARENT: Rater = "mother"  # the collateral rater of the collateral_rater archetype


@dataclass(frozen=True)
class Synthetic:
    """One generated client and the pattern it was built to show."""

    kind: str  # an ARCHETYPES name, or TYPICAL
    client: Client


@dataclass
class _Plan:
    """What a client's episode looks like before it becomes meetings and items."""

    age_group: AgeGroup
    ors: list[float]  # the client's own ORS total per meeting
    srs: list[float | None]  # SRS total per meeting (None: no SRS that meeting)
    last_gap: int  # days from the last meeting to today
    ending: CloseReason | None = None
    ending_after: int = 0  # days from the last meeting to the closing date
    srs_spread: float = 0.35  # how far SRS items stray from a quarter of the total
    low_srs_item: bool = False  # the last SRS has one clearly low item (an alliance rupture)
    collateral: dict[int, tuple[float, float]] | None = None  # meeting -> a parent's ORS, SRS


def _tenths(value: float, top: int = _TENTHS_MAX) -> int:
    return max(0, min(top, round(value * 10)))


def _split(rng: random.Random, total: int, offsets: list[float], spread: float) -> list[int]:
    """Four items in tenths, each 0..100, that add up to ``total`` tenths exactly."""
    raw = [total / ITEM_COUNT + (o + rng.gauss(0.0, spread)) * 10 for o in offsets]
    items = [max(0, min(_ITEM_TENTHS_MAX, round(r))) for r in raw]
    diff = total - sum(items)
    while diff:
        step = 1 if diff > 0 else -1
        i = rng.randrange(ITEM_COUNT)
        if 0 <= items[i] + step <= _ITEM_TENTHS_MAX:
            items[i] += step
            diff -= step
    return items


def _rating(rng: random.Random, total: float, offsets: list[float], spread: float,
            rater: Rater = "self") -> Rating:
    items = _split(rng, _tenths(total), offsets, spread)
    a, b, c, d = (i / 10 for i in items)
    return Rating.from_items((a, b, c, d), rater)


def _offsets(rng: random.Random, size: float) -> list[float]:
    """A client's own item pattern (e.g. work going better than close relationships)."""
    raw = [rng.gauss(0.0, size) for _ in range(ITEM_COUNT)]
    mean = sum(raw) / ITEM_COUNT
    return [r - mean for r in raw]


def _etr_path(intake: float, meetings: int, age_group: AgeGroup) -> list[float]:
    model = select_model(age_group, meetings)
    return [expected(intake, m, model) for m in range(1, meetings + 1)]


def _around_etr(rng: random.Random, intake: float, meetings: int, age_group: AgeGroup,
                gain: tuple[float, float], noise: tuple[float, float]) -> list[float]:
    """A path following the ETR curve: ``gain`` scales the expected change, plus noise."""
    factor = rng.uniform(*gain)
    path = _etr_path(intake, meetings, age_group)
    return [intake] + [intake + (e - intake) * factor + rng.uniform(*noise) for e in path[1:]]


def _steady_srs(rng: random.Random, meetings: int, start: tuple[float, float] = (36.0, 38.5),
                ) -> list[float | None]:
    """A good alliance: starts high, drifts up, never drops by a whole point."""
    value = rng.uniform(*start)
    out: list[float | None] = []
    for _ in range(meetings):
        out.append(min(39.8, value))
        value = min(39.8, value + rng.uniform(-0.6, 0.9))
    return out


def _flat(rng: random.Random, intake: float, meetings: int, low: float, high: float,
          ) -> list[float]:
    return [intake] + [intake + rng.uniform(low, high) for _ in range(meetings - 1)]


# -- the archetypes -------------------------------------------------------------------------
# Each returns a plan whose pattern holds whatever the seed; the comments say what it shows
# under the default norm profile (`fit`: adult cutoff 25, RCI 5; `pcoms`: RCI 6).

def _early_responder(rng: random.Random) -> _Plan:
    # +5.5 or more by meeting 2, then a plateau at or above 26: recovered, above target.
    x = rng.uniform(14.0, 17.0)
    plateau = max(x + rng.uniform(10.0, 12.0), 26.0 + rng.uniform(0.0, 1.5))
    ors = [x, x + rng.uniform(6.0, 7.0), x + rng.uniform(8.5, 10.0)]
    ors += [plateau + rng.uniform(-0.5, 0.7) for _ in range(3)]
    return _Plan("adult", ors, _steady_srs(rng, 6, (38.0, 38.8)), rng.randint(1, 6),
                 srs_spread=0.15)


def _steady_improver(rng: random.Random) -> _Plan:
    # On or just above the ETR path (+6 or more by meeting 3): no red and no amber ORS flag.
    x = rng.uniform(16.0, 18.0)
    ors = _around_etr(rng, x, 8, "adult", (1.0, 1.1), (0.1, 0.9))
    return _Plan("adult", ors, _steady_srs(rng, 8, (38.0, 38.8)), rng.randint(1, 6),
                 srs_spread=0.15)


def _no_change(rng: random.Random) -> _Plan:
    # Within 2.5 points of intake for 8 meetings: no reliable change, far below target.
    x = rng.uniform(15.0, 18.0)
    return _Plan("adult", _flat(rng, x, 8, -2.0, 2.5), _steady_srs(rng, 8), rng.randint(1, 6))


def _deterioration(rng: random.Random) -> _Plan:
    # Slides 7.5-9 points over 7 meetings: reliable deterioration (at least 6.7 down).
    x, drop, n = rng.uniform(20.0, 23.0), rng.uniform(7.5, 9.0), 7
    ors = [x] + [x - drop * m / (n - 1) + rng.uniform(-0.8, 0.8) for m in range(1, n)]
    return _Plan("adult", ors, _steady_srs(rng, n, (35.5, 37.5)), rng.randint(1, 6))


def _alliance_drop(rng: random.Random) -> _Plan:
    # Good progress, then the latest SRS falls 4+ points, below 36, with one low item.
    x = rng.uniform(16.0, 18.0)
    ors = _around_etr(rng, x, 5, "adult", (1.0, 1.1), (0.1, 0.9))
    srs = _steady_srs(rng, 4, (38.0, 38.8))
    srs.append(rng.uniform(32.0, 33.5))
    return _Plan("adult", ors, srs, rng.randint(1, 6), low_srs_item=True)


def _intake_above_cutoff(rng: random.Random) -> _Plan:
    # Starts above 32 (no ETR target; left out of outcome figures) and stays about there.
    x = rng.uniform(32.6, 34.5)
    return _Plan("adult", _flat(rng, x, 5, -1.5, 1.2), _steady_srs(rng, 5), rng.randint(1, 6))


def _sawtooth(rng: random.Random) -> _Plan:
    # Six direction changes, every move 6.5 points or more: the sawtooth validity pattern.
    shift = rng.uniform(-1.0, 1.0)
    base = [14.0, 21.5, 14.5, 22.0, 15.0, 23.0, 16.0, 24.0]
    ors = [b + shift + rng.uniform(-0.25, 0.25) for b in base]
    return _Plan("adult", ors, _steady_srs(rng, 8), rng.randint(1, 6))


def _planned_ending(rng: random.Random) -> _Plan:
    # Improves faster than expected, recovers and ends as planned at the last meeting.
    x = rng.uniform(15.0, 18.0)
    ors = _around_etr(rng, x, 7, "adult", (1.15, 1.3), (0.0, 1.0))
    return _Plan("adult", ors, _steady_srs(rng, 7), rng.randint(21, 60), ending="planned")


def _dropout(rng: random.Random) -> _Plan:
    # No change in three meetings, a lukewarm alliance, then the client stops coming.
    x = rng.uniform(14.0, 17.0)
    srs = _steady_srs(rng, 3, (33.5, 35.0))
    return _Plan("adult", _flat(rng, x, 3, -1.5, 1.5), srs, rng.randint(70, 100),
                 ending="dropout", ending_after=rng.randint(30, 45))


def _adolescent(rng: random.Random) -> _Plan:
    # Youth ETR model and the adolescent cutoff (28): improves past it.
    x = rng.uniform(18.0, 21.0)
    ors = _around_etr(rng, x, 6, "adolescent", (1.1, 1.25), (0.2, 1.0))
    return _Plan("adolescent", ors, _steady_srs(rng, 6), rng.randint(1, 6))


def _child(rng: random.Random) -> _Plan:
    # CORS with the child cutoff (32 in profile fit): reliable improvement below it.
    x = rng.uniform(22.0, 24.5)
    ors = _around_etr(rng, x, 6, "child", (1.0, 1.1), (0.2, 0.9))
    return _Plan("child", ors, _steady_srs(rng, 6), rng.randint(1, 6))


def _collateral_rater(rng: random.Random) -> _Plan:
    # An adolescent, and a parent who joins meetings 1, 3 and 5 and fills in an ORS about
    # them and an SRS of their own (kept as the parent's, rater "mother", in the same visit).
    x = rng.uniform(17.0, 20.0)
    ors = _around_etr(rng, x, 5, "adolescent", (1.0, 1.15), (0.2, 1.0))
    parent_start = x - rng.uniform(2.0, 4.0)
    collateral = {i: (parent_start + (ors[i] - x) * rng.uniform(0.6, 0.8),
                      rng.uniform(36.5, 39.0)) for i in (0, 2, 4)}
    return _Plan("adolescent", ors, _steady_srs(rng, 5), rng.randint(1, 6),
                 collateral=collateral)


def _no_recent_meeting(rng: random.Random) -> _Plan:
    # Still open, but the last meeting was 38-55 days ago: drop-out risk.
    x = rng.uniform(16.0, 19.0)
    ors = _around_etr(rng, x, 4, "adult", (0.5, 0.7), (-0.5, 0.5))
    return _Plan("adult", ors, _steady_srs(rng, 4), rng.randint(38, 55))


def _single_meeting(rng: random.Random) -> _Plan:
    # A new client: one ORS, so no progress judgement yet.
    x = rng.uniform(14.0, 22.0)
    return _Plan("adult", [x], _steady_srs(rng, 1), rng.randint(0, 6))


_BUILDERS: dict[str, Callable[[random.Random], _Plan]] = {
    "early_responder": _early_responder,
    "steady_improver": _steady_improver,
    "no_change": _no_change,
    "deterioration": _deterioration,
    "alliance_drop": _alliance_drop,
    "intake_above_cutoff": _intake_above_cutoff,
    "sawtooth": _sawtooth,
    "planned_ending": _planned_ending,
    "dropout": _dropout,
    "adolescent": _adolescent,
    "child": _child,
    "collateral_rater": _collateral_rater,
    "no_recent_meeting": _no_recent_meeting,
    "single_meeting": _single_meeting,
}


# -- typical clients --------------------------------------------------------------------------

def _typical(rng: random.Random) -> _Plan:
    """A client from a realistic mix: about 40 % respond early, a quarter
    hardly change, a few get worse; most are open, some ended as planned, some dropped out."""
    age_group: AgeGroup = rng.choices(("adult", "adolescent", "child"), (75, 15, 10))[0]
    meetings = rng.choices(range(1, 15), (3, 6, 8, 10, 11, 11, 10, 9, 8, 7, 6, 5, 4, 2))[0]
    x = min(34.0, max(5.0, rng.gauss(19.0, 4.5)))
    course = rng.choices(("fast", "steady", "flat", "worse"), (40, 25, 27, 8))[0]
    if course == "fast":
        ors = _around_etr(rng, x, meetings, age_group, (1.1, 1.6), (-2.0, 2.0))
    elif course == "steady":
        ors = _around_etr(rng, x, meetings, age_group, (0.6, 1.1), (-2.0, 2.0))
    elif course == "flat":
        ors = _flat(rng, x, meetings, -3.0, 3.0)
    else:
        drop = rng.uniform(3.0, 10.0)
        ors = [x] + [x - drop * m / max(1, meetings - 1) + rng.uniform(-1.5, 1.5)
                     for m in range(1, meetings)]
    srs = _steady_srs(rng, meetings, (33.0, 38.5))
    if meetings > 2 and rng.random() < 0.1:  # an alliance dip somewhere
        at = rng.randrange(1, meetings)
        dipped = srs[at]
        srs[at] = None if dipped is None else max(24.0, dipped - rng.uniform(1.0, 4.0))
    srs = [None if rng.random() < 0.06 else s for s in srs]  # a forgotten SRS
    ending: CloseReason | None = rng.choices((None, "planned", "dropout"), (70, 18, 12))[0]
    if meetings < 2 and ending == "planned":
        ending = None
    last_gap = rng.randint(0, 20) if ending is None else rng.randint(14, 120)
    if ending is None and rng.random() < 0.08:  # open, but not seen for a while
        last_gap = rng.randint(31, 60)
    return _Plan(age_group, ors, srs, last_gap, ending=ending,
                 ending_after=0 if ending == "planned" else rng.randint(0, 45),
                 srs_spread=0.5)


# -- from a plan to a client -------------------------------------------------------------------

def _gaps(rng: random.Random, count: int) -> list[int]:
    """Days between meetings: weekly mostly, sometimes a fortnight or a few days off."""
    return [rng.choices((7, 14, 5, 6, 8, 9, 10, 21), (50, 14, 5, 8, 8, 6, 6, 3))[0]
            for _ in range(count)]


def _client(rng: random.Random, client_id: str, label: str, plan: _Plan,
            today: dt.date) -> Client:
    n = len(plan.ors)
    last = today - dt.timedelta(days=plan.last_gap)
    gaps = _gaps(rng, n - 1)
    dates = [last - dt.timedelta(days=sum(gaps[i:])) for i in range(n - 1)] + [last]
    ors_offsets = _offsets(rng, 1.0)
    srs_offsets = _offsets(rng, 0.15)
    parent_offsets = _offsets(rng, 1.0)
    sessions: list[Session] = []
    for i in range(n):
        srs_total = plan.srs[i]
        srs = None
        if srs_total is not None:
            offsets = srs_offsets
            if plan.low_srs_item and i == n - 1:  # the rupture shows in "approach or method"
                offsets = [0.6, 0.6, -1.8, 0.6]
            srs = _rating(rng, srs_total, offsets, plan.srs_spread)
        ors = _rating(rng, plan.ors[i], ors_offsets, 0.5)
        collateral: tuple[RaterForms, ...] = ()
        if plan.collateral and i in plan.collateral:
            parent_ors, parent_srs = plan.collateral[i]
            collateral = (RaterForms(
                rater=PARENT,
                ors=_rating(rng, parent_ors, parent_offsets, 0.5, rater=PARENT),
                srs=_rating(rng, parent_srs, srs_offsets, 0.3, rater=PARENT)),)
        sessions.append(Session(session=len(sessions) + 1, date=dates[i], ors=ors, srs=srs,
                                collateral=collateral))
    closed = None
    if plan.ending is not None:
        on = min(today, last + dt.timedelta(days=plan.ending_after))
        closed = Closure(reason=plan.ending, date=on)
    return Client(id=client_id, age_group=plan.age_group, label=label, start=dates[0],
                  closed=closed, sessions=tuple(sessions))


__all__ = ["ARCHETYPES", "DEFAULT_CLIENTS", "MAX_CLIENTS", "TYPICAL", "Synthetic", "generate"]


def client_id(number: int) -> str:
    return f"{ID_PREFIX}{number:03d}"


def generate(seed: int, today: dt.date, clients: int = DEFAULT_CLIENTS,
             labels: Mapping[str, str] | None = None) -> list[Synthetic]:
    """``clients`` synthetic clients D001... as of ``today``: the archetypes first (the first
    ``clients`` of them when fewer are asked for), then typical clients. ``labels`` maps a
    kind to the client label (default: the kind's name)."""
    if not 1 <= clients <= MAX_CLIENTS:
        raise DomainError("error.demo_clients", value=clients, max=MAX_CLIENTS)
    rng = random.Random(seed)
    names = labels or {}
    out: list[Synthetic] = []
    for number in range(1, clients + 1):
        kind = ARCHETYPES[number - 1] if number <= len(ARCHETYPES) else TYPICAL
        plan = _BUILDERS[kind](rng) if kind != TYPICAL else _typical(rng)
        client = _client(rng, client_id(number), names.get(kind, kind), plan, today)
        out.append(Synthetic(kind, client))
    return out
