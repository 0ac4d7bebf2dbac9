"""Store additions for batch writers: batch_lock excludes lock (and back), sync_dir=False."""

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
from fitcli.store import folder as store_module

pytestmark = pytest.mark.skipif(os.name != "posix", reason="batch_lock is lock elsewhere")


def _hold(lock_cm: object, ready: threading.Event, seconds: float) -> None:
    with lock_cm:  # type: ignore[attr-defined]
        ready.set()
        time.sleep(seconds)


@pytest.mark.parametrize("holder", ["lock", "batch_lock"])
def test_batch_lock_and_lock_exclude_each_other(tmp_path: Path, holder: str) -> None:
    st = Store(tmp_path)
    ready = threading.Event()
    first = getattr(st, holder)("C001")
    thread = threading.Thread(target=_hold, args=(first, ready, 0.3))
    thread.start()
    ready.wait()
    began = time.monotonic()
    second = st.batch_lock("c001") if holder == "lock" else st.lock("c001")
    with second:
        waited = time.monotonic() - began
    thread.join()
    assert waited >= 0.2


def test_batch_lock_times_out_with_the_store_message(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "LOCK_TIMEOUT_S", 0.1)
    st = Store(tmp_path)
    ready = threading.Event()
    thread = threading.Thread(target=_hold, args=(st.lock("C001"), ready, 0.5))
    thread.start()
    ready.wait()
    with pytest.raises(StoreProblem) as caught, st.batch_lock("C001"):
        pass
    thread.join()
    assert caught.value.key == "error.store_locked"


def test_save_without_folder_sync_then_sync(tmp_path: Path) -> None:
    st = Store(tmp_path)
    client = Client(id="C001", start=dt.date(2026, 1, 1))
    with st.batch_lock(client.id):
        st.save(client, sync_dir=False)
    st.sync()
    assert st.load("C001") == client
    assert (tmp_path / "clients" / "C001.json").stat().st_mode & 0o777 == 0o600
