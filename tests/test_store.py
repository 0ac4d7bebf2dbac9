"""The store: round trips, permissions, atomic writes, corrupt files, schema versions."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from fitcli.errors import InvalidData, NotFound, StoreProblem
from fitcli.model.scores import Client, RaterForms, Rating, Session
from fitcli.store import SCHEMA_VERSION, Store, atomic_write, decode_client, encode
from fitcli.store import codec as store_codec
from fitcli.store import files as store_files
from strategies import clients

POSIX = os.name == "posix"
posix_only = pytest.mark.skipif(not POSIX, reason="POSIX file modes")
START = dt.date(2026, 1, 5)


def make_client(client_id: str = "C001", meetings: int = 2) -> Client:
    sessions = tuple(
        Session(session=n, date=START + dt.timedelta(days=7 * (n - 1)),
                ors=Rating.from_items((4.5, 6.0, 5.5, 7.0)), srs=Rating.from_total(36.2),
                collateral=(RaterForms(rater="mother", srs=Rating.from_total(33.1, "mother")),))
        for n in range(1, meetings + 1)
    )
    return Client(id=client_id, age_group="adolescent", label="family", start=START,
                  sessions=sessions)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- round trip --------------------------------------------------------------------------



@settings(deadline=None)
@given(clients())
def test_encode_decode_round_trip(client: Client) -> None:
    assert decode_client(encode(client).decode("utf-8"), Path(f"{client.id}.json")) == client


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(client=clients())
def test_store_round_trip(tmp_path: Path, client: Client) -> None:
    # a folder per example: hypothesis runs them all in one tmp_path, and an earlier "0y"
    # would be found for a later "0Y" (IDs ignore case)
    store = Store(tmp_path / os.urandom(8).hex())
    store.save(client)
    assert store.load(client.id) == client
    assert store.load(client.id.swapcase()) == client  # IDs are found without regard to case


def test_file_layout(store: Store) -> None:
    store.create(make_client())
    doc = json.loads((store.clients_dir / "C001.json").read_text(encoding="utf-8"))
    assert doc["schema_version"] == SCHEMA_VERSION == 2
    assert doc["id"] == "C001"
    assert doc["sessions"][0]["ors"] == {"items": [4.5, 6.0, 5.5, 7.0], "total": 23.0,
                                         "rater": "self"}
    assert store.ids() == ["C001"]


# -- permissions and atomic writes -------------------------------------------------------

@posix_only
def test_folders_0700_files_0600(store: Store) -> None:
    old = os.umask(0o022)
    try:
        store.create(make_client())
    finally:
        os.umask(old)
    assert mode(store.root) == 0o700
    assert mode(store.clients_dir) == 0o700
    assert mode(store.locks_dir) == 0o700
    assert mode(store.clients_dir / "C001.json") == 0o600
    for lock in store.locks_dir.iterdir():
        assert mode(lock) == 0o600


@posix_only
def test_own_folders_are_tightened(store: Store) -> None:
    store.clients_dir.mkdir(parents=True, mode=0o755)
    os.chmod(store.clients_dir, 0o755)
    store.create(make_client())
    assert mode(store.clients_dir) == 0o700


def test_atomic_write_leaves_no_temp_files(tmp_path: Path) -> None:
    tmp_path = tmp_path / "w"
    tmp_path.mkdir()
    target = tmp_path / "f.json"
    for text in ("one", "two"):
        atomic_write(target, text)
    assert target.read_text() == "two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.json"]


def test_failed_write_keeps_the_old_file_and_no_temp(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    tmp_path = tmp_path / "w"
    tmp_path.mkdir()
    target = tmp_path / "f.json"
    atomic_write(target, "old")

    def broken_replace(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_files.os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write(target, "new")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.json"]


def test_save_removes_temp_files_left_by_a_killed_writer(store: Store) -> None:
    store.create(make_client())
    stale = store.clients_dir / ".C001.json.0123456789ab.tmp"
    stale.write_text("{half a fi")
    assert store.ids() == ["C001"]  # never listed as a client
    store.update("C001", lambda c: (c.model_copy(update={"label": "x"}), None))
    assert not stale.exists()


def test_unwritable_store_is_a_store_problem(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreProblem) as info:
        Store(blocker / "store").create(make_client())
    assert info.value.key == "error.store_unwritable"
    assert info.value.exit_code == 5


# -- IDs never leave the store -----------------------------------------------------------

@pytest.mark.parametrize("client_id", ["../x", "..", "a/b", "/etc/passwd", "a\\b", "", "C1\n"])
def test_no_id_names_a_path_outside_the_store(store: Store, client_id: str) -> None:
    for call in (store.path_for, store.lock_path, store.load):
        with pytest.raises(InvalidData):
            call(client_id)
    with pytest.raises(InvalidData):
        store.update(client_id, lambda c: (c, None))
    assert not store.root.exists() or not any(store.root.iterdir())  # nothing written


def test_duplicate_ids_differ_only_in_case(store: Store) -> None:
    store.create(make_client("C001"))
    with pytest.raises(InvalidData) as info:
        store.create(make_client("c001"))
    assert (info.value.key, info.value.params) == ("error.client_exists", {"client": "C001"})
    assert store.ids() == ["C001"]


def test_missing_client_creates_no_lock_file(store: Store) -> None:
    with pytest.raises(NotFound):
        store.update("NOPE", lambda c: (c, None))
    with pytest.raises(NotFound):
        store.remove("NOPE")
    assert not store.locks_dir.exists()


def test_ids_sorted_without_case(store: Store) -> None:
    for client_id in ("b2", "A1", "C3", "a0"):
        store.create(make_client(client_id, meetings=0))
    assert store.ids() == ["a0", "A1", "b2", "C3"]


def test_remove(store: Store) -> None:
    store.create(make_client())
    stale = store.clients_dir / ".C001.json.0123456789ab.tmp"  # left by a killed writer
    stale.write_text("{half a copy")
    path = store.remove("c001")
    assert path.name == "C001.json"
    assert store.ids() == []
    assert list(store.clients_dir.iterdir()) == []  # erased means every copy
    with pytest.raises(NotFound):
        store.load("C001")


def test_filesystem_syncer_only_where_it_is_trusted(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """One sync for a batch only on Linux 5.8+ (where syncfs reports write errors); else an
    fsync per file. Where it is offered, it runs and makes written files durable."""
    import sys

    from fitcli.store import filesystem_syncer, write_temp

    local = store_files.filesystem_type(tmp_path) in store_files.LOCAL_JOURNALLED
    if sys.platform == "linux" and not local:  # e.g. a tmpfs /tmp: an fsync per file
        assert filesystem_syncer(tmp_path) is None
    elif sys.platform == "linux":
        sync = filesystem_syncer(tmp_path)
        assert sync is not None
        tmp = write_temp(tmp_path / "C1.json", b"{}")
        assert stat.S_IMODE(tmp.stat().st_mode) == 0o600 and tmp.read_bytes() == b"{}"
        sync()
        monkeypatch.setattr(store_files.os, "uname",
                            lambda: os.uname_result(("Linux", "h", "5.4.0-1", "#1", "x86_64")))
        assert filesystem_syncer(tmp_path) is None
        monkeypatch.setattr(store_files.os, "uname",
                            lambda: os.uname_result(("Linux", "h", "6.1-rc1", "#1", "x86_64")))
        assert filesystem_syncer(tmp_path) is not None
    for platform in ("darwin", "win32"):
        monkeypatch.setattr(sys, "platform", platform)
        assert filesystem_syncer(tmp_path) is None


def test_filesystem_type_of_the_store_folder(tmp_path: Path) -> None:
    """The innermost mount holding the folder decides (a network share inside a local disk
    is a network share); mount points with spaces are written \\040 in /proc/self/mounts."""
    mounts = tmp_path / "mounts"
    share = tmp_path / "my share"
    (share / "store").mkdir(parents=True)
    escaped = str(share).replace(" ", "\\040")
    mounts.write_text(f"/dev/vda / ext4 rw 0 0\nserver:/x {escaped} nfs4 rw 0 0\n"
                      f"tmpfs {tmp_path}/my tmpfs rw 0 0\n")
    table = str(mounts)
    assert store_files.filesystem_type(share / "store", table) == "nfs4"
    assert store_files.filesystem_type(tmp_path, table) == "ext4"
    assert store_files.filesystem_type(tmp_path / "my" / "x", table) == "tmpfs"
    assert store_files.filesystem_type(tmp_path / "myself", table) == "ext4"  # not in "my"
    assert store_files.filesystem_type(tmp_path, str(tmp_path / "missing")) is None


def test_update_refusal_writes_nothing(store: Store) -> None:
    store.create(make_client())
    path = store.clients_dir / "C001.json"
    before = path.read_bytes()

    def refuse(client: Client) -> tuple[Client, None]:
        raise InvalidData("error.client_closed", client=client.id)

    with pytest.raises(InvalidData):
        store.update("C001", refuse)
    assert path.read_bytes() == before


# -- corrupt files and schema versions ---------------------------------------------------

BROKEN = {
    "not-json": '{"schema_version": 1, "id": "C002",',
    "not-an-object": "[1, 2, 3]",
    "no-schema-version": '{"id": "C002", "start": "2026-01-01"}',
    "future-schema": '{"schema_version": 99, "id": "C002", "start": "2026-01-01"}',
    "schema-zero": '{"schema_version": 0, "id": "C002", "start": "2026-01-01"}',
    "schema-text": '{"schema_version": "1", "id": "C002", "start": "2026-01-01"}',
    "bad-field": '{"schema_version": 1, "id": "C002", "start": "someday"}',
    "unknown-field": '{"schema_version": 1, "id": "C002", "start": "2026-01-01", "x": 1}',
    "item-out-of-range": json.dumps({
        "schema_version": 1, "id": "C002", "start": "2026-01-01", "sessions": [{
            "session": 1, "date": "2026-01-02",
            "ors": {"items": [11, 1, 1, 1], "total": 14, "rater": "self"}}]}),
    "id-mismatch": '{"schema_version": 1, "id": "OTHER", "start": "2026-01-01"}',
    "not-utf8": b'{"schema_version": 1, "id": "C\xff"}',
}


@pytest.mark.parametrize("content", [pytest.param(v, id=k) for k, v in BROKEN.items()])
def test_unreadable_file_is_reported_and_never_overwritten(store: Store,
                                                           content: str | bytes) -> None:
    store.create(make_client("C001"))
    bad = store.clients_dir / "C002.json"
    bad.write_bytes(content.encode() if isinstance(content, str) else content)
    before = bad.read_bytes()
    for attempt in (
        lambda: store.load("C002"),
        lambda: store.update("C002", lambda c: (c.model_copy(update={"label": "x"}), None)),
        lambda: store.remove("C002"),
        lambda: store.create(make_client("C002")),
    ):
        with pytest.raises((StoreProblem, InvalidData)) as info:
            attempt()
        if isinstance(info.value, StoreProblem):
            assert info.value.exit_code == 5
            assert info.value.params["path"] == str(bad)
    assert bad.read_bytes() == before
    entries = {e.client_id: e for e in store.entries()}
    assert entries["C001"].client is not None  # the other clients still work
    assert entries["C002"].client is None
    assert entries["C002"].problem is not None
    assert store.load("C001").id == "C001"


def test_unknown_schema_names_versions(store: Store) -> None:
    bad = store.clients_dir
    bad.mkdir(parents=True)
    (bad / "C9.json").write_text('{"schema_version": 3, "id": "C9"}')
    with pytest.raises(StoreProblem) as info:
        store.load("C9")
    assert info.value.key == "error.store_schema"
    assert (info.value.params["version"], info.value.params["supported"]) == (3, 2)


def test_migration_hook_upgrades_old_files(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A future schema 3 renames `label` to `note`: schema 2 files load through the hook."""
    store.save(make_client())
    path = store.clients_dir / "C001.json"
    v1 = path.read_text(encoding="utf-8")
    seen: list[int] = []

    def one_to_two(doc: dict[str, Any]) -> dict[str, Any]:
        seen.append(doc["schema_version"])
        doc = dict(doc)
        doc["note"] = doc.pop("label")
        return doc

    def back(doc: dict[str, Any]) -> dict[str, Any]:  # so today's model can read the result
        doc = dict(doc)
        doc["label"] = doc.pop("note")
        return doc

    monkeypatch.setattr(store_codec, "SCHEMA_VERSION", 4)
    monkeypatch.setattr(store_codec, "MIGRATIONS", {2: one_to_two, 3: back})
    client = store.load("C001")
    assert client == make_client() and seen == [2]
    assert path.read_text(encoding="utf-8") == v1  # loading never rewrites
    store.update("C001", lambda c: (c.model_copy(update={"label": "new"}), None))
    assert json.loads(path.read_text(encoding="utf-8"))["schema_version"] == 4


def test_entries_for_given_ids(store: Store) -> None:
    store.create(make_client("C001"))
    assert [e.client_id for e in store.entries(["c001"])] == ["C001"]
    with pytest.raises(NotFound):
        list(store.entries(["NOPE"]))


# -- locks ---------------------------------------------------------------------------------

def test_a_held_lock_times_out_as_a_store_problem(store: Store) -> None:
    from filelock import FileLock

    store.create(make_client())
    before = (store.clients_dir / "C001.json").read_bytes()
    store.lock_timeout_s = 0.05  # the store's setting: a short wait for this test
    held = FileLock(store.lock_path("c001"), timeout=1)  # another writer holds C001
    with held, pytest.raises(StoreProblem) as info:
        store.update("C001", lambda c: (c.model_copy(update={"label": "x"}), None))
    assert (info.value.key, info.value.exit_code) == ("error.store_locked", 5)
    assert (store.clients_dir / "C001.json").read_bytes() == before
    store.update("C001", lambda c: (c.model_copy(update={"label": "x"}), None))  # free again
    assert store.load("C001").label == "x"


def test_lock_is_shared_by_ids_differing_in_case(store: Store) -> None:
    assert store.lock_path("AbC") == store.lock_path("abc")
    assert store.lock_path("abc") != store.lock_path("abd")


def test_lock_file_names_never_reveal_an_id(store: Store) -> None:
    store.create(make_client("C001"))
    store.remove("C001")
    names = [p.name.lower() for p in store.locks_dir.iterdir()]
    assert names and not any("c001" in name for name in names)
