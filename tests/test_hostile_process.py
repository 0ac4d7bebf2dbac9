"""The process as a whole: output that cannot be written after a save, Ctrl+C from the very
first moment. Subprocesses, because CliRunner has neither real descriptors nor signals."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fitcli.errors import EXIT_OUTPUT

POSIX = os.name == "posix"
DEV_FULL = Path("/dev/full")


def _env(store: Path) -> dict[str, str]:
    return {**os.environ, "FIT_STORE": str(store), "FIT_TODAY": "2026-06-15", "NO_COLOR": "1",
            "FIT_CONFIG": str(store.parent / "config" / "config.toml"), "FIT_LANG": "en"}


def _fit(store: Path, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "fitcli", *args], env=_env(store),
                          capture_output=True, text=True, timeout=120, **kwargs)  # type: ignore[call-overload, no-any-return]


def _meetings(store: Path, client: str) -> int:
    done = _fit(store, "client", "show", client, "--json")
    assert done.returncode == 0, done.stderr
    return len(json.loads(done.stdout)["sessions"])


SAVED = ("Error: the change was saved, but its report could not be written to standard "
         "output")


@pytest.mark.skipif(not DEV_FULL.exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("extra", [pytest.param((), id="text"),
                                   pytest.param(("--json",), id="json")])
def test_saved_meeting_with_full_stdout_says_it_was_saved(tmp_path: Path,
                                                          extra: tuple[str, ...]) -> None:
    store = tmp_path / "store"
    assert _fit(store, "client", "add", "C2").returncode == 0
    with DEV_FULL.open("w") as full:
        done = subprocess.run([sys.executable, "-m", "fitcli", "ors", "C2", "5", "5", "5", "5",
                               *extra], env=_env(store), stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=120)
    assert done.returncode == EXIT_OUTPUT, done.stderr
    assert done.stderr.startswith(SAVED)
    assert done.stderr.count("\n") == 1
    assert "nothing more was written" not in done.stderr
    assert _meetings(store, "C2") == 1


@pytest.mark.skipif(not POSIX, reason="closing a descriptor for a child is POSIX-only here")
def test_saved_meeting_with_closed_stdout_says_it_was_saved(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert _fit(store, "client", "add", "C2").returncode == 0
    done = subprocess.run(
        ["/bin/sh", "-c", f'exec "{sys.executable}" -m fitcli ors C2 5 5 5 5 >&-'],
        env=_env(store), stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == EXIT_OUTPUT, done.stderr
    assert done.stderr.startswith(SAVED)
    assert _meetings(store, "C2") == 1


@pytest.mark.skipif(not DEV_FULL.exists(), reason="needs /dev/full (Linux)")
def test_import_with_full_stdout_says_it_was_saved(tmp_path: Path) -> None:
    store = tmp_path / "store"
    source = tmp_path / "in.csv"
    source.write_text("client,date,ors_total\nC1,2026-01-05,20\nC2,2026-01-05,21\n",
                      encoding="utf-8")
    with DEV_FULL.open("w") as full:
        done = subprocess.run([sys.executable, "-m", "fitcli", "import", str(source),
                               "--create-clients"], env=_env(store), stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == EXIT_OUTPUT, done.stderr
    assert done.stderr.startswith(SAVED)
    assert _meetings(store, "C1") == 1


@pytest.mark.skipif(not DEV_FULL.exists(), reason="needs /dev/full (Linux)")
def test_read_only_command_with_full_stdout_says_nothing_changed(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert _fit(store, "client", "add", "C2").returncode == 0
    with DEV_FULL.open("w") as full:
        done = subprocess.run([sys.executable, "-m", "fitcli", "client", "list"],
                              env=_env(store), stdout=full, stderr=subprocess.PIPE, text=True,
                              timeout=120)
    assert done.returncode == EXIT_OUTPUT, done.stderr
    assert done.stderr.startswith("Error: could not write to standard output")
    assert "nothing was changed" in done.stderr


FIT_SCRIPT = Path(sys.executable).with_name("fit")


def _before_fit_started(err: str) -> bool:
    """A traceback from the few milliseconds in which the `fit` script is still importing
    the package, before fit's own first line (fitcli/_entry.py) has run: Python's default
    handler is all there is then. Any frame inside fit's own code would be ours."""
    frames = [line for line in err.splitlines() if line.strip().startswith("File ")]
    return bool(frames) and all(str(FIT_SCRIPT) in f or "<frozen" in f for f in frames)


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or not POSIX, reason="needs POSIX signals")
@pytest.mark.skipif(not FIT_SCRIPT.exists(), reason="needs the installed fit script")
@pytest.mark.parametrize("delay", [0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5])
def test_ctrl_c_at_any_moment_is_exit_130_without_traceback(tmp_path: Path,
                                                            delay: float) -> None:
    """SIGINT sent at several moments of start-up (when exactly it lands does not matter:
    whatever the command reached, it must end quietly). The installed `fit` script, as
    people run it."""
    proc = subprocess.Popen([str(FIT_SCRIPT), "ors", "NOPE", "5", "5", "5", "5"],
                            env=_env(tmp_path / "store"), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    if err.startswith("Fatal Python error: init_import_site") or _before_fit_started(err):
        return  # the interpreter's own start-up, before any line of fit runs: not ours
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    if proc.returncode == 130:  # rarely without the line (not yet understood); never a traceback
        assert err.strip() == "" or err.strip().endswith("Aborted; nothing was written."), err
    else:  # before Python had started, or after the command had answered: the shell sees
        # the signal (130) or the command's own answer (3, not found)
        assert proc.returncode in (-signal.SIGINT, 3), (proc.returncode, err)


def test_an_error_raised_while_ctrl_c_unwinds_is_the_ctrl_c(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Ctrl+C landing inside Python's own import machinery can surface as a RuntimeError
    (its module lock); that is the interruption, not an internal error."""
    from fitcli.app.boundary import guard

    def interrupted_import() -> None:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise RuntimeError("cannot release un-acquired lock") from None

    with pytest.raises(SystemExit) as stopped:
        guard(None, interrupted_import, [])
    assert stopped.value.code == 130
    assert capsys.readouterr().err == "\nAborted; nothing was written.\n"


PROBE = """
import gc, sys
import fitcli.app.context as context
import fitcli.commands.scores as scores

seen = {}
start, log_form = context.start, scores.log_form

def probed_start(*args, **kwargs):
    seen["start-up"] = gc.isenabled()
    return start(*args, **kwargs)

def probed_log_form(*args, **kwargs):
    seen["command"] = gc.isenabled()
    seen["frozen"] = gc.get_freeze_count()
    return log_form(*args, **kwargs)

context.start, scores.log_form = probed_start, probed_log_form
sys.argv = ["fit", *sys.argv[1:]]
from fitcli._entry import main
try:
    main()
finally:
    seen["after"] = gc.isenabled()
    print(seen, file=sys.stderr)
"""


def _probe(store: Path, *args: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], env=_env(store),
                          capture_output=True, text=True, timeout=120)
    seen = eval(done.stderr.strip().splitlines()[-1])  # the probe's own dict literal
    assert isinstance(seen, dict)
    return seen


def test_start_up_runs_without_the_collector_and_the_command_with_it(tmp_path: Path) -> None:
    """Start-up (imports, the command line) skips the cyclic collector; the command's body
    runs with it on, so a long import or export is collected as in any program."""
    store = tmp_path / "store"
    assert _fit(store, "client", "add", "C1", "--start", "2026-06-01").returncode == 0
    seen = _probe(store, "ors", "C1", "5", "5", "5", "5")
    assert seen["start-up"] is False
    assert seen["command"] is True
    assert isinstance(seen["frozen"], int) and seen["frozen"] > 10_000
    assert seen["after"] is True


def test_a_run_refused_before_its_command_puts_the_collector_back(tmp_path: Path) -> None:
    seen = _probe(tmp_path / "store", "ors")  # no client ID: a usage error, exit 2
    assert "command" not in seen
    assert seen["after"] is True
