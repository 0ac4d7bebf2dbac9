"""Expected treatment response (Better Outcomes Now algorithms-23 and progress-23).

The model and coefficients are Better Outcomes Now's "algorithms-23" (MIT licence,
github.com/bluewinginc/algorithms-23). For a rater with intake x and c = x - 20:
b_k = mean_k + by_intake_k * c; ETR(1) = x; ETR(m) = b0 + b1*i + b2*i^2 + b3*i^3 with
i = min(m - 1, flatten). Short model while the rater has <= 12 ORS scores, long after;
adult coefficients for adults, youth coefficients for adolescents and children.

The end-of-episode target is progress-23's ``EtrTarget``: always the short model, with i fixed
at 5 (algorithms-23 ``targetFlattenMeeting``); progress-23 judges a closed episode against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from fitcli.model.scores import AgeGroup

SHORT_MODEL_MAX_SCORES = 12  # algorithms-23 BonAlgorithmManager: short model while <= 12
END_OF_EPISODE_I = 5  # algorithms-23 targetFlattenMeeting (short models)
MAX_INTAKE_FOR_TARGET = 32.0  # progress-23 EtrMtgTarget/EtrTarget: no target above 32


@dataclass(frozen=True)
class EtrModel:
    name: str  # adult-short, adult-long, youth-short, youth-long
    flatten: int
    mean: tuple[float, float, float, float]
    by_intake: tuple[float, float, float, float]


# algorithms-23 coefficients (src/Base/*Base.php).
ADULT_SHORT = EtrModel("adult-short", 9, (20.192794, 3.391172, -0.51855, 0.027243),
                       (0.968895, -0.281445, 0.049636, -0.002821))
ADULT_LONG = EtrModel("adult-long", 22, (20.729503, 1.241249, -0.080747, 0.001847),
                      (0.883757, -0.082032, 0.005535, -0.000126))
YOUTH_SHORT = EtrModel("youth-short", 9, (20.311051, 3.876662, -0.617576, 0.032964),
                       (0.961832, -0.302422, 0.053757, -0.003009))
YOUTH_LONG = EtrModel("youth-long", 22, (21.217437, 1.540001, -0.109128, 0.002615),
                      (0.894288, -0.103598, 0.007662, -0.00019))


def select_model(age_group: AgeGroup, ors_count: int) -> EtrModel:
    """Short model while the rater has 12 or fewer ORS scores, long model after."""
    short = ors_count <= SHORT_MODEL_MAX_SCORES
    if age_group == "adult":
        return ADULT_SHORT if short else ADULT_LONG
    return YOUTH_SHORT if short else YOUTH_LONG


def expected(intake: float, meeting: int, model: EtrModel) -> float:
    """Unrounded ETR at the rater's ``meeting``-th ORS score (meeting 1 is the intake)."""
    if meeting <= 1:
        return intake
    c = intake - 20.0
    b = [m + k * c for m, k in zip(model.mean, model.by_intake, strict=True)]
    i = min(meeting - 1, model.flatten)
    return b[0] + b[1] * i + b[2] * i**2 + b[3] * i**3


def end_of_episode_target(intake: float, age_group: AgeGroup) -> float:
    """Unrounded end-of-episode target (progress-23 ``EtrTarget``): short model, i = 5."""
    model = ADULT_SHORT if age_group == "adult" else YOUTH_SHORT
    return expected(intake, END_OF_EPISODE_I + 1, model)


def round1(value: float) -> float:
    """Round half up to one decimal, as the published calculator displays ETR values."""
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
