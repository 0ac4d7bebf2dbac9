"""Shared by the benchmarks: run one command as a child and measure it."""

from __future__ import annotations

import os
import subprocess
import sys
import time


def run_child(cmd: list[str], env: dict[str, str],
              ok_codes: tuple[int, ...] = (0,)) -> tuple[float, float | None]:
    """Wall time and the child's own peak RSS in MB (None where the OS cannot tell)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    if hasattr(os, "wait4"):  # POSIX: this child's own rusage, not all children's
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KB else
        peak: float | None = usage.ru_maxrss / scale
    else:
        proc.wait()
        elapsed = time.perf_counter() - start
        peak = None
    if proc.returncode not in ok_codes:
        raise SystemExit(f"{cmd} failed with exit code {proc.returncode}")
    return elapsed, peak
