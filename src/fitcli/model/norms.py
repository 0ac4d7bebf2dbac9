"""Norm profiles: clinical cutoffs, reliable change and SDs.

Sources: ICCE/Miller (Miller et al. 2003) and Better Outcomes Now/Duncan (Duncan et al. 2006;
BON algorithms-23).

Two published parameter sets: ``fit`` (ICCE / Miller) and ``pcoms`` (Better Outcomes Now /
Duncan). These are the defaults; each value can be overridden by a user setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # settings read the profiles without loading the models
    from fitcli.model.scores import AgeGroup


@dataclass(frozen=True)
class NormProfile:
    name: str
    cutoff_adult: float
    cutoff_adolescent: float
    cutoff_child: float
    rci: float
    sd_adult: float
    sd_youth: float
    srs_cutoff: float

    def cutoff(self, age_group: AgeGroup) -> float:
        """ORS clinical cutoff: a total at or below it is in the clinical range."""
        return {"adult": self.cutoff_adult, "adolescent": self.cutoff_adolescent,
                "child": self.cutoff_child}[age_group]

    def sd(self, age_group: AgeGroup) -> float:
        """SD used for effect sizes: adult, or youth for adolescents and children."""
        return self.sd_adult if age_group == "adult" else self.sd_youth


# The ICCE publishes no SD; the PCOMS (BON algorithms-23) figures are used for both.
PROFILES: dict[str, NormProfile] = {
    "fit": NormProfile("fit", 25.0, 28.0, 32.0, 5.0, 7.75, 7.25, 36.0),
    "pcoms": NormProfile("pcoms", 25.0, 28.0, 28.0, 6.0, 7.75, 7.25, 36.0),
}
