"""The norms and alert thresholds in effect, from the user's config file (shared by commands)."""

from __future__ import annotations

from fitcli.app.context import settings
from fitcli.model.alerts import RuleSettings
from fitcli.model.norms import NormProfile
from fitcli.model.settings import norm_profile


def norms_and_rules() -> tuple[NormProfile, RuleSettings]:
    """The active norm profile (with overrides) and every rule's switch and thresholds."""
    values = settings().values
    return norm_profile(values), RuleSettings.from_values(values)
