"""Better Outcomes Now progress-23's own unit-test vectors, run against our functions.

Each case is one assertion block of a PHPUnit test in github.com/bluewinginc/progress-23
(MIT licence, tests/Unit/*Test.php); its id names the PHP class and test method (``#n``: the
n-th object built in that method). The vectors were extracted from the PHP source and are kept
literally here: scores in, BON's published values out. BON's ``data()`` rounds value,
expectedChange and metPercent half up to 2 decimals; so do these checks. Age groups as BON
numbers them: adolescent = 1, adult = 2, child = 3; the clinical cutoff and RCI are those of
the algorithms-23 classes (our ``pcoms`` norm profile: cutoff 25 adult / 28 youth, RCI 6).

Left out: tests asserting only a PHP class or an exception for a meeting count below 1 (our
API has no such argument), and EtrPath's padding to the model's meeting maximum (a chart
choice of BON's; the values it pads with are checked).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from fitcli.model import alerts
from fitcli.model.caseload import exclusion
from fitcli.model.change import Classification, above_cutoff, classify
from fitcli.model.etr import SHORT_MODEL_MAX_SCORES, expected, round1, select_model
from fitcli.model.norms import PROFILES
from fitcli.model.progress import end_target, meeting_target, milestones, percent_met
from fitcli.model.scores import AgeGroup, Client, Rating, Session
from fitcli.model.trajectory import etr_path

PCOMS = PROFILES["pcoms"]
Expected = dict[str, Any]
# algorithms-23 maxMeetings: EtrPath always returns at least this many values.
MAX_MEETINGS_SHORT, MAX_MEETINGS_LONG = 12, 25


def round2(value: float) -> float:
    """PHP ``round($x, 2)`` for the positive values compared here: half up."""
    return float(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _target_data(ratings: tuple[float, ...], target: float | None) -> Expected:
    """What progress-23's EtrStruct holds for ``ratings`` against ``target``: zeros and False
    with fewer than 2 ratings or an intake above 32 (no target)."""
    if target is None:
        return {
            "expectedChange": 0.0,
            "met": False,
            "metPercent": 0.0,
            "metPercent50": False,
            "metPercent67": False,
            "value": 0.0,
        }
    first, last = ratings[0], ratings[-1]
    reached = milestones(first, last, target)
    return {
        "expectedChange": round2(target - first),
        "met": last >= target,
        "metPercent": round2(percent_met(first, last, target) or 0.0),
        "metPercent50": reached["50"],
        "metPercent67": reached["67"],
        "value": round2(target),
    }


def _check(actual: Expected, want: Expected) -> None:
    assert {k: actual[k] for k in want} == want


@pytest.mark.parametrize(
    ("age", "ratings", "want"),
    [
        pytest.param(
            "adolescent",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2),
            {"expectedChange": 12.94},
            id="EtrMtgTargetTest.return_expected_change_using_youth_st_algorithm",
        ),
        pytest.param(
            "child",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 10.2, 10.2, 10.2, 10.2, 10.2, 10.2),
            {"expectedChange": 13.04},
            id="EtrMtgTargetTest.return_expected_change_using_youth_lt_algorithm",
        ),
        pytest.param(
            "adult",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2),
            {"expectedChange": 12.04},
            id="EtrMtgTargetTest.return_expected_change_using_adult_st_algorithm",
        ),
        pytest.param(
            "adult",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 10.2, 10.2, 10.2, 10.2, 10.2, 10.2),
            {"expectedChange": 11.31},
            id="EtrMtgTargetTest.return_expected_change_using_adult_lt_algorithm",
        ),
        pytest.param(
            "child",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 26.0),
            {"met": True},
            id="EtrMtgTargetTest.return_true_that_etr_mtg_target_was_met_with_youth_st_13dot9_change",
        ),
        pytest.param(
            "adolescent",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 26.0, 26.0, 26.0, 26.0, 26.0),
            {"met": True},
            id="EtrMtgTargetTest.return_true_that_etr_mtg_target_was_met_with_youth_lt_13dot9_change",
        ),
        pytest.param(
            "adult",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 26.0),
            {"met": True},
            id="EtrMtgTargetTest.return_true_that_etr_mtg_target_was_met_with_adult_st_13dot9_change",
        ),
        pytest.param(
            "adult",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 26.0, 26.0, 26.0, 26.0, 26.0),
            {"met": True},
            id="EtrMtgTargetTest.return_true_that_etr_mtg_target_was_met_with_adult_lt_13dot9_change",
        ),
        pytest.param(
            "adolescent",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 26.0),
            {"metPercent": 100.0},
            id="EtrMtgTargetTest.return_etr_mtg_target_met_percent_using_youth_st_algorithm#1",
        ),
        pytest.param(
            "adolescent",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 21.0),
            {"metPercent": 68.03},
            id="EtrMtgTargetTest.return_etr_mtg_target_met_percent_using_youth_st_algorithm#2",
        ),
        pytest.param(
            "child",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 26.0, 26.0, 26.0, 26.0, 26.0),
            {"metPercent": 100.0},
            id="EtrMtgTargetTest.return_etr_mtg_target_met_percent_using_youth_lt_algorithm#1",
        ),
        pytest.param(
            "child",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 21.0, 21.0, 21.0, 21.0, 21.0),
            {"metPercent": 68.28},
            id="EtrMtgTargetTest.return_etr_mtg_target_met_percent_using_youth_lt_algorithm#2",
        ),
        pytest.param(
            "adult",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 26.0),
            {"metPercent": 100.0},
            id="EtrMtgTargetTest.return_etr_mtg_target_met_percent_using_adult_st_algorithm#1",
        ),
        pytest.param(
            "adult",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 21.0),
            {"metPercent": 71.6},
            id="EtrMtgTargetTest.return_etr_mtg_target_met_percent_using_adult_st_algorithm#2",
        ),
        pytest.param(
            "adult",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 26.0, 26.0, 26.0, 26.0, 26.0),
            {"metPercent": 100.0},
            id="EtrMtgTargetTest.return_etr_mtg_target_met_percent_using_adult_lt_algorithm#1",
        ),
        pytest.param(
            "adult",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 21.0, 21.0, 21.0, 21.0, 21.0),
            {"metPercent": 78.71},
            id="EtrMtgTargetTest.return_etr_mtg_target_met_percent_using_adult_lt_algorithm#2",
        ),
        pytest.param(
            "adolescent",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 26.0),
            {"metPercent50": True},
            id="EtrMtgTargetTest.will_determine_if_etr_mtg_target_was_met_at_50_percent_using_youth_st_algorithm",
        ),
        pytest.param(
            "adolescent",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 26.0, 26.0, 26.0, 26.0, 26.0),
            {"metPercent50": True},
            id="EtrMtgTargetTest.will_determine_if_etr_mtg_target_was_met_at_50_percent_using_youth_lt_algorithm",
        ),
        pytest.param(
            "adult",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 26.0),
            {"metPercent50": True},
            id="EtrMtgTargetTest.will_determine_if_etr_mtg_target_was_met_at_50_percent_using_adult_st_algorithm",
        ),
        pytest.param(
            "adult",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 26.0, 26.0, 26.0, 26.0, 26.0),
            {"metPercent50": True},
            id="EtrMtgTargetTest.will_determine_if_etr_mtg_target_was_met_at_50_percent_using_adult_lt_algorithm",
        ),
        pytest.param(
            "child",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 21.0),
            {"metPercent67": True},
            id="EtrMtgTargetTest.will_determine_if_etr_mtg_target_was_met_at_67_percent_using_st_youth_algorithm",
        ),
        pytest.param(
            "child",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 21.0, 21.0, 21.0, 21.0, 21.0),
            {"metPercent67": True},
            id="EtrMtgTargetTest.will_determine_if_etr_mtg_target_was_met_at_67_percent_using_lt_youth_algorithm",
        ),
        pytest.param(
            "adult",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 21.0),
            {"metPercent67": True},
            id="EtrMtgTargetTest.will_determine_if_etr_mtg_target_was_met_at_67_percent_using_st_adult_algorithm",
        ),
        pytest.param(
            "adult",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 21.0, 21.0, 21.0, 21.0, 21.0),
            {"metPercent67": True},
            id="EtrMtgTargetTest.will_determine_if_etr_mtg_target_was_met_at_67_percent_using_lt_adult_algorithm",
        ),
        pytest.param(
            "adolescent",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 26.0),
            {"value(12.1,5)": 24.73},
            id="EtrMtgTargetTest.return_etr_mtg_target_value_for_meeting_5_using_youth_st_algorithm",
        ),
        pytest.param(
            "adolescent",
            (
                12.1,
                3.2,
                9.7,
                6.7,
                8.9,
                9.1,
                10.2,
                20.1,
                26.0,
                26.0,
                26.0,
                26.0,
                26.0,
                26.0,
                26.0,
                26.0,
                26.0,
            ),
            {"value(12.1,17)": 25.31},
            id="EtrMtgTargetTest.return_etr_mtg_target_value_for_meeting_17_using_youth_lt_algorithm",
        ),
        pytest.param(
            "adult",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 26.0),
            {"value(12.1,5)": 23.6},
            id="EtrMtgTargetTest.return_etr_mtg_target_value_for_meeting_5_using_adult_st_algorithm",
        ),
        pytest.param(
            "adult",
            (
                12.1,
                3.2,
                9.7,
                6.7,
                8.9,
                9.1,
                10.2,
                20.1,
                26.0,
                26.0,
                26.0,
                26.0,
                26.0,
                26.0,
                26.0,
                26.0,
                26.0,
            ),
            {"value(12.1,17)": 23.75},
            id="EtrMtgTargetTest.return_etr_mtg_target_value_for_meeting_17_using_adult_lt_algorithm",
        ),
        pytest.param(
            "child",
            (),
            {
                "expectedChange": 0.0,
                "met": False,
                "metPercent": 0.0,
                "metPercent50": False,
                "metPercent67": False,
                "value": 0.0,
            },
            id="EtrMtgTargetTest.return_data_using_st_youth_algorithm_and_no_ratings",
        ),
        pytest.param(
            "adult",
            (),
            {
                "expectedChange": 0.0,
                "met": False,
                "metPercent": 0.0,
                "metPercent50": False,
                "metPercent67": False,
                "value": 0.0,
            },
            id="EtrMtgTargetTest.return_data_using_st_adult_algorithm_and_no_ratings",
        ),
        pytest.param(
            "adolescent",
            (19.2, 20.3),
            {
                "expectedChange": 3.83,
                "met": False,
                "metPercent": 28.68,
                "metPercent50": False,
                "metPercent67": False,
                "value": 23.03,
            },
            id="EtrMtgTargetTest.will_return_etr_meeting_target_data_for_meeting_2_using_st_youth_algorithm",
        ),
        pytest.param(
            "adolescent",
            (19.2, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3),
            {
                "expectedChange": 9.0,
                "met": False,
                "metPercent": 12.22,
                "metPercent50": False,
                "metPercent67": False,
                "value": 28.2,
            },
            id="EtrMtgTargetTest.will_return_etr_meeting_target_data_for_meeting_14_using_lt_youth_algorithm",
        ),
        pytest.param(
            "adult",
            (19.2, 20.3),
            {
                "expectedChange": 3.31,
                "met": False,
                "metPercent": 33.28,
                "metPercent50": False,
                "metPercent67": False,
                "value": 22.51,
            },
            id="EtrMtgTargetTest.will_return_etr_meeting_target_data_for_meeting_2_using_st_adult_algorithm",
        ),
        pytest.param(
            "adult",
            (19.2, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3),
            {
                "expectedChange": 7.7,
                "met": False,
                "metPercent": 14.29,
                "metPercent50": False,
                "metPercent67": False,
                "value": 26.9,
            },
            id="EtrMtgTargetTest.will_return_etr_meeting_target_data_for_meeting_14_using_lt_adult_algorithm",
        ),
        pytest.param(
            "child",
            (20.1, 22.2),
            {"met": False},
            id="EtrMtgTargetTest.return_false_when_etr_meeting_target_is_not_met_using_st_youth_algorithm",
        ),
        pytest.param(
            "child",
            (
                20.1,
                22.2,
                22.2,
                22.2,
                22.2,
                22.2,
                22.2,
                22.2,
                22.2,
                22.2,
                22.2,
                22.2,
                22.2,
                22.2,
                22.2,
            ),
            {"met": False},
            id="EtrMtgTargetTest.return_false_when_etr_meeting_target_is_not_met_using_lt_youth_algorithm",
        ),
        pytest.param(
            "child",
            (20.1, 22.2),
            {"met": False},
            id="EtrMtgTargetTest.return_false_when_etr_meeting_target_is_not_met_using_st_adult_algorithm",
        ),
        pytest.param(
            "adult",
            (
                20.1,
                22.2,
                22.2,
                22.2,
                22.2,
                22.2,
                22.2,
                22.2,
                22.2,
                22.2,
                22.2,
                22.2,
                22.2,
                22.2,
                22.2,
            ),
            {"met": False},
            id="EtrMtgTargetTest.return_false_when_etr_meeting_target_is_not_met_using_lt_adult_algorithm",
        ),
        pytest.param(
            "child",
            (20.1, 23.7),
            {"met": True},
            id="EtrMtgTargetTest.return_true_when_etr_meeting_target_is_met_using_st_youth_algorithm",
        ),
        pytest.param(
            "adolescent",
            (
                20.1,
                23.7,
                23.7,
                23.7,
                23.7,
                23.7,
                23.7,
                23.7,
                23.7,
                23.7,
                23.7,
                23.7,
                23.7,
                23.7,
                23.7,
                28.7,
            ),
            {"met": True},
            id="EtrMtgTargetTest.return_true_when_etr_meeting_target_is_met_using_lt_youth_algorithm",
        ),
        pytest.param(
            "adult",
            (20.1, 23.2),
            {"met": True},
            id="EtrMtgTargetTest.return_true_when_etr_meeting_target_is_met_using_st_adult_algorithm",
        ),
        pytest.param(
            "adult",
            (
                20.1,
                23.7,
                23.7,
                23.7,
                23.7,
                23.7,
                23.7,
                23.7,
                23.7,
                23.7,
                23.7,
                23.7,
                23.7,
                23.7,
                23.7,
                27.5,
            ),
            {"met": True},
            id="EtrMtgTargetTest.return_true_when_etr_meeting_target_is_met_using_lt_adult_algorithm",
        ),
        pytest.param(
            "adolescent",
            (34.0, 32.7),
            {
                "expectedChange": 0.0,
                "met": False,
                "metPercent": 0.0,
                "metPercent50": False,
                "metPercent67": False,
                "value": 0.0,
            },
            id="EtrMtgTargetTest.return_empty_values_when_first_rating_is_above_32_using_st_youth_algorithm",
        ),
        pytest.param(
            "adolescent",
            (34.0, 32.7, 32.7, 32.7, 32.7, 32.7, 32.7, 32.7, 32.7, 32.7, 32.7, 32.7, 32.7),
            {
                "expectedChange": 0.0,
                "met": False,
                "metPercent": 0.0,
                "metPercent50": False,
                "metPercent67": False,
                "value": 0.0,
            },
            id="EtrMtgTargetTest.return_empty_values_when_first_rating_is_above_32_using_lt_youth_algorithm",
        ),
        pytest.param(
            "adolescent",
            (34.0, 32.7),
            {
                "expectedChange": 0.0,
                "met": False,
                "metPercent": 0.0,
                "metPercent50": False,
                "metPercent67": False,
                "value": 0.0,
            },
            id="EtrMtgTargetTest.return_empty_values_when_first_rating_is_above_32_using_st_adult_algorithm",
        ),
        pytest.param(
            "adult",
            (34.0, 32.7, 32.7, 32.7, 32.7, 32.7, 32.7, 32.7, 32.7, 32.7, 32.7, 32.7, 32.7),
            {
                "expectedChange": 0.0,
                "met": False,
                "metPercent": 0.0,
                "metPercent50": False,
                "metPercent67": False,
                "value": 0.0,
            },
            id="EtrMtgTargetTest.return_empty_values_when_first_rating_is_above_32_using_lt_adult_algorithm",
        ),
        pytest.param(
            "adolescent",
            (),
            {
                "expectedChange": 0.0,
                "met": False,
                "metPercent": 0.0,
                "metPercent50": False,
                "metPercent67": False,
                "value": 0.0,
            },
            id="EtrMtgTargetTest.return_empty_values_when_using_st_youth_algorithm_with_no_ratings",
        ),
        pytest.param(
            "adolescent",
            (),
            {
                "expectedChange": 0.0,
                "met": False,
                "metPercent": 0.0,
                "metPercent50": False,
                "metPercent67": False,
                "value": 0.0,
            },
            id="EtrMtgTargetTest.return_empty_values_when_using_st_adult_algorithm_with_no_ratings",
        ),
        pytest.param(
            "adolescent",
            (19.2, 20.3),
            {"value": 23.03},
            id="EtrMtgTargetTest.etr_meeting_target_value_for_meeting_2_is_correct_using_st_youth_algorithm",
        ),
        pytest.param(
            "adolescent",
            (19.2, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3),
            {"value": 28.16},
            id="EtrMtgTargetTest.etr_meeting_target_value_for_meeting_13_is_correct_using_lt_youth_algorithm",
        ),
        pytest.param(
            "adult",
            (19.2, 20.3),
            {"value": 22.51},
            id="EtrMtgTargetTest.etr_meeting_target_value_for_meeting_2_is_correct_using_st_adult_algorithm",
        ),
        pytest.param(
            "adult",
            (19.2, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3, 20.3),
            {"value": 26.81},
            id="EtrMtgTargetTest.etr_meeting_target_value_for_meeting_13_is_correct_using_lt_adult_algorithm",
        ),
        pytest.param(
            "adolescent",
            (20.1, 23.6),
            {"met": False},
            id="EtrMtgTargetTest.return_false_using_scores_where_etr_meeting_target_is_not_met_using_st_youth_algorithm",
        ),
        pytest.param(
            "adolescent",
            (20.1, 23.6, 23.6, 23.6, 23.6, 23.6, 23.6, 23.6, 23.6, 23.6, 23.6, 23.6, 23.6, 28.5),
            {"met": False},
            id="EtrMtgTargetTest.return_false_using_scores_where_etr_meeting_target_is_not_met_using_lt_youth_algorithm",
        ),
        pytest.param(
            "adult",
            (20.1, 23.1),
            {"met": False},
            id="EtrMtgTargetTest.return_false_using_scores_where_etr_meeting_target_is_not_met_using_st_adult_algorithm",
        ),
        pytest.param(
            "adult",
            (20.1, 23.6, 23.6, 23.6, 23.6, 23.6, 23.6, 23.6, 23.6, 23.6, 23.6, 23.6, 23.6, 27.3),
            {"met": False},
            id="EtrMtgTargetTest.return_false_using_scores_where_etr_meeting_target_is_not_met_using_lt_adult_algorithm",
        ),
    ],
)
def test_etr_meeting_target(age: AgeGroup, ratings: tuple[float, ...], want: Expected) -> None:
    """progress-23 EtrMtgTarget: the ETR at the rater's latest meeting (``meeting_target``)."""
    target = meeting_target(ratings[0], len(ratings), age) if ratings else None
    data = _target_data(ratings, target)
    for key in [k for k in want if k.startswith("value(")]:  # EtrMtgTarget::value(first, m)
        first, meeting = key[6:-1].split(",")
        model = select_model(age, len(ratings))
        data[key] = round2(expected(float(first), int(meeting), model))
    _check(data, want)


@pytest.mark.parametrize(
    ("age", "ratings", "want"),
    [
        pytest.param(
            "adolescent",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2),
            {"expectedChange": 12.98},
            id="EtrTargetTest.it_returns_an_expected_change_value_using_the_st_youth_algorithm",
        ),
        pytest.param(
            "adult",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2),
            {"expectedChange": 11.94},
            id="EtrTargetTest.it_returns_an_expected_change_value_using_the_st_adult_algorithm",
        ),
        pytest.param(
            "adolescent",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 26.0),
            {"met": True},
            id="EtrTargetTest.will_return_true_when_checking_if_etr_target_was_met_when_using_st_youth_algorithm",
        ),
        pytest.param(
            "adult",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 26.0),
            {"met": True},
            id="EtrTargetTest.will_return_true_when_checking_if_etr_target_was_met_when_using_st_adult_algorithm",
        ),
        pytest.param(
            "child",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 26.0),
            {"metPercent": 100.0},
            id="EtrTargetTest.will_return_the_etr_target_met_percent_using_st_youth_algorithm#1",
        ),
        pytest.param(
            "child",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 21.0),
            {"metPercent": 68.58},
            id="EtrTargetTest.will_return_the_etr_target_met_percent_using_st_youth_algorithm#2",
        ),
        pytest.param(
            "adult",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 26.0),
            {"metPercent": 100.0},
            id="EtrTargetTest.will_return_the_etr_target_met_percent_using_st_adult_algorithm#1",
        ),
        pytest.param(
            "adult",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 21.0),
            {"metPercent": 74.57},
            id="EtrTargetTest.will_return_the_etr_target_met_percent_using_st_adult_algorithm#2",
        ),
        pytest.param(
            "adolescent",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 26.0),
            {"metPercent50": True},
            id="EtrTargetTest.will_return_whether_the_etr_target_was_met_with_two_scores_with_st_youth_algorithm#1",
        ),
        pytest.param(
            "adolescent",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 21.0),
            {"metPercent67": True},
            id="EtrTargetTest.will_return_whether_the_etr_target_was_met_with_two_scores_with_st_youth_algorithm#2",
        ),
        pytest.param(
            "adult",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 26.0),
            {"metPercent50": True},
            id="EtrTargetTest.will_return_whether_the_etr_target_was_met_with_two_scores_with_st_adult_algorithm#1",
        ),
        pytest.param(
            "adult",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 21.0),
            {"metPercent67": True},
            id="EtrTargetTest.will_return_whether_the_etr_target_was_met_with_two_scores_with_st_adult_algorithm#2",
        ),
        pytest.param(
            "adolescent",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 26.0),
            {"value": 25.08},
            id="EtrTargetTest.will_return_the_etr_target_value_for_using_st_youth_algorithm",
        ),
        pytest.param(
            "adult",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 26.0),
            {"value": 24.04},
            id="EtrTargetTest.will_return_the_etr_target_value_using_st_adult_algorithm",
        ),
        pytest.param(
            "adolescent",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 26.0, 26.0, 26.0, 26.0, 26.0, 26.0),
            {"value": 25.08},
            id="EtrTargetTest.will_return_the_etr_target_value_using_lt_youth_algorithm",
        ),
        pytest.param(
            "adult",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 26.0, 26.0, 26.0, 26.0, 26.0, 26.0),
            {"value": 24.04},
            id="EtrTargetTest.will_return_the_etr_target_value_using_lt_adult_algorithm",
        ),
        pytest.param(
            "adolescent",
            (),
            {
                "expectedChange": 0.0,
                "value": 0.0,
                "metPercent": 0.0,
                "met": False,
                "metPercent50": False,
                "metPercent67": False,
            },
            id="EtrTargetTest.return_initialized_values_when_using_st_youth_algorithm_when_there_are_no_ratings",
        ),
        pytest.param(
            "adult",
            (),
            {
                "expectedChange": 0.0,
                "value": 0.0,
                "metPercent": 0.0,
                "met": False,
                "metPercent50": False,
                "metPercent67": False,
            },
            id="EtrTargetTest.return_initialized_values_when_using_st_adult_algorithm_when_there_are_no_ratings",
        ),
        pytest.param(
            "adolescent",
            (19.2, 20.3),
            {
                "expectedChange": 8.84,
                "value": 28.04,
                "metPercent": 12.44,
                "met": False,
                "metPercent50": False,
                "metPercent67": False,
            },
            id="EtrTargetTest.will_return_etr_target_data_when_using_st_youth_algorithm",
        ),
        pytest.param(
            "adult",
            (19.2, 20.3),
            {
                "expectedChange": 8.03,
                "value": 27.23,
                "metPercent": 13.7,
                "met": False,
                "metPercent50": False,
                "metPercent67": False,
            },
            id="EtrTargetTest.will_return_etr_target_data_when_using_st_adult_algorithm",
        ),
        pytest.param(
            "adolescent",
            (20.1, 22.2),
            {
                "expectedChange": 8.32,
                "value": 28.42,
                "metPercent": 25.25,
                "met": False,
                "metPercent50": False,
                "metPercent67": False,
            },
            id="EtrTargetTest.will_return_etr_target_data_using_st_youth_algorithm",
        ),
        pytest.param(
            "adult",
            (20.1, 22.2),
            {
                "expectedChange": 7.54,
                "value": 27.64,
                "metPercent": 27.87,
                "met": False,
                "metPercent50": False,
                "metPercent67": False,
            },
            id="EtrTargetTest.will_return_etr_target_data_using_st_adult_algorithm",
        ),
        pytest.param(
            "adolescent",
            (20.1, 36.2),
            {
                "expectedChange": 8.32,
                "value": 28.42,
                "metPercent": 100.0,
                "met": True,
                "metPercent50": True,
                "metPercent67": True,
            },
            id="EtrTargetTest.etr_target_met_using_st_youth_algorithm",
        ),
        pytest.param(
            "adult",
            (20.1, 36.2),
            {
                "expectedChange": 7.54,
                "value": 27.64,
                "metPercent": 100.0,
                "met": True,
                "metPercent50": True,
                "metPercent67": True,
            },
            id="EtrTargetTest.etr_target_met_using_st_adult_algorithm",
        ),
        pytest.param(
            "adolescent",
            (19.2, 24.3),
            {
                "expectedChange": 8.84,
                "value": 28.04,
                "metPercent": 57.68,
                "met": False,
                "metPercent50": True,
                "metPercent67": False,
            },
            id="EtrTargetTest.etr_target_met_percent_is_correct_when_using_st_youth_algorithm",
        ),
        pytest.param(
            "adult",
            (19.2, 24.3),
            {
                "expectedChange": 8.03,
                "value": 27.23,
                "metPercent": 63.51,
                "met": False,
                "metPercent50": True,
                "metPercent67": False,
            },
            id="EtrTargetTest.etr_target_met_percent_is_correct_when_using_st_adult_algorithm",
        ),
        pytest.param(
            "adolescent",
            (19.2, 23.2),
            {
                "expectedChange": 8.84,
                "value": 28.04,
                "metPercent": 45.24,
                "met": False,
                "metPercent50": False,
                "metPercent67": False,
            },
            id="EtrTargetTest.etr_target_predicted_change_percent_met_is_false_when_using_st_youth_algorithm",
        ),
        pytest.param(
            "adult",
            (19.2, 23.2),
            {
                "expectedChange": 8.03,
                "value": 27.23,
                "metPercent": 49.81,
                "met": False,
                "metPercent50": False,
                "metPercent67": False,
            },
            id="EtrTargetTest.etr_target_predicted_change_percent_met_is_false_when_using_st_adult_algorithm",
        ),
        pytest.param(
            "adolescent",
            (19.2, 23.2),
            {
                "expectedChange": 8.84,
                "value": 28.04,
                "metPercent": 45.24,
                "met": False,
                "metPercent50": False,
                "metPercent67": False,
            },
            id="EtrTargetTest.etr_target_predicted_change_percent_met_is_true_when_using_st_youth_algorithm#1",
        ),
        pytest.param(
            "adolescent",
            (19.2, 29.3),
            {
                "expectedChange": 8.84,
                "value": 28.04,
                "metPercent": 100.0,
                "met": True,
                "metPercent50": True,
                "metPercent67": True,
            },
            id="EtrTargetTest.etr_target_predicted_change_percent_met_is_true_when_using_st_youth_algorithm#2",
        ),
        pytest.param(
            "adult",
            (19.2, 25.2),
            {
                "expectedChange": 8.03,
                "value": 27.23,
                "metPercent": 74.72,
                "met": False,
                "metPercent50": True,
                "metPercent67": True,
            },
            id="EtrTargetTest.etr_target_predicted_change_percent_met_is_true_when_using_st_adult_algorithm#1",
        ),
        pytest.param(
            "adult",
            (19.2, 27.3),
            {
                "expectedChange": 8.03,
                "value": 27.23,
                "metPercent": 100.0,
                "met": True,
                "metPercent50": True,
                "metPercent67": True,
            },
            id="EtrTargetTest.etr_target_predicted_change_percent_met_is_true_when_using_st_adult_algorithm#2",
        ),
    ],
)
def test_etr_end_of_episode_target(
    age: AgeGroup, ratings: tuple[float, ...], want: Expected
) -> None:
    """progress-23 EtrTarget: short model, i = 5, whatever the number of ratings."""
    target = end_target(ratings[0], len(ratings), age) if ratings else None
    _check(_target_data(ratings, target), want)


@pytest.mark.parametrize(
    ("age", "first", "meetings", "want"),
    [
        pytest.param(
            "adolescent",
            12.1,
            3,
            {"len(values)": 12, "values[0]": 12.1},
            id="EtrPathTest.it_returns_etr_values_using_st_youth_algorithm",
        ),
        pytest.param(
            "adult",
            12.1,
            3,
            {"len(values)": 12, "values[0]": 12.1},
            id="EtrPathTest.it_returns_etr_values_using_st_adult_algorithm",
        ),
        pytest.param(
            "adolescent",
            16.1,
            16,
            {"len(values)": 25, "values[0]": 16.1},
            id="EtrPathTest.it_returns_etr_values_using_lt_youth_algorithm",
        ),
        pytest.param(
            "adult",
            16.1,
            16,
            {"len(values)": 25, "values[0]": 16.1},
            id="EtrPathTest.it_returns_etr_values_using_lt_adult_algorithm",
        ),
        pytest.param(
            "child",
            19.2,
            3,
            {"len(values)": 12, "values[0]": 19.2},
            id="EtrPathTest.it_returns_12_items_using_st_youth_algorithm",
        ),
        pytest.param(
            "adult",
            19.2,
            3,
            {"len(values)": 12, "values[0]": 19.2},
            id="EtrPathTest.it_returns_12_items_using_st_adult_algorithm",
        ),
        pytest.param(
            "adolescent",
            19.2,
            16,
            {"len(values)": 25, "values[0]": 19.2},
            id="EtrPathTest.it_returns_25_items_using_lt_youth_algorithm",
        ),
        pytest.param(
            "adult",
            19.2,
            16,
            {"len(values)": 25, "values[0]": 19.2},
            id="EtrPathTest.it_returns_25_items_using_lt_adult_algorithm",
        ),
        pytest.param(
            "child",
            19.2,
            1,
            {"len(values)": 12, "values[1]": 23.0, "values[7]": 28.1, "values[11]": 28.9},
            id="EtrPathTest.etr_array_contains_values_using_st_youth_algorithm",
        ),
        pytest.param(
            "adult",
            19.2,
            1,
            {"len(values)": 12, "values[1]": 22.5, "values[7]": 27.5, "values[11]": 28.3},
            id="EtrPathTest.etr_array_contains_values_using_st_adult_algorithm",
        ),
        pytest.param(
            "child",
            19.2,
            16,
            {
                "len(values)": 25,
                "values[1]": 22.0,
                "values[7]": 27.2,
                "values[11]": 28.1,
                "values[21]": 29.4,
                "values[22]": 29.9,
                "values[23]": 29.9,
                "values[24]": 29.9,
            },
            id="EtrPathTest.etr_array_contains_values_using_lt_youth_algorithm",
        ),
        pytest.param(
            "adult",
            19.2,
            16,
            {
                "len(values)": 25,
                "values[1]": 21.2,
                "values[7]": 25.7,
                "values[11]": 26.7,
                "values[21]": 27.9,
                "values[22]": 28.3,
                "values[23]": 28.3,
                "values[24]": 28.3,
            },
            id="EtrPathTest.etr_array_contains_values_using_lt_adult_algorithm",
        ),
    ],
)
def test_etr_path(age: AgeGroup, first: float, meetings: int, want: Expected) -> None:
    """progress-23 EtrPath: the model is chosen from ``meetings``; the path is shown rounded
    half up to one decimal, the intake as it is."""
    model = select_model(age, meetings)
    count = max(
        meetings, MAX_MEETINGS_SHORT if meetings <= SHORT_MODEL_MAX_SCORES else MAX_MEETINGS_LONG
    )
    path = etr_path(first, count, model)
    values = [path[0], *(round1(v) for v in path[1:])]
    actual: Expected = {"len(values)": len(values)}
    actual.update({f"values[{i}]": v for i, v in enumerate(values)})
    _check(actual, want)


@pytest.mark.parametrize(
    ("age", "ratings", "want"),
    [
        pytest.param(
            "adolescent",
            (),
            {"cscMet": False, "rcMet": False, "rcOrCscMet": False},
            id="MilestonesTest.return_false_for_all_values_when_using_st_youth_algorithm_and_no_ratings",
        ),
        pytest.param(
            "adult",
            (),
            {"cscMet": False, "rcMet": False, "rcOrCscMet": False},
            id="MilestonesTest.return_false_for_all_values_when_using_st_adult_algorithm_and_no_ratings",
        ),
        pytest.param(
            "child",
            (20.1,),
            {"cscMet": False, "rcMet": False, "rcOrCscMet": False},
            id="MilestonesTest.return_false_for_all_values_when_using_st_youth_algorithm_and_1_rating",
        ),
        pytest.param(
            "adult",
            (20.1,),
            {"cscMet": False, "rcMet": False, "rcOrCscMet": False},
            id="MilestonesTest.return_false_for_all_values_when_using_st_adult_algorithm_and_1_rating",
        ),
        pytest.param(
            "adolescent",
            (20.1, 22.2),
            {"cscMet": False, "rcMet": False, "rcOrCscMet": False},
            id="MilestonesTest.return_false_for_all_values_using_st_youth_algorithm_and_2_ratings",
        ),
        pytest.param(
            "adult",
            (20.1, 22.2),
            {"cscMet": False, "rcMet": False, "rcOrCscMet": False},
            id="MilestonesTest.return_false_for_all_values_using_st_adult_algorithm_and_2_ratings",
        ),
        pytest.param(
            "child",
            (20.1, 26.1),
            {"cscMet": False, "rcMet": True, "rcOrCscMet": True},
            id="MilestonesTest.return_true_for_rcMet_using_st_youth_algorithm_and_2_ratings",
        ),
        pytest.param(
            "adult",
            (20.1, 26.1),
            {"cscMet": True, "rcMet": False, "rcOrCscMet": True},
            id="MilestonesTest.return_true_for_rcMet_using_st_adult_algorithm_and_2_ratings",
        ),
        pytest.param(
            "adolescent",
            (20.1, 26.1, 27.1),
            {"cscMet": False, "rcMet": True, "rcOrCscMet": True},
            id="MilestonesTest.return_true_for_rcMet_using_st_youth_algorithm_and_3_ratings",
        ),
        pytest.param(
            "adult",
            (20.1, 26.1, 27.1),
            {"cscMet": True, "rcMet": False, "rcOrCscMet": True},
            id="MilestonesTest.return_true_for_rcMet_using_st_adult_algorithm_and_3_ratings",
        ),
        pytest.param(
            "child",
            (20.0, 24.0, 28.0),
            {"cscMet": False, "rcMet": True, "rcOrCscMet": True},
            id="MilestonesTest.return_false_for_cscMet_using_st_youth_algorithm_when_last_rating_equals_clinical_cutoff",
        ),
        pytest.param(
            "adult",
            (19.0, 24.0, 25.0),
            {"cscMet": False, "rcMet": True, "rcOrCscMet": True},
            id="MilestonesTest.return_false_for_cscMet_using_st_adult_algorithm_when_last_rating_equals_clinical_cutoff",
        ),
        pytest.param(
            "adolescent",
            (20.0, 28.1),
            {"cscMet": True, "rcMet": False, "rcOrCscMet": True},
            id="MilestonesTest.return_true_for_cscMet_using_st_youth_algorithm_and_2_ratings_with_csc",
        ),
        pytest.param(
            "adult",
            (19.0, 25.1),
            {"cscMet": True, "rcMet": False, "rcOrCscMet": True},
            id="MilestonesTest.return_true_for_cscMet_using_st_adult_algorithm_and_2_ratings_with_csc",
        ),
        pytest.param(
            "adult",
            (19.0, 25.0),
            {"cscMet": False, "rcMet": True, "rcOrCscMet": True},
            id="MilestonesTest.return_results_for_rcMet_using_adult_algorithm#1",
        ),
        pytest.param(
            "adult",
            (
                19.0,
                25.0,
                22.0,
                21.0,
                12.0,
                11.0,
                22.0,
                21.0,
                12.0,
                25.0,
                25.0,
                25.0,
                25.0,
                25.0,
                25.0,
            ),
            {"cscMet": False, "rcMet": True, "rcOrCscMet": True},
            id="MilestonesTest.return_results_for_rcMet_using_adult_algorithm#2",
        ),
        pytest.param(
            "adult",
            (19.0, 25.1),
            {"cscMet": True, "rcMet": False, "rcOrCscMet": True},
            id="MilestonesTest.return_cscMet_using_adult_algorithm_for_ratings#1",
        ),
        pytest.param(
            "adult",
            (
                19.0,
                25.1,
                22.0,
                21.0,
                12.0,
                11.0,
                22.0,
                21.0,
                12.0,
                25.1,
                25.1,
                25.1,
                25.1,
                25.1,
                25.1,
            ),
            {"cscMet": True, "rcMet": False, "rcOrCscMet": True},
            id="MilestonesTest.return_cscMet_using_adult_algorithm_for_ratings#2",
        ),
        pytest.param(
            "child",
            (20.1, 22.2),
            {"cscMet": False, "rcMet": False, "rcOrCscMet": False},
            id="MilestonesTest.return_false_for_rcMet_using_st_youth_algorithm_and_2_ratings_with_less_than_6_change",
        ),
        pytest.param(
            "adolescent",
            (20.1, 26.1),
            {"cscMet": False, "rcMet": True, "rcOrCscMet": True},
            id="MilestonesTest.returns_true_for_rcMet_using_st_youth_algorithm_and_2_ratings_with_6_change",
        ),
        pytest.param(
            "adult",
            (19.0, 25.0),
            {"cscMet": False, "rcMet": True, "rcOrCscMet": True},
            id="MilestonesTest.returns_true_for_rcMet_using_st_adult_algorithm_and_2_ratings_with_6_change",
        ),
        pytest.param(
            "child",
            (20.1, 27.1),
            {"cscMet": False, "rcMet": True, "rcOrCscMet": True},
            id="MilestonesTest.returns_true_for_rcMet_using_st_youth_algorithm_and_2_ratings_with_greater_6_change",
        ),
        pytest.param(
            "adult",
            (18.1, 25.0),
            {"cscMet": False, "rcMet": True, "rcOrCscMet": True},
            id="MilestonesTest.returns_true_for_rcMet_using_st_adult_algorithm_and_2_ratings_with_greater_6_change",
        ),
    ],
)
def test_milestones_change_classification(
    age: AgeGroup, ratings: tuple[float, ...], want: Expected
) -> None:
    """progress-23 Milestones: cscMet = recovered, rcMet = reliably improved (not recovered),
    first against last rating, with the algorithm's cutoff and RCI (our pcoms profile)."""
    found = (
        classify(ratings[0], ratings[-1], PCOMS.cutoff(age), PCOMS.rci)
        if len(ratings) >= 2
        else None
    )
    csc = found is Classification.RECOVERED
    rc = found is Classification.RELIABLY_IMPROVED
    _check({"cscMet": csc, "rcMet": rc, "rcOrCscMet": csc or rc}, want)


@pytest.mark.parametrize(
    ("age", "ratings", "want"),
    [
        pytest.param(
            "adolescent",
            (),
            {"value": 28.0, "firstRatingScore": None, "isAbove": False},
            id="ClinicalCutoffTest.return_data_when_using_st_adolescent_algorithm_and_no_rating_scores",
        ),
        pytest.param(
            "adolescent",
            (14.0,),
            {"value": 28.0, "firstRatingScore": 14.0, "isAbove": False},
            id="ClinicalCutoffTest.is_false_using_st_adolescent_algorithm_and_first_rating_is_less_than_cc_value",
        ),
        pytest.param(
            "adolescent",
            (28.0,),
            {"value": 28.0, "firstRatingScore": 28.0, "isAbove": False},
            id="ClinicalCutoffTest.is_false_using_st_adolescent_algorithm_when_first_rating_equals_cc_value",
        ),
        pytest.param(
            "adolescent",
            (28.0, 19.0, 20.0, 21.0, 22.0, 23.0, 35.0, 36.0, 37.0, 38.0, 38.2, 38.4, 38.6),
            {"value": 28.0, "firstRatingScore": 28.0, "isAbove": False},
            id="ClinicalCutoffTest.is_false_using_lt_adolescent_algorithm_when_first_rating_equals_cc_value",
        ),
        pytest.param(
            "adolescent",
            (28.1,),
            {"value": 28.0, "firstRatingScore": 28.1, "isAbove": True},
            id="ClinicalCutoffTest.is_true_using_adolescent_algorithm_when_first_rating_is_greater_than_cc_value#1",
        ),
        pytest.param(
            "adolescent",
            (28.1, 19.0, 20.0, 21.0, 22.0, 23.0, 35.0, 36.0, 37.0, 38.0, 38.2, 38.4, 38.6),
            {"value": 28.0, "firstRatingScore": 28.1, "isAbove": True},
            id="ClinicalCutoffTest.is_true_using_adolescent_algorithm_when_first_rating_is_greater_than_cc_value#2",
        ),
        pytest.param(
            "adult",
            (25.0,),
            {"value": 25.0, "firstRatingScore": 25.0, "isAbove": False},
            id="ClinicalCutoffTest.is_false_using_adult_algorithm_when_first_rating_equals_cc_value#1",
        ),
        pytest.param(
            "adult",
            (25.0, 19.0, 20.0, 21.0, 22.0, 23.0, 35.0, 36.0, 37.0, 38.0, 38.2, 38.3, 38.4),
            {"value": 25.0, "firstRatingScore": 25.0, "isAbove": False},
            id="ClinicalCutoffTest.is_false_using_adult_algorithm_when_first_rating_equals_cc_value#2",
        ),
        pytest.param(
            "adult",
            (25.1,),
            {"value": 25.0, "firstRatingScore": 25.1, "isAbove": True},
            id="ClinicalCutoffTest.is_true_using_adult_algorithms_when_first_rating_is_greater_than_cc_value#1",
        ),
        pytest.param(
            "adult",
            (25.1, 19.0, 20.0, 21.0, 22.0, 23.0, 35.0, 36.0, 37.0, 38.0, 38.2, 38.3, 38.4),
            {"value": 25.0, "firstRatingScore": 25.1, "isAbove": True},
            id="ClinicalCutoffTest.is_true_using_adult_algorithms_when_first_rating_is_greater_than_cc_value#2",
        ),
    ],
)
def test_clinical_cutoff(age: AgeGroup, ratings: tuple[float, ...], want: Expected) -> None:
    """progress-23 ClinicalCutoff: the cutoff and whether the first rating is strictly above."""
    cutoff = PCOMS.cutoff(age)
    first = ratings[0] if ratings else None
    _check(
        {
            "value": cutoff,
            "firstRatingScore": first,
            "isAbove": first is not None and above_cutoff(first, cutoff),
        },
        want,
    )


@pytest.mark.parametrize(
    ("ratings", "want"),
    [
        pytest.param(
            (),
            {"directionChanges": 0.0, "teeth": 0.0, "has": False},
            id="SawtoothPatternTest.return_initialized_sawtooth_pattern_values_with_no_ratings",
        ),
        pytest.param(
            (5.0,),
            {"directionChanges": 0.0, "teeth": 0.0, "has": False},
            id="SawtoothPatternTest.sawtooth_pattern_is_false_with_one_rating",
        ),
        pytest.param(
            (4.0, 7.9, 12.2, 15.7, 20.2),
            {"directionChanges": 0.0, "teeth": 0.0, "has": False},
            id="SawtoothPatternTest.sawtooth_pattern_is_false_with_no_direction_changes_of_less_than_six_points",
        ),
        pytest.param(
            (22.0, 27.9, 19.2, 12.1, 2.2),
            {"directionChanges": 1.0, "teeth": 0.0, "has": False},
            id="SawtoothPatternTest.sawtooth_pattern_is_false_with_one_direction_change",
        ),
        pytest.param(
            (22.0, 27.9, 19.2, 20.1, 35.2, 30.4),
            {"directionChanges": 2.0, "teeth": 1.0, "has": False},
            id="SawtoothPatternTest.sawtooth_pattern_is_false_with_two_direction_changes",
        ),
        pytest.param(
            (22.0, 27.9, 19.2, 20.1, 35.2, 28.4, 30.2),
            {"directionChanges": 3.0, "teeth": 2.0, "has": False},
            id="SawtoothPatternTest.sawtooth_pattern_is_false_with_three_direction_changes",
        ),
        pytest.param(
            (22.0, 29.0, 19.2, 20.1, 35.2, 28.4, 30.2),
            {"directionChanges": 4.0, "teeth": 3.0, "has": True},
            id="SawtoothPatternTest.sawtooth_pattern_is_true_with_four_direction_changes",
        ),
        pytest.param(
            (),
            {"directionChanges": 0.0},
            id="SawtoothPatternTest.direction_change_count_is_0_with_no_ratings",
        ),
        pytest.param(
            (22.0,),
            {"directionChanges": 0.0},
            id="SawtoothPatternTest.direction_change_count_is_0_when_passed_one_rating",
        ),
        pytest.param(
            (22.0, 27.9),
            {"directionChanges": 0.0},
            id="SawtoothPatternTest.direction_change_count_is_0_when_passed_two_ratings_with_diff_less_than_six",
        ),
        pytest.param(
            (22.0, 28.0),
            {"directionChanges": 1.0, "teeth": 0.0},
            id="SawtoothPatternTest.direction_change_count_is_1_when_passed_two_ratings_with_diff_of_six",
        ),
        pytest.param(
            (22.0, 28.1),
            {"directionChanges": 1.0, "teeth": 0.0},
            id="SawtoothPatternTest.direction_change_count_is_1_when_passed_two_ratings_with_diff_greater_than_six",
        ),
        pytest.param(
            (22.0, 27.9, 22.2, 20.1, 15.2),
            {"directionChanges": 0.0, "teeth": 0.0},
            id="SawtoothPatternTest.direction_change_count_is_0",
        ),
        pytest.param(
            (22.0, 27.9, 19.2, 20.1, 10.2),
            {"directionChanges": 1.0, "teeth": 0.0},
            id="SawtoothPatternTest.direction_change_count_is_1",
        ),
        pytest.param(
            (22.0, 27.9, 19.2, 20.1, 35.2),
            {"directionChanges": 2.0, "teeth": 1.0},
            id="SawtoothPatternTest.direction_change_count_is_2",
        ),
        pytest.param(
            (22.0, 27.9, 19.2, 20.1, 35.2, 28.4),
            {"directionChanges": 3.0, "teeth": 2.0},
            id="SawtoothPatternTest.direction_change_count_is_3",
        ),
        pytest.param(
            (22.0, 27.9, 19.2, 20.1, 35.2, 28.4, 35.2),
            {"directionChanges": 4.0, "teeth": 3.0},
            id="SawtoothPatternTest.direction_change_count_is_4",
        ),
        pytest.param(
            (2.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0),
            {"directionChanges": 0.0, "teeth": 0.0},
            id="SawtoothPatternTest.direction_change_count_is_0_when_there_are_no_six_point_changes_in_positive_direction",
        ),
        pytest.param(
            (38.0, 36.0, 31.0, 26.0, 21.0, 17.0, 15.0),
            {"directionChanges": 0.0, "teeth": 0.0},
            id="SawtoothPatternTest.direction_change_count_is_0_when_there_are_no_six_point_changes_in_negative_direction",
        ),
        pytest.param(
            (2.0, 5.0, 3.0, 8.0, 7.0, 12.0, 10.0),
            {"directionChanges": 0.0, "teeth": 0.0},
            id="SawtoothPatternTest.direction_change_count_is_0_when_there_are_no_six_point_changes_in_alternating_directions",
        ),
        pytest.param(
            (2.0, 8.0, 14.0, 20.0, 26.0, 32.0, 38.0),
            {"directionChanges": 1.0, "teeth": 0.0},
            id="SawtoothPatternTest.direction_change_count_is_1_when_six_point_changes_are_in_positive_direction",
        ),
        pytest.param(
            (38.0, 32.0, 26.0, 20.0, 14.0, 8.0, 2.0),
            {"directionChanges": 1.0, "teeth": 0.0},
            id="SawtoothPatternTest.direction_change_count_is_1_when_six_point_changes_are_in_negative_direction",
        ),
    ],
)
def test_sawtooth_pattern(ratings: tuple[float, ...], want: Expected) -> None:
    """progress-23 SawtoothPattern: moves of 6+ points that change direction (the first big
    move counts); a pattern with 5+ ratings and 4+ changes; teeth = changes - 1."""
    count = getattr(alerts, "sawtooth_direction_changes", None)
    if count is None:  # the alert rules' pure function arrives with the alerts branch
        pytest.skip("fitcli.model.alerts.sawtooth_direction_changes not in this branch yet")
    changes = count(list(ratings), 6.0)
    _check(
        {
            "directionChanges": float(changes),
            "teeth": float(max(0, changes - 1)),
            "has": len(ratings) >= 5 and changes >= 4,
        },
        want,
    )


def _client(age: AgeGroup, ratings: tuple[float, ...]) -> Client:
    start = dt.date(2026, 1, 5)
    return Client(
        id="V1",
        age_group=age,
        start=start,
        sessions=tuple(
            Session(
                session=n, date=start + dt.timedelta(days=7 * (n - 1)), ors=Rating.from_total(score)
            )
            for n, score in enumerate(ratings, start=1)
        ),
    )


@pytest.mark.parametrize(
    ("age", "ratings", "want"),
    [
        pytest.param(
            "adolescent",
            (12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2),
            {"firstRatingAbove32": False, "zeroOrOneMeetings": False},
            id="ValidityIndicatorsTest.calling_the_data_method_with_ratings_returns_accurate_data",
        ),
        pytest.param(
            "adolescent",
            (),
            {"firstRatingAbove32": False, "zeroOrOneMeetings": True},
            id="ValidityIndicatorsTest.calling_the_data_method_with_no_ratings_returns_accurate_data",
        ),
        pytest.param(
            "adolescent",
            (38.0, 3.2, 9.7),
            {"firstRatingAbove32": True, "zeroOrOneMeetings": False},
            id="ValidityIndicatorsTest.calling_the_data_method_with_first_rating_over_32_returns_accurate_data",
        ),
    ],
)
def test_validity_indicators_exclusions(
    age: AgeGroup, ratings: tuple[float, ...], want: Expected
) -> None:
    """progress-23 ValidityIndicators: zeroOrOneMeetings and firstRatingAbove32 are our
    caseload exclusions ``fewer_than_2_ors`` and ``intake_above_32``."""
    reason = exclusion(_client(age, ratings))
    above = bool(ratings) and ratings[0] > 32.0
    _check(
        {
            "zeroOrOneMeetings": reason == "fewer_than_2_ors",
            "firstRatingAbove32": above and reason in ("intake_above_32", "fewer_than_2_ors"),
        },
        want,
    )
