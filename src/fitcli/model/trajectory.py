"""A client's ORS trajectory against the expected treatment response. Pure computation.

Everything ``fit trend`` shows and several alert rules use: the rater's ORS per meeting, the
ETR path, the meeting target and the end-of-episode target, percent of expected change met, the
50 % / 67 % milestones, a zone per meeting and the change classification (Better Outcomes Now
algorithms-23 and progress-23; Jacobson & Truax 1991). Returns data only; the words are chosen
by the caller.

Definitions used here:
- "meeting m" of the ETR is the rater's m-th ORS score (meetings without one do not count).
- The model (short/long, adult/youth) is chosen from the rater's ORS count and the client's
  age group, and the whole path is computed with that one model (as progress-23 ``EtrPath``).
- Every value is unrounded and every comparison uses the unrounded value (progress-23
  ``EtrMtgTarget::met``): a latest 27.3 against a target 27.325 (shown 27.3) is not met.
  Rounding (half up, one decimal) is for display only.
- No ETR path or target when the intake is above ``max_intake`` (default 32): the expected
  change would be zero or negative.
- Zone of a meeting after the intake: ``on_target`` (ORS >= ETR), ``below_target`` (below, but
  at least ``amber_min_pct`` % of the expected change by then is met) or ``far_below``; no zone
  when no change is expected at that meeting (ETR at or below the intake).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from fitcli.model.change import Classification, change, classify
from fitcli.model.etr import MAX_INTAKE_FOR_TARGET, EtrModel, expected, select_model
from fitcli.model.norms import NormProfile
from fitcli.model.progress import end_target, milestones, percent_met
from fitcli.model.scores import SELF, Client, Rater

DEFAULT_AMBER_MIN_PCT = 50.0  # progress-23 metPercent50; OpenFIT amber/red split


class Zone(StrEnum):
    ON_TARGET = "on_target"
    BELOW_TARGET = "below_target"
    FAR_BELOW = "far_below"


@dataclass(frozen=True)
class Point:
    """One meeting of the client as the trend sees it."""

    session: int  # the meeting number in the client's record
    date: dt.date
    ors: float | None  # the rater's ORS total at this meeting (None: no ORS by this rater)
    srs: float | None  # the same rater's SRS total at this meeting
    ors_index: int | None  # m: this is the rater's m-th ORS score
    etr: float | None  # ETR for meeting m, unrounded (round for display)
    zone: Zone | None  # None for the intake, meetings without an ORS, or without ETR


@dataclass(frozen=True)
class Trajectory:
    client_id: str
    rater: Rater
    cutoff: float
    rci: float
    norms: str
    points: tuple[Point, ...]
    ors_count: int
    model: EtrModel | None  # None without any ORS or when the intake is above max_intake
    intake: float | None
    latest: float | None
    change: float | None  # latest - intake; None with fewer than 2 ORS
    classification: Classification | None  # None with fewer than 2 ORS
    target: float | None  # ETR at the latest meeting, unrounded; None with < 2 ORS or high intake
    target_met: bool | None
    expected_change_met_pct: float | None  # 0..100, unrounded; None when there is no target
    end_target: float | None = None  # end-of-episode target (progress-23 EtrTarget), unrounded
    end_target_met: bool | None = None
    end_target_met_pct: float | None = None
    milestones: dict[str, bool] = field(default_factory=dict)  # {"50": .., "67": ..}

    @property
    def model_name(self) -> str | None:
        return self.model.name if self.model is not None else None


def zone_of(intake: float, score: float, etr: float, amber_min_pct: float) -> Zone | None:
    """The zone of ``score`` against the unrounded ``etr``; None when no change is expected."""
    if etr - intake <= 0:
        return None  # no below-target judgement without an expected change
    if score >= etr:
        return Zone.ON_TARGET
    pct = percent_met(intake, score, etr)
    if pct is not None and pct >= amber_min_pct:
        return Zone.BELOW_TARGET
    return Zone.FAR_BELOW


def etr_path(intake: float, count: int, model: EtrModel) -> list[float]:
    """ETR for meetings 1..count, unrounded."""
    return [expected(intake, m, model) for m in range(1, count + 1)]


def trajectory(
    client: Client,
    profile: NormProfile,
    *,
    rater: Rater = SELF,
    max_intake: float = MAX_INTAKE_FOR_TARGET,
    amber_min_pct: float = DEFAULT_AMBER_MIN_PCT,
) -> Trajectory:
    """Compute the trend of ``client``'s ``rater`` ORS scores under ``profile``'s norms."""
    cutoff = profile.cutoff(client.age_group)
    totals = [r.total for _, r in client.ors_ratings(rater)]
    count = len(totals)
    intake = totals[0] if totals else None
    latest = totals[-1] if totals else None
    has_target = intake is not None and intake <= max_intake
    model = select_model(client.age_group, count) if has_target and count else None
    path = etr_path(intake, count, model) if model is not None and intake is not None else []

    points: list[Point] = []
    m = 0
    for s in client.sessions:
        rating = s.get("ors", rater)
        srs = s.get("srs", rater)
        ors = rating.total if rating is not None else None
        index: int | None = None
        etr: float | None = None
        zone: Zone | None = None
        if ors is not None:
            m += 1
            index = m
            if path:
                etr = path[m - 1]
                if m > 1 and intake is not None:
                    zone = zone_of(intake, ors, etr, amber_min_pct)
        points.append(Point(s.session, s.date, ors, srs.total if srs else None, index, etr,
                            zone))

    delta = classification = target = met = pct = None
    end = end_met = end_pct = None
    reached = dict.fromkeys(("50", "67"), False)
    if intake is not None and latest is not None and count >= 2:
        delta = change(intake, latest)
        classification = classify(intake, latest, cutoff, profile.rci)
        if path:
            target = path[-1]
            met = latest >= target
            pct = percent_met(intake, latest, target)
            reached = milestones(intake, latest, target)
            end = end_target(intake, count, client.age_group, max_intake)
            if end is not None:
                end_met = latest >= end
                end_pct = percent_met(intake, latest, end)
    return Trajectory(
        client_id=client.id, rater=rater, cutoff=cutoff, rci=profile.rci, norms=profile.name,
        points=tuple(points), ors_count=count, model=model, intake=intake, latest=latest,
        change=delta, classification=classification, target=target, target_met=met,
        expected_change_met_pct=pct, end_target=end, end_target_met=end_met,
        end_target_met_pct=end_pct, milestones=reached,
    )


def default_rater(client: Client) -> tuple[Rater, bool]:
    """The rater ``fit trend`` shows without ``--rater``: the client's own, or, when the client
    has no ORS of their own and exactly one collateral rater has, that rater. The flag says
    whether the fallback was taken."""
    raters = client.raters
    if SELF not in raters and len(raters) == 1:
        return raters[0], True
    return SELF, False
