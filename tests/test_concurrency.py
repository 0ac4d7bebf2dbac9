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
    sys.argv = ["fit", "ors", "C1", str(i % 10), "5", "5", "5", "--rater", f"{rater}{i}"]
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


def test_two_processes_logging_100_forms_each_keep_all_200(tmp_path: Path) -> None:
    """200 raters' forms for one visit, written by two processes at once: none is lost."""
    _fit(tmp_path, "client", "add", "C1")
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, "100", rater], env=_env(tmp_path),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for rater in ("a", "b")
    ]
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
        assert out.splitlines()[-1] == "FAILURES 0", err
    client = Store(tmp_path / "store").load("C1")
    [visit] = client.sessions
    raters = [rating.rater for rating in visit.forms()]
    assert len(raters) == len(set(raters)) == 200
    assert {r[0] for r in raters} == {"a", "b"}
    leftovers = [p.name for p in (tmp_path / "store" / "clients").iterdir()]
    assert leftovers == ["C1.json"]  # no temp files


KILLED_WRITER = """
import sys
import fitcli.cli
print("READY", flush=True)
i = 0
while True:
    i += 1
    sys.argv = ["fit", "ors", "C1", "5", "5", "5", "5", "--rater", f"r{i}"]
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
    _fit(tmp_path, "ors", "C1", "6", "6", "6", "6", "--rater", "final")
    forms = [len(s.forms()) for s in Store(tmp_path / "store").load("C1").sessions]
    assert sum(forms) == sum(len(s.forms()) for s in client.sessions) + 1
    assert [p.name for p in path.parent.iterdir()] == ["C1.json"]


SRS_WRITER = """
import sys
import fitcli.cli
clients = sys.argv[1:]
failures = 0
for round_ in range(6):
    for client in clients:
        sys.argv = ["fit", "srs", client, str(4 + round_), "9", "9", "9", "--session", "1"]
        try:
            fitcli.cli.main()
        except SystemExit as exc:
            failures += exc.code != 0
print("FAILURES", failures)
"""


@pytest.mark.parametrize("clients", [pytest.param(600, id="one-sync-batch"),
                                     pytest.param(150, id="fsync-per-file")])
def test_fit_srs_during_a_large_import_loses_nothing(tmp_path: Path, clients: int) -> None:
    """While `fit import` adds a second meeting to every client, another process keeps
    correcting the first meeting's SRS of a few of them: whichever gets a client's lock
    first, the file ends with both changes (the import plans a client again when it was
    written after the import checked it), and no temp file is left."""
    ids = [f"K{n:05d}" for n in range(clients)]
    first = "client,date,ors_total,srs_total\n" + "".join(f"{c},2026-03-02,20,30\n" for c in ids)
    (tmp_path / "first.csv").write_text(first, encoding="utf-8")
    _fit(tmp_path, "import", str(tmp_path / "first.csv"), "--create-clients")
    second = "client,date,ors_total\n" + "".join(f"{c},2026-03-09,24\n" for c in ids)
    (tmp_path / "second.csv").write_text(second, encoding="utf-8")
    touched = [ids[3], ids[clients // 2], ids[-1]]

    importer = subprocess.Popen([sys.executable, "-m", "fitcli", "import",
                                 str(tmp_path / "second.csv"), "--json"], env=_env(tmp_path),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    writer = subprocess.Popen([sys.executable, "-c", SRS_WRITER, *touched], env=_env(tmp_path),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = importer.communicate(timeout=300)
    assert importer.returncode == 0, err
    assert json.loads(out)["meetings_added"] == clients
    wrote, err = writer.communicate(timeout=300)
    assert writer.returncode == 0 and wrote.splitlines()[-1] == "FAILURES 0", err

    store = Store(tmp_path / "store")
    for client_id in ids:
        client = store.load(client_id)
        assert [str(s.date) for s in client.sessions] == ["2026-03-02", "2026-03-09"]
        first_srs = client.sessions[0].srs
        assert first_srs is not None
        if client_id in touched:  # the last correction, with every earlier one in its history
            assert first_srs.items == (9.0, 9.0, 9.0, 9.0)
            assert len(client.sessions[0].corrections) == 6
        else:
            assert first_srs.total == 30.0
    assert list((tmp_path / "store" / "clients").glob(".*.tmp")) == []
