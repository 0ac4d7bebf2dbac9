"""Store additions for batch writers: the client lock after prepare_batch, sync_dir=False."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from pathlib import Path

import pytest

from fitcli.errors import StoreProblem
from fitcli.model.scores import Client
from fitcli.store import Store

pytestmark = pytest.mark.skipif(os.name != "posix", reason="flock: filelock elsewhere")


def _hold(lock_cm: object, ready: threading.Event, seconds: float) -> None:
    with lock_cm:  # type: ignore[attr-defined]
        ready.set()
        time.sleep(seconds)


@pytest.mark.parametrize("prepared", [pytest.param(False, id="each-checks-folders"),
                                      pytest.param(True, id="holder-prepared-for-a-batch")])
def test_a_lock_excludes_another_writers_lock(tmp_path: Path, prepared: bool) -> None:
    """Two writers (two Store objects, as two fit processes have), one of them writing a
    batch (``prepare_batch``: no folder checks per lock), and IDs differing only in case."""
    holder, other = Store(tmp_path), Store(tmp_path)
    if prepared:
        holder.prepare_batch()
    ready = threading.Event()
    thread = threading.Thread(target=_hold, args=(holder.lock("C001"), ready, 0.3))
    thread.start()
    ready.wait()
    began = time.monotonic()
    with other.lock("c001"):
        waited = time.monotonic() - began
    thread.join()
    assert waited >= 0.2


def test_a_held_lock_times_out_with_the_store_message(tmp_path: Path) -> None:
    st = Store(tmp_path)
    ready = threading.Event()
    thread = threading.Thread(target=_hold, args=(st.lock("C001"), ready, 0.5))
    thread.start()
    ready.wait()
    with pytest.raises(StoreProblem) as caught, Store(tmp_path, lock_timeout_s=0.1).lock("C001"):
        pass
    thread.join()
    assert caught.value.key == "error.store_locked"


def test_a_lock_is_never_taken_through_a_link(tmp_path: Path) -> None:
    """A lock file that is a symbolic link (it could point outside the store) is refused."""
    st = Store(tmp_path)
    st.prepare_batch()
    outside = tmp_path / "outside"
    outside.write_text("")
    st.lock_path("C001").symlink_to(outside)
    with pytest.raises(StoreProblem) as caught, st.lock("C001"):
        pass
    assert caught.value.key == "error.store_unwritable"


def test_save_without_folder_sync_then_sync(tmp_path: Path) -> None:
    st = Store(tmp_path)
    client = Client(id="C001", start=dt.date(2026, 1, 1))
    with st.lock(client.id):
        st.save(client, sync_dir=False)
    st.sync()
    assert st.load("C001") == client
    assert (tmp_path / "clients" / "C001.json").stat().st_mode & 0o777 == 0o600
