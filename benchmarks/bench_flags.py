"""`fit flags` over big synthetic stores, against a plain read + json.loads loop, in one run.

Goals, each checked and printed:
- 10,000 clients x 12 meetings: `fit flags` <= 2.5x a plain Python loop (its own process)
  that reads and ``json.loads`` the same files;
- its peak memory (the child's max RSS) < 200 MB;
- 20,000 clients: `fit flags` <= 2.2x its 10,000-client time.

Stores are generated once under benchmarks/.data/ (git-ignored; written directly with
``store.encode``, not through the CLI) and reused. The clients are plausible: intakes spread
over 8-34, most improving at varied speeds with noise, a few getting worse, SRS mostly high
with occasional dips, last meetings spread over the last ten weeks, so every rule fires for
some clients. Commands are interleaved; the median of ``--runs`` rounds is compared.

Usage: python benchmarks/bench_flags.py [--runs N] [--sizes 10000,20000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

from _measure import run_child

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
TODAY = dt.date(2026, 6, 15)
MEETINGS = 12
GENERATOR_VERSION = "1"  # bump when the generated data changes
RATIO_GOAL = 2.5
MEMORY_GOAL_MB = 200.0
SCALING_GOAL = 2.2

PLAIN_LOOP = """
import json, sys
from pathlib import Path
for path in sorted(Path(sys.argv[1]).glob("*.json")):
    json.loads(path.read_text(encoding="utf-8"))
"""


def _items(total_tenths: int, rng: random.Random, item_max: int = 100) -> tuple[float, ...]:
    """Four items (in tenths, each 0..item_max) that add up to ``total_tenths``."""
    items = []
    left = total_tenths
    for slot in range(4, 0, -1):
        low = max(0, left - item_max * (slot - 1))
        high = min(item_max, left)
        share = left // slot
        value = min(high, max(low, share + rng.randint(-15, 15)))
        items.append(value)
        left -= value
    rng.shuffle(items)
    return tuple(v / 10 for v in items)


def generate(root: Path, count: int) -> None:
    from fitcli.model.scores import Client, Rating, Session
    from fitcli.store import encode

    folder = root / "clients"
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(count)
    for n in range(count):
        intake = rng.randint(80, 340)
        gain = rng.choice((-8, -2, 0, 5, 10, 15, 20, 30))  # tenths per meeting
        srs_base = rng.randint(300, 400)
        last = TODAY - dt.timedelta(days=rng.randint(0, 70))
        start = last - dt.timedelta(days=7 * (MEETINGS - 1))
        sessions = []
        ors = intake
        for m in range(MEETINGS):
            if m:
                ors = max(0, min(400, ors + gain + rng.randint(-25, 25)))
            srs = max(0, min(400, srs_base + rng.randint(-20, 15)))
            sessions.append(Session(
                session=m + 1, date=start + dt.timedelta(days=7 * m),
                ors=Rating.from_items(_items(ors, rng)),  # type: ignore[arg-type]
                srs=(Rating.from_items(_items(srs, rng))  # type: ignore[arg-type]
                     if rng.random() > 0.03 else None)))
        client = Client(id=f"B{n:06d}", start=start, sessions=tuple(sessions),
                        age_group=rng.choice(("adult", "adult", "adult", "adolescent")))
        (folder / f"{client.id}.json").write_bytes(encode(client))


def ensure_store(count: int) -> Path:
    root = DATA / f"flags-{count}"
    marker = root / "READY"
    if marker.exists() and marker.read_text() == GENERATOR_VERSION:
        return root
    print(f"generating {count} clients under {root} ...", flush=True)
    start = time.perf_counter()
    generate(root, count)
    marker.write_text(GENERATOR_VERSION)
    print(f"  done in {time.perf_counter() - start:.1f} s", flush=True)
    return root


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float | None]:
    """`fit flags` exits 1 only with --fail-on: 0 and 1 both count as a finished run."""
    return run_child(cmd, env, ok_codes=(0, 1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="10000,20000")
    args, _ = parser.parse_known_args()
    small, large = (int(s) for s in args.sizes.split(","))
    python = sys.executable
    script = Path(python).with_name("fit.exe" if os.name == "nt" else "fit")
    fit = [str(script)] if script.exists() else [python, "-m", "fitcli"]

    stores = {size: ensure_store(size) for size in (small, large)}
    env = {**os.environ, "FIT_CONFIG": str(DATA / "no-config.toml"),
           "FIT_TODAY": TODAY.isoformat(), "NO_COLOR": "1"}
    commands: dict[str, tuple[list[str], dict[str, str]]] = {}
    for size, root in stores.items():
        commands[f"plain loop {size}"] = (
            [python, "-c", PLAIN_LOOP, str(root / "clients")], env)
        store_env = {**env, "FIT_STORE": str(root)}
        commands[f"fit flags {size}"] = ([*fit, "flags"], store_env)
        commands[f"fit flags --json {size}"] = ([*fit, "flags", "--json"], store_env)
    for cmd, cmd_env in commands.values():  # warm the page cache and .pyc files
        run(cmd, cmd_env)

    times: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, float] = {}
    for _ in range(args.runs):
        for name, (cmd, cmd_env) in commands.items():
            elapsed, peak = run(cmd, cmd_env)
            times[name].append(elapsed)
            if peak is not None:
                peaks[name] = max(peaks.get(name, 0.0), peak)
    median = {name: statistics.median(values) for name, values in times.items()}
    for name, value in median.items():
        rss = f"{peaks[name]:6.1f} MB" if name in peaks else "   n/a"
        print(f"{name:<28} {value:7.2f} s  peak RSS {rss}  (median of {args.runs})")

    ok = True

    def check(label: str, value: float, goal: float, unit: str = "x") -> None:
        nonlocal ok
        passed = value <= goal if unit == "x" else value < goal
        ok = ok and passed
        sign = "<=" if unit == "x" else "<"
        print(f"{label:<52} {value:6.2f}{unit} (goal {sign} {goal}{unit}): "
              f"{'ok' if passed else 'OVER GOAL'}")

    for variant in ("fit flags", "fit flags --json"):
        check(f"{variant} {small} / plain loop {small}",
              median[f"{variant} {small}"] / median[f"plain loop {small}"], RATIO_GOAL)
    for variant in ("fit flags", "fit flags --json"):
        if f"{variant} {small}" in peaks:
            check(f"{variant} {small} peak memory",
                  peaks[f"{variant} {small}"], MEMORY_GOAL_MB, " MB")
    for variant in ("fit flags", "fit flags --json"):
        check(f"{variant} {large} / {variant} {small}",
              median[f"{variant} {large}"] / median[f"{variant} {small}"], SCALING_GOAL)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
