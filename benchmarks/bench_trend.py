"""`fit trend` start-to-finish time against its floor, side by side in one run.

Goal: `fit trend ID` (chart, table and summary; output not a terminal) takes at most
1.3x the floor = `python -c "import typer, pydantic, platformdirs"` + `python -c "import
plotext"` (two processes, timed separately and added). Every command runs as its own process,
the three are interleaved, and the median of ``--runs`` rounds is compared.

Usage: python benchmarks/bench_trend.py [--runs N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL = 1.3
HERE = Path(__file__).resolve().parent


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)
    return time.perf_counter() - start


def make_store(root: Path) -> None:
    """One adult client with 12 meetings (ORS items and SRS), written with store.encode."""
    from fitcli.model.scores import Client, Rating, Session
    from fitcli.store import Store

    start = dt.date(2026, 1, 5)
    sessions = []
    for n in range(12):
        ors = (4.0 + n * 0.3, 5.0 + n * 0.2, 4.5 + n * 0.3, 5.5 + n * 0.2)
        sessions.append(Session(
            session=n + 1, date=start + dt.timedelta(days=7 * n),
            ors=Rating.from_items(tuple(round(x, 1) for x in ors)),  # type: ignore[arg-type]
            srs=Rating.from_items((9.0, 9.2, 8.8, 9.4))))
    client = Client(id="C001", start=start, sessions=tuple(sessions))
    store = Store(root)
    store.clients_dir.mkdir(parents=True, exist_ok=True)
    store.save(client)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args, _ = parser.parse_known_args()
    python = sys.executable
    script = Path(python).with_name("fit.exe" if os.name == "nt" else "fit")
    fit = [str(script)] if script.exists() else [python, "-m", "fitcli"]  # what users run
    with tempfile.TemporaryDirectory() as tmp:
        make_store(Path(tmp) / "store")
        env = {**os.environ, "FIT_STORE": str(Path(tmp) / "store"),
               "FIT_CONFIG": str(Path(tmp) / "config.toml"), "FIT_TODAY": "2026-04-01",
               "COLUMNS": "100"}
        env.pop("NO_COLOR", None)
        commands = {
            "fit trend C001": [*fit, "trend", "C001"],
            "floor: import typer, pydantic, platformdirs":
                [python, "-c", "import typer, pydantic, platformdirs"],
            "floor: import plotext": [python, "-c", "import plotext"],
        }
        for cmd in commands.values():  # warm the disk cache and the .pyc files
            timed(cmd, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, cmd in commands.items():
                times[name].append(timed(cmd, env))
    median = {name: statistics.median(values) for name, values in times.items()}
    floor = median["floor: import typer, pydantic, platformdirs"] + median[
        "floor: import plotext"]
    trend = median["fit trend C001"]
    for name, value in median.items():
        print(f"{name:<48} {value * 1000:7.1f} ms (median of {args.runs})")
    print(f"{'floor (sum of the two)':<48} {floor * 1000:7.1f} ms")
    ratio = trend / floor
    verdict = "ok" if ratio <= GOAL else "OVER GOAL"
    print(f"fit trend / floor = {ratio:.2f}x (goal <= {GOAL}x): {verdict}")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
