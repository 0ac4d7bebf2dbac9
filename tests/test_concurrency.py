"""Real processes: parallel writers never lose a meeting; kill -9 never leaves a broken file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fitcli.store import Store

pytestmark = pytest.mark.slow

# One `fit` process per call would cost ~0.2 s each; calling the real entry point 100 times
# in one interpreter keeps the test affordable and still runs every lock and write for real.
WRITER = """
import sys
import fitcli.cli
n, rater = int(sys.argv[1]), sys.argv[2]
failures = 0
for i in range(n):
    sys.argv = ["fit", "ors", "C1", str(i % 10), "5", "5", "5", "--rater", rater]
    try:
        fitcli.cli.main()
    except SystemExit as exc:
        failures += exc.code != 0
print("FAILURES", failures)
"""


def _env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "FIT_STORE": str(tmp_path / "store"), "NO_COLOR": "1",
           "FIT_CONFIG": str(tmp_path / "config.toml"), "FIT_TODAY": "2026-06-15"}
    env.pop("FIT_LANG", None)
    return env


def _fit(tmp_path: Path, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "fitcli", *args], env=_env(tmp_path), check=True,
                   capture_output=True, timeout=60)


def test_two_processes_logging_100_each_keep_all_200(tmp_path: Path) -> None:
    _fit(tmp_path, "client", "add", "C1")
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, "100", rater], env=_env(tmp_path),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for rater in ("self", "other")
    ]
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
        assert out.splitlines()[-1] == "FAILURES 0", err
    client = Store(tmp_path / "store").load("C1")
    assert [s.session for s in client.sessions] == list(range(1, 201))
    raters = [s.ors.rater for s in client.sessions if s.ors is not None]
    assert (raters.count("self"), raters.count("other")) == (100, 100)
    leftovers = [p.name for p in (tmp_path / "store" / "clients").iterdir()]
    assert leftovers == ["C1.json"]  # no temp files


KILLED_WRITER = """
import sys
import fitcli.cli
print("READY", flush=True)
while True:
    sys.argv = ["fit", "ors", "C1", "5", "5", "5", "5"]
    try:
        fitcli.cli.main()
    except SystemExit:
        pass
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs kill -9")
@pytest.mark.parametrize("after", [pytest.param(0.3, id="early"), pytest.param(1.2, id="later")])
def test_kill_9_during_writes_leaves_a_valid_file(tmp_path: Path, after: float) -> None:
    _fit(tmp_path, "client", "add", "C1")
    path = tmp_path / "store" / "clients" / "C1.json"
    writer = subprocess.Popen([sys.executable, "-c", KILLED_WRITER], env=_env(tmp_path),
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "READY"
    time.sleep(after)
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    writer.stdout.close()
    doc = json.loads(path.read_text(encoding="utf-8"))  # whole, never half written
    client = Store(tmp_path / "store").load("C1")
    assert [s.session for s in client.sessions] == list(range(1, len(doc["sessions"]) + 1))
    # the next write works (the dead process's lock is gone with it) and tidies its temp file
    _fit(tmp_path, "ors", "C1", "6", "6", "6", "6")
    assert len(Store(tmp_path / "store").load("C1").sessions) == len(client.sessions) + 1
    assert [p.name for p in path.parent.iterdir()] == ["C1.json"]
