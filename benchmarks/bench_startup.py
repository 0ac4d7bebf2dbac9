"""How fast `fit` starts: its wall time against bare Typer apps, measured side by side.

Goals: `fit ors ID I1 I2 I3 I4 --date D` takes at most 1.15x a bare Typer app that declares
the same parameters with an empty body, and `fit --version` at most 1.1x a bare Typer app with
one command and a `--version` option, on the same machine in the same run. (The import floor
`python -c "import typer, pydantic, platformdirs"` is shown too: Typer 0.29 builds a pydantic
adapter per parameter, which no CLI built on it can avoid.)

Measured, interleaved in shuffled order each round (so load on a shared machine hits all
alike), the median of many rounds:

- floor:     python -c "import typer, pydantic, platformdirs"
- bare:      a bare Typer app with exactly the parameters of `fit ors` that does nothing: the
             same root options (--store, --lang, --version) on a group, and an `ors`
             sub-command with the same parameters (what Typer itself costs per run: it builds
             a pydantic TypeAdapter per parameter); shaped like the bare --version app below
- bare, gc paused: the same bare app with the cyclic garbage collector off, as `fit` runs
             its start-up (shown, not a goal: fit ors against it is what fitcli itself adds)
- fit ors:   the real command on a temporary store (the client file is reset before each run,
             so every run appends meeting 6 to the same five-meeting file)
- bare --version: a bare Typer app with one command and an eager `--version` option
- fit --version: start-up of the whole `fit` app without parsing a command's parameters

All four run with byte code cached (fitcli's is compiled first), as after `pip install`.
Besides the wall time, each child's own CPU time (user + system, from wait4) is shown: on a
machine shared with other work it moves much less than the wall time does (the fsyncs of
`fit ors` are waits, not CPU, so its CPU ratio leaves the disk out).

Usage: python benchmarks/bench_startup.py [--rounds N]
"""

from __future__ import annotations

import argparse
import compileall
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ORS_TARGET = 1.15  # fit ors <= 1.15x the bare Typer app with the same parameters
VERSION_TARGET = 1.1  # fit --version <= 1.1x a bare Typer app with one command
DATE = "2026-06-15"

BARE_APP = '''
from typing import Annotated

import typer

app = typer.Typer()


def _version(value: bool) -> None:
    if value:
        print("bare 0.0")
        raise typer.Exit()


@app.callback()
def root(
    store: Annotated[str | None, typer.Option("--store")] = None,
    lang: Annotated[str | None, typer.Option("--lang")] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True)] = False,
) -> None:
    """The same root options as `fit`, doing nothing."""


@app.command()
def ors(
    client_id: Annotated[str, typer.Argument(metavar="ID")],
    items: Annotated[list[str] | None, typer.Argument()] = None,
    total: Annotated[str | None, typer.Option("--total")] = None,
    date: Annotated[str | None, typer.Option("--date")] = None,
    session: Annotated[str | None, typer.Option("--session")] = None,
    rater: Annotated[str, typer.Option("--rater")] = "self",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Do nothing: the cost of Typer parsing the same parameters as `fit ors`."""


app()
'''

BARE_VERSION_APP = '''
from typing import Annotated

import typer

app = typer.Typer()


def _version(value: bool) -> None:
    if value:
        print("bare 0.0")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True)] = False,
) -> None:
    """A bare app."""


@app.command()
def hello() -> None:
    """Do nothing."""


app()
'''


def _fit_executable() -> str:
    beside = Path(sys.executable).with_name("fit")
    found = str(beside) if beside.exists() else shutil.which("fit")
    if not found:
        sys.exit("bench_startup: `fit` is not installed in this environment (run `make bench`).")
    return found


def _seed_store(work: Path, env: dict[str, str], fit: str) -> tuple[Path, bytes]:
    """A store with client B1 and five meetings; returns its file and the bytes to reset it."""
    def run(*args: str) -> None:
        subprocess.run([fit, *args], env=env, check=True, stdout=subprocess.DEVNULL)

    run("client", "add", "B1", "--start", "2026-01-05")
    for day in ("2026-01-05", "2026-01-12", "2026-01-19", "2026-01-26", "2026-02-02"):
        run("ors", "B1", "4.5", "5", "5,5", "6", "--date", day)
        run("srs", "B1", "9", "9", "8.5", "9", "--date", day)
    path = work / "store" / "clients" / "B1.json"
    return path, path.read_bytes()


def _time(cmd: list[str], env: dict[str, str]) -> tuple[float, float | None]:
    """Wall time and the child's own CPU time (None where the OS cannot tell)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    cpu: float | None = None
    if hasattr(os, "wait4"):
        stderr = proc.stderr.read() if proc.stderr else b""
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        cpu = usage.ru_utime + usage.ru_stime
    else:
        stderr = proc.communicate()[1]
    elapsed = time.perf_counter() - start
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        sys.exit(f"bench_startup: {' '.join(cmd)} failed: {stderr.decode()}")
    return elapsed, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=40, help="rounds (default 40)")
    args = parser.parse_args(argv)
    fit = _fit_executable()
    python = sys.executable
    # Measure what an installed fitcli costs: with its byte code cached, as pip leaves it (an
    # editable install, or PYTHONDONTWRITEBYTECODE=1, would otherwise compile every module of
    # fitcli from source on every run, ~17 ms here, while Typer and pydantic are cached).
    import fitcli

    compileall.compile_dir(str(Path(fitcli.__file__).parent), quiet=1)
    with tempfile.TemporaryDirectory(prefix="fit-bench-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "FIT_STORE": str(work / "store"),
               "FIT_CONFIG": str(work / "config.toml"), "FIT_TODAY": DATE, "NO_COLOR": "1"}
        env.pop("FIT_LANG", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        client_file, seed = _seed_store(work, env, fit)
        bare = work / "bare_typer_app.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        # The same bare app with the start-up `fit` has: the cyclic collector off until the
        # command runs (app/context.py). Not a goal: it shows what fitcli itself adds.
        bare_paused = work / "bare_typer_app_collector_paused.py"
        bare_paused.write_text("import gc\ngc.disable()\n" + BARE_APP, encoding="utf-8")
        bare_version = work / "bare_version_app.py"
        bare_version.write_text(BARE_VERSION_APP, encoding="utf-8")
        ors_args = ["B1", "4.5", "6", "5,5", "7", "--date", DATE]
        commands = {
            "floor": [python, "-c", "import typer, pydantic, platformdirs"],
            "bare Typer app": [python, str(bare), "ors", *ors_args],
            "bare, gc paused": [python, str(bare_paused), "ors", *ors_args],
            "fit ors": [fit, "ors", *ors_args],
            "bare --version": [python, str(bare_version), "--version"],
            "fit --version": [fit, "--version"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        order = list(commands)
        for name in order:  # warm the OS file cache and .pyc files; not counted
            client_file.write_bytes(seed)
            _time(commands[name], env)
        for _ in range(args.rounds):
            random.shuffle(order)
            for name in order:
                if name == "fit ors":
                    client_file.write_bytes(seed)  # every run appends meeting 6 to the same file
                wall, used = _time(commands[name], env)
                times[name].append(wall)
                if used is not None:
                    cpu[name].append(used)
    median = {name: statistics.median(values) * 1000 for name, values in times.items()}
    cpu_ms = {name: statistics.median(values) * 1000 for name, values in cpu.items() if values}
    floor = median["floor"]
    print(f"fit start-up, {args.rounds} interleaved rounds, medians "
          f"(Python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
    for name, ms in median.items():
        used = f"   cpu {cpu_ms[name]:7.1f} ms" if name in cpu_ms else ""
        print(f"  {name:<16} {ms:7.1f} ms   {ms / floor:4.2f}x floor{used}")
    if len(cpu_ms) == len(median):
        print(f"CPU time: fit ors / bare Typer app = "
              f"{cpu_ms['fit ors'] / cpu_ms['bare Typer app']:.2f}x; fit --version / bare "
              f"--version = {cpu_ms['fit --version'] / cpu_ms['bare --version']:.2f}x")
    ors = median["fit ors"] / median["bare Typer app"]
    version = median["fit --version"] / median["bare --version"]
    met = ors <= ORS_TARGET and version <= VERSION_TARGET
    print(f"fit ors / bare Typer app = {ors:.2f}x (goal <= {ORS_TARGET}x: "
          f"{'met' if ors <= ORS_TARGET else 'NOT met'}); "
          f"fit --version / bare --version = {version:.2f}x (goal <= {VERSION_TARGET}x: "
          f"{'met' if version <= VERSION_TARGET else 'NOT met'}); "
          f"fit ors / floor = {median['fit ors'] / floor:.2f}x")
    print(f"fitcli's own share: fit ors / the bare app with the same collector pause = "
          f"{median['fit ors'] / median['bare, gc paused']:.2f}x "
          f"(cpu {cpu_ms.get('fit ors', 0) / cpu_ms.get('bare, gc paused', 1):.2f}x)")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
