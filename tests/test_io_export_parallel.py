"""`fit export` of a big store on several processes writes exactly what one process writes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import fitcli.services.export as exportwork
from conftest import Fit, ok
from fitcli.services import pool

ROWS = "".join(f"K{n:03d},2026-03-{1 + n % 20:02d},{n % 40}.5,30\n" for n in range(45))


@pytest.fixture
def store_45(fit: Fit, store_dir: Path) -> Path:
    ok(fit("import", "-", "--create-clients", input="client,date,ors_total,srs_total\n" + ROWS))
    ok(fit("client", "close", "K007", "--reason", "planned", "--date", "2026-04-01"))
    return store_dir


def _export(fit: Fit, *args: str) -> tuple[int, str, str]:
    done = fit("export", *args)
    # the export's moment is the clock's: the same run twice differs only there
    return done.exit_code, re.sub(r'"exported_at": "[^"]*"', "", done.stdout), done.stderr


ARGS = [pytest.param(["--format", "csv"], id="csv"),
        pytest.param(["--format", "jsonl", "--open"], id="jsonl-open"),
        pytest.param(["--format", "json"], id="json-backup")]


@pytest.mark.slow
@pytest.mark.parametrize("args", ARGS)
def test_several_processes_write_what_one_writes(
        fit: Fit, store_45: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    alone = _export(fit, *args)
    assert alone[0] == 0 and alone[1]
    monkeypatch.setattr(exportwork, "PARALLEL_MIN_CLIENTS", 1)
    monkeypatch.setattr(exportwork, "MP_START_METHOD", "spawn")  # as on Windows and macOS
    monkeypatch.setattr(exportwork, "worker_count", lambda files: 3)
    used: list[bool] = []
    real = pool.run

    def spy(*args: Any) -> Any:  # the pool every command's worker processes run on
        done = real(*args)
        used.append(done is not None)  # None: no pool could start, this process did it all
        return done

    monkeypatch.setattr(pool, "run", spy)
    assert _export(fit, *args) == alone
    assert used == [True]


@pytest.mark.slow
def test_unreadable_files_found_by_workers_stop_the_export(
        fit: Fit, store_45: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("K003", "K040"):  # one in this process's run, one in a worker's
        (store_45 / "clients" / f"{name}.json").write_text("{not json", encoding="utf-8")
    alone = _export(fit, "--format", "csv")
    assert alone[0] == 5 and alone[1] == ""
    assert "K003" in alone[2] and "K040" in alone[2]
    monkeypatch.setattr(exportwork, "PARALLEL_MIN_CLIENTS", 1)
    monkeypatch.setattr(exportwork, "worker_count", lambda files: 2)
    assert _export(fit, "--format", "csv") == alone


def test_one_process_when_no_pool_can_start(
        fit: Fit, store_45: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    alone = _export(fit, "--format", "json")

    class NoPool:
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise NotImplementedError("no semaphores on this system")

    import concurrent.futures

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", NoPool)
    monkeypatch.setattr(exportwork, "PARALLEL_MIN_CLIENTS", 1)
    monkeypatch.setattr(exportwork, "worker_count", lambda files: 2)
    assert _export(fit, "--format", "json") == alone


@pytest.mark.parametrize(("files", "cores", "expected"), [
    pytest.param(10, 8, 1, id="small-store"),
    pytest.param(exportwork.PARALLEL_MIN_CLIENTS - 1, 8, 1, id="just-below-threshold"),
    pytest.param(exportwork.PARALLEL_MIN_CLIENTS, 2, 2, id="two-cores"),
    pytest.param(exportwork.PARALLEL_MIN_CLIENTS, 1, 1, id="one-core"),
    pytest.param(100_000, 64, exportwork.MAX_WORKERS, id="capped"),
])
def test_worker_count(monkeypatch: pytest.MonkeyPatch, files: int, cores: int,
                      expected: int) -> None:
    import os

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert exportwork.worker_count(files) == expected
