"""`fit rules`: every rule, its settings in effect and its published source; docs/rules.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Fit, as_json, ok
from fitcli.model.alerts import RULE_SETTINGS, SOURCES
from fitcli.model.settings import RULE_IDS, SETTINGS

ROOT = Path(__file__).parent.parent
JSON_KEYS = {"rule", "severity", "settings", "source"}


def test_rules_json_lists_every_rule_with_its_settings_and_source(fit: Fit) -> None:
    data = as_json(fit("rules", "--json"))
    assert [r["rule"] for r in data] == list(RULE_IDS)
    assert all(set(r) == JSON_KEYS for r in data)
    rows = {r["rule"]: r for r in data}
    assert rows["ors-deterioration"] == {
        "rule": "ors-deterioration", "severity": "red",
        "settings": {"ors-deterioration.enabled": True, "norms": "fit", "rci": 5.0},
        "source": "Jacobson & Truax 1991"}
    assert rows["ors-no-change"]["settings"]["ors-no-change.red-at"] == 8
    assert rows["ors-no-change"]["settings"]["ors-no-change.last-chance-at"] == 10
    assert rows["ors-sawtooth"]["source"] == "BON progress-23"
    assert rows["srs-drop"]["severity"] == "amber/red"
    for rule in RULE_IDS:
        assert rows[rule]["source"] == SOURCES[rule]
        assert set(rows[rule]["settings"]) == {f"{rule}.enabled", *RULE_SETTINGS[rule]}
        assert set(rows[rule]["settings"]) <= set(SETTINGS)


def test_rules_follow_the_users_config(fit: Fit) -> None:
    ok(fit("config", "set", "norms", "pcoms"))
    ok(fit("config", "set", "ors-no-change.red-at", "7"))
    ok(fit("config", "set", "srs-drop.severity", "red"))
    rows = {r["rule"]: r for r in as_json(fit("rules", "--json"))}
    assert rows["ors-deterioration"]["settings"]["rci"] == 6.0
    assert rows["ors-no-change"]["settings"]["ors-no-change.red-at"] == 7
    assert rows["srs-drop"]["severity"] == "red"
    text = ok(fit("rules")).stdout
    assert "red from score 7 ('change the approach or discuss referral')" in text
    assert "ors-deterioration.enabled = true, norms = pcoms, rci = 6" in text


def test_rules_text_in_english(fit: Fit) -> None:
    out = ok(fit("rules")).stdout
    lines = out.splitlines()
    assert "docs/rules.md" in lines[0]
    block = lines[lines.index("ors-deterioration  RED"):][:4]
    assert block[1].startswith("  When: the rater's latest ORS is the reliable change index")
    assert block[2] == "  Settings: ors-deterioration.enabled = true, norms = fit, rci = 5"
    assert block[3] == "  Source: Jacobson & Truax 1991"
    assert "ors-no-change  AMBER/RED" in lines
    assert "  Source: Norwegian FIT training material (no primary study)" in lines
    assert "FIT-REFERENCE" not in out and "§" not in out


@pytest.mark.parametrize(("lang", "words"), [
    pytest.param("nb", ["  Kilde: norsk FIT-opplæringsmateriell (ingen primærstudie)",
                        "ors-deterioration  RØD", "  Innstillinger: srs-item-low.enabled = "
                        "true, srs-item-low.below = 9"], id="nb"),
    pytest.param("da", ["  Kilde: OpenFITs alarmtabel; BON progress-23"], id="da"),
    pytest.param("sv", ["  Källa: ICCE-praxis"], id="sv"),
])
def test_rules_text_in_the_users_language(fit: Fit, lang: str, words: list[str]) -> None:
    lines = ok(fit("--lang", lang, "rules")).stdout.splitlines()
    for line in words:
        assert line in lines


def test_rules_page_cites_every_source_in_full() -> None:
    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in RULE_IDS:
        assert f"`{rule}`" in page
    for citation in ("Jacobson, N. S., & Truax, P. (1991)", "Miller, S. D., Duncan, B. L.",
                     "Duncan, B. L., Miller, S. D., Sparks, J. A.",
                     "Duncan, B. L., Sparks, J. A., Miller, S. D., Bohanske",
                     "github.com/bluewinginc/progress-23", "github.com/bluewinginc/algorithms-23",
                     "204000069702", "204000074613", "Seidel, J. A., Miller, S. D., & Chow"):
        assert citation in page, citation
    assert "fit config set srs-drop.severity red" in page
    assert "FIT-REFERENCE" not in page


def test_no_file_of_the_rules_cites_internal_notes() -> None:
    for path in ("src/fitcli/model/alerts.py", "src/fitcli/model/settings.py",
                 "src/fitcli/commands/flags.py", "src/fitcli/services/flags.py",
                 "src/fitcli/services/rules.py", "src/fitcli/commands/rules.py",
                 "src/fitcli/render/flags.py", "src/fitcli/locales/en/LC_MESSAGES/fitcli.po",
                 "docs/rules.md"):
        text = (ROOT / path).read_text(encoding="utf-8")
        assert "FIT-REFERENCE" not in text and "§" not in text, path
