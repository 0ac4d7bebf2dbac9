"""`fit import` one client at a time: rows found by their place in the file and read again
when their client is planned, temp files written as plans arrive, a backup read from its
bytes client by client; all or nothing exactly as when everything was held at once."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import (
    Fit,
    StoreSettings,
    as_json,
    ok,
    ors_by_another_fit,
    without_filesystem_sync,
)
from fitcli.errors import InvalidData
from fitcli.formats import backup, jsonscan, reading
from fitcli.formats import csv as csv_format
from fitcli.formats.encoding import decode
from fitcli.model.batch import ClientPlan, Problem, Row
from fitcli.model.scores import Client, Rating, Session
from fitcli.store import Store

DATA = Path(__file__).parent / "data" / "import"
HEADER = "client,date,ors1,ors2,ors3,ors4,srs_total\n"


def exported(fit: Fit) -> list[dict[str, Any]]:
    result = ok(fit("export", "--format", "jsonl"))
    return [json.loads(line) for line in result.stdout.splitlines()]


def leftovers(store_dir: Path) -> list[Path]:
    clients = store_dir / "clients"
    return sorted(clients.iterdir()) if clients.is_dir() else []


@pytest.fixture(params=["synced", "each"])
def write_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch,
               store_dir: Path, store_settings: StoreSettings) -> str:
    """Both ways temp files are made durable, from the 5th client on: one file-system sync
    (where trusted), an fsync each (a platform without such a sync)."""
    from fitcli.store import filesystem_syncer

    if request.param == "synced" and filesystem_syncer(store_dir) is None:
        pytest.skip("no trusted file-system sync here")
    if request.param == "each":
        without_filesystem_sync(monkeypatch)
    store_settings(batch_sync_min_clients=5)
    return str(request.param)


def _rows(clients: int) -> str:
    return "".join(f"K{c:03d},2026-03-0{1 + m},{c % 10},5,5.5,6,3{m}\n"
                   for c in range(clients) for m in range(2))


def _counting_temps(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    from fitcli.store import batch as store_batch

    real = store_batch.write_temp
    written: list[Path] = []

    def counting(path: Path, data: bytes, *, sync: bool = False) -> Path:
        tmp = real(path, data, sync=sync)
        written.append(tmp)
        return tmp

    monkeypatch.setattr(store_batch, "write_temp", counting)
    return written


def test_a_problem_in_the_last_client_writes_nothing(
        fit: Fit, store_dir: Path, monkeypatch: pytest.MonkeyPatch, write_path: str) -> None:
    """The earlier clients' temp files are written while the later ones are still being
    planned; a problem in the very last client refuses the import, every temp file goes."""
    written = _counting_temps(monkeypatch)
    late = "K029,2026-03-01,1,1,1,1,20\n"  # the same visit's ORS twice: a duplicate
    result = fit("import", "-", "--create-clients", input=HEADER + _rows(30) + late)
    assert result.exit_code == 4, result.output
    assert result.stderr.startswith("line 62, column ors1: ")
    if write_path == "synced":  # (writer threads may not have started on theirs yet)
        assert len(written) >= 5  # temp files were made while planning went on, then removed
    assert leftovers(store_dir) == []


def test_a_full_disk_and_a_late_problem_still_list_the_problem(
        fit: Fit, store_dir: Path, monkeypatch: pytest.MonkeyPatch, write_path: str) -> None:
    """The disk fills up while the first clients are written and a later client has a
    problem: the problem is reported (exit 4), as when every row was checked before the
    first write; nothing stays behind."""
    from fitcli.store import batch as store_batch

    real = store_batch.write_temp

    def failing(path: Path, data: bytes, *, sync: bool = False) -> Path:
        if path.stem == "K006":
            raise OSError(28, "No space left on device")
        return real(path, data, sync=sync)

    monkeypatch.setattr(store_batch, "write_temp", failing)
    late = "K029,2026-03-01,1,1,1,1,20\n"
    result = fit("import", "-", "--create-clients", input=HEADER + _rows(30) + late)
    assert result.exit_code == 4, result.output
    assert "No space left" not in result.stderr
    assert leftovers(store_dir) == []
    clean = fit("import", "-", "--create-clients", input=HEADER + _rows(30))
    assert clean.exit_code == 5
    assert "No space left on device" in clean.stderr
    assert leftovers(store_dir) == []


def test_rows_scattered_through_the_file_all_reach_their_client(
        fit: Fit, write_path: str) -> None:
    """A client's rows anywhere in the file (between other clients' rows, blank lines, a
    quoted cell over two lines, Windows line ends) all land in that client, in date order."""
    lines = ["client,date,ors_total,srs_total,note"]
    for n in range(12):
        lines.append(f"S{n:02d},2026-02-02,{n},30,")
        if n % 4 == 0:
            lines.append(f"A1,2026-0{1 + n // 4}-05,{10 + n},31,\"two\nlines\"")
            lines.append("")
    lines.append("a1,2026-04-06,29,32,last")  # the same client, spelled in lower case
    text = "\r\n".join(lines) + "\r\n"
    summary = as_json(fit("import", "-", "--create-clients", "--json", input=text))
    assert summary["clients_created"] == 13 and summary["meetings_added"] == 16
    mine = [(m["client"], m["date"], m["ors"]["total"]) for m in exported(fit)
            if m["client"] == "A1"]
    assert mine == [("A1", "2026-01-05", 10.0), ("A1", "2026-02-05", 14.0),
                    ("A1", "2026-03-05", 18.0), ("A1", "2026-04-06", 29.0)]
    again = as_json(fit("import", "-", "--json", input=text))
    assert again["skipped"] == 16 and again["meetings_added"] == 0


def test_a_refused_plan_from_the_writer_leaves_no_temp_file(tmp_path: Path,
                                                            write_path: str) -> None:
    """The store's batch writer takes plans as they come: an error raised while planning
    (after some temp files exist) writes no client and leaves no temp file."""
    st = Store(tmp_path / "s", batch_sync_min_clients=5)  # as write_path's stores

    def plans() -> Iterator[ClientPlan]:
        for n in range(8):
            visit = Session(session=1, date=dt.date(2026, 3, 2), ors=Rating.from_total(n))
            yield ClientPlan(f"p{n}", None, Client(id=f"P{n}", start=dt.date(2026, 3, 2),
                                                  sessions=(visit,)))
        raise InvalidData("import.error.refused", count=1)

    with pytest.raises(InvalidData):
        st.write_batch(plans())
    assert leftovers(tmp_path / "s") == []
    assert st.write_batch(iter(())) == 0


def test_the_row_check_agrees_with_the_row_reader() -> None:
    """The first pass checks rows without building them: it finds a row good exactly when
    reading it gives a row (of the same client), and the same problems otherwise."""
    for path in sorted(DATA.glob("*.*sv")):
        text = decode(path.read_bytes())
        delimiter = reading.detect_delimiter(text.splitlines()[0])
        records = [(line, record) for line, _, _, record
                   in csv_format.located_records(text, delimiter)]
        out = reading.Parsed("csv")
        reader = csv_format.RowReader(csv_format.map_header(records[0][1], 1, out))
        for line, record in records[1:]:
            read = reader.read(line, record)
            checked = reader.check(line, record)
            expected = read.client if isinstance(read, Row) else read
            assert checked == expected, (path.name, line)


def _store_with_clients(fit: Fit) -> None:
    rows = "".join(f"B{n:02d},2026-0{1 + m}-1{n % 9},{n % 10},4,5,6,2{m}\n"
                   for n in range(15) for m in range(3))
    ok(fit("client", "add", "B03", "--label", "Bjørn på første møte", "--start",
           "2026-01-01"))
    ok(fit("import", "-", "--create-clients", input=HEADER + rows))
    ok(fit("client", "close", "B04", "--reason", "planned", "--date", "2026-04-01"))


def _backup(fit: Fit) -> dict[str, Any]:
    return json.loads(ok(fit("export", "--format", "json")).stdout)  # type: ignore[no-any-return]


def _variants(doc: dict[str, Any]) -> dict[str, bytes]:
    reordered = {"clients": doc["clients"], "exported_at": doc["exported_at"],
                 "fitcli_backup": doc["fitcli_backup"]}
    return {
        "as-exported": json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8"),
        "clients-first": json.dumps(reordered, ensure_ascii=False).encode("utf-8"),
        "pretty": json.dumps(reordered, indent=4).encode("utf-8"),
        "spaced": json.dumps(doc, ensure_ascii=False, separators=(" ,\r\n ", " :\t"))
        .encode("utf-8"),
        "bom": b"\xef\xbb\xbf" + json.dumps(doc, ensure_ascii=False).encode("utf-8"),
    }


def _same_reading(data: bytes, window: int) -> None:
    """The bytes read client by client (``window`` bytes decoded at a time) give what the
    whole document gives."""
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    streamed = backup.parse_backup_bytes(data, start, window)
    assert streamed is not None
    whole = backup.parse_backup(data.decode("utf-8-sig"))
    # every client named is planned; one refused while reading plans as nothing
    planned = {key: streamed.client(key) for key in streamed.keys}
    assert planned == {key: whole.client(key) if key in whole.keys else (None, [])
                       for key in streamed.keys}
    assert [k for k in streamed.keys if k in whole.keys] == whole.keys
    assert streamed.client(whole.keys[0]) == whole.client(whole.keys[0])  # asked again
    assert sorted(streamed.problems, key=Problem.sort_key) == sorted(
        whole.problems, key=Problem.sort_key)
    assert streamed.lines == whole.lines


@pytest.mark.parametrize("window", [pytest.param(jsonscan.WINDOW, id="usual-window"),
                                    pytest.param(7, id="tiny-window")])
def test_a_streamed_backup_reads_like_the_whole_document(
        fit: Fit, window: int) -> None:
    """Keys in any order, any whitespace, a BOM, text beyond ASCII, a client cut by the
    window the bytes are decoded in: the same templates, rows, problems and counts."""
    _store_with_clients(fit)
    doc = _backup(fit)
    for data in _variants(doc).values():
        _same_reading(data, window)
    flawed = json.loads(json.dumps(doc))
    flawed["clients"].append(dict(flawed["clients"][2]))  # B02 twice
    flawed["clients"][5]["sessions"][1]["date"] = "2026-13-01"
    flawed["clients"].insert(1, {"id": "no such id!", "start": "2026-01-01", "sessions": []})
    flawed["clients"].insert(3, [1, 2])
    _same_reading(json.dumps(flawed).encode("utf-8"), window)


@pytest.mark.parametrize("text", [
    pytest.param('{"fitcli_backup": 2, "clients": [{"id": "A"},]}', id="trailing-comma"),
    pytest.param('{"fitcli_backup": 2, "clients": [], "clients": []}', id="clients-twice"),
    pytest.param('{"fitcli_backup": 2, "clients": [' + "[" * 40 + "]" * 40 + "]}",
                 id="too-deep"),
    pytest.param('{"fitcli_backup": 2, "clients": [{"id": ' + "9" * 5000 + "}]}",
                 id="huge-integer"),
    pytest.param('{"fitcli_backup": 2, "clients": []} []', id="text-after"),
    pytest.param('["fitcli_backup", 2]', id="not-an-object"),
])
def test_an_unusual_backup_is_read_whole(text: str) -> None:
    """Anything but well-formed JSON within the depth limit is left to the whole-document
    reader, which says exactly what is wrong, as before."""
    assert backup.parse_backup_bytes(text.encode("utf-8")) is None


def test_a_restored_backup_is_the_same_from_every_layout(fit: Fit, store_dir: Path,
                                                          tmp_path: Path) -> None:
    """Through the command: each layout of the backup restores the same store."""
    _store_with_clients(fit)
    doc = _backup(fit)
    original = {p.name: json.loads(p.read_bytes()) for p in (store_dir / "clients").iterdir()}
    for name, data in _variants(doc).items():
        target = tmp_path / name
        path = tmp_path / f"{name}.json"
        path.write_bytes(data)
        dry = fit("import", str(path), "--dry-run", "--json", env={"FIT_STORE": str(target)})
        assert as_json(dry)["clients_created"] == 15, name
        ok(fit("import", str(path), env={"FIT_STORE": str(target)}))
        restored = {p.name: json.loads(p.read_bytes()) for p in (target / "clients").iterdir()}
        assert restored == original, name


def test_replan_under_the_lock_reads_the_clients_scattered_rows_again(
        fit: Fit, store_dir: Path, monkeypatch: pytest.MonkeyPatch, write_path: str) -> None:
    """Another fit writes a client after it was planned: under its lock the import plans
    it again, reading every one of its rows from the file again, and loses nothing."""
    from fitcli.commands import import_
    from fitcli.model import batch

    ok(fit("import", "-", "--create-clients", input="client,date,ors_total\nR1,2026-03-02,20\n"))
    real = batch.plan_client
    calls: list[str] = []

    def plan_then_other_writer(*args: Any, **kwargs: Any) -> Any:
        planned = real(*args, **kwargs)
        calls.append("plan")
        if planned[0] is not None and planned[0].result.id == "R1" and calls.count("R1") == 0:
            calls.append("R1")
            ors_by_another_fit(store_dir, "R1", "2026-03-05", 22.0)
        return planned

    monkeypatch.setattr(import_.batch, "plan_client", plan_then_other_writer)
    rows = "".join(f"O{n},2026-03-09,{n}\n" + (f"R1,2026-03-{10 + n},{25 + n}\n" if n % 3 == 0
                                               else "") for n in range(9))
    summary = as_json(fit("import", "-", "--create-clients", "--json",
                          input="client,date,ors_total\n" + rows))
    assert summary["meetings_added"] == 12
    assert calls.count("R1") == 1 and calls.count("plan") == 11  # R1 planned twice
    mine = [(m["date"], m["ors"]["total"]) for m in exported(fit) if m["client"] == "R1"]
    assert mine == [("2026-03-02", 20.0), ("2026-03-05", 22.0), ("2026-03-10", 25.0),
                    ("2026-03-13", 28.0), ("2026-03-16", 31.0)]
