"""Change classification of an episode, first vs latest ORS.

Jacobson & Truax 1991 style, with the boundaries of Better Outcomes Now progress-23
(``Milestones``): recovered (clinically significant change) = change >= RCI, first at or
below the cutoff and latest strictly above it; reliably improved = change >= RCI otherwise;
reliably deteriorated = change <= -RCI; no reliable change in between.
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


def above_cutoff(score: float, cutoff: float) -> bool:
    """Outside the clinical range: strictly above the cutoff (progress-23 ``ClinicalCutoff``);
    a score equal to the cutoff is in the clinical range."""
    return round(score * 10) > round(cutoff * 10)


def classify(intake: float, latest: float, cutoff: float, rci: float) -> Classification:
    delta = change(intake, latest)
    if delta >= rci:
        if not above_cutoff(intake, cutoff) and above_cutoff(latest, cutoff):
            return Classification.RECOVERED
        return Classification.RELIABLY_IMPROVED
    if delta <= -rci:
        return Classification.RELIABLY_DETERIORATED
    return Classification.NO_RELIABLE_CHANGE
