"""Importing rows from an .xlsx workbook against the same rows as CSV, side by side.

    .venv/bin/python benchmarks/bench_xlsx.py [--clients 10000] [--meetings 10] [--rounds 3]

Goal: `fit import` of CLIENTS * MEETINGS rows from .xlsx takes at most 3x the same import
from CSV. Both files hold the same rows (the .xlsx with number and date cells, as Excel
saves them); both imports run as real subprocesses into a new store (start-up included),
interleaved for --rounds rounds, and the best times are compared. The .xlsx reading alone
(python-calamine, cells to text) is timed in this process too.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import run_child

TODAY = "2026-06-15"
GOAL = 3.0
HEADER = ["client", "date", "ors1", "ors2", "ors3", "ors4", "srs1", "srs2", "srs3", "srs4"]


def rows(clients: int, meetings: int) -> list[list[object]]:
    rng = random.Random(4)
    start = dt.date(2025, 1, 6)
    out: list[list[object]] = []
    for c in range(clients):
        day = start + dt.timedelta(days=rng.randrange(60))
        for _ in range(meetings):
            out.append([f"C{c:05d}", day, *(rng.randrange(101) / 10 for _ in range(8))])
            day += dt.timedelta(days=7)
    return out


def write_files(folder: Path, data: list[list[object]]) -> tuple[Path, Path]:
    from openpyxl import Workbook

    text = folder / "rows.csv"
    with text.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for row in data:
            out.writerow([row[0], row[1].isoformat(),  # type: ignore[attr-defined]
                          *(f"{v:.1f}" for v in row[2:])])  # type: ignore[str-format]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Ark1")
    sheet.append(HEADER)
    for row in data:
        sheet.append(row)
    workbook = folder / "rows.xlsx"
    book.save(workbook)
    return text, workbook


def import_once(source: Path, store: Path) -> float:
    shutil.rmtree(store, ignore_errors=True)
    env = {**os.environ, "FIT_STORE": str(store), "FIT_TODAY": TODAY, "NO_COLOR": "1"}
    if hasattr(os, "sync"):
        os.sync()
    took, _ = run_child([str(Path(sys.executable).with_name("fit")), "import", str(source),
                         "--create-clients"], env)
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--meetings", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = rows(args.clients, args.meetings)
        text, workbook = write_files(folder, data)
        print(f"{len(data):,} rows for {args.clients:,} clients ({args.meetings} meetings "
              f"each); csv {text.stat().st_size / 1e6:.1f} MB, xlsx "
              f"{workbook.stat().st_size / 1e6:.1f} MB")
        from fitcli.formats import source

        began = time.perf_counter()
        source.read(workbook.read_bytes())
        reading = time.perf_counter() - began
        csv_times, xlsx_times = [], []
        for _ in range(args.rounds):
            csv_times.append(import_once(text, folder / "store"))
            xlsx_times.append(import_once(workbook, folder / "store"))
        best_csv, best_xlsx = min(csv_times), min(xlsx_times)
        ratio = best_xlsx / best_csv
        verdict = "ok" if ratio <= GOAL else "MISSED"
        print(f"import from csv      {best_csv:6.2f} s")
        print(f"import from xlsx     {best_xlsx:6.2f} s  = {ratio:.2f}x csv  (goal <= "
              f"{GOAL:g}x) {verdict}")
        print(f"reading and checking the xlsx alone (in this process): {reading:.2f} s")
        return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
