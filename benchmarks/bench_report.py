"""`fit report` over a big synthetic caseload, side by side with reading the same files, in one run.

No goal is set for `fit report`; this shows what it costs and that it streams the
store (peak memory stays flat as the store grows). Compared, interleaved, median of ``--runs``:
a plain Python loop that reads and ``json.loads`` every file; `fit flags --json` (reads and
validates every file too); `fit report --json`; `fit report` with its tables and charts.

The store (10,000 clients by default) is made once under benchmarks/.data/ by the demo
generator (model/synth.py: the 14 teaching examples and typical clients, seeds 0, 1, ...,
renumbered), written directly with ``store.encode``.

Usage: python benchmarks/bench_report.py [--runs N] [--clients N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

from _measure import run_child

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
TODAY = dt.date(2026, 6, 15)
GENERATOR_VERSION = "1"  # bump when the generated data changes

PLAIN_LOOP = """
import json, sys
from pathlib import Path
for path in sorted(Path(sys.argv[1]).glob("*.json")):
    json.loads(path.read_text(encoding="utf-8"))
"""


def ensure_store(count: int) -> Path:
    from fitcli.model.synth import MAX_CLIENTS, generate
    from fitcli.store import encode

    root = DATA / f"report-{count}"
    marker = root / "READY"
    if marker.exists() and marker.read_text() == GENERATOR_VERSION:
        return root
    print(f"generating {count} clients under {root} ...", flush=True)
    start = time.perf_counter()
    folder = root / "clients"
    folder.mkdir(parents=True, exist_ok=True)
    made, seed = 0, 0
    while made < count:
        for item in generate(seed, TODAY, min(MAX_CLIENTS, count - made)):
            made += 1
            client = item.client.model_copy(update={"id": f"R{made:06d}"})
            (folder / f"{client.id}.json").write_bytes(encode(client))
        seed += 1
    marker.write_text(GENERATOR_VERSION)
    print(f"  done in {time.perf_counter() - start:.1f} s", flush=True)
    return root


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float | None]:
    return run_child(cmd, env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--clients", type=int, default=10_000)
    args, _ = parser.parse_known_args()
    python = sys.executable
    script = Path(python).with_name("fit.exe" if os.name == "nt" else "fit")
    fit = [str(script)] if script.exists() else [python, "-m", "fitcli"]

    root = ensure_store(args.clients)
    env = {**os.environ, "FIT_CONFIG": str(DATA / "no-config.toml"), "FIT_STORE": str(root),
           "FIT_TODAY": TODAY.isoformat(), "NO_COLOR": "1", "COLUMNS": "100"}
    commands = {
        "plain read + json.loads loop": [python, "-c", PLAIN_LOOP, str(root / "clients")],
        "fit flags --json": [*fit, "flags", "--json"],
        "fit report --json": [*fit, "report", "--json"],
        "fit report (tables and charts)": [*fit, "report"],
    }
    for cmd in commands.values():  # warm the page cache and .pyc files
        run(cmd, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, float] = {}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            elapsed, peak = run(cmd, env)
            times[name].append(elapsed)
            if peak is not None:
                peaks[name] = max(peaks.get(name, 0.0), peak)
    base = statistics.median(times["plain read + json.loads loop"])
    print(f"{args.clients} clients, median of {args.runs} interleaved runs:")
    for name, values in times.items():
        value = statistics.median(values)
        rss = f"{peaks[name]:6.1f} MB" if name in peaks else "   n/a"
        print(f"  {name:<32} {value:6.2f} s  {value / base:5.2f}x the plain loop"
              f"  peak RSS {rss}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
