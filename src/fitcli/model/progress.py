"""Progress against the expected treatment response: two small pure functions.

Shared by model/trajectory.py (`fit trend`, the per-meeting path) and model/alerts.py (the
rules, which `fit ors` runs after every score: so this module stays tiny to import).
FIT-REFERENCE.md section 4.
"""

from __future__ import annotations

from fitcli.model.etr import MAX_INTAKE_FOR_TARGET, expected, select_model
from fitcli.model.scores import AgeGroup

__all__ = ["meeting_target", "percent_met"]


def percent_met(intake: float, score: float, etr: float) -> float | None:
    """Share of the expected change (etr - intake) that ``score`` achieved, 0..100.

    None when no change is expected (etr <= intake): there is nothing to measure against.
    """
    expected_change = etr - intake
    if expected_change <= 0:
        return None
    pct = (score - intake) / expected_change * 100.0
    return min(100.0, max(0.0, pct))  # unrounded: rounding is for display only


def meeting_target(intake: float, count: int, age_group: AgeGroup,
                   max_intake: float = MAX_INTAKE_FOR_TARGET) -> float | None:
    """ETR at the rater's latest (``count``-th) ORS, unrounded (every comparison uses it;
    rounding is for display only); None with fewer than 2 ORS or an intake above
    ``max_intake``. The same number as ``trajectory(...).target``."""
    if count < 2 or intake > max_intake:
        return None
    return expected(intake, count, select_model(age_group, count))
