"""Every demo archetype raises the flags it is there to show (the rules of `fit flags`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import Fit, as_json, ok
from fitcli.model.alerts import RuleSettings, Severity, evaluate
from fitcli.model.norms import PROFILES
from fitcli.model.synth import ARCHETYPES, generate

TODAY = dt.date(2026, 6, 15)  # conftest's FIT_TODAY

# archetype -> (rule, severity) headlines it must raise under the default settings
SHOWS: dict[str, set[tuple[str, Severity]]] = {
    "no_change": {("ors-no-change", Severity.RED)},
    "deterioration": {("ors-deterioration", Severity.RED)},
    "alliance_drop": {("srs-drop", Severity.RED)},
    "intake_above_cutoff": {("ors-intake-above-cutoff", Severity.INFO)},
    "sawtooth": {("ors-sawtooth", Severity.INFO)},
    "no_recent_meeting": {("no-recent-meeting", Severity.AMBER)},
    "single_meeting": {("ors-single", Severity.INFO)},
}
# archetype -> rules whose facts its headlines carry (one line, not one line each)
FOLDS: dict[str, set[str]] = {
    "no_change": {"ors-below-target"},
    "deterioration": {"ors-below-target"},
    "alliance_drop": {"srs-low", "srs-item-low"},
}
# archetypes that are going well: never a red flag
NO_RED = ("early_responder", "steady_improver", "planned_ending", "adolescent", "child",
          "collateral_rater")


@pytest.mark.parametrize("seed", range(30))
def test_each_archetype_raises_its_flags(seed: int) -> None:
    for made in generate(seed, TODAY, len(ARCHETYPES)):
        flags = evaluate(made.client, PROFILES["fit"], RuleSettings(), TODAY)
        raised = {(f.rule, f.severity) for f in flags}
        assert SHOWS.get(made.kind, set()) <= raised, (made.kind, raised)
        folded = {rule for f in flags for rule in f.also}
        assert FOLDS.get(made.kind, set()) <= folded, (made.kind, flags)
        if made.kind in NO_RED:
            assert all(f.severity != Severity.RED for f in flags), (made.kind, raised)


@pytest.mark.parametrize("seed", range(30))
def test_the_steady_improver_raises_no_ors_flag_at_all(seed: int) -> None:
    steady = generate(seed, TODAY, 2)[1]
    assert steady.kind == "steady_improver"
    flags = evaluate(steady.client, PROFILES["fit"], RuleSettings(), TODAY)
    assert not [f for f in flags if f.rule.startswith("ors-") or f.severity != Severity.INFO]


def test_demo_shows_flags_a_trend_chart_and_the_commands(fit: Fit, store_dir: Path) -> None:
    out = ok(fit("demo")).stdout
    demo = store_dir / "demo"
    assert "Flag" in out and "RED no change" in out
    assert "Flags of the open clients" in out
    assert "RED deterioration" in out and "RED SRS drop" in out and "AMBER below target" in out
    assert "Trend of D003 (no change), as 'fit trend D003' shows it:" in out
    assert "Classification: no reliable change." in out
    assert f"fit --store {demo} flags" in out
    assert f"fit --store {demo} trend D004" in out


def test_demo_flags_match_fit_flags_on_the_demo_store(fit: Fit, store_dir: Path) -> None:
    ok(fit("demo"))
    listed = as_json(fit("--store", str(store_dir / "demo"), "flags", "--json"))
    out = ok(fit("demo", "--reset")).stdout
    for flag in listed:  # the same words (the rule ids are for scripts and --verbose)
        assert flag["message"] in out
    assert f"{len(listed)} flags for" in out


def test_report_follows_the_norm_overrides_and_etr_max_intake(fit: Fit, store_dir: Path) -> None:
    ok(fit("demo", "--clients", str(len(ARCHETYPES))))
    demo = str(store_dir / "demo")
    before = as_json(fit("--store", demo, "report", "--json"))
    ok(fit("config", "set", "rci", "8"))
    ok(fit("config", "set", "etr.max-intake", "40"))
    after = as_json(fit("--store", demo, "report", "--json"))
    assert (after["rci"], after["max_intake"]) == (8.0, 40.0)
    assert after["excluded"]["intake_above_32"] == 0
    assert after["included"] == before["included"] + before["excluded"]["intake_above_32"]
    assert after["no_reliable_change"] > before["no_reliable_change"]
