"""`fit flags` over a big store on several processes says exactly what one process says."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pytest

import fitcli.commands._flagcheck as flagcheck
from conftest import Fit
from fitcli.model.scores import Client, Closure, RaterForms, Rating, Session
from fitcli.store import encode

TODAY = dt.date(2026, 6, 15)


def _rating(rng: random.Random, low: int, high: int) -> Rating:
    if rng.random() < 0.3:  # old paper data: a total only
        return Rating.from_total(rng.randint(low, high) / 10)
    items = tuple(rng.randint(low // 4, high // 4) / 10 for _ in range(4))
    return Rating.from_items(items)  # type: ignore[arg-type]


def _client(n: int, rng: random.Random) -> Client:
    count = rng.randint(0, 10)
    last = TODAY - dt.timedelta(days=rng.randint(0, 60))
    start = last - dt.timedelta(days=7 * max(count - 1, 0))
    sessions = []
    for m in range(count):
        ors = _rating(rng, 60, 380) if rng.random() > 0.1 else None
        srs = _rating(rng, 250, 400) if rng.random() > 0.2 else None
        collateral: tuple[RaterForms, ...] = ()
        if rng.random() < 0.25:  # a parent's ORS (and sometimes SRS) about the client
            parent_srs = _rating(rng, 250, 400) if rng.random() < 0.5 else None
            collateral = (RaterForms(
                rater="mother", ors=_rating(rng, 60, 380).model_copy(update={"rater": "mother"}),
                srs=parent_srs.model_copy(update={"rater": "mother"}) if parent_srs else None),)
        sessions.append(Session(session=m + 1, date=start + dt.timedelta(days=7 * m),
                                ors=ors, srs=srs, collateral=collateral))
    closed = Closure(reason="planned", date=last) if rng.random() < 0.1 else None
    return Client(id=f"P{n:03d}", start=start, sessions=tuple(sessions), closed=closed,
                  age_group=rng.choice(("adult", "adolescent", "child")))


@pytest.fixture
def big_store(store_dir: Path) -> Path:
    """60 varied clients and three files that cannot be checked, spread through the store."""
    folder = store_dir / "clients"
    folder.mkdir(parents=True)
    rng = random.Random(3)
    for n in range(60):
        client = _client(n, rng)
        (folder / f"{client.id}.json").write_bytes(encode(client))
    (folder / "P010.json").write_text("{not json", encoding="utf-8")
    doc = json.loads((folder / "P031.json").read_text(encoding="utf-8"))
    doc["sessions"] = [{"session": 1, "date": "2026-06-01",
                        "ors": {"items": [11.0, 1.0, 1.0, 1.0], "total": 14.0}}]
    (folder / "P031.json").write_text(json.dumps(doc), encoding="utf-8")
    doc["sessions"] = [{"session": 1, "date": "2026-06-01",
                        "ors": {"items": [1.0, 1.0, 1.0, 1.0], "total": 5.0}}]
    (folder / "P047.json").write_text(json.dumps(doc), encoding="utf-8")
    return store_dir


ARGS = [
    pytest.param([], id="text"),
    pytest.param(["--json"], id="json"),
    pytest.param(["--severity", "amber", "--fail-on", "red"], id="amber-fail-on-red"),
    pytest.param(["--lang", "nb", "--json"], id="json-nb"),
    pytest.param(["--rater", "mother"], id="rater-mother"),
]


def _run(fit: Fit, args: list[str]) -> tuple[int, str, str]:
    lang = args[:2] if args[:1] == ["--lang"] else []
    result = fit(*lang, "flags", *args[len(lang):])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("start_method", [None, "spawn"])
@pytest.mark.parametrize("args", ARGS)
def test_several_processes_say_what_one_says(
    fit: Fit, big_store: Path, monkeypatch: pytest.MonkeyPatch, args: list[str],
    start_method: str | None,
) -> None:
    alone = _run(fit, args)
    assert alone[0] == 5, alone  # the unreadable files
    prefix = "Feil:" if args[:2] == ["--lang", "nb"] else "Error:"  # the nb catalogue's
    assert alone[2].count(prefix) == 3 and alone[1]

    monkeypatch.setattr(flagcheck, "PARALLEL_MIN_CLIENTS", 1)
    monkeypatch.setattr(flagcheck, "CHUNK_SIZE", 7)  # chunks end inside runs of problems
    monkeypatch.setattr(flagcheck, "MP_START_METHOD", start_method)
    monkeypatch.setattr(flagcheck, "worker_count", lambda files: 3)
    used: list[int] = []
    real = flagcheck._in_processes

    def spy(job: flagcheck.Job, ids: list[str], workers: int) -> flagcheck.Found | None:
        found = real(job, ids, workers)
        used.append(workers if found is not None else 1)
        return found

    monkeypatch.setattr(flagcheck, "_in_processes", spy)
    assert _run(fit, args) == alone
    assert used == [3]


def test_one_process_when_no_pool_can_start(
    fit: Fit, big_store: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    alone = _run(fit, ["--json"])

    class NoPool:
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise NotImplementedError("no semaphores on this system")

    import concurrent.futures

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", NoPool)
    monkeypatch.setattr(flagcheck, "PARALLEL_MIN_CLIENTS", 1)
    assert _run(fit, ["--json"]) == alone


@pytest.mark.parametrize(("files", "cores", "expected"), [
    pytest.param(10, 8, 1, id="small-store"),
    pytest.param(flagcheck.PARALLEL_MIN_CLIENTS - 1, 8, 1, id="just-below-threshold"),
    pytest.param(flagcheck.PARALLEL_MIN_CLIENTS, 2, 2, id="two-cores"),
    pytest.param(flagcheck.PARALLEL_MIN_CLIENTS, 1, 1, id="one-core"),
    pytest.param(100_000, 64, flagcheck.MAX_WORKERS, id="capped"),
    pytest.param(flagcheck.PARALLEL_MIN_CLIENTS, 64,
                 -(-flagcheck.PARALLEL_MIN_CLIENTS // flagcheck.CHUNK_SIZE), id="one-per-chunk"),
])
def test_worker_count(monkeypatch: pytest.MonkeyPatch, files: int, cores: int,
                      expected: int) -> None:
    import os

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert flagcheck.worker_count(files) == expected
