"""ETR path, targets, zones and change classification (BON algorithms-23 / progress-23,
Jacobson & Truax 1991), table-driven. Values are unrounded; displays round half up."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fitcli.model.change import Classification, classify
from fitcli.model.etr import ADULT_LONG, ADULT_SHORT, YOUTH_LONG, YOUTH_SHORT, expected, round1
from fitcli.model.norms import PROFILES
from fitcli.model.progress import end_target, meeting_target, milestones, percent_met
from fitcli.model.scores import AgeGroup, Client, RaterForms, Rating, Session
from fitcli.model.trajectory import Zone, default_rater, trajectory, zone_of
from rules_helpers import START, client

FIT = PROFILES["fit"]
PCOMS = PROFILES["pcoms"]


@pytest.mark.parametrize(("meeting", "etr"), [
    pytest.param(1, 19.2, id="meeting-1-is-intake"),
    pytest.param(2, 22.5, id="published-meeting-2"),
    pytest.param(8, 27.5, id="published-meeting-8"),
])
def test_published_check_values(meeting: int, etr: float) -> None:
    # progress-23 EtrPathTest: adult, intake 19.2, short model.
    assert round1(expected(19.2, meeting, ADULT_SHORT)) == etr


def test_trajectory_reproduces_published_values() -> None:
    trend = trajectory(client([19.2] * 8), FIT)
    assert round1(trend.points[1].etr or 0) == 22.5
    assert round1(trend.points[7].etr or 0) == 27.5
    assert trend.target == expected(19.2, 8, ADULT_SHORT) and round1(trend.target) == 27.5
    assert trend.model_name == "adult-short"


@pytest.mark.parametrize(("count", "age_group", "model"), [
    pytest.param(2, "adult", "adult-short", id="adult-2"),
    pytest.param(12, "adult", "adult-short", id="adult-12-still-short"),
    pytest.param(13, "adult", "adult-long", id="adult-13-long"),
    pytest.param(12, "adolescent", "youth-short", id="adolescent-short"),
    pytest.param(13, "child", "youth-long", id="child-13-long"),
])
def test_model_switch(count: int, age_group: str, model: str) -> None:
    trend = trajectory(client([19.2] * count, age_group=age_group), FIT)  # type: ignore[arg-type]
    assert trend.model_name == model


def test_long_model_recomputes_the_whole_path() -> None:
    trend = trajectory(client([19.2] * 13), FIT)
    assert [round1(p.etr or 0) for p in trend.points[:3]] == [19.2, 21.2, 22.3]
    assert trend.target == expected(19.2, 13, ADULT_LONG)
    assert round1(trend.target) == 26.8


@pytest.mark.parametrize(("model", "meeting", "etr"), [
    pytest.param(YOUTH_SHORT, 2, 23.0, id="youth-short-2"),
    pytest.param(YOUTH_SHORT, 8, 28.1, id="youth-short-8"),
    pytest.param(YOUTH_LONG, 2, 22.0, id="youth-long-2"),
    pytest.param(ADULT_LONG, 23, 28.3, id="adult-long-flattens-at-22"),
])
def test_other_coefficients(model: object, meeting: int, etr: float) -> None:
    assert round1(expected(19.2, meeting, model)) == etr  # type: ignore[arg-type]


def test_youth_coefficients_used_for_children() -> None:
    trend = trajectory(client([19.2, 20.0], age_group="child"), FIT)
    assert round1(trend.points[1].etr or 0) == 23.0
    assert trend.cutoff == 32.0


CUT, RCI = 25.0, 5.0


@pytest.mark.parametrize(("intake", "latest", "expected_class"), [
    # progress-23 Milestones::cscMet: latest must be strictly above the cutoff, and an intake
    # equal to the cutoff is still in the clinical range.
    pytest.param(20.0, 25.0, Classification.RELIABLY_IMPROVED,
                 id="exactly-rci-latest-equal-cutoff-is-not-recovered"),
    pytest.param(20.0, 25.1, Classification.RECOVERED, id="exactly-rci-latest-above-cutoff"),
    pytest.param(20.0, 24.9, Classification.NO_RELIABLE_CHANGE, id="just-under-rci"),
    pytest.param(19.9, 24.9, Classification.RELIABLY_IMPROVED, id="exactly-rci-below-cutoff"),
    pytest.param(25.0, 30.0, Classification.RECOVERED, id="intake-equal-cutoff-recovers"),
    pytest.param(25.1, 31.1, Classification.RELIABLY_IMPROVED, id="intake-above-cutoff"),
    pytest.param(24.9, 30.0, Classification.RECOVERED, id="intake-just-below-cutoff"),
    pytest.param(20.0, 15.0, Classification.RELIABLY_DETERIORATED, id="exactly-minus-rci"),
    pytest.param(20.0, 15.1, Classification.NO_RELIABLE_CHANGE, id="just-above-minus-rci"),
    pytest.param(20.0, 20.0, Classification.NO_RELIABLE_CHANGE, id="no-change"),
])
def test_classification_boundaries(intake: float, latest: float,
                                   expected_class: Classification) -> None:
    assert classify(intake, latest, CUT, RCI) is expected_class
    assert trajectory(client([intake, latest]), FIT).classification is expected_class


def test_pcoms_profile_changes_rci_and_child_cutoff() -> None:
    trend = trajectory(client([20.0, 25.5], age_group="child"), PCOMS)
    assert (trend.cutoff, trend.rci) == (28.0, 6.0)
    assert trend.classification is Classification.NO_RELIABLE_CHANGE


@pytest.mark.parametrize(("ors", "zones"), [
    # The target 22.505 is shown as 22.5, but 22.5 is below it (compared unrounded).
    pytest.param([19.2, 22.5], [None, Zone.BELOW_TARGET], id="shown-target-is-just-below"),
    pytest.param([19.2, 22.6], [None, Zone.ON_TARGET], id="above-unrounded-target"),
    pytest.param([19.2, 22.4], [None, Zone.BELOW_TARGET], id="just-below"),
    pytest.param([19.2, 20.9], [None, Zone.BELOW_TARGET], id="over-half-met-is-below"),
    pytest.param([19.2, 20.8], [None, Zone.FAR_BELOW], id="under-half-is-far-below"),
    pytest.param([19.2, None, 15.0], [None, None, Zone.FAR_BELOW], id="gap-meeting-no-zone"),
])
def test_zones(ors: list[float | None], zones: list[Zone | None]) -> None:
    assert [p.zone for p in trajectory(client(ors), FIT).points] == zones


@pytest.mark.parametrize(("score", "zone"), [
    pytest.param(22.0, Zone.BELOW_TARGET, id="exactly-50-pct-is-below"),
    pytest.param(21.9, Zone.FAR_BELOW, id="49-pct-is-far-below"),
    pytest.param(24.0, Zone.ON_TARGET, id="exactly-target"),
])
def test_zone_boundaries(score: float, zone: Zone) -> None:
    assert zone_of(20.0, score, 24.0, 50.0) is zone


def test_meetings_without_ors_do_not_count() -> None:
    trend = trajectory(client([19.2, None, 22.6]), FIT)
    assert [p.ors_index for p in trend.points] == [1, None, 2]
    assert [round1(p.etr) if p.etr else None for p in trend.points] == [19.2, None, 22.5]
    assert trend.target_met is True
    assert trend.expected_change_met_pct == 100.0


def test_single_ors_has_no_target_or_classification() -> None:
    trend = trajectory(client([19.2], [36.0]), FIT)
    assert trend.classification is None and trend.target is None
    assert trend.change is None and trend.intake == trend.latest == 19.2
    assert trend.points[0].etr == 19.2


def test_intake_above_max_has_no_etr() -> None:
    trend = trajectory(client([32.1, 33.0]), FIT)
    assert trend.target is None and trend.model is None
    assert all(p.etr is None for p in trend.points)
    assert trend.classification is Classification.NO_RELIABLE_CHANGE
    assert trajectory(client([32.1, 33.0]), FIT, max_intake=35).target is not None


def test_no_ors_at_all() -> None:
    trend = trajectory(client([None], [30.0]), FIT)
    assert trend.intake is None and trend.ors_count == 0 and trend.points[0].srs == 30.0


def _with_parent(own: list[float | None], parent: list[tuple[float, float | None]],
                 age_group: AgeGroup = "child") -> Client:
    """Weekly visits: the client's own ORS (None: none) and a parent's ORS and SRS."""
    sessions = []
    for n, (o, (p_ors, p_srs)) in enumerate(zip(own, parent, strict=True), start=1):
        forms = RaterForms(rater="mor", ors=Rating.from_total(p_ors, "mor"),
                           srs=Rating.from_total(p_srs, "mor") if p_srs is not None else None)
        sessions.append(Session(session=n, date=START + dt.timedelta(days=7 * (n - 1)),
                                ors=Rating.from_total(o) if o is not None else None,
                                srs=Rating.from_total(38.0) if o is not None else None,
                                collateral=(forms,)))
    return Client(id="K1", age_group=age_group, start=START, sessions=tuple(sessions))


def test_collateral_rater_is_separate() -> None:
    both = _with_parent([20.0, 21.0], [(15.0, 30.0), (16.0, 31.0)])
    assert trajectory(both, FIT).change == 1.0
    parent = trajectory(both, FIT, rater="mor")
    assert (parent.rater, parent.intake, parent.change) == ("mor", 15.0, 1.0)
    # the chart's SRS line is the same rater's SRS
    assert [p.srs for p in parent.points] == [30.0, 31.0]
    assert [p.srs for p in trajectory(both, FIT).points] == [38.0, 38.0]


@pytest.mark.parametrize(("own", "expected_rater", "fallback"), [
    pytest.param([20.0, 21.0], "self", False, id="own-ors-is-the-default"),
    pytest.param([None, None], "mor", True, id="parent-only-child-defaults-to-the-parent"),
])
def test_default_rater(own: list[float | None], expected_rater: str, fallback: bool) -> None:
    assert default_rater(_with_parent(own, [(15.0, None), (16.0, None)])) == (
        expected_rater, fallback)


def test_just_below_the_shown_target_is_not_met() -> None:
    """progress-23 compares unrounded: adult intake 20.1, the end-of-episode target is
    27.639 (shown 27.6): 27.3 is below it, 27.7 meets it."""
    trend = trajectory(client([20.1, 27.3]), FIT)
    assert trend.end_target is not None and round1(trend.end_target) == 27.6
    assert trend.end_target_met is False
    assert trajectory(client([20.1, 27.7]), FIT).end_target_met is True


def test_adult_percent_met_uses_the_unrounded_target() -> None:
    """progress-23 EtrMtgTargetTest: adult, 12.1 ... 21.0 (9 scores): target 24.5309,
    percent met 8.9 / 12.4309 = 71.60 %, not 8.9 / 12.4 = 71.8 %."""
    trend = trajectory(client([12.1, 3.2, 9.7, 6.7, 8.9, 9.1, 10.2, 20.1, 21.0]), FIT)
    assert trend.target == pytest.approx(24.5309, abs=5e-5)
    assert round1(trend.target or 0) == 24.5
    assert round(trend.expected_change_met_pct or 0, 2) == 71.60
    assert trend.milestones == {"50": True, "67": True}
    assert trend.target_met is False


@pytest.mark.parametrize(("latest", "reached"), [
    pytest.param(23.2, {"50": False, "67": False}, id="below-half"),
    pytest.param(24.3, {"50": True, "67": False}, id="half-not-two-thirds"),
    pytest.param(25.2, {"50": True, "67": True}, id="two-thirds"),
])
def test_milestones_against_the_end_target(latest: float, reached: dict[str, bool]) -> None:
    # progress-23 EtrTargetTest, adult intake 19.2: expected change 8.03 at the end target.
    end = end_target(19.2, 2, "adult")
    assert end is not None
    assert milestones(19.2, latest, end) == reached


@given(intake=st.integers(0, 320).map(lambda n: n / 10),
       latest=st.integers(0, 400).map(lambda n: n / 10),
       target_gain=st.integers(1, 200).map(lambda n: n / 10))
def test_percent_met_is_clamped(intake: float, latest: float, target_gain: float) -> None:
    pct = percent_met(intake, latest, intake + target_gain)
    assert pct is not None and 0.0 <= pct <= 100.0
    assert percent_met(intake, latest, intake) is None


@given(scores=st.lists(st.integers(0, 400).map(lambda n: n / 10), min_size=1, max_size=25),
       age_group=st.sampled_from(["adult", "adolescent", "child"]))
def test_meeting_target_matches_trajectory(scores: list[float], age_group: str) -> None:
    """The alert rules use meeting_target(); fit trend shows trajectory(): same number."""
    trend = trajectory(client(scores, age_group=age_group), FIT)  # type: ignore[arg-type]
    assert meeting_target(scores[0], len(scores), age_group) == trend.target  # type: ignore[arg-type]
    if trend.target is not None:
        assert trend.points[-1].etr == trend.target


def test_the_67_milestone_is_bons_66_66_percent() -> None:
    # progress-23 passes 66.66 to predictedChangePercentMet: 66.66 % of the change counts.
    assert milestones(0.0, 6.666, 10.0) == {"50": True, "67": True}
    assert milestones(0.0, 6.665, 10.0) == {"50": True, "67": False}
