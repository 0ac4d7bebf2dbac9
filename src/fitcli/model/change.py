"""Change classification of an episode, first vs latest ORS (FIT-REFERENCE.md section 3).

Jacobson-Truax style: recovered = change >= RCI and crossing the cutoff from below;
reliably improved = change >= RCI otherwise; reliably deteriorated = change <= -RCI;
no reliable change in between.
"""

from __future__ import annotations

from enum import StrEnum


class Classification(StrEnum):
    RECOVERED = "recovered"
    RELIABLY_IMPROVED = "reliably_improved"
    NO_RELIABLE_CHANGE = "no_reliable_change"
    RELIABLY_DETERIORATED = "reliably_deteriorated"


def change(intake: float, latest: float) -> float:
    """Latest minus intake, exact to one decimal (no 4.999999 at the RCI boundary)."""
    return (round(latest * 10) - round(intake * 10)) / 10


def classify(intake: float, latest: float, cutoff: float, rci: float) -> Classification:
    delta = change(intake, latest)
    if delta >= rci:
        if intake < cutoff <= latest:
            return Classification.RECOVERED
        return Classification.RELIABLY_IMPROVED
    if delta <= -rci:
        return Classification.RELIABLY_DETERIORATED
    return Classification.NO_RELIABLE_CHANGE
