"""`fit trend`, `fit flags`, the rule settings in `fit config`, and flags after logging."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from conftest import Fit, as_json, ok
from fitcli.model.scores import AgeGroup, Client, CloseReason, Closure, RaterForms, Rating, Session
from fitcli.store import Store

ANSI = re.compile(r"\x1b\[")
TREND_KEYS = {"client", "age_group", "norms", "cutoff", "rci", "sessions", "intake", "latest",
              "change", "classification", "etr_target", "expected_change_met_pct",
              "rater", "raters", "target_met", "etr_end_target", "end_target_met",
              "end_target_met_pct", "milestones", "status", "closed"}
FLAG_KEYS = {"client", "rule", "severity", "session", "message"}


def log(fit: Fit, cid: str, ors: list[str], srs: list[str] | None, dates: list[str],
        age_group: str = "adult") -> None:
    ok(fit("client", "add", cid, "--age-group", age_group, "--start", dates[0]))
    for n, (o, d) in enumerate(zip(ors, dates, strict=True)):
        ok(fit("ors", cid, "--total", o, "--date", d))
        if srs is not None:
            ok(fit("srs", cid, "--total", srs[n], "--date", d))


def saved(store_dir: Path, cid: str, ors: list[str], srs: list[str] | None, dates: list[str],
          age_group: AgeGroup = "adult", parent: list[tuple[float, float | None]] | None = None,
          closed: tuple[CloseReason, str] | None = None) -> None:
    """A client written straight to the store (what ``log`` does through `fit ors`/`fit srs`),
    optionally with a parent ("mor") rating at each visit and a closing."""
    sessions = []
    for n, date in enumerate(dates, start=1):
        own = Rating.from_total(float(ors[n - 1])) if ors[n - 1] else None
        own_srs = Rating.from_total(float(srs[n - 1])) if srs and srs[n - 1] else None
        collateral: tuple[RaterForms, ...] = ()
        if parent is not None:
            p_ors, p_srs = parent[n - 1]
            collateral = (RaterForms(rater="mor", ors=Rating.from_total(p_ors, "mor"),
                                     srs=Rating.from_total(p_srs, "mor") if p_srs else None),)
        sessions.append(Session(session=n, date=dt.date.fromisoformat(date), ors=own,
                                srs=own_srs, collateral=collateral))
    Store(store_dir).save(Client(
        id=cid, age_group=age_group, start=dt.date.fromisoformat(dates[0]),
        sessions=tuple(sessions),
        closed=Closure(reason=closed[0], date=dt.date.fromisoformat(closed[1])) if closed
        else None))


WEEKS = ["2026-05-04", "2026-05-11", "2026-05-18", "2026-05-25", "2026-06-01", "2026-06-08",
         "2026-06-15"]


@pytest.fixture
def caseload(fit: Fit) -> Fit:
    log(fit, "A1", ["19.2", "22.5"], ["38", "38"], WEEKS[-2:])  # on target, no flags
    log(fit, "B2", ["20", "14"], ["38", "37"], WEEKS[-2:])  # deterioration, srs-drop: red
    log(fit, "C3", ["20"], ["35"], WEEKS[-1:])  # srs-low amber + ors-single info
    return fit


def test_trend_json_shape(fit: Fit, store_dir: Path) -> None:
    saved(store_dir, "C001", ["19.2", "22.5"], ["36", "37"], WEEKS[:2])
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
    # 22.5 is shown as the target, but the unrounded target is 22.505: just below it.
    assert (data["etr_target"], data["target_met"]) == (22.5, False)
    assert data["expected_change_met_pct"] == 99.84
    assert (data["etr_end_target"], data["end_target_met"]) == (27.2, False)
    assert data["milestones"] == {"50": True, "67": True}
    assert (data["rater"], data["raters"], data["status"], data["closed"]) == (
        "self", ["self"], "open", None)


def test_trend_json_single_ors_has_null_classification(fit: Fit, store_dir: Path) -> None:
    saved(store_dir, "C001", ["19.2"], None, WEEKS[:1], age_group="child")
    data = as_json(fit("trend", "C001", "--json"))
    assert data["classification"] is None and data["etr_target"] is None
    assert data["change"] is None and data["cutoff"] == 32.0


def test_trend_follows_norms_setting(fit: Fit, store_dir: Path) -> None:
    saved(store_dir, "C001", ["20", "25.5"], None, WEEKS[:2], age_group="child")
    ok(fit("config", "set", "norms", "pcoms"))
    data = as_json(fit("trend", "C001", "--json"))
    assert (data["norms"], data["cutoff"], data["rci"]) == ("pcoms", 28.0, 6.0)
    assert data["classification"] == "no_reliable_change"


def test_trend_text_has_chart_table_and_summary_without_ansi(fit: Fit, store_dir: Path) -> None:
    saved(store_dir, "C001", ["19.2", "20", "22"], ["36", "37", "38"], WEEKS[:3])
    result = ok(fit("trend", "C001", "--width", "60", "--height", "12"))
    out = result.stdout
    assert not ANSI.search(out)
    assert "Legend: ▚ ORS   • ETR (expected)   ⠉ SRS   ─ cutoff 25.0" in out
    assert "40┤" in out and " 0┤" in out
    assert max(len(line) for line in out.splitlines()[:14]) <= 60
    assert "3  2026-05-18  (total only)  22.0  24.7  38.0  below target" in out
    assert "Classification: no reliable change." in out
    assert "ETR meeting target 24.7: not met (51 % of the expected change)." in out
    assert "End-of-episode target 27.2: not met (35 % of the expected change)." in out
    assert "ETR model: adult, short-term, from 3 ORS scores" in out


def test_trend_no_chart(fit: Fit, store_dir: Path) -> None:
    saved(store_dir, "C001", ["19.2", "20"], None, WEEKS[:2])
    out = ok(fit("trend", "C001", "--no-chart")).stdout
    assert "┤" not in out and "Intake 19.2, latest 20.0, change +0.8." in out


def test_trend_in_norwegian_uses_decimal_comma(fit: Fit, store_dir: Path) -> None:
    saved(store_dir, "C001", ["19.2", "20"], None, WEEKS[:2])
    out = ok(fit("--lang", "nb", "trend", "C001", "--no-chart")).stdout
    assert "Oppstart 19,2, siste 20,0, endring +0,8." in out


def test_trend_errors(fit: Fit, store_dir: Path) -> None:
    result = fit("trend", "NOPE")
    assert result.exit_code == 3 and "no client 'NOPE'" in result.stderr
    ok(fit("client", "add", "C001"))
    assert fit("trend", "C001", "--width", "5").exit_code == 2
    out = ok(fit("trend", "C001")).stdout
    assert "No ORS yet" in out


def test_trend_says_just_below_when_the_shown_numbers_look_equal(fit: Fit,
                                                                 store_dir: Path) -> None:
    saved(store_dir, "C001", ["19.2", "22.5"], None, WEEKS[:2])
    out = ok(fit("trend", "C001", "--no-chart")).stdout
    assert ("ETR meeting target 22.5: not met: 22.5 is just below the target 22.51 "
            "(99.8 % of the expected change).") in out


def test_trend_rater_option_takes_a_collateral_code(fit: Fit, store_dir: Path) -> None:
    saved(store_dir, "K1", ["20", "21"], ["38", "39"], WEEKS[:2], age_group="child",
          parent=[(15.0, 30.0), (22.0, 31.0)])
    data = as_json(fit("trend", "K1", "--rater", "MOR", "--json"))
    assert (data["rater"], data["raters"]) == ("mor", ["self", "mor"])
    assert (data["intake"], data["latest"], data["change"]) == (15.0, 22.0, 7.0)
    assert [s["srs_total"] for s in data["sessions"]] == [30.0, 31.0]  # the parent's SRS
    assert as_json(fit("trend", "K1", "--json"))["rater"] == "self"
    out = ok(fit("trend", "K1", "--rater", "mor", "--no-chart")).stdout
    assert "Scores of collateral rater 'mor'" in out
    result = fit("trend", "K1", "--rater", "far")
    assert result.exit_code == 3, result.output
    assert result.stderr == ("Error: client 'K1' has no forms from rater 'far'; raters with "
                             "an ORS: self, mor.\n")


def test_trend_of_a_parent_only_child_defaults_to_the_parent(fit: Fit, store_dir: Path) -> None:
    saved(store_dir, "K2", ["", ""], None, WEEKS[:2], age_group="child",
          parent=[(15.0, None), (22.0, None)])
    data = as_json(fit("trend", "K2", "--json"))
    assert (data["rater"], data["raters"], data["intake"]) == ("mor", ["mor"], 15.0)
    out = ok(fit("trend", "K2", "--no-chart")).stdout
    assert ("The client has no ORS of their own: showing the only collateral rater, "
            "'mor'.") in out


def test_trend_of_a_closed_episode_says_when_and_why_it_ended(fit: Fit,
                                                              store_dir: Path) -> None:
    saved(store_dir, "C9", ["15", "24"], None, WEEKS[:2], closed=("dropout", "2026-05-20"))
    out = ok(fit("trend", "C9", "--no-chart")).stdout
    assert "Episode ended 2026-05-20 (drop-out)." in out
    data = as_json(fit("trend", "C9", "--json"))
    assert (data["status"], data["closed"]) == ("closed",
                                                {"date": "2026-05-20", "reason": "dropout"})


def test_flags_json_shape_and_order(caseload: Fit) -> None:
    data = as_json(caseload("flags", "--json"))
    assert all(set(f) == FLAG_KEYS for f in data)
    assert [f["client"] for f in data][:1] == ["B2"]
    b2 = [(f["rule"], f["severity"], f["session"]) for f in data if f["client"] == "B2"]
    assert ("ors-deterioration", "red", 2) in b2 and ("srs-drop", "red", 2) in b2
    deterioration = next(f for f in data if f["rule"] == "ors-deterioration")
    assert deterioration["message"] == ("ORS 14.0 is 6.0 below the intake 20.0: reliable "
                                        "deterioration (reliable change 5.0)")
    assert not [f for f in data if f["client"] == "A1"]


def test_flags_human_grouped_red_first(caseload: Fit) -> None:
    out = ok(caseload("flags")).stdout
    lines = out.splitlines()
    assert lines[0].startswith("B2 (") and "RED" in lines[0]
    assert lines[1].startswith("  RED")
    assert lines[-1] == "5 flags for 2 of 3 clients checked: 3 RED, 1 AMBER, 1 info."
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
    assert "[ors-deterioration]" in out
    out = ok(fit("srs", "C001", "--total", "38")).stdout
    assert "!" not in out  # ORS flags are not repeated after the SRS
    assert "!" not in ok(fit("srs", "C001", "--total", "39", "--json")).stdout


def test_client_list_shows_worst_flag(caseload: Fit) -> None:
    out = ok(caseload("client", "list", env={"COLUMNS": "160"})).stdout
    assert "Flag" in out.splitlines()[0]
    b2 = next(line for line in out.splitlines() if line.startswith("B2"))
    assert "RED ors-deterioration" in b2
    a1 = next(line for line in out.splitlines() if line.startswith("A1"))
    assert a1.rstrip().endswith("-")


def test_config_show_lists_rules_with_sources(fit: Fit) -> None:
    ok(fit("config", "set", "rci", "6"))
    rows = {r["key"]: r for r in as_json(fit("config", "show", "--json"))["settings"]}
    assert rows["rci"]["value"] == 6.0 and rows["rci"]["source"] == "config"
    assert rows["cutoff.adult"]["value"] == 25.0 and rows["cutoff.adult"]["source"] == "profile"
    assert rows["srs-drop.points"]["value"] == 1.0
    assert rows["srs-drop.points"]["source"] == "default"
    assert rows["no-recent-meeting.days"]["reference"].startswith("FIT-REFERENCE")
    for rule in ("ors-deterioration", "ors-no-change", "ors-below-target",
                 "ors-intake-above-cutoff", "ors-single", "ors-sawtooth", "srs-low",
                 "srs-item-low", "srs-drop", "srs-missing", "no-recent-meeting"):
        assert rows[f"{rule}.enabled"]["value"] is True
    text = ok(fit("config", "show")).stdout
    assert "cutoff.adult = 25  [profile fit; allowed: 0..40; FIT-REFERENCE §3]" in text
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
