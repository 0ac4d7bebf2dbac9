"""Peak memory (and time) of `fit import` and `fit client list` at scale, side by side.

Goals, each checked and printed as a ratio (<= 1.00 meets it):
- `fit import` of a CSV of N rows into an empty store: peak RSS <= 250 MB per million rows
  plus the file's size;
- `fit import --dry-run` of the full backup (`fit export --format json`) of the store that
  CSV makes, into an empty store: the same rule, with the backup's size;
- `fit client list --all` over 100,000 clients (12 meetings each): peak RSS <= 400 MB and
  wall time <= 2x that of `fit flags` over the same store.

Stores and files are generated once under benchmarks/.data/ (the flags benchmark's
100,000-client store is shared; the backup is made by importing the CSV into a store and
exporting it) and reused; each import goes into a fresh store.

Usage: python benchmarks/bench_memory.py [--rows 1000000] [--clients 100000] [--runs 1]
                                         [--only import]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from _measure import run_child
from bench_flags import DATA, TODAY, ensure_store

IMPORT_MB_PER_MILLION_ROWS = 250.0
LIST_MEMORY_MB = 400.0
LIST_TIME_RATIO = 2.0
ROWS_PER_CLIENT = 10


def ensure_csv(rows: int) -> Path:
    """A CSV of ``rows`` meetings: ROWS_PER_CLIENT per client, weekly, items and SRS."""
    path = DATA / f"import-{rows}-v2.csv"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    print(f"generating {rows} CSV rows in {path} ...", flush=True)
    import datetime as dt

    start = TODAY - dt.timedelta(days=7 * ROWS_PER_CLIENT)
    days = [(start + dt.timedelta(days=7 * m)).isoformat() for m in range(ROWS_PER_CLIENT)]
    import random

    rng = random.Random(rows)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as out:
        out.write("client,date,ors1,ors2,ors3,ors4,srs1,srs2,srs3,srs4\n")
        for n in range(rows):
            client, meeting = divmod(n, ROWS_PER_CLIENT)
            # items marked on a 10 cm line and measured to the millimetre: few repeats
            ors = ",".join(f"{rng.randint(0, 100) / 10:.1f}" for _ in range(4))
            srs = ",".join(f"{rng.randint(60, 100) / 10:.1f}" for _ in range(4))
            out.write(f"M{client:07d},{days[meeting]},{ors},{srs}\n")
    tmp.replace(path)
    return path


def ensure_backup(csv_path: Path, rows: int, fit: list[str], env: dict[str, str]) -> Path:
    """The full backup of the store the CSV of ``rows`` rows makes (generated once)."""
    path = DATA / f"backup-{rows}.json"
    if path.exists():
        return path
    print(f"generating the backup of {rows} rows in {path} ...", flush=True)
    target = Path(tempfile.mkdtemp(prefix="fit-bench-backup-"))
    try:
        store_env = {**env, "FIT_STORE": str(target / "store")}
        run_child([*fit, "import", str(csv_path), "--create-clients"], store_env)
        tmp = path.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        run_child([*fit, "export", "--format", "json", "--output", str(tmp)], store_env)
        tmp.replace(path)
    finally:
        shutil.rmtree(target, ignore_errors=True)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--only", choices=("import",), default=None,
                        help="only the two imports (no 100,000-client store needed)")
    args, _ = parser.parse_known_args()
    python = sys.executable
    script = Path(python).with_name("fit.exe" if os.name == "nt" else "fit")
    fit = [str(script)] if script.exists() else [python, "-m", "fitcli"]

    csv_path = ensure_csv(args.rows)
    env = {**os.environ, "FIT_CONFIG": str(DATA / "no-config.toml"),
           "FIT_TODAY": TODAY.isoformat(), "NO_COLOR": "1", "COLUMNS": "120"}
    backup_path = ensure_backup(csv_path, args.rows, fit, env)
    listing = args.only is None
    store_env = {**env, "FIT_STORE": str(ensure_store(args.clients))} if listing else env

    results: dict[str, list[tuple[float, float | None]]] = {"import": [], "restore": [],
                                                            "list": [], "flags": []}
    for _ in range(args.runs):
        for key, command in (("import", ["import", str(csv_path), "--create-clients"]),
                             ("restore", ["import", str(backup_path), "--dry-run"])):
            target = Path(tempfile.mkdtemp(prefix="fit-bench-import-"))
            try:
                results[key].append(run_child(
                    [*fit, *command], {**env, "FIT_STORE": str(target / "store")}))
            finally:
                shutil.rmtree(target, ignore_errors=True)
        if listing:
            results["flags"].append(run_child([*fit, "flags"], store_env, ok_codes=(0, 1)))
            results["list"].append(run_child([*fit, "client", "list", "--all"], store_env))

    def median_time(name: str) -> float:
        return statistics.median(t for t, _ in results[name])

    def peak(name: str) -> float | None:
        peaks = [p for _, p in results[name] if p is not None]
        return max(peaks) if peaks else None

    size_mb = csv_path.stat().st_size / 1e6
    backup_mb = backup_path.stat().st_size / 1e6
    names = {"import": f"fit import {args.rows} rows ({size_mb:.0f} MB)",
             "restore": f"fit import --dry-run, backup ({backup_mb:.0f} MB)"}
    if listing:
        names |= {"flags": f"fit flags, {args.clients} clients",
                  "list": f"fit client list --all, {args.clients} clients"}
    for key, label in names.items():
        rss = peak(key)
        shown = f"{rss:7.1f} MB" if rss is not None else "    n/a"
        print(f"{label:<44} {median_time(key):7.2f} s  peak RSS {shown}")

    ok = True

    def check(label: str, ratio: float) -> None:
        nonlocal ok
        ok = ok and ratio <= 1.0
        print(f"{label:<60} {ratio:5.2f} {'ok' if ratio <= 1.0 else 'OVER GOAL'}")

    for key, mb in (("import", size_mb), ("restore", backup_mb)):
        found = peak(key)
        if found is not None:
            goal = IMPORT_MB_PER_MILLION_ROWS * args.rows / 1e6 + mb
            check(f"{key} peak / goal ({goal:.0f} MB)", found / goal)
    if not listing:
        return 0 if ok else 1
    list_peak = peak("list")
    if list_peak is not None:
        check(f"client list peak / goal ({LIST_MEMORY_MB:.0f} MB)", list_peak / LIST_MEMORY_MB)
    check(f"client list time / (fit flags time x {LIST_TIME_RATIO:g})",
          median_time("list") / (median_time("flags") * LIST_TIME_RATIO))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
