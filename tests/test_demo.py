"""`fit demo`: its own store beside the real one, deterministic, rebuilt only with --reset."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Fit, as_json, ok
from fitcli.model.scores import Client
from fitcli.model.synth import ARCHETYPES, DEFAULT_CLIENTS
from fitcli.store import Store


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((folder / "clients").glob("*.json"))}


def test_demo_writes_beside_the_real_store_never_into_it(fit: Fit, store_dir: Path) -> None:
    ok(fit("client", "add", "C001"))
    result = ok(fit("demo"))
    demo = store_dir / "demo"
    assert len(_files(demo)) == DEFAULT_CLIENTS
    assert sorted(p.name for p in (store_dir / "clients").iterdir()) == ["C001.json"]
    assert (demo / "demo-store.json").is_file()
    assert f"written to {demo}" in result.stdout
    assert f"fit --store {demo} client list --all" in result.stdout
    assert f"fit --store {demo} report" in result.stdout
    assert result.stderr == ""


def test_demo_creates_no_real_clients_folder(fit: Fit, store_dir: Path) -> None:
    ok(fit("demo", "--clients", "2"))
    assert not (store_dir / "clients").exists()
    assert as_json(fit("client", "list", "--all", "--json")) == []


def test_demo_output_lists_the_caseload_with_its_labels(fit: Fit,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS")  # piped: no width limit, each label on one line
    out = ok(fit("demo")).stdout
    for label in ("early responder", "no change", "alliance drop on the SRS",
                  "sawtooth pattern", "parent as collateral rater"):
        assert label in out
    assert "D020" in out


def test_same_seed_gives_identical_stores_and_another_seed_differs(
        fit: Fit, tmp_path: Path) -> None:
    ok(fit("demo", "--store", str(tmp_path / "a"), "--seed", "4"))
    ok(fit("demo", "--store", str(tmp_path / "b"), "--seed", "4"))
    ok(fit("demo", "--store", str(tmp_path / "c"), "--seed", "5"))
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a") != _files(tmp_path / "c")


def test_rerun_needs_reset_and_reset_starts_clean(fit: Fit, tmp_path: Path) -> None:
    demo = tmp_path / "training"
    ok(fit("demo", "--store", str(demo), "--clients", "30"))
    again = fit("demo", "--store", str(demo))
    assert again.exit_code == 2, again.stdout
    assert again.stderr.startswith(f"Error: a demo store already exists in {demo}; "
                                   f"rebuild it with 'fit demo --reset --store {demo}'")
    assert len(_files(demo)) == 30  # untouched
    ok(fit("--store", str(demo), "client", "add", "EXTRA"))
    ok(fit("demo", "--store", str(demo), "--reset", "--clients", "5"))
    assert sorted(_files(demo)) == [f"D00{n}.json" for n in range(1, 6)]


def test_demo_refuses_the_real_store(fit: Fit, store_dir: Path) -> None:
    ok(fit("client", "add", "C001"))
    for target in (store_dir, store_dir / "clients", store_dir / "clients" / "x"):
        result = fit("demo", "--store", str(target), "--reset")
        assert result.exit_code == 2, target
        assert "is your real store" in result.stderr
    assert sorted(p.name for p in (store_dir / "clients").iterdir()) == ["C001.json"]


def test_demo_never_empties_a_folder_it_did_not_make(fit: Fit, tmp_path: Path) -> None:
    other = tmp_path / "other-store"
    ok(fit("--store", str(other), "client", "add", "REAL1"))
    result = fit("demo", "--store", str(other), "--reset")
    assert result.exit_code == 5
    assert "was not made by 'fit demo'" in result.stderr
    assert sorted(_files(other)) == ["REAL1.json"]


def test_demo_store_is_explorable_with_the_other_commands(fit: Fit, store_dir: Path) -> None:
    ok(fit("demo", "--clients", str(len(ARCHETYPES))))
    demo = str(store_dir / "demo")
    listed = as_json(fit("--store", demo, "client", "list", "--all", "--json"))
    assert len(listed) == len(ARCHETYPES)
    data = as_json(fit("--store", demo, "report", "--json"))
    assert data["clients"] == len(ARCHETYPES)
    assert data["excluded"]["intake_above_32"] >= 1
    assert data["excluded"]["fewer_than_2_ors"] >= 1
    assert data["collateral_raters"] == 1
    assert data["endings"]["planned"] == 1 and data["endings"]["unplanned"] == 1


def test_demo_labels_follow_the_language(fit: Fit, store_dir: Path) -> None:
    ok(fit("--lang", "nb", "demo", "--clients", "3"))
    client = Store(store_dir / "demo").load("D003")
    assert isinstance(client, Client)
    assert client.label != "no change" and client.label


def test_demo_client_count_is_checked(fit: Fit) -> None:
    result = fit("demo", "--clients", "0")
    assert result.exit_code == 2
    assert "--clients" in result.stderr


def test_demo_help_says_how_reruns_work(fit: Fit) -> None:
    out = ok(fit("demo", "--help")).stdout
    assert "--reset" in out and "Example: fit demo" in out


@pytest.mark.slow
def test_cli_start_up_loads_neither_the_generator_nor_the_report_machinery() -> None:
    """Every command pays for what fitcli.cli imports: demo and report load theirs on use."""
    code = ("import sys, fitcli.cli; heavy = [m for m in ('fitcli.model.synth', "
            "'fitcli.model.caseload', 'fitcli.services.demo', 'fitcli.services.caseload', "
            "'fitcli.render.caseload') if m in sys.modules]; print(heavy)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def test_a_tiny_demo_still_shows_a_trend_and_valid_commands(fit: Fit, store_dir: Path) -> None:
    out = ok(fit("demo", "--clients", "1")).stdout
    assert "Trend of D001 (early responder)" in out
    assert f"fit --store {store_dir / 'demo'} trend D001" in out


def test_reset_empties_a_demo_store_even_with_an_unreadable_file(fit: Fit, tmp_path: Path) -> None:
    demo = tmp_path / "training"
    ok(fit("demo", "--store", str(demo), "--clients", "3"))
    (demo / "clients" / "D002.json").write_text("{broken", encoding="utf-8")
    ok(fit("demo", "--store", str(demo), "--clients", "3", "--reset"))
    assert as_json(fit("--store", str(demo), "client", "show", "D002", "--json"))["id"] == "D002"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_demo_keeps_the_data_folder_private(fit: Fit, store_dir: Path) -> None:
    ok(fit("demo", "--clients", "1"))
    assert store_dir.stat().st_mode & 0o777 == 0o700
    assert (store_dir / "demo").stat().st_mode & 0o777 == 0o700
