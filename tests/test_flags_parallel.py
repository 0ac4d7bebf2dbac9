"""`fit flags` over a big store on several processes finds exactly what one process finds."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from pathlib import Path

import pytest

from conftest import Fit
from fitcli.i18n import current_language, set_language
from fitcli.model.alerts import RuleSettings, Severity
from fitcli.model.scores import Client, Closure, RaterForms, Rating, Session
from fitcli.model.settings import norm_profile
from fitcli.services import flags
from fitcli.services.pool import PoolPlan
from fitcli.store import Store, encode

TODAY = dt.date(2026, 6, 15)
PLAN = PoolPlan()  # what `fit flags` and `fit client list` use


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


def _job(root: Path, **given: object) -> flags.Job:
    """The job `fit flags` makes for a store folder with the default settings."""
    values: dict[str, object] = dict(
        root=root, lang=current_language(), profile=norm_profile({}),
        rules=RuleSettings.from_values({}), today=TODAY, only=Severity.INFO, fail_level=None,
        as_json=False, closed_too=False)
    values.update(given)
    return flags.Job(**values)  # type: ignore[arg-type]


def _check(job: flags.Job, plan: PoolPlan | None = None) -> tuple[flags.Found, list[str]]:
    """What the service found, and the problems it reported, in order (the command shows
    those, whether they were reported as met or collected by the workers)."""
    reported: list[str] = []
    found = flags.run(job, Store(job.root), None, reported.append,
                      **({} if plan is None else {"plan": plan}))
    return dataclasses.replace(found, problems=[]), reported


JOBS = [
    pytest.param({}, id="text"),
    pytest.param({"as_json": True}, id="json"),
    pytest.param({"only": Severity.AMBER, "fail_level": Severity.RED}, id="amber-fail-on-red"),
    pytest.param({"lang": "nb", "as_json": True}, id="json-nb"),
    pytest.param({"rater": "mother"}, id="rater-mother"),
]


@pytest.mark.slow
@pytest.mark.parametrize("start_method", [None, "spawn"])
@pytest.mark.parametrize("given", JOBS)
def test_several_processes_say_what_one_says(
    big_store: Path, given: dict[str, object], start_method: str | None,
) -> None:
    set_language(str(given.get("lang", "en")))
    job = _job(big_store, **given)
    alone, reported = _check(job)
    assert alone.processes == 1 and alone.problem_count == 3 and len(reported) == 3
    assert alone.clients
    # chunks of 7 end inside runs of problems
    plan = PoolPlan(min_files=1, chunk_size=7, workers=3, start_method=start_method)
    many, reported_many = _check(job, plan)
    assert many.processes == 3
    assert (many, reported_many) == (alone, reported)


def test_one_process_when_no_pool_can_start(
    big_store: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    job = _job(big_store, as_json=True)
    alone = _check(job)

    class NoPool:
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise NotImplementedError("no semaphores on this system")

    import concurrent.futures

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", NoPool)
    found = _check(job, PoolPlan(min_files=1))
    assert found[0].processes == 1
    assert found == alone


def test_the_commands_plan_keeps_a_small_store_in_one_process(
        fit: Fit, big_store: Path) -> None:
    """The command's own plan: a store this small is one process's work."""
    assert PoolPlan().workers_for(63) == 1
    assert fit("flags").exit_code == 5  # the three unreadable files


@pytest.mark.parametrize(("files", "cores", "expected"), [
    pytest.param(10, 8, 1, id="small-store"),
    pytest.param(PLAN.min_files - 1, 8, 1, id="just-below-threshold"),
    pytest.param(PLAN.min_files, 2, 2, id="two-cores"),
    pytest.param(PLAN.min_files, 1, 1, id="one-core"),
    pytest.param(100_000, 64, PLAN.max_workers, id="capped"),
    pytest.param(PLAN.min_files, 64, -(-PLAN.min_files // PLAN.chunk_size), id="one-per-chunk"),
])
def test_worker_count(monkeypatch: pytest.MonkeyPatch, files: int, cores: int,
                      expected: int) -> None:
    import os

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert PLAN.workers_for(files) == expected


def test_an_exact_number_of_workers_once_the_store_is_big_enough() -> None:
    plan = PoolPlan(min_files=10, workers=3)
    assert (plan.workers_for(9), plan.workers_for(10)) == (1, 3)
    assert PoolPlan(chunk_size=2).chunks(["a", "b", "c"]) == [["a", "b"], ["c"]]
