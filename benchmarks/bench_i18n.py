"""What languages and label overrides cost: side by side in one run, ratios printed.

Goal (`fit ors` is a hot path): choosing a language and having a label file must not
make `fit ors` measurably slower; the label file is read only by commands that show labels.

Measured, interleaved in shuffled order each round (load on a shared machine hits all alike),
the median of the rounds:

- ors en:           fit --lang en ors C001 ... (no label file)
- ors sv:           fit --lang sv ors C001 ... (catalogue in Swedish, decimal comma)
- ors sv+labels:    the same with a labels.toml present
- show sv:          fit --lang sv client show C001 (no label file)
- show sv+labels:   the same with a labels.toml overriding ORS and SRS

plus, in-process, the time to load and merge every catalogue of all four languages.

Usage: python benchmarks/bench_i18n.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIT = [sys.executable, "-m", "fitcli"]
LABELS = '[sv]\nors = ["A", "B", "C", "D"]\nsrs = ["E", "F", "G", "H"]\n'


def _env(root: Path, with_labels: bool) -> dict[str, str]:
    config = root / ("cfg-labels" if with_labels else "cfg-plain") / "config.toml"
    return {**os.environ, "FIT_STORE": str(root / "store"), "FIT_CONFIG": str(config),
            "FIT_TODAY": "2026-06-15", "NO_COLOR": "1", "COLUMNS": "120"}


def _run(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([*FIT, *args], env=env, capture_output=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"fit {' '.join(args)} failed: {done.stderr.decode()}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    root = Path(tempfile.mkdtemp(prefix="fit-bench-i18n-"))
    try:
        plain, labelled = _env(root, False), _env(root, True)
        (root / "cfg-labels").mkdir()
        (root / "cfg-labels" / "labels.toml").write_text(LABELS, encoding="utf-8")
        _run(["client", "add", "C001", "--start", "2026-01-05"], plain)
        for n in range(1, 6):
            _run(["ors", "C001", "4", "5", "5", "6", "--date", f"2026-0{n}-10"], plain)
        ors = ["ors", "C001", "5", "5", "6", "6", "--session", "5"]  # a correction: same size
        cases = {
            "ors en": (["--lang", "en", *ors], plain),
            "ors sv": (["--lang", "sv", *ors], plain),
            "ors sv+labels": (["--lang", "sv", *ors], labelled),
            "show sv": (["--lang", "sv", "client", "show", "C001"], plain),
            "show sv+labels": (["--lang", "sv", "client", "show", "C001"], labelled),
        }
        for args, env in cases.values():  # warm the file cache and .pyc files
            _run(args, env)
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(rounds):
            order = list(cases)
            random.shuffle(order)
            for name in order:
                times[name].append(_run(*cases[name]))
        median = {name: statistics.median(values) * 1000 for name, values in times.items()}
        for name, ms in median.items():
            print(f"{name:16} {ms:7.1f} ms")
        print(f"ors sv / ors en:             {median['ors sv'] / median['ors en']:.3f}")
        print(f"ors sv+labels / ors sv:      {median['ors sv+labels'] / median['ors sv']:.3f}")
        print(f"show sv+labels / show sv:    {median['show sv+labels'] / median['show sv']:.3f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)

    from fitcli import i18n

    start = time.perf_counter()
    for _ in range(20):
        i18n._cache.clear()
        for lang in i18n.SUPPORTED:
            i18n.load_catalogue(lang)
    per_load = (time.perf_counter() - start) / 20 / len(i18n.SUPPORTED) * 1000
    print(f"load one language's catalogue ({len(i18n.load_catalogue('en'))} keys): "
          f"{per_load:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
