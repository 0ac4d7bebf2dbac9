"""`fit export` of a big store on several processes writes exactly what one process writes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import fitcli.services.export as exportwork
from conftest import Fit, ok
from fitcli.formats.layout import layout
from fitcli.services import pool

ROWS = "".join(f"K{n:03d},2026-03-{1 + n % 20:02d},{n % 40}.5,30\n" for n in range(45))


@pytest.fixture
def store_45(fit: Fit, store_dir: Path) -> Path:
    ok(fit("import", "-", "--create-clients", input="client,date,ors_total,srs_total\n" + ROWS))
    ok(fit("client", "close", "K007", "--reason", "planned", "--date", "2026-04-01"))
    return store_dir


EXPORTED_AT = "2026-06-15T12:00:00+00:00"
ALONE = pool.PoolPlan(min_files=10**9)  # never a second process


def _export(store: Path, fmt: str, plan: pool.PoolPlan, open_only: bool = False
            ) -> tuple[bytes, list[tuple[str, dict[str, Any]]]]:
    """What `fit export` writes (the joined pieces) and the problems it reports, exported
    the way ``plan`` shares the store out."""
    done = exportwork.run(exportwork.Job(store, fmt, EXPORTED_AT, open_only), None, plan=plan)
    return layout(fmt, EXPORTED_AT).join(done.pieces), sorted(done.problems, key=repr)


FORMATS = [pytest.param("csv", False, id="csv"), pytest.param("jsonl", True, id="jsonl-open"),
           pytest.param("json", False, id="json-backup")]


@pytest.mark.slow
@pytest.mark.parametrize(("fmt", "open_only"), FORMATS)
def test_several_processes_write_what_one_writes(
        store_45: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, open_only: bool) -> None:
    alone = _export(store_45, fmt, ALONE, open_only)
    assert alone[0] and not alone[1]
    used: list[bool] = []
    real = pool.run

    def spy(*args: Any) -> Any:  # the pool every command's worker processes run on
        done = real(*args)
        used.append(done is not None)  # None: no pool could start, this process did it all
        return done

    monkeypatch.setattr(pool, "run", spy)
    spawned = pool.PoolPlan(min_files=1, workers=3, start_method="spawn")  # as on Windows, macOS
    assert _export(store_45, fmt, spawned, open_only) == alone
    assert used == [True]


@pytest.mark.slow
def test_unreadable_files_found_by_workers_stop_the_export(fit: Fit, store_45: Path) -> None:
    for name in ("K003", "K040"):  # one in this process's run, one in a worker's
        (store_45 / "clients" / f"{name}.json").write_text("{not json", encoding="utf-8")
    done = fit("export", "--format", "csv")
    assert done.exit_code == 5 and done.stdout == ""
    assert "K003" in done.stderr and "K040" in done.stderr
    alone = _export(store_45, "csv", ALONE)
    assert len(alone[1]) == 2
    assert _export(store_45, "csv", pool.PoolPlan(min_files=1, workers=2)) == alone


def test_one_process_when_no_pool_can_start(store_45: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    alone = _export(store_45, "json", ALONE)

    class NoPool:
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise NotImplementedError("no semaphores on this system")

    import concurrent.futures

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", NoPool)
    assert _export(store_45, "json", pool.PoolPlan(min_files=1, workers=2)) == alone


def test_the_export_of_the_command_line_is_the_services(fit: Fit, store_45: Path) -> None:
    """`fit export` writes what the service above makes (only its moment differs)."""
    done = ok(fit("export", "--format", "json"))
    text = _export(store_45, "json", ALONE)[0].decode("utf-8")
    moment = re.compile(r'"exported_at": "[^"]*"')
    assert moment.sub("", done.stdout) == moment.sub("", text)


@pytest.mark.parametrize(("files", "cores", "expected"), [
    pytest.param(10, 8, 1, id="small-store"),
    pytest.param(exportwork.PLAN.min_files - 1, 8, 1, id="just-below-threshold"),
    pytest.param(exportwork.PLAN.min_files, 2, 2, id="two-cores"),
    pytest.param(exportwork.PLAN.min_files, 1, 1, id="one-core"),
    pytest.param(100_000, 64, exportwork.PLAN.max_workers, id="capped"),
])
def test_worker_count(monkeypatch: pytest.MonkeyPatch, files: int, cores: int,
                      expected: int) -> None:
    import os

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert exportwork.PLAN.workers_for(files) == expected
