"""Progress against the expected treatment response: small pure functions.

Shared by model/trajectory.py (`fit trend`, the per-meeting path), model/caseload.py
(`fit report`) and model/alerts.py (the rules, which `fit ors` runs after every score: so this
module stays tiny to import). Better Outcomes Now progress-23 ``EtrMtgTarget``/``EtrTarget``:
every value is unrounded; rounding is for display only.
"""

from __future__ import annotations

from fitcli.model.etr import (
    MAX_INTAKE_FOR_TARGET,
    end_of_episode_target,
    expected,
    select_model,
)
from fitcli.model.scores import AgeGroup

__all__ = ["MILESTONES", "end_target", "meeting_target", "milestones", "percent_met"]

# progress-23 metPercent50 / metPercent67: (latest - intake) / expected change >= 50/100 and
# >= 66.66/100 (BON passes 66.66, so "67 %" is met from 66.66 %).
MILESTONES: dict[str, float] = {"50": 0.5, "67": 0.6666}


def percent_met(intake: float, score: float, etr: float) -> float | None:
    """Share of the expected change (etr - intake) that ``score`` achieved, 0..100.

    None when no change is expected (etr <= intake): there is nothing to measure against.
    """
    expected_change = etr - intake
    if expected_change <= 0:
        return None
    pct = (score - intake) / expected_change * 100.0
    return min(100.0, max(0.0, pct))  # unrounded: rounding is for display only


def milestones(intake: float, latest: float, target: float | None) -> dict[str, bool]:
    """progress-23 milestones: has the change reached 50 % / 67 % of the expected change?
    All False without a target or when no change is expected."""
    if target is None or target - intake <= 0:
        return dict.fromkeys(MILESTONES, False)
    ratio = (latest - intake) / (target - intake)
    return {name: ratio >= share for name, share in MILESTONES.items()}


def meeting_target(intake: float, count: int, age_group: AgeGroup,
                   max_intake: float = MAX_INTAKE_FOR_TARGET) -> float | None:
    """ETR at the rater's latest (``count``-th) ORS, unrounded (every comparison uses it;
    rounding is for display only); None with fewer than 2 ORS or an intake above
    ``max_intake``. The same number as ``trajectory(...).target``."""
    if count < 2 or intake > max_intake:
        return None
    return expected(intake, count, select_model(age_group, count))


def end_target(intake: float, count: int, age_group: AgeGroup,
               max_intake: float = MAX_INTAKE_FOR_TARGET) -> float | None:
    """The end-of-episode target (progress-23 ``EtrTarget``: short model, i = 5), unrounded;
    None with fewer than 2 ORS or an intake above ``max_intake``."""
    if count < 2 or intake > max_intake:
        return None
    return end_of_episode_target(intake, age_group)
