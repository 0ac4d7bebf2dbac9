"""`fit trend`, `fit flags`, the rule settings in `fit config`, and flags after logging."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import Fit, as_json, ok

ANSI = re.compile(r"\x1b\[")
TREND_KEYS = {"client", "age_group", "norms", "cutoff", "rci", "sessions", "intake", "latest",
              "change", "classification", "etr_target", "expected_change_met_pct", "rater",
              "raters", "target_met", "etr_end_target", "end_target_met",
              "end_target_met_pct", "milestones", "status", "closed"}
FLAG_KEYS = {"client", "rule", "severity", "session", "message", "rater", "also"}


def log(fit: Fit, cid: str, ors: list[str], srs: list[str] | None, dates: list[str],
        age_group: str = "adult") -> None:
    ok(fit("client", "add", cid, "--age-group", age_group, "--start", dates[0]))
    for n, (o, d) in enumerate(zip(ors, dates, strict=True)):
        ok(fit("ors", cid, "--total", o, "--date", d))
        if srs is not None:
            ok(fit("srs", cid, "--total", srs[n], "--date", d))


WEEKS = ["2026-05-04", "2026-05-11", "2026-05-18", "2026-05-25", "2026-06-01", "2026-06-08",
         "2026-06-15"]


@pytest.fixture
def caseload(fit: Fit) -> Fit:
    log(fit, "A1", ["19.2", "22.6"], ["38", "38"], WEEKS[-2:])  # above target 22.505: none
    log(fit, "B2", ["20", "14"], ["38", "37"], WEEKS[-2:])  # deterioration red, srs-drop amber
    log(fit, "C3", ["20"], ["35"], WEEKS[-1:])  # srs-low amber + ors-single info
    return fit


def test_trend_json_shape(fit: Fit) -> None:
    log(fit, "C001", ["19.2", "22.5"], ["36", "37"], WEEKS[:2])
    data = as_json(fit("trend", "C001", "--json"))
    assert set(data) == TREND_KEYS
    assert data["sessions"] == [
        {"session": 1, "date": "2026-05-04", "ors_total": 19.2, "srs_total": 36.0,
         "etr": 19.2},
        {"session": 2, "date": "2026-05-11", "ors_total": 22.5, "srs_total": 37.0,
         "etr": 22.5},
    ]
    assert (data["norms"], data["cutoff"], data["rci"]) == ("fit", 25.0, 5.0)
    assert (data["intake"], data["latest"], data["change"]) == (19.2, 22.5, 3.3)
    assert data["classification"] == "no_reliable_change"
    assert (data["etr_target"], data["expected_change_met_pct"]) == (22.5, 99.84)  # just below


def test_trend_json_single_ors_has_null_classification(fit: Fit) -> None:
    log(fit, "C001", ["19.2"], None, WEEKS[:1], age_group="child")
    data = as_json(fit("trend", "C001", "--json"))
    assert data["classification"] is None and data["etr_target"] is None
    assert data["change"] is None and data["cutoff"] == 32.0


def test_trend_follows_norms_setting(fit: Fit) -> None:
    log(fit, "C001", ["20", "25.5"], None, WEEKS[:2], age_group="child")
    ok(fit("config", "set", "norms", "pcoms"))
    data = as_json(fit("trend", "C001", "--json"))
    assert (data["norms"], data["cutoff"], data["rci"]) == ("pcoms", 28.0, 6.0)
    assert data["classification"] == "no_reliable_change"


def test_trend_text_has_chart_table_and_summary_without_ansi(fit: Fit) -> None:
    log(fit, "C001", ["19.2", "20", "22"], ["36", "37", "38"], WEEKS[:3])
    result = ok(fit("trend", "C001", "--width", "60", "--height", "12"))
    out = result.stdout
    assert not ANSI.search(out)
    assert "Legend: ▚ ORS   • ETR (expected)   ⠉ SRS   ─ cutoff 25.0" in out
    assert "40┤" in out and " 0┤" in out
    assert max(len(line) for line in out.splitlines()[:14]) <= 60
    assert "3  2026-05-18  (total only)  22.0  24.7  38.0  below target" in out
    assert "Classification: no reliable change." in out
    assert "ETR meeting target 24.7: not met (51 % of the expected change)." in out
    assert "ETR model: adult, short-term, from 3 ORS scores" in out


def test_trend_no_chart(fit: Fit) -> None:
    log(fit, "C001", ["19.2", "20"], None, WEEKS[:2])
    out = ok(fit("trend", "C001", "--no-chart")).stdout
    assert "┤" not in out and "Intake 19.2, latest 20.0, change +0.8." in out


def test_trend_in_norwegian_uses_decimal_comma(fit: Fit) -> None:
    log(fit, "C001", ["19.2", "20"], None, WEEKS[:2])
    out = ok(fit("--lang", "nb", "trend", "C001", "--no-chart")).stdout
    assert "Oppstart 19,2, siste 20,0, endring +0,8." in out


def test_trend_errors(fit: Fit) -> None:
    result = fit("trend", "NOPE")
    assert result.exit_code == 3 and "no client 'NOPE'" in result.stderr
    ok(fit("client", "add", "C001"))
    assert fit("trend", "C001", "--width", "5").exit_code == 2
    out = ok(fit("trend", "C001")).stdout
    assert "No ORS yet" in out


def test_flags_json_shape_and_order(caseload: Fit) -> None:
    data = as_json(caseload("flags", "--json"))
    assert all(set(f) == FLAG_KEYS for f in data)
    assert [f["client"] for f in data][:1] == ["B2"]
    b2 = [(f["rule"], f["severity"], f["session"]) for f in data if f["client"] == "B2"]
    assert b2 == [("ors-deterioration", "red", 2), ("srs-drop", "amber", 2)]
    deterioration = next(f for f in data if f["rule"] == "ors-deterioration")
    assert deterioration["message"] == ("ORS 14.0 is 6.0 below the intake 20.0: reliable "
                                        "deterioration (reliable change 5.0); also below the "
                                        "ETR target 23.1: 0.0 % of the expected change met")
    assert deterioration["also"] == ["ors-below-target"]
    assert {f["rater"] for f in data} == {"self"}
    assert not [f for f in data if f["client"] == "A1"]


def test_flags_human_grouped_red_first(caseload: Fit) -> None:
    out = ok(caseload("flags")).stdout
    lines = out.splitlines()
    assert lines[0].startswith("B2 (") and "RED" in lines[0]
    assert lines[1].startswith("  RED")
    assert lines[1].endswith("[source: Jacobson & Truax 1991]")  # no rule id without -v
    assert lines[-1] == "4 flags for 2 of 3 clients checked: 1 RED, 2 AMBER, 1 info."
    assert not ANSI.search(out)


@pytest.mark.parametrize(("args", "code"), [
    pytest.param([], 0, id="no-fail-on"),
    pytest.param(["--fail-on", "red"], 1, id="red-found"),
    pytest.param(["--fail-on", "amber"], 1, id="amber-found"),
    pytest.param(["C3", "--fail-on", "red"], 0, id="only-amber-client"),
    pytest.param(["C3", "--fail-on", "amber"], 1, id="amber-client-amber"),
    pytest.param(["A1", "--fail-on", "amber"], 0, id="clean-client"),
    pytest.param(["--fail-on", "info"], 2, id="info-not-a-fail-level"),
    pytest.param(["NOPE"], 3, id="unknown-client"),
])
def test_flags_exit_codes(caseload: Fit, args: list[str], code: int) -> None:
    result = caseload("flags", *args)
    assert result.exit_code == code, (result.stdout, result.stderr)


def test_flags_severity_filter(caseload: Fit) -> None:
    data = as_json(caseload("flags", "--severity", "amber", "--json"))
    assert {f["severity"] for f in data} == {"red", "amber"}
    assert as_json(caseload("flags", "a1", "--json")) == []


def test_flags_skip_closed_unless_named(caseload: Fit) -> None:
    ok(caseload("client", "close", "B2", "--reason", "dropout"))
    assert {f["client"] for f in as_json(caseload("flags", "--json"))} == {"C3"}
    assert {f["client"] for f in as_json(caseload("flags", "B2", "--json"))} == {"B2"}


def test_flags_nothing_found(fit: Fit) -> None:
    assert ok(fit("flags")).stdout == "No flags for the 0 clients checked.\n"


def test_flags_rule_switched_off_in_config(caseload: Fit) -> None:
    ok(caseload("config", "set", "ors-deterioration.enabled", "false"))
    rules = {f["rule"] for f in as_json(caseload("flags", "--json"))}
    assert "ors-deterioration" not in rules and "srs-drop" in rules


def test_flags_corrupt_file_reported_and_others_checked(caseload: Fit,
                                                        store_dir: Path) -> None:
    (store_dir / "clients" / "ZZ.json").write_text("{not json", encoding="utf-8")
    result = caseload("flags", "--json")
    assert result.exit_code == 5
    assert "ZZ.json cannot be read" in result.stderr
    assert {f["client"] for f in json.loads(result.stdout)} == {"B2", "C3"}


def test_ors_prints_flags_it_raised(fit: Fit) -> None:
    ok(fit("client", "add", "C001", "--start", "2026-06-01"))
    ok(fit("ors", "C001", "--total", "20", "--date", "2026-06-01"))
    out = ok(fit("ors", "C001", "--total", "14", "--date", "2026-06-08")).stdout
    assert "  ! RED ORS 14.0 is 6.0 below the intake 20.0" in out
    assert "ors-deterioration" not in out  # the user's words, no rule id
    out = ok(fit("srs", "C001", "--total", "38")).stdout
    assert "!" not in out  # ORS flags are not repeated after the SRS
    assert "!" not in ok(fit("srs", "C001", "--total", "39", "--session", "3",
                             "--json")).stdout


def test_client_list_shows_worst_flag(caseload: Fit) -> None:
    out = ok(caseload("client", "list", env={"COLUMNS": "160"})).stdout
    assert "Flag" in out.splitlines()[0]
    b2 = next(line for line in out.splitlines() if line.startswith("B2"))
    assert "RED deterioration" in b2
    a1 = next(line for line in out.splitlines() if line.startswith("A1"))
    assert a1.rstrip().endswith("-")


def test_config_show_lists_rules_with_sources(fit: Fit) -> None:
    ok(fit("config", "set", "rci", "6"))
    rows = {r["key"]: r for r in as_json(fit("config", "show", "--json"))["settings"]}
    assert rows["rci"]["value"] == 6.0 and rows["rci"]["source"] == "config"
    assert rows["cutoff.adult"]["value"] == 25.0 and rows["cutoff.adult"]["source"] == "profile"
    assert rows["srs-drop.points"]["value"] == 1.0
    assert rows["srs-drop.points"]["source"] == "default"
    assert rows["rci"]["reference"] == "Jacobson & Truax 1991"
    assert rows["ors-sawtooth.points"]["reference"] == "BON progress-23"
    assert rows["srs-drop.severity"]["value"] == "amber"
    assert not [r["key"] for r in rows.values() if "FIT-REFERENCE" in r["reference"]]
    for rule in ("ors-deterioration", "ors-no-change", "ors-below-target",
                 "ors-intake-above-cutoff", "ors-single", "ors-sawtooth", "srs-low",
                 "srs-item-low", "srs-drop", "srs-missing", "no-recent-meeting"):
        assert rows[f"{rule}.enabled"]["value"] is True
    text = ok(fit("config", "show")).stdout
    assert ("cutoff.adult = 25  [profile fit; allowed: 0..40; Miller et al. 2003; "
            "Duncan et al. 2006; BON progress-23]") in text
    assert "rci = 6  [config file;" in text


@pytest.mark.parametrize(("key", "value", "code", "message"), [
    pytest.param("srs-low.red-below", "41", 4, "allowed: 0..40", id="out-of-range"),
    pytest.param("ors-no-change.amber-at", "3.5", 4, "allowed: 2..100", id="not-int"),
    pytest.param("srs-drop.enabled", "maybe", 4, "allowed: true, false", id="not-bool"),
    pytest.param("srs-nope", "1", 4, "there is no setting 'srs-nope'", id="unknown"),
])
def test_config_set_refuses(fit: Fit, key: str, value: str, code: int, message: str) -> None:
    result = fit("config", "set", key, value)
    assert result.exit_code == code and message in result.stderr


def test_config_reset_returns_to_profile(fit: Fit) -> None:
    ok(fit("config", "set", "cutoff.adult", "24,5"))
    rows = {r["key"]: r for r in as_json(fit("config", "show", "--json"))["settings"]}
    assert rows["cutoff.adult"]["value"] == 24.5
    ok(fit("config", "reset", "cutoff.adult"))
    rows = {r["key"]: r for r in as_json(fit("config", "show", "--json"))["settings"]}
    assert rows["cutoff.adult"]["source"] == "profile"


def test_broken_config_value_is_a_clear_error(fit: Fit, isolated: Path) -> None:
    path = isolated / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('"srs-drop.points" = -3\n', encoding="utf-8")
    result = fit("flags")
    assert result.exit_code == 5 and "srs-drop.points" in result.stderr




@pytest.mark.slow
def test_cli_start_up_loads_no_trend_or_flags_machinery() -> None:
    """Every command pays for what fitcli.cli imports: the chart, the rules and the
    rendering of trend and flags load only when those commands run."""
    import subprocess
    import sys

    code = ("import sys, fitcli.cli; heavy = [m for m in ('plotext', 'rich', "
            "'fitcli.model.alerts', 'fitcli.model.trajectory', 'fitcli.render.trend', "
            "'fitcli.render.flags') if m in sys.modules]; print(heavy)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


@pytest.fixture
def parent_rated(fit: Fit) -> Fit:
    """K1: a child whose mother fills in the ORS (20 -> 17 -> 14 -> 12); the child rates
    only the SRS. S2: an adult with their own ORS and no collateral rater."""
    ok(fit("client", "add", "K1", "--age-group", "child", "--start", WEEKS[0]))
    for total, date in zip(["20", "17", "14", "12"], WEEKS[3:], strict=True):
        ok(fit("ors", "K1", "--total", total, "--rater", "mother", "--date", date))
        ok(fit("srs", "K1", "--total", "38", "--date", date))
    log(fit, "S2", ["20"], ["38"], WEEKS[-1:])
    return fit


def test_flags_json_names_the_rater(parent_rated: Fit) -> None:
    data = as_json(parent_rated("flags", "--json"))
    k1 = [(f["rule"], f["severity"], f["rater"]) for f in data if f["client"] == "K1"]
    assert k1 == [("ors-deterioration", "red", "mother")]
    message = next(f["message"] for f in data if f["client"] == "K1")
    assert "reliable deterioration (reliable change 5.0) (rated by mother);" in message
    assert [f["rater"] for f in data if f["client"] == "S2"] == ["self"]


@pytest.mark.parametrize(("rater", "clients"), [
    pytest.param("mother", {"K1"}, id="mother"),
    pytest.param("MOTHER", {"K1"}, id="case-ignored"),
    pytest.param("self", {"S2"}, id="self"),
    pytest.param("teacher", set(), id="nobody"),
])
def test_flags_rater_filter(parent_rated: Fit, rater: str, clients: set[str]) -> None:
    data = as_json(parent_rated("flags", "--rater", rater, "--json"))
    assert {f["client"] for f in data} == clients
    assert {f["rater"] for f in data} <= {rater.lower()}


def test_flags_rater_filter_text_and_bad_code(parent_rated: Fit) -> None:
    out = ok(parent_rated("flags", "--rater", "mother")).stdout
    assert out.splitlines()[0] == "K1 (1 RED)"
    assert "(rated by mother)" in out and "S2" not in out
    result = parent_rated("flags", "--rater", "no good")
    assert result.exit_code == 4 and not result.stdout


def test_flags_text_cites_sources_in_norwegian(parent_rated: Fit) -> None:
    out = ok(parent_rated("--lang", "nb", "flags", "K1")).stdout
    assert "(vurdert av mother)" in out
    assert "[kilde: Jacobson & Truax 1991]" in out
    assert "FIT-REFERENCE" not in out
