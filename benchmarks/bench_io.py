"""Import and export speed against plain Python loops, side by side in one run.

    .venv/bin/python benchmarks/bench_io.py [--clients 10000] [--meetings 10]

Goals: importing CLIENTS * MEETINGS rows takes at most 2x a plain loop writing the same
client files with an fsync each (measured both ways fit writes a batch: one syncfs, the
Linux default on a local disk, and an fsync per file, as on macOS, Windows and network
shares); exporting them at most 2x a plain loop that reads and json.loads the files. The
fit commands run as real subprocesses (start-up included); each side runs --rounds times,
interleaved, and the best times are compared.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TODAY = "2026-06-15"
GOAL = 2.0


def make_csv(path: Path, clients: int, meetings: int) -> int:
    rng = random.Random(4)
    start = dt.date(2025, 1, 6)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["client", "date", "ors1", "ors2", "ors3", "ors4",
                      "srs1", "srs2", "srs3", "srs4"])
        for c in range(clients):
            day = start + dt.timedelta(days=rng.randrange(60))
            for _ in range(meetings):
                out.writerow([f"C{c:05d}", day.isoformat(),
                              *(f"{rng.randrange(101) / 10:.1f}" for _ in range(8))])
                day += dt.timedelta(days=7)
    return clients * meetings


# `fit` with an fsync for every client file, as on macOS, Windows, network shares (the
# Linux default makes a batch durable with one syncfs): the same start-up, on a platform
# whose probe for a trusted file-system sync finds none.
EACH_FILE = ("-c", "import sys; import fitcli.store.batch as m; "
             "m.filesystem_syncer = lambda folder: None; "
             "from fitcli.cli import main; sys.argv[0] = 'fit'; main()")


def fit(*args: str, store: Path, each_file: bool = False) -> float:
    env = {**os.environ, "FIT_STORE": str(store), "FIT_TODAY": TODAY, "NO_COLOR": "1"}
    exe = [sys.executable, *EACH_FILE] if each_file else [str(Path(sys.executable).with_name(
        "fit"))]
    began = time.perf_counter()
    done = subprocess.run([*exe, *args], env=env, capture_output=True, text=True)
    took = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"fit {' '.join(args)} failed: {done.stderr}")
    return took


def settle() -> None:
    if hasattr(os, "sync"):  # POSIX; on Windows each step takes its chances
        os.sync()


def plain_write(contents: dict[str, bytes], folder: Path) -> float:
    folder.mkdir(parents=True)
    began = time.perf_counter()
    for name, data in contents.items():
        with open(folder / name, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    return time.perf_counter() - began


def plain_read(folder: Path) -> float:
    began = time.perf_counter()
    for path in sorted(folder.glob("*.json")):
        json.loads(path.read_text(encoding="utf-8"))
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--meetings", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="fit-bench-io-") as tmp:
        work = Path(tmp)
        source = work / "rows.csv"
        rows = make_csv(source, args.clients, args.meetings)
        # Other processes' disk traffic moves fsync times a lot: each side runs ROUNDS times,
        # interleaved, and the best time of each is compared.
        # Every timed step starts with the disk settled (os.sync where there is one): else a
        # step pays for the write-back of the step before it (fsyncs of 10,000 files leave
        # the journal busy for a while), and which side that hits is luck. Nothing is
        # deleted until the end: on a file system mounted with online discard (as here) the
        # deletion of 20,000 files makes the creation of files slow for ~30 s after it
        # (measured: 10,000 files 3.8 s instead of 0.26 s), which would hit whichever step
        # comes next.
        imported, written, exported, exported_json, read = [], [], [], [], []
        imported_each: list[float] = []
        for n in range(args.rounds):
            settle()
            imported_each.append(fit("import", str(source), "--create-clients",
                                     store=work / f"each{n}", each_file=True))
            store = work / f"store{n}"
            settle()
            imported.append(fit("import", str(source), "--create-clients", store=store))
            clients_dir = store / "clients"
            contents = {p.name: p.read_bytes() for p in clients_dir.glob("*.json")}
            settle()
            written.append(plain_write(contents, work / f"plain{n}"))
            settle()
            exported.append(fit("export", "--output", str(work / f"out{n}.csv"), store=store))
            settle()
            read.append(plain_read(clients_dir))
            settle()
            exported_json.append(fit("export", "--output", str(work / f"out{n}.json"),
                                     store=store))
        # the same file again: checked and skipped, nothing written
        again = fit("import", str(source), store=store)

    print(f"{rows:,} rows for {args.clients:,} clients ({args.meetings} meetings each)")
    lines = [
        ("import (csv, new store)", min(imported), min(written), "plain write+fsync loop"),
        ("import, fsync per file", min(imported_each), min(written), "plain write+fsync loop"),
        ("export csv", min(exported), min(read), "plain read+json.loads loop"),
        ("export json backup", min(exported_json), min(read), "plain read+json.loads loop"),
    ]
    failed = False
    for name, took, base, what in lines:
        ratio = took / base
        verdict = "ok" if ratio <= GOAL else "OVER GOAL"
        failed |= ratio > GOAL
        print(f"{name:26} {took:7.2f} s  vs {what} {base:6.2f} s  = {ratio:4.2f}x  "
              f"(goal <= {GOAL:.0f}x) {verdict}")
    print(f"{'re-import (all skipped)':26} {again:7.2f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
