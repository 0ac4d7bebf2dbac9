"""A visit holds every rater's forms: the cases a Norwegian family therapist ran into, end to end.

Files in tests/fixtures/schema_v1/ were written by fitcli 0.1 (schema 1), where a parent's ORS
became a meeting record of its own; they are read, migrated and rewritten as schema 2.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import Fit, as_json, ok

FIXTURES = Path(__file__).parent / "fixtures" / "schema_v1"


def snapshot(store_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(store_dir)): p.read_bytes()
            for p in sorted(store_dir.rglob("*.json"))}


@pytest.fixture
def child(fit: Fit) -> str:
    ok(fit("client", "add", "K1", "--age-group", "child", "--start", "2026-05-01"))
    return "K1"


def test_a_parents_ors_joins_the_childs_visit(fit: Fit, child: str) -> None:
    ok(fit("ors", child, "5", "5", "5", "5", "--date", "2026-05-04"))
    ok(fit("ors", child, "4", "4", "4", "4", "--date", "2026-05-04", "--rater", "mor"))
    srs = ok(fit("srs", child, "9", "9", "9", "9", "--date", "2026-05-04"))
    assert srs.stdout == "K1 visit 1 (2026-05-04): SRS 36.0, rated by the client\n"
    [row] = as_json(fit("client", "list", "--json"))
    assert (row["meetings"], row["latest_ors"], row["latest_srs"], row["raters"]) == (
        1, 20.0, 36.0, ["self", "mor"])
    [visit] = as_json(fit("client", "show", child, "--json"))["sessions"]
    assert visit["ors"]["total"] == 20.0 and visit["srs"]["total"] == 36.0
    assert [(f["form"], f["rater"], f["total"]) for f in visit["forms"]] == [
        ("ors", "self", 20.0), ("srs", "self", 36.0), ("ors", "mor", 16.0)]


def test_correcting_the_parents_form_keeps_the_childs_intake(fit: Fit, child: str) -> None:
    ok(fit("ors", child, "5", "5", "5", "5", "--date", "2026-05-04"))
    done = ok(fit("ors", child, "4", "4", "4", "4", "--session", "1", "--rater", "other"))
    assert done.stdout == "K1 visit 1 (2026-05-04): ORS 16.0, rated by other - first ORS\n"
    [visit] = as_json(fit("client", "show", child, "--json"))["sessions"]
    assert visit["ors"]["total"] == 20.0  # the child's own intake is untouched
    assert [(c["action"], c["rater"]) for c in visit["corrections"]] == [("added", "other")]


def test_the_same_form_twice_in_one_visit_is_refused(fit: Fit, child: str,
                                                     store_dir: Path) -> None:
    ok(fit("ors", child, "5", "5", "5", "5"))
    before = snapshot(store_dir)
    again = fit("ors", child, "5", "5", "5", "5")
    assert again.exit_code == 4, again.output
    assert again.stdout == ""
    assert again.stderr == (
        "Error: visit 1 of K1 (2026-06-15) already has an ORS by self; to change it, run the "
        "command again with --session 1 (the old form is kept in the history), or remove it "
        "with 'fit meeting remove K1 1 --form ors --rater self'.\n")
    assert snapshot(store_dir) == before


def test_an_srs_months_later_starts_a_new_visit(fit: Fit, child: str) -> None:
    ok(fit("ors", child, "5", "5", "5", "5", "--date", "2026-05-04"))
    late = ok(fit("srs", child, "9", "9", "9", "9"))
    assert late.stdout == ("K1 visit 2 (2026-06-15, new visit): SRS 36.0, rated by the "
                           "client\n")
    assert "corrected" not in late.stdout


def test_a_child_rated_only_by_a_parent_has_a_trajectory(fit: Fit, child: str) -> None:
    for day, score in (("04", "5"), ("11", "4.3"), ("18", "3.5"), ("25", "3")):
        ok(fit("ors", child, score, score, score, score, "--date", f"2026-05-{day}",
               "--rater", "mor"))
    data = as_json(fit("client", "show", child, "--json"))
    assert [s["ors"] for s in data["sessions"]] == [None] * 4
    assert [s["forms"][0]["total"] for s in data["sessions"]] == [20.0, 17.2, 14.0, 12.0]
    flags = as_json(fit("flags", "--json"))
    assert any(f["client"] == "K1" and f["rater"] == "mor" and f["severity"] == "red"
               for f in flags), flags


def test_meeting_remove_a_form_and_a_visit_keeps_the_history(fit: Fit, child: str) -> None:
    ok(fit("ors", child, "5", "5", "5", "5", "--date", "2026-05-04"))
    ok(fit("ors", child, "4", "4", "4", "4", "--date", "2026-05-04", "--rater", "far"))
    ok(fit("ors", child, "6", "6", "6", "6", "--date", "2026-05-11"))
    one = ok(fit("meeting", "remove", child, "1", "--form", "ors", "--rater", "far", "--yes"))
    assert one.stdout == ("Removed ORS (far) from visit 1 of K1 (kept in the history: 'fit "
                          "client show').\n")
    whole = ok(fit("meeting", "remove", child, "1", "--yes", "--json"))
    assert as_json(whole) == {"client": "K1", "session": 1, "whole_visit": True,
                              "removed": [{"form": "ors", "rater": "self"}]}
    data = as_json(fit("client", "show", child, "--json"))
    assert [(s["session"], s["date"]) for s in data["sessions"]] == [(1, "2026-05-11")]
    [gone] = data["removed"]
    assert (gone["session"], gone["date"], gone["ors"]["total"]) == (1, "2026-05-04", 20.0)
    assert [(c["action"], c["rater"], c["previous"]["total"]) for c in gone["corrections"]] == [
        ("removed", "far", 16.0)]
    text = ok(fit("client", "show", child)).stdout
    assert "Removed visits" in text and "visit 1: ORS by far removed on " in text


@pytest.mark.parametrize(("args", "code", "message"), [
    pytest.param(("K1", "9", "--yes"), 3, "Error: client K1 has no meeting 9 (meetings 1-1); use "
                 "--session with an existing number, or leave it out to start a new meeting.\n",
                 id="no-such-visit"),
    pytest.param(("K1", "1", "--form", "srs", "--yes"), 3, "Error: visit 1 of K1 has no SRS by "
                 "self; see 'fit client show K1'.\n", id="no-such-form"),
    pytest.param(("K1", "1"), 2, "Error: removing forms of K1 needs confirming; add --yes when "
                 "not on a terminal.\n", id="no-yes-off-a-terminal"),
    pytest.param(("K1", "x", "--yes"), 2, None, id="not-a-number"),
    pytest.param(("K1", "1", "--rater", "a b", "--yes"), 2, None, id="bad-rater"),
])
def test_meeting_remove_refuses(fit: Fit, child: str, store_dir: Path, args: tuple[str, ...],
                                code: int, message: str | None) -> None:
    ok(fit("ors", child, "5", "5", "5", "5", "--date", "2026-05-04"))
    before = snapshot(store_dir)
    result = fit("meeting", "remove", *args)
    assert result.exit_code == code, result.output
    if message is not None:
        assert result.stderr == message
    assert "Traceback" not in result.output
    assert snapshot(store_dir) == before


def test_exclude_and_include(fit: Fit, child: str) -> None:
    done = ok(fit("client", "exclude", child, "--reason", "test entries"))
    assert done.stdout == "Client K1 is left out of the caseload figures (test entries).\n"
    data = as_json(fit("client", "show", child, "--json"))
    assert data["excluded"] == {"reason": "test entries", "date": "2026-06-15"}
    assert "Excluded from caseload figures on 2026-06-15: test entries" in ok(
        fit("client", "show", child)).stdout
    ok(fit("client", "include", child))
    assert as_json(fit("client", "show", child, "--json"))["excluded"] is None
    again = fit("client", "include", child)
    assert again.exit_code == 4 and "is not excluded" in again.stderr


# -- schema 1 files, as fitcli 0.1 wrote them --------------------------------------------------

@pytest.fixture
def v1_store(store_dir: Path) -> Path:
    clients = store_dir / "clients"
    clients.mkdir(parents=True)
    for path in FIXTURES.glob("*.json"):
        shutil.copy(path, clients / path.name)
    return clients


def _values(doc: dict) -> list[float]:  # type: ignore[type-arg]
    """Every total in a client document (forms, corrections, removed visits)."""
    found: list[float] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "total" in node and isinstance(node["total"], float):
                found.append(node["total"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)
    return sorted(found)


def test_v1_same_day_records_merge_into_visits(fit: Fit, v1_store: Path) -> None:
    data = as_json(fit("client", "show", "V1A", "--json"))
    assert [(s["session"], s["date"], s["formerly"]) for s in data["sessions"]] == [
        (1, "2026-01-05", [1, 2]), (2, "2026-01-12", [3, 4]), (3, "2026-01-19", [5])]
    first = data["sessions"][0]
    assert (first["ors"]["total"], first["srs"]["total"]) == (20.0, 36.0)  # SRS: the child's
    assert [(f["form"], f["rater"], f["total"]) for f in first["forms"]] == [
        ("ors", "self", 20.0), ("srs", "self", 36.0), ("ors", "other", 16.0)]
    [row] = [r for r in as_json(fit("client", "list", "--all", "--json")) if r["id"] == "V1A"]
    assert (row["meetings"], row["latest_ors"]) == (3, 23.0)


def test_v1_intake_overwritten_by_a_parents_form_comes_back(fit: Fit, v1_store: Path) -> None:
    """0.1 let `--session 1 --rater other` replace the client's own intake."""
    first = as_json(fit("client", "show", "V1B", "--json"))["sessions"][0]
    assert first["ors"]["total"] == 20.0
    assert [(f["rater"], f["total"]) for f in first["forms"]] == [("self", 20.0),
                                                                   ("other", 24.0)]
    assert first["corrections"][0]["previous"]["total"] == 20.0  # the history stays


def test_v1_no_value_is_lost_and_the_file_is_rewritten_on_the_next_write(
        fit: Fit, v1_store: Path) -> None:
    for path in FIXTURES.glob("*.json"):
        old = json.loads(path.read_text(encoding="utf-8"))
        new = as_json(fit("client", "show", old["id"], "--json"))
        assert _values(new) == _values(old) or set(_values(old)) <= set(_values(new))
        kept = sum(1 for s in old["sessions"] for f in ("ors", "srs") if s[f] is not None)
        assert sum(len(s["forms"]) for s in new["sessions"]) >= kept
    assert json.loads((v1_store / "V1A.json").read_text())["schema_version"] == 1  # reading
    ok(fit("client", "close", "V1A", "--reason", "planned", "--date", "2026-02-01"))
    rewritten = json.loads((v1_store / "V1A.json").read_text())
    assert rewritten["schema_version"] == 2
    assert [s["formerly"] for s in rewritten["sessions"]] == [[1, 2], [3, 4], [5]]


def test_v1_files_export_and_restore(fit: Fit, v1_store: Path, tmp_path: Path) -> None:
    backup = tmp_path / "b.json"
    ok(fit("export", "--format", "json", "--output", str(backup)))
    shown = {c: as_json(fit("client", "show", c, "--json")) for c in ("V1A", "V1B", "V1D")}
    fresh = tmp_path / "fresh"
    ok(fit("--store", str(fresh), "import", str(backup)))
    for client, data in shown.items():
        assert as_json(fit("--store", str(fresh), "client", "show", client, "--json")) == data
