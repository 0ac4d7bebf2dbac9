"""Every alert rule: a case that fires, one that must not, and the cases that were wrong."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fitcli.i18n import in_language, load_catalogue
from fitcli.model.alerts import (
    SOURCES,
    Flag,
    RuleSettings,
    Severity,
    at_or_above,
    evaluate,
    has_sawtooth,
    sawtooth_direction_changes,
    worst,
)
from fitcli.model.etr import expected, round1, select_model
from fitcli.model.norms import PROFILES
from fitcli.model.progress import meeting_target
from fitcli.model.scores import AgeGroup, Client, Closure
from fitcli.model.settings import RULE_IDS, SETTINGS
from fitcli.render.flags import CITATIONS, message
from rules_helpers import START, TODAY, client

FIT = PROFILES["fit"]
DEFAULT = RuleSettings()


def recent(ors: Sequence[float | None], srs: Sequence[float | None] | None = None,
           **kw: Any) -> Client:
    start = TODAY - dt.timedelta(days=7 * (len(ors) - 1))
    return client(ors, srs, start=start, **kw)


def flags_of(c: Client, rules: RuleSettings = DEFAULT, rule: str | None = None,
             rater: str | None = None) -> list[Flag]:
    found = evaluate(c, FIT, rules, TODAY, rater=rater)
    return [f for f in found if rule is None or f.rule == rule]


def one(c: Client, rule: str, rules: RuleSettings = DEFAULT) -> Flag:
    found = flags_of(c, rules, rule)
    assert len(found) == 1, found
    return found[0]


def etr_path(intake: float, meetings: int, age_group: AgeGroup = "adult") -> list[float]:
    """Scores that follow the ETR exactly, as the published calculator shows it."""
    return [round1(expected(intake, m, select_model(age_group, m)))
            for m in range(1, meetings + 1)]


FIRES = [
    pytest.param("ors-single", recent([20.0], [38.0]), Severity.INFO, 1, id="ors-single"),
    pytest.param("ors-deterioration", recent([20.0, 15.0], [38.0, 38.0]), Severity.RED, 2,
                 id="ors-deterioration-exactly-rci"),
    pytest.param("ors-no-change", recent([20.0, 21.5, 23.0], [38.0] * 3), Severity.AMBER, 3,
                 id="ors-no-change-score-3"),
    pytest.param("ors-no-change", recent([20.0] * 8, [38.0] * 8), Severity.RED, 8,
                 id="ors-no-change-score-8"),
    pytest.param("ors-no-change", recent([20.0] * 10, [38.0] * 10), Severity.RED, 10,
                 id="ors-no-change-score-10"),
    pytest.param("ors-below-target", recent([19.2, 20.9], [38.0] * 2), Severity.AMBER, 2,
                 id="ors-below-target-amber"),
    pytest.param("ors-below-target", recent([19.2, 20.8], [38.0] * 2), Severity.RED, 2,
                 id="ors-below-target-red"),
    pytest.param("ors-below-target", recent([19.2, 22.5], [38.0] * 2), Severity.AMBER, 2,
                 id="ors-below-target-shown-equal-but-below"),
    pytest.param("ors-intake-above-cutoff", recent([25.1, 30.0], [38.0] * 2), Severity.INFO,
                 1, id="ors-intake-just-above-cutoff"),
    pytest.param("ors-sawtooth", recent([10.0, 16.0, 10.0, 16.0, 10.0], [38.0] * 5),
                 Severity.INFO, 5, id="ors-sawtooth-4-changes-5-ratings"),
    pytest.param("srs-low", recent([20.0], [35.9]), Severity.AMBER, 1, id="srs-low-amber"),
    pytest.param("srs-low", recent([20.0], [29.9]), Severity.RED, 1, id="srs-low-red"),
    pytest.param("srs-item-low", recent([20.0], srs_items={1: (10.0, 8.9, 10.0, 10.0)}),
                 Severity.INFO, 1, id="srs-item-low"),
    pytest.param("srs-drop", recent([20.0, 20.0], [39.0, 38.0]), Severity.AMBER, 2,
                 id="srs-drop-exactly-1-amber"),
    pytest.param("srs-drop", recent([20.0, 20.0], [37.0, 35.9]), Severity.RED, 2,
                 id="srs-drop-ends-below-cutoff-red"),
    pytest.param("srs-missing", recent([20.0, 21.0], [38.0, None]), Severity.INFO, 2,
                 id="srs-missing"),
    pytest.param("no-recent-meeting", client([20.0], [38.0], start=TODAY - dt.timedelta(30)),
                 Severity.AMBER, 1, id="no-recent-meeting-30-days"),
]


@pytest.mark.parametrize(("rule", "c", "severity", "session"), FIRES)
def test_rule_fires(rule: str, c: Client, severity: Severity, session: int) -> None:
    flag = one(c, rule)
    assert (flag.severity, flag.session, flag.rater) == (severity, session, "self")
    assert flag.source == SOURCES[rule]


@pytest.mark.parametrize(("rule", "c", "severity", "session"), FIRES)
def test_rule_can_be_switched_off(rule: str, c: Client, severity: Severity,
                                  session: int) -> None:
    off = replace(DEFAULT, enabled=DEFAULT.enabled - {rule})
    assert flags_of(c, off, rule) == []
    assert all(rule not in f.also for f in flags_of(c, off))


@pytest.mark.parametrize(("rule", "c"), [
    pytest.param("ors-single", recent([20.0, 21.0], [38.0] * 2), id="ors-single-two"),
    pytest.param("ors-single", recent([None], [38.0]), id="ors-single-none"),
    pytest.param("ors-deterioration", recent([20.0, 15.1], [38.0] * 2),
                 id="ors-deterioration-under-rci"),
    pytest.param("ors-no-change", recent([20.0, 21.0], [38.0] * 2), id="ors-no-change-score-2"),
    pytest.param("ors-no-change", recent([20.0, 22.0, 25.0], [38.0] * 3),
                 id="ors-no-change-reliable-improvement"),
    pytest.param("ors-below-target", recent([19.2, 22.6], [38.0] * 2),
                 id="ors-below-target-above-target"),
    pytest.param("ors-below-target", recent([33.0, 20.0], [38.0] * 2),
                 id="ors-below-target-intake-above-32"),
    pytest.param("ors-intake-above-cutoff", recent([25.0, 30.0], [38.0] * 2),
                 id="ors-intake-exactly-cutoff"),
    pytest.param("ors-intake-above-cutoff", recent([24.9, 30.0], [38.0] * 2),
                 id="ors-intake-below-cutoff"),
    pytest.param("ors-sawtooth", recent([10.0, 16.0, 10.0, 16.0], [38.0] * 4),
                 id="ors-sawtooth-4-ratings"),
    pytest.param("ors-sawtooth", recent([22.0, 27.9, 19.2, 20.1, 35.2, 28.4, 30.2]),
                 id="ors-sawtooth-bon-three-changes"),
    pytest.param("ors-sawtooth", recent([10.0, 15.9, 10.0, 15.9, 10.0, 15.9], [38.0] * 6),
                 id="ors-sawtooth-small-moves"),
    pytest.param("srs-low", recent([20.0], [36.0]), id="srs-low-exactly-cutoff"),
    pytest.param("srs-item-low", recent([20.0], srs_items={1: (9.0, 9.0, 9.0, 9.0)}),
                 id="srs-item-exactly-9"),
    pytest.param("srs-item-low", recent([20.0], [30.0]), id="srs-item-total-only"),
    pytest.param("srs-drop", recent([20.0, 20.0], [39.0, 38.1]), id="srs-drop-0.9"),
    pytest.param("srs-drop", recent([20.0, 20.0], [None, 30.0]), id="srs-drop-first-srs"),
    pytest.param("srs-missing", recent([20.0, 21.0], [38.0, 38.0]), id="srs-missing-none"),
    pytest.param("no-recent-meeting", client([20.0], [38.0], start=TODAY - dt.timedelta(29)),
                 id="no-recent-meeting-29-days"),
    pytest.param("no-recent-meeting",
                 client([20.0], [38.0], start=START).model_copy(
                     update={"closed": Closure(reason="planned", date=START)}),
                 id="no-recent-meeting-closed"),
])
def test_rule_does_not_fire(rule: str, c: Client) -> None:
    assert flags_of(c, rule=rule) == []


# -- the cases that were wrong: ETR-aware no-change and below-target ---------------------------

def _progress_rules(c: Client) -> list[Flag]:
    return [f for f in flags_of(c) if f.rule in ("ors-no-change", "ors-below-target")
            or f.severity is not Severity.INFO]


@pytest.mark.parametrize("c", [
    pytest.param(recent(etr_path(28.0, 9)), id="adult-follows-etr-28.0-to-31.7"),
    pytest.param(recent([36.0, 36.0, 35.0, 36.0, 36.5, 36.0, 35.5, 36.0, 36.0, 36.0]),
                 id="adult-intake-36-never-red"),
    pytest.param(recent(etr_path(27.0, 6, "child"), age_group="child"),
                 id="child-27-on-track-meeting-6"),
    pytest.param(recent([31.5, 31.4]), id="adult-31.5-to-31.4-no-expected-change"),
    pytest.param(recent([31.8, 31.0]), id="adult-31.8-meeting-2-no-expected-change"),
    pytest.param(recent([27.0] + [round(x + 0.1, 1) for x in etr_path(27.0, 10)[1:]]),
                 id="above-target-without-reliable-change-at-10"),
])
def test_no_progress_flag_on_track_or_without_expected_change(c: Client) -> None:
    assert _progress_rules(c) == []


def test_etr_follower_was_red_by_the_old_checkpoints() -> None:
    """The adult who followed the ETR from 28.0 to 31.7 is at target (31.68) at score 9."""
    path = etr_path(28.0, 9)
    assert path[-1] == 31.7
    target = meeting_target(28.0, 9, "adult")
    assert target is not None and path[-1] >= target


def test_below_target_uses_unrounded_target_and_percent() -> None:
    """progress-23's check values: adult, intake 12.1, 9 scores, latest 21.0: target 24.5309,
    71.60 % of the expected change (not 71.8 % from the shown 24.5)."""
    c = recent([12.1, 15.0, 17.0, 18.0, 19.0, 20.0, 20.5, 20.8, 21.0])
    flag = one(c, "ors-below-target")
    assert flag.severity is Severity.AMBER
    assert flag.values["target"] == pytest.approx(24.5309, abs=1e-4)
    assert flag.values["pct"] == pytest.approx(71.60, abs=0.01)
    assert flags_of(c, rule="ors-no-change") == []  # +8.9 is reliable improvement
    with in_language("en"):
        assert message(flag) == "ORS 21.0 is below the ETR target 24.5: 71.6 % of the " \
                                "expected change met"


def test_shown_equal_but_below_says_just_below() -> None:
    flag = one(recent([19.2, 22.5]), "ors-below-target")
    assert flag.values["target"] == pytest.approx(22.505247)
    with in_language("en"):
        assert message(flag).startswith("ORS 22.5 is just below the ETR target 22.51: 99.8 %")
    with in_language("nb"):
        assert message(flag).startswith("ORS 22,5 er så vidt under ETR-målet 22,51")


@pytest.mark.parametrize(("count", "stage", "severity"), [
    pytest.param(2, None, None, id="score-2-none"),
    pytest.param(3, "discuss", Severity.AMBER, id="score-3-amber"),
    pytest.param(7, "discuss", Severity.AMBER, id="score-7-amber"),
    pytest.param(8, "change", Severity.RED, id="score-8-red"),
    pytest.param(9, "change", Severity.RED, id="score-9-red"),
    pytest.param(10, "last_chance", Severity.RED, id="score-10-red"),
    pytest.param(14, "last_chance", Severity.RED, id="score-14-red"),
])
def test_no_change_checkpoints(count: int, stage: str | None,
                               severity: Severity | None) -> None:
    c = recent([20.0] * count)
    alone = replace(DEFAULT, enabled=DEFAULT.enabled - {"ors-below-target"})
    found = flags_of(c, alone, rule="ors-no-change")
    if stage is None:
        assert found == []
        return
    assert [(f.variant, f.severity) for f in found] == [(stage, severity)]


def test_no_change_checkpoints_are_settings() -> None:
    rules = RuleSettings.from_values({"ors-no-change.amber-at": 4, "ors-no-change.red-at": 6,
                                      "ors-no-change.last-chance-at": 9})
    assert flags_of(recent([20.0] * 3), rules, "ors-no-change") == []
    assert one(recent([20.0] * 6), "ors-no-change", rules).variant == "change"
    assert one(recent([20.0] * 9), "ors-no-change", rules).variant == "last_chance"


def test_checkpoints_count_the_raters_ors_scores_not_visits() -> None:
    """Visits without the rater's ORS do not count towards a checkpoint."""
    c = recent([20.0, None, 20.0, None, 20.5])
    flag = one(c, "ors-below-target")  # red (10 % met): the amber no-change is folded in
    assert flag.also == ("ors-no-change",)
    assert flag.values["meetings"] == 3 and flag.session == 5


# -- one headline per rater ---------------------------------------------------------------------

def test_deterioration_below_target_at_checkpoint_8_is_one_red_line() -> None:
    c = recent([20.0, 19.0, 18.0, 17.0, 16.0, 15.5, 15.0, 14.5], [38.0] * 8)
    found = flags_of(c)
    assert [(f.rule, f.severity) for f in found] == [("ors-deterioration", Severity.RED)]
    flag = found[0]
    assert flag.also == ("ors-no-change", "ors-below-target")
    assert flag.values["checkpoint"] == 8 and flag.values["pct"] == 0.0
    with in_language("en"):
        text = message(flag)
    assert text.startswith("ORS 14.5 is 5.5 below the intake 20.0: reliable deterioration")
    assert "no reliable improvement by ORS score 8: change the approach or discuss referral" \
        in text
    assert "also below the ETR target 27.9: 0.0 % of the expected change met" in text


def test_deterioration_carries_its_numbers() -> None:
    flag = one(recent([20.0, 14.5], [38.0] * 2), "ors-deterioration")
    assert {k: flag.values[k] for k in ("intake", "latest", "change", "rci")} == {
        "intake": 20.0, "latest": 14.5, "change": -5.5, "rci": 5.0}
    assert flag.also == ("ors-below-target",)


@pytest.mark.parametrize(("ors", "headline", "severity", "folded"), [
    pytest.param([20.0, 21.5, 23.0], "ors-no-change", Severity.AMBER, "ors-below-target",
                 id="tie-amber-no-change-leads"),
    pytest.param([20.0] * 8, "ors-no-change", Severity.RED, "ors-below-target",
                 id="tie-red-no-change-leads"),
    pytest.param([20.0, 20.5, 21.0], "ors-below-target", Severity.RED, "ors-no-change",
                 id="below-target-red-leads-amber-no-change"),
])
def test_no_change_and_below_target_fold_into_the_more_severe(
        ors: list[float], headline: str, severity: Severity, folded: str) -> None:
    found = [f for f in flags_of(recent(ors)) if f.rule.startswith("ors-")]
    assert [(f.rule, f.severity, f.also) for f in found] == [(headline, severity, (folded,))]


def test_deterioration_switched_off_leaves_no_change_and_below_target() -> None:
    rules = replace(DEFAULT, enabled=DEFAULT.enabled - {"ors-deterioration"})
    found = [f for f in flags_of(recent([20.0] * 7 + [14.0]), rules) if f.rule != "srs-missing"]
    assert [(f.rule, f.also) for f in found] == [("ors-no-change", ("ors-below-target",))]


def test_srs_drop_folds_low_total_and_low_item() -> None:
    c = recent([20.0, 21.0], [38.0, 33.0], srs_items={2: (9.0, 9.0, 7.0, 8.0)})
    found = [f for f in flags_of(c) if f.rule.startswith("srs-")]
    assert [(f.rule, f.severity, f.also) for f in found] == [
        ("srs-drop", Severity.RED, ("srs-low", "srs-item-low"))]
    with in_language("en"):
        assert message(found[0]) == (
            "SRS fell by 5.0 since meeting 1 (38.0 to 33.0); below the SRS cutoff 36.0: talk "
            "about what could be better in the meetings; lowest item 'Approach or method' 7.0 "
            "(2 of 4 items below 9.0)")


def test_srs_drop_stays_amber_above_the_cutoff_and_red_as_a_setting() -> None:
    c = recent([20.0, 20.0], [39.5, 37.0])
    assert one(c, "srs-drop").severity is Severity.AMBER
    strict = RuleSettings.from_values({"srs-drop.severity": "red"})
    assert one(c, "srs-drop", strict).severity is Severity.RED


def test_srs_low_folds_low_item() -> None:
    c = recent([20.0], srs_items={1: (9.0, 9.0, 8.0, 9.0)})
    flag = one(c, "srs-low")
    assert flag.also == ("srs-item-low",) and flags_of(c, rule="srs-item-low") == []


def test_info_flags_stay_separate_lines() -> None:
    c = recent([26.0, 32.0, 20.0, 27.0, 19.0, 18.0])
    rules = {f.rule for f in flags_of(c)}
    assert {"ors-intake-above-cutoff", "ors-sawtooth", "ors-deterioration"} <= rules


# -- per rater ----------------------------------------------------------------------------------

def test_child_rated_only_by_a_parent_gets_every_ors_rule_from_the_parent() -> None:
    c = recent([20.0, 17.0, 14.0, 12.0], rater="mother", age_group="child")
    found = flags_of(c)
    assert [(f.rule, f.severity, f.rater, f.session) for f in found] == [
        ("ors-deterioration", Severity.RED, "mother", 4)]
    with in_language("en"):
        assert "below the intake 20.0: reliable deterioration (reliable change 5.0) " \
               "(rated by mother);" in message(found[0], "child")
    assert flags_of(c, rater="self") == []
    assert flags_of(c, rater="mother") == found


def test_client_and_parent_are_judged_each_on_their_own_scores() -> None:
    c = recent([20.0] * 8, [38.0] * 8,
               others={"mother": ([15.0, None, 20.0, None, 24.0, None, 26.0, 28.0], None)})
    found = [(f.rule, f.rater) for f in flags_of(c)]
    assert ("ors-no-change", "self") in found
    assert not [f for f in flags_of(c, rater="mother") if f.rule != "ors-single"]


def test_srs_rules_per_rater_and_collateral_forms_never_miss_an_srs() -> None:
    c = recent([20.0, 21.0, None], [38.0, 38.0, None],
               others={"far": ([18.0, 18.5, 19.0], [38.0, 35.0, None])})
    assert [(f.rule, f.rater) for f in flags_of(c) if f.rule.startswith("srs-")] == [
        ("srs-drop", "far")]
    c = recent([20.0, 21.0], [38.0, None], others={"far": ([None, None], [38.0, 38.0])})
    assert one(c, "srs-missing").values == {"count": 1}


def test_client_level_flags_belong_to_self() -> None:
    c = client([20.0], [38.0], start=TODAY - dt.timedelta(40),
               others={"mor": ([18.0], None)})
    assert [(f.rule, f.rater) for f in flags_of(c)] == [
        ("no-recent-meeting", "self"), ("ors-single", "self"), ("ors-single", "mor")]
    assert [f.rule for f in flags_of(c, rater="mor")] == ["ors-single"]


# -- sawtooth exactly as BON progress-23 ------------------------------------------------------

@pytest.mark.parametrize(("totals", "changes"), [
    pytest.param([], 0, id="no-ratings"),
    pytest.param([5.0], 0, id="one-rating"),
    pytest.param([4.0, 7.9, 12.2, 15.7, 20.2], 0, id="no-move-of-six"),
    pytest.param([22.0, 27.9, 19.2, 12.1, 2.2], 1, id="one-change"),
    pytest.param([22.0, 27.9, 19.2, 20.1, 35.2, 30.4], 2, id="two-changes"),
    pytest.param([22.0, 27.9, 19.2, 20.1, 35.2, 28.4, 30.2], 3, id="three-changes"),
    pytest.param([22.0, 29.0, 19.2, 20.1, 35.2, 28.4, 30.2], 4, id="four-changes"),
    pytest.param([22.0, 27.9], 0, id="two-ratings-5.9"),
    pytest.param([22.0, 28.0], 1, id="two-ratings-exactly-6"),
    pytest.param([22.0, 28.1], 1, id="two-ratings-6.1"),
    pytest.param([22.0, 27.9, 22.2, 20.1, 15.2], 0, id="count-0"),
    pytest.param([22.0, 27.9, 19.2, 20.1, 10.2], 1, id="count-1"),
    pytest.param([22.0, 27.9, 19.2, 20.1, 35.2], 2, id="count-2"),
    pytest.param([22.0, 27.9, 19.2, 20.1, 35.2, 28.4], 3, id="count-3"),
    pytest.param([22.0, 27.9, 19.2, 20.1, 35.2, 28.4, 35.2], 4, id="count-4"),
    pytest.param([2.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0], 0, id="up-in-fives"),
    pytest.param([38.0, 36.0, 31.0, 26.0, 21.0, 17.0, 15.0], 0, id="down-in-fives"),
    pytest.param([2.0, 5.0, 3.0, 8.0, 7.0, 12.0, 10.0], 0, id="alternating-small"),
    pytest.param([2.0, 8.0, 14.0, 20.0, 26.0, 32.0, 38.0], 1, id="up-in-sixes"),
    pytest.param([38.0, 32.0, 26.0, 20.0, 14.0, 8.0, 2.0], 1, id="down-in-sixes"),
    pytest.param([1.0, 7.0, 2.0, 6.0, 12.0, 18.0, 26.0, 15.0, 9.0], 2,
                 id="bon-comment-example"),
    pytest.param([2.1, 8.1, 2.1], 2, id="exact-in-tenths"),
])
def test_sawtooth_direction_changes_bon_vectors(totals: list[float], changes: int) -> None:
    assert sawtooth_direction_changes(totals, 6.0) == changes


@pytest.mark.parametrize(("totals", "has"), [
    pytest.param([22.0, 29.0, 19.2, 20.1, 35.2, 28.4, 30.2], True, id="four-changes"),
    pytest.param([22.0, 27.9, 19.2, 20.1, 35.2, 28.4, 30.2], False, id="three-changes"),
    pytest.param([10.0, 16.0, 10.0, 16.0, 10.0], True, id="four-changes-five-ratings"),
    pytest.param([1.0, 7.0, 2.0, 6.0, 12.0, 18.0, 26.0, 15.0, 9.0], False,
                 id="bon-comment-example"),
])
def test_has_sawtooth(totals: list[float], has: bool) -> None:
    assert has_sawtooth(totals, 6.0, 4) is has


# -- properties ---------------------------------------------------------------------------------

scores = st.integers(0, 400).map(lambda n: n / 10)


@settings(deadline=None, max_examples=200)
@given(st.lists(scores, min_size=2, max_size=14), st.sampled_from(["adult", "child"]))
def test_on_track_raters_never_get_progress_flags(ors: list[float], group: AgeGroup) -> None:
    target = meeting_target(ors[0], len(ors), group)
    found = {f.rule for f in flags_of(recent(ors, age_group=group))} | {
        rule for f in flags_of(recent(ors, age_group=group)) for rule in f.also}
    if target is None or ors[-1] >= target:
        assert not found & {"ors-no-change", "ors-below-target"}


@settings(deadline=None, max_examples=200)
@given(st.lists(scores, min_size=1, max_size=14),
       st.lists(st.one_of(st.none(), st.integers(0, 400).map(lambda n: n / 10)),
                min_size=14, max_size=14))
def test_at_most_one_ors_and_one_srs_headline_per_rater(ors: list[float],
                                                        srs: list[float | None]) -> None:
    found = flags_of(recent(ors, srs[:len(ors)]))
    headlines = [f.rule for f in found if f.severity is not Severity.INFO]
    assert sum(r.startswith("ors-") for r in headlines) <= 1
    assert sum(r.startswith("srs-") for r in headlines) <= 1


# -- settings, order, sources ------------------------------------------------------------------

def test_thresholds_are_settings() -> None:
    rules = RuleSettings.from_values({"srs-drop.points": 2.0, "no-recent-meeting.days": 10,
                                      "srs-low.enabled": False})
    c = recent([20.0, 20.0], [39.0, 38.0])
    assert flags_of(c, rules, "srs-drop") == []
    assert "srs-low" not in rules.enabled
    assert rules.no_meeting_days == 10
    assert RuleSettings.from_values({}) == DEFAULT


def test_red_level_zero_switches_red_off() -> None:
    rules = replace(DEFAULT, srs_red_below=0.0)
    assert one(recent([20.0], [5.0]), "srs-low", rules).severity is Severity.AMBER


def test_rci_from_profile() -> None:
    c = recent([20.0, 14.5], [38.0] * 2)
    assert evaluate(c, PROFILES["pcoms"], DEFAULT, TODAY)[0].rule != "ors-deterioration"


def test_flags_sorted_red_first_and_worst() -> None:
    c = recent([25.0, 19.0, 19.0], [38.0, 38.0, None])
    found = flags_of(c)
    ranks = [f.severity.rank for f in found]
    assert ranks == sorted(ranks, reverse=True)
    top = worst(found)
    assert top is not None and top.rule == "ors-deterioration"
    assert {f.rule for f in at_or_above(found, Severity.AMBER)} >= {"ors-deterioration"}
    assert worst([]) is None


def test_every_rule_has_a_switch_and_a_published_source() -> None:
    assert set(SOURCES) == set(RULE_IDS)
    english = load_catalogue("en")
    for rule in RULE_IDS:
        assert SETTINGS[f"{rule}.enabled"].default is True
        assert english[f"source.{rule}"].format_map(CITATIONS) == SOURCES[rule]
    for setting in SETTINGS.values():
        assert "FIT-REFERENCE" not in setting.source and "#" not in setting.source
