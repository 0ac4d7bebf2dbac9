"""Every alert rule of FIT-REFERENCE §5: a case that fires and one that must not."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fitcli.model.alerts import (
    Flag,
    RuleSettings,
    Severity,
    at_or_above,
    direction_changes,
    evaluate,
    worst,
)
from fitcli.model.norms import PROFILES
from fitcli.model.scores import Client, Closure
from fitcli.model.settings import RULE_IDS, SETTINGS
from rules_helpers import START, TODAY, client

FIT = PROFILES["fit"]
DEFAULT = RuleSettings()
RECENT = TODAY - dt.timedelta(days=7 * 2)  # start so that the latest meeting is recent


def recent(ors: list[float | None], srs: list[float | None] | None = None,
           **kw: Any) -> Client:
    start = TODAY - dt.timedelta(days=7 * (len(ors) - 1))
    return client(ors, srs, start=start, **kw)


def flags_of(c: Client, rules: RuleSettings = DEFAULT, rule: str | None = None) -> list[Flag]:
    found = evaluate(c, FIT, rules, TODAY)
    return [f for f in found if rule is None or f.rule == rule]


def one(c: Client, rule: str, rules: RuleSettings = DEFAULT) -> Flag:
    found = flags_of(c, rules, rule)
    assert len(found) == 1, found
    return found[0]


FIRES = [
    pytest.param("ors-single", recent([20.0], [38.0]), Severity.INFO, 1, id="ors-single"),
    pytest.param("ors-deterioration", recent([20.0, 15.0], [38.0, 38.0]), Severity.RED, 2,
                 id="ors-deterioration-exactly-rci"),
    pytest.param("ors-no-change", recent([20.0, 21.0, 22.0], [38.0] * 3), Severity.AMBER, 3,
                 id="ors-no-change-meeting-3"),
    pytest.param("ors-no-change", recent([20.0] * 6, [38.0] * 6), Severity.RED, 6,
                 id="ors-no-change-meeting-6"),
    pytest.param("ors-no-change", recent([20.0] * 9, [38.0] * 9), Severity.RED, 9,
                 id="ors-no-change-meeting-9"),
    pytest.param("ors-below-target", recent([19.2, 20.9], [38.0] * 2), Severity.AMBER, 2,
                 id="ors-below-target-amber"),
    pytest.param("ors-below-target", recent([19.2, 20.8], [38.0] * 2), Severity.RED, 2,
                 id="ors-below-target-red"),
    pytest.param("ors-intake-above-cutoff", recent([25.0, 30.0], [38.0] * 2), Severity.INFO,
                 1, id="ors-intake-exactly-cutoff"),
    pytest.param("ors-sawtooth", recent([10.0, 16.0, 10.0, 16.0, 10.0, 16.0], [38.0] * 6),
                 Severity.INFO, 6, id="ors-sawtooth"),
    pytest.param("srs-low", recent([20.0], [35.9]), Severity.AMBER, 1, id="srs-low-amber"),
    pytest.param("srs-low", recent([20.0], [29.9]), Severity.RED, 1, id="srs-low-red"),
    pytest.param("srs-item-low", recent([20.0], srs_items={1: (10.0, 8.9, 10.0, 10.0)}),
                 Severity.INFO, 1, id="srs-item-low"),
    pytest.param("srs-drop", recent([20.0, 20.0], [39.0, 38.0]), Severity.RED, 2,
                 id="srs-drop-exactly-1"),
    pytest.param("srs-missing", recent([20.0, 21.0], [38.0, None]), Severity.INFO, 2,
                 id="srs-missing"),
    pytest.param("no-recent-meeting", client([20.0], [38.0], start=TODAY - dt.timedelta(30)),
                 Severity.AMBER, 1, id="no-recent-meeting-30-days"),
]


@pytest.mark.parametrize(("rule", "c", "severity", "session"), FIRES)
def test_rule_fires(rule: str, c: Client, severity: Severity, session: int) -> None:
    flag = one(c, rule)
    assert (flag.severity, flag.session) == (severity, session)
    assert flag.source.startswith("FIT-REFERENCE")


@pytest.mark.parametrize(("rule", "c", "severity", "session"), FIRES)
def test_rule_can_be_switched_off(rule: str, c: Client, severity: Severity,
                                  session: int) -> None:
    off = replace(DEFAULT, enabled=DEFAULT.enabled - {rule})
    assert flags_of(c, off, rule) == []


@pytest.mark.parametrize(("rule", "c"), [
    pytest.param("ors-single", recent([20.0, 21.0], [38.0] * 2), id="ors-single-two"),
    pytest.param("ors-single", recent([None], [38.0]), id="ors-single-none"),
    pytest.param("ors-deterioration", recent([20.0, 15.1], [38.0] * 2),
                 id="ors-deterioration-under-rci"),
    pytest.param("ors-no-change", recent([20.0, 21.0], [38.0] * 2), id="ors-no-change-m2"),
    pytest.param("ors-no-change", recent([20.0, 22.0, 25.0], [38.0] * 3),
                 id="ors-no-change-reliable-improvement"),
    pytest.param("ors-below-target", recent([19.2, 22.5], [38.0] * 2),
                 id="ors-below-target-exactly-target"),
    pytest.param("ors-below-target", recent([33.0, 20.0], [38.0] * 2),
                 id="ors-below-target-intake-above-32"),
    pytest.param("ors-intake-above-cutoff", recent([24.9, 30.0], [38.0] * 2),
                 id="ors-intake-below-cutoff"),
    pytest.param("ors-sawtooth", recent([10.0, 16.0, 10.0, 16.0, 10.0], [38.0] * 5),
                 id="ors-sawtooth-three-changes"),
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


def test_no_change_message_data_names_the_stage() -> None:
    flag = one(recent([20.0] * 9, [38.0] * 9), "ors-no-change")
    assert flag.variant == "last_chance" and flag.message_key == "flag.ors-no-change.last_chance"
    assert flag.values == {"meetings": 9, "checkpoint": 9, "change": 0.0, "rci": 5.0}


def test_deterioration_carries_its_numbers() -> None:
    flag = one(recent([20.0, 14.5], [38.0] * 2), "ors-deterioration")
    assert flag.values == {"intake": 20.0, "latest": 14.5, "change": -5.5, "rci": 5.0}


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


@pytest.mark.parametrize(("totals", "count"), [
    pytest.param([10, 16, 10, 16, 10, 16], 4, id="zigzag"),
    pytest.param([10, 16, 16, 10], 1, id="flat-moves-skipped"),
    pytest.param([10, 11, 5, 6, 0], 2, id="only-big-reversals"),
    pytest.param([10], 0, id="single"),
])
def test_direction_changes(totals: list[float], count: int) -> None:
    assert direction_changes(totals, 6.0) == count


def _direction_changes_plainly(totals: list[float], points: float) -> int:
    """FIT-REFERENCE §4 written out: the non-flat moves, then the big reversals among them."""
    tenths = [round(total * 10) for total in totals]
    moves = [b - a for a, b in itertools.pairwise(tenths) if b != a]
    return sum(1 for prev, cur in itertools.pairwise(moves)
               if (prev > 0) != (cur > 0) and abs(cur) >= round(points * 10))


@settings(deadline=None)
@given(st.lists(st.integers(0, 400).map(lambda n: n / 10), max_size=30),
       st.integers(1, 400).map(lambda n: n / 10))
def test_direction_changes_counts_like_the_reference(totals: list[float], points: float) -> None:
    assert direction_changes(totals, points) == _direction_changes_plainly(totals, points)


def test_every_rule_has_a_switch_and_a_source() -> None:
    from fitcli.model.alerts import SOURCES

    assert set(SOURCES) == set(RULE_IDS)
    for rule in RULE_IDS:
        assert SETTINGS[f"{rule}.enabled"].default is True
