"""Item labels overridden by the user's labels.toml (beside the config file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Fit, as_json, ok
from fitcli import i18n


def _labels(isolated: Path, text: str) -> Path:
    path = isolated / "config" / "labels.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def client(fit: Fit) -> None:
    ok(fit("client", "add", "C001"))
    ok(fit("ors", "C001", "4.5", "6", "5,5", "7"))
    ok(fit("client", "add", "K1", "--age-group", "child"))
    ok(fit("ors", "K1", "5", "5", "5", "5"))


def test_override_used_for_its_language_only(fit: Fit, isolated: Path, client: None) -> None:
    _labels(isolated, '[sv]\nors = ["Jag", "Nära", "Socialt liv", "Helheten"]\n')
    sv = ok(fit("--lang", "sv", "client", "show", "C001")).stdout
    assert "Jag / Nära / Socialt liv / Helheten" in sv
    assert "Relation / Mål och ämne" in sv  # SRS not overridden: the catalogue's
    da = ok(fit("--lang", "da", "client", "show", "C001")).stdout
    assert "Individuelt / Nære relationer" in da


def test_child_forms(fit: Fit, isolated: Path, client: None) -> None:
    _labels(isolated, '[en]\nors = ["A", "B", "C", "D"]\nsrs = ["E", "F", "G", "H"]\n'
                      'cors = ["Me!", "Home", "Class", "All"]\n')
    child = ok(fit("client", "show", "K1")).stdout
    assert "Me! / Home / Class / All" in child  # the child ORS is the CORS
    assert "E / F / G / H" in child  # child SRS falls back to the SRS override
    _labels(isolated, '[en]\nors = ["A", "B", "C", "D"]\ncsrs = ["Kid", "Goals", "Way", "All"]\n')
    child = ok(fit("client", "show", "K1")).stdout
    assert "Me / Family / School / Everything" in child  # adult ORS override not used
    assert "Kid / Goals / Way / All" in child


def test_config_show_says_where_and_whether_in_use(fit: Fit, isolated: Path) -> None:
    absent = ok(fit("config", "show")).stdout
    path = isolated / "config" / "labels.toml"
    assert f"Item labels: {path} (not present;" in absent
    _labels(isolated, '[sv]\nors = ["a", "b", "c", "d"]\nsrs = ["e", "f", "g", "h"]\n')
    assert f"Item labels: {path} (present, but nothing for en; it sets: sv)" in ok(
        fit("config", "show")).stdout
    assert f"Områdesnamn: {path} (används för sv: ORS, SRS)" in ok(
        fit("--lang", "sv", "config", "show")).stdout
    data = as_json(fit("config", "show", "--json"))
    assert data["labels_file"] == {"path": str(path), "exists": True,
                                   "overrides": {"sv": ["ors", "srs"]}}


BROKEN = [
    pytest.param('[sv\nors = ["a"]\n', "cannot be read", id="toml-syntax"),
    pytest.param('[sv]\nors = ["a", "b", "c"]\n', "gives 3 labels for sv ors", id="three"),
    pytest.param('[sv]\nors = ["a", "b", "c", "d", "e"]\n', "gives 5 labels", id="five"),
    pytest.param('[sv]\nors = "abcd"\n', "gives 1 label for", id="not-a-list"),
    pytest.param('[sv]\nors = ["a", " ", "c", "d"]\n', "empty label for sv ors", id="blank"),
    pytest.param('[sv]\nors = ["a", 2, "c", "d"]\n', "empty label for sv ors", id="number"),
    pytest.param('[de]\nors = ["a", "b", "c", "d"]\n', "section 'de'", id="unknown-language"),
    pytest.param('ors = ["a", "b", "c", "d"]\n', "section 'ors'", id="no-section"),
    pytest.param('[sv]\nsrss = ["a", "b", "c", "d"]\n', "unknown form 'srss' under [sv]",
                 id="unknown-form"),
]


@pytest.mark.parametrize(("text", "problem"), BROKEN)
def test_broken_file_is_one_line_exit_5(fit: Fit, isolated: Path, client: None, text: str,
                                        problem: str) -> None:
    path = _labels(isolated, text)
    for args in (("client", "show", "C001"), ("config", "show")):
        result = fit(*args)
        assert result.exit_code == 5, result.stderr
        assert result.stdout == ""
        assert result.stderr.startswith(f"Error: the item label file {path} ")
        assert problem in result.stderr
        assert result.stderr.count("\n") == 1


def test_broken_file_in_another_language(fit: Fit, isolated: Path, client: None) -> None:
    path = _labels(isolated, '[sv]\nors = ["a", "b"]\n')
    result = fit("--lang", "sv", "client", "show", "C001")
    assert result.exit_code == 5
    assert result.stderr.startswith(f"Fel: filen med områdesnamn {path} anger 2 namn för sv ors")


def test_logging_scores_does_not_read_the_label_file(fit: Fit, isolated: Path,
                                                     client: None) -> None:
    """`fit ors` is the hot path: it needs no labels, so a broken file cannot block it."""
    _labels(isolated, "not toml at all [\n")
    ok(fit("ors", "C001", "5", "5", "5", "5", "--rater", "mor"))
    ok(fit("srs", "C001", "9", "9", "9", "9", "--rater", "mor", "--json"))


def test_missing_label_file_means_no_overrides() -> None:
    i18n.set_language("en")
    assert i18n.read_label_file(Path("/nonexistent/labels.toml")) == {}


def test_read_label_file_directly(tmp_path: Path) -> None:
    path = tmp_path / "labels.toml"
    path.write_text('[nb]\nsrs = ["Relasjon ", "Mål  og tema", "Metode", "Alt i alt"]\n',
                    encoding="utf-8")
    assert i18n.read_label_file(path) == {
        "nb": {"srs": ["Relasjon", "Mål og tema", "Metode", "Alt i alt"]}}


def test_flag_messages_use_the_current_label_file(fit: Fit, isolated: Path) -> None:
    """`fit flags` caches labels for speed; a changed label file must still be honoured."""
    ok(fit("client", "add", "C001"))
    ok(fit("ors", "C001", "5", "5", "5", "5"))
    ok(fit("srs", "C001", "9", "9", "8", "9"))
    assert "item 'Approach or method' 8.0" in ok(fit("flags")).stdout
    _labels(isolated, '[en]\nsrs = ["Heard", "Goals", "Way", "All"]\n')
    assert "item 'Way' 8.0" in ok(fit("flags")).stdout
    _labels(isolated, '[en]\nsrs = ["Heard", "Goals", "Method", "All"]\n')
    assert "item 'Method' 8.0" in ok(fit("flags")).stdout
