"""Real processes on a PostgreSQL store: parallel writers never lose a form (row lock), and
kill -9 during a batch write leaves nothing half-written (one transaction)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from conftest import Fit, ok
from fitcli.model.batch import ClientPlan
from fitcli.model.scores import Client, Rating, Session
from fitcli.store.database import PgStore

pytestmark = pytest.mark.slow

WRITER = """
import sys
import fitcli.cli
n, rater = int(sys.argv[1]), sys.argv[2]
failures = 0
for i in range(n):
    sys.argv = ["fit", "ors", "C1", str(i % 10), "5", "5", "5", "--rater", f"{rater}{i}"]
    try:
        fitcli.cli.main()
    except SystemExit as exc:
        failures += exc.code != 0
print("FAILURES", failures)
"""


def _env(tmp_path: Path, url: str) -> dict[str, str]:
    env = {**os.environ, "FIT_STORE": url, "NO_COLOR": "1",
           "FIT_CONFIG": str(tmp_path / "config.toml"), "FIT_TODAY": "2026-06-15"}
    env.pop("FIT_LANG", None)
    return env


def test_two_processes_logging_25_forms_each_keep_all_50(fit: Fit, tmp_path: Path,
                                                         pg_db: str) -> None:
    ok(fit("--store", pg_db, "client", "add", "C1"))
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, "25", rater], env=_env(tmp_path, pg_db),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for rater in ("a", "b")
    ]
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
        assert out.splitlines()[-1] == "FAILURES 0", err
    store = PgStore(pg_db)
    try:
        [visit] = store.load("C1").sessions
    finally:
        store.close()
    raters = [rating.rater for rating in visit.forms()]
    assert len(raters) == len(set(raters)) == 50
    assert {r[0] for r in raters} == {"a", "b"}


BATCH_WRITER = """
import datetime as dt, sys
from fitcli.model.batch import ClientPlan
from fitcli.model.scores import Client, Rating, Session
from fitcli.store.database import PgStore

url, count = sys.argv[1], int(sys.argv[2])
store = PgStore(url)
plans = []
for n in range(count):
    cid = f"K{n:05d}"
    visit = Session(session=1, date=dt.date(2026, 6, 1), ors=Rating.from_total(20.0))
    client = Client(id=cid, start=dt.date(2026, 6, 1), sessions=(visit,))
    base = store.load(cid) if n < 10 else None
    plans.append(ClientPlan(cid.casefold(), base, client))
sent = 0
def tick(share):
    global sent
    sent += 1
    if sent == count // 2:
        print("HALF", flush=True)
        import time; time.sleep(30)  # killed here, halfway through the COPY
store.write_batch(plans, tick)
print("DONE", flush=True)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX kill -9")
def test_kill_9_during_write_batch_leaves_nothing_half_written(tmp_path: Path,
                                                               pg_db: str) -> None:
    store = PgStore(pg_db)
    try:
        for n in range(10):  # ten clients exist before: the batch changes them too
            store.create(Client(id=f"K{n:05d}", start=dt.date(2026, 5, 1)))
        before = _snapshot(pg_db)
        proc = subprocess.Popen([sys.executable, "-c", BATCH_WRITER, pg_db, "20000"],
                                env=_env(tmp_path, pg_db), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if line != "HALF\n":
            _, err = proc.communicate(timeout=60)
            pytest.fail(f"the writer did not reach half-way: {line!r} {err}")
        assert _copied_so_far(pg_db) > 0  # the server holds rows of the open transaction
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        deadline = time.monotonic() + 30  # the server notices the lost connection
        while time.monotonic() < deadline and _busy(pg_db):
            time.sleep(0.1)
        assert _snapshot(pg_db) == before
        # a whole batch afterwards goes through
        visit = Session(session=1, date=dt.date(2026, 6, 1), ors=Rating.from_total(20.0))
        plans = [ClientPlan(f"k{n:05d}", store.load(f"K{n:05d}") if n < 10 else None,
                            Client(id=f"K{n:05d}", start=dt.date(2026, 6, 1),
                                   sessions=(visit,)))
                 for n in range(100)]
        assert store.write_batch(plans) == 100
        assert len(store.ids()) == 100
        assert store.load("K00003").sessions == (visit,)
    finally:
        store.close()


def _copied_so_far(url: str) -> int:
    """Rows the server has received from the COPY in progress (waits for them a moment)."""
    deadline = time.monotonic() + 10
    with psycopg.connect(url, autocommit=True) as conn:
        while True:
            row = conn.execute("SELECT coalesce(max(tuples_processed), 0) "
                               "FROM pg_stat_progress_copy").fetchone()
            if (row and row[0]) or time.monotonic() > deadline:
                return int(row[0]) if row else 0
            time.sleep(0.05)


def _busy(url: str) -> bool:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                           "'fitcli' AND state <> 'idle'").fetchone()
    return bool(row and row[0])


def _snapshot(url: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT id, document::text, status FROM clients "
                            "ORDER BY id").fetchall()
