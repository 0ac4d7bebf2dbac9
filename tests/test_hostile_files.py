"""Hostile files and folders: import files built to crash the parser, broken config and
label files, store folders someone else can write into, permissions, umask 000."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from conftest import Fit, ok

POSIX = os.name == "posix"
needs_posix = pytest.mark.skipif(not POSIX, reason="POSIX file modes, FIFOs and links")


def _only_line(text: str) -> str:
    assert text.count("\n") == 1, text
    assert "Traceback" not in text
    return text


# -- item: hostile import files -------------------------------------------------------------
HOSTILE_IMPORTS = [
    pytest.param("deep.jsonl", '{"client":' + "[" * 1000 + "]" * 1000 + "}\n", id="jsonl-deep"),
    pytest.param("deep.json", '{"fitcli_backup":1,"clients":' + "[" * 1000 + "]" * 1000 + "}\n",
                 id="backup-deep"),
    pytest.param("big.jsonl", '{"client":"C1","date":"2026-01-05","ors":{"total":'
                 + "1" * 5000 + "}}\n", id="integer-5000-digits"),
    pytest.param("big.json", '{"fitcli_backup":' + "1" * 5000 + ',"clients":[]}\n',
                 id="backup-version-5000-digits"),
    pytest.param("cell.csv", "client,date,ors_total,note\nC1,2026-01-05,20,"
                 + "x" * 140_000 + "\n", id="csv-cell-over-limit-ignored-column"),
    pytest.param("quote.csv", 'client,date,ors_total\nC1,2026-01-05,20\nC2,2026-01-06,"21\n',
                 id="csv-unclosed-quote-at-end"),
    pytest.param("neg.json", json.dumps({"fitcli_backup": -5, "clients": []}),
                 id="backup-version-negative"),
    pytest.param("bool.json", json.dumps({"fitcli_backup": True, "clients": []}),
                 id="backup-version-true"),
]


@pytest.mark.parametrize(("name", "content"), HOSTILE_IMPORTS)
def test_hostile_import_file_is_refused(fit: Fit, tmp_path: Path, store_dir: Path,
                                        name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = fit("import", str(path), "--create-clients")
    assert result.exit_code == 4, result.output
    assert "internal error" not in result.stderr
    assert not (store_dir / "clients").exists()


def test_odd_length_utf16_is_refused(fit: Fit, tmp_path: Path, store_dir: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(b"\xff\xfe" + "client,date,ors_total\n".encode("utf-16-le") + b"x")
    result = fit("import", str(path), "--create-clients")
    assert result.exit_code == 4, result.output
    assert _only_line(result.stderr).startswith("Error: the file is not UTF-8 text")


def test_unclosed_quote_names_its_line(fit: Fit, tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text('client,date,ors_total\nC1,2026-01-05,20\n"C2,2026-01-06,21\n',
                    encoding="utf-8")
    result = fit("import", str(path), "--create-clients")
    assert result.exit_code == 4
    assert _only_line(result.stderr).startswith("Error: line 3 is not valid CSV")


# -- item: broken config and label files ----------------------------------------------------
BROKEN_TOML = [
    pytest.param('"lang" = ' + "1" * 5000 + "\n", id="integer-5000-digits"),
    pytest.param("x = " + "[" * 1000 + "]" * 1000 + "\n", id="deep-array"),
    pytest.param("[" + "a." * 600 + "b]\nx = 1\n", id="deep-table"),
    pytest.param('"lang" = {a = 1}\n', id="table-value"),
]


@pytest.fixture
def config_dir(isolated: Path) -> Path:
    folder = isolated / "config"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("text", BROKEN_TOML)
def test_broken_config_is_exit_5_and_repairable(fit: Fit, config_dir: Path, text: str) -> None:
    (config_dir / "config.toml").write_text(text, encoding="utf-8")
    result = fit("config", "show")
    assert result.exit_code == 5, result.output
    assert _only_line(result.stderr).startswith("Error: the config file")
    listed = fit("client", "list")
    assert listed.exit_code in (0, 5), listed.output
    assert "Traceback" not in listed.stderr
    ok(fit("config", "set", "lang", "en"))
    if "{" not in text:  # a file that does not parse is kept beside the new one
        assert (config_dir / "config.toml.broken").read_text(encoding="utf-8") == text
    ok(fit("config", "show"))
    (config_dir / "config.toml").write_text(text, encoding="utf-8")
    ok(fit("config", "reset", "lang"))
    ok(fit("config", "show"))


@pytest.mark.parametrize("text", BROKEN_TOML)
def test_broken_label_file_is_exit_5(fit: Fit, config_dir: Path, text: str) -> None:
    ok(fit("client", "add", "C1"))
    ok(fit("ors", "C1", "5", "5", "5", "5"))
    (config_dir / "labels.toml").write_text(text, encoding="utf-8")
    result = fit("client", "show", "C1")
    assert result.exit_code == 5, result.output
    assert "Traceback" not in result.stderr


# -- item: export --force replaces regular files only ---------------------------------------
@needs_posix
def test_force_never_replaces_a_fifo(fit: Fit, tmp_path: Path) -> None:
    ok(fit("client", "add", "C1"))
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = fit("export", "-o", str(fifo), "--force")
    assert result.exit_code == 5, result.output
    assert _only_line(result.stderr).startswith(f"Error: {fifo} is not a regular file")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@needs_posix
@pytest.mark.parametrize("kind", ["symlink", "folder", "device"])
def test_force_never_replaces_links_folders_devices(fit: Fit, tmp_path: Path,
                                                     kind: str) -> None:
    ok(fit("client", "add", "C1"))
    if kind == "symlink":
        real = tmp_path / "real.csv"
        real.write_text("keep", encoding="utf-8")
        target = tmp_path / "link.csv"
        target.symlink_to(real)
    elif kind == "folder":
        target = tmp_path / "folder"
        target.mkdir()
    else:
        # a device node of its own (never the machine's /dev/null: a regression here would
        # replace it for every program); only root may make one
        if os.geteuid() != 0:
            pytest.skip("making a device node needs root (CI runs as root)")
        target = tmp_path / "null"
        os.mknod(target, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    before = os.lstat(target)
    result = fit("export", "-o", str(target), "--force")
    assert result.exit_code == 5, result.output
    after = os.lstat(target)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    if kind == "symlink":
        assert (tmp_path / "real.csv").read_text(encoding="utf-8") == "keep"


def test_force_replaces_a_regular_file(fit: Fit, tmp_path: Path) -> None:
    ok(fit("client", "add", "C1"))
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    ok(fit("export", "-o", str(target), "--force"))
    assert target.read_text(encoding="utf-8").startswith("client,date")


# -- item: private folders under any umask, no empty --store ---------------------------------
@needs_posix
def test_new_parents_are_private_under_umask_000(fit: Fit, tmp_path: Path) -> None:
    base = tmp_path / "u"
    old = os.umask(0)
    try:
        ok(fit("--store", str(base / "a" / "b" / "c"), "client", "add", "X1"))
    finally:
        os.umask(old)
    for folder in (base, base / "a", base / "a" / "b", base / "a" / "b" / "c",
                   base / "a" / "b" / "c" / "clients", base / "a" / "b" / "c" / "locks"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


@pytest.mark.parametrize("value", ["", "  "])
def test_empty_store_option_is_refused(fit: Fit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       value: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = fit("--store", value, "client", "add", "X1")
    assert result.exit_code == 2, result.output
    assert _only_line(result.stderr).startswith("Error: --store was given an empty folder")
    assert not (tmp_path / "clients").exists()


# -- item: a store fit cannot reach ---------------------------------------------------------
COMMANDS = [
    pytest.param(("ors", "C1", "5", "5", "5", "5"), id="ors"),
    pytest.param(("srs", "C1", "9", "9", "9", "9"), id="srs"),
    pytest.param(("client", "show", "C1"), id="client-show"),
    pytest.param(("client", "close", "C1", "--reason", "planned"), id="client-close"),
    pytest.param(("client", "remove", "C1", "--yes"), id="client-remove"),
    pytest.param(("trend", "C1"), id="trend"),
    pytest.param(("export", "--client", "C1"), id="export-client"),
    pytest.param(("client", "list"), id="client-list"),
    pytest.param(("demo", "--reset"), id="demo"),
    pytest.param(("flags",), id="flags"),
]


@pytest.mark.parametrize("args", COMMANDS)
def test_unreachable_store_is_exit_5(fit: Fit, store_dir: Path,
                                     monkeypatch: pytest.MonkeyPatch,
                                     args: tuple[str, ...]) -> None:
    """Simulated: the tests run as root here, where folder permissions are not enforced, so
    every look inside the store is made to fail as it does for another user's folder."""
    ok(fit("client", "add", "C1"))
    inside = str(store_dir)
    real_lstat, real_stat, real_listdir, real_open = os.lstat, os.stat, os.listdir, os.open

    def denied(path: object) -> bool:
        return str(path).startswith(inside)

    def guard(real):  # type: ignore[no-untyped-def]
        def call(path, *a, **k):  # type: ignore[no-untyped-def]
            if denied(path):
                raise PermissionError(13, "Permission denied", str(path))
            return real(path, *a, **k)
        return call

    monkeypatch.setattr(os, "lstat", guard(real_lstat))
    monkeypatch.setattr(os, "stat", guard(real_stat))
    monkeypatch.setattr(os, "listdir", guard(real_listdir))
    monkeypatch.setattr(os, "open", guard(real_open))
    result = fit(*args)
    assert result.exit_code == 5, result.output
    assert "internal error" not in result.stderr
    assert "Permission denied" in result.stderr


def test_export_into_an_unreachable_folder_is_exit_5(fit: Fit, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    ok(fit("client", "add", "C1"))
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    real_lstat, real_stat, real_open = os.lstat, os.stat, os.open

    def lstat(path, *a, **k):  # type: ignore[no-untyped-def]
        if str(path).startswith(str(foreign)):
            raise PermissionError(13, "Permission denied", str(path))
        return real_lstat(path, *a, **k)

    def stat_(path, *a, **k):  # type: ignore[no-untyped-def]
        if str(path).startswith(str(foreign)):
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *a, **k)

    def open_(path, *a, **k):  # type: ignore[no-untyped-def]
        if str(path).startswith(str(foreign)):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *a, **k)

    monkeypatch.setattr(os, "lstat", lstat)
    monkeypatch.setattr(os, "stat", stat_)
    monkeypatch.setattr(os, "open", open_)
    result = fit("export", "-o", str(foreign / "out.csv"))
    assert result.exit_code == 5, result.output
    assert _only_line(result.stderr).startswith("Error: cannot write")


# -- item: someone who can write into the store ---------------------------------------------
@needs_posix
@pytest.mark.parametrize("args", [("client", "list"), ("export",), ("flags",)])
def test_fifo_in_the_store_does_not_hang(fit: Fit, store_dir: Path,
                                         args: tuple[str, ...]) -> None:
    ok(fit("client", "add", "C1"))
    os.mkfifo(store_dir / "clients" / "F1.json")
    result = fit(*args)
    assert result.exit_code == 5, result.output
    assert "F1.json" in result.stderr
    assert "not a regular file" in result.stderr


@needs_posix
@pytest.mark.parametrize("args", [("client", "list"), ("export",), ("client", "show", "Z1")])
def test_symlink_to_a_device_is_not_read(fit: Fit, store_dir: Path,
                                         args: tuple[str, ...]) -> None:
    ok(fit("client", "add", "C1"))
    (store_dir / "clients" / "Z1.json").symlink_to("/dev/zero")
    result = fit(*args)
    assert result.exit_code == 5, result.output
    assert "Z1.json" in result.stderr
    assert "symbolic link" in result.stderr


@needs_posix
def test_oversized_client_file_is_not_read_whole(fit: Fit, store_dir: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from fitcli import store

    ok(fit("client", "add", "C1"))
    monkeypatch.setattr(store.files, "MAX_CLIENT_BYTES", 100)
    result = fit("client", "show", "C1")
    assert result.exit_code == 5, result.output
    assert "larger than" in result.stderr


@needs_posix
@pytest.mark.parametrize("args", [("import", "IN"), ("ors", "C1", "5", "5", "5", "5")])
def test_dangling_symlinked_lock_is_not_followed(fit: Fit, store_dir: Path, tmp_path: Path,
                                                 args: tuple[str, ...]) -> None:
    from fitcli.store import Store

    ok(fit("client", "add", "C1", "--start", "2026-01-01"))
    lock = Store(store_dir).lock_path("C1")
    outside = tmp_path / "outside-created"
    lock.unlink(missing_ok=True)
    lock.symlink_to(outside)
    source = tmp_path / "in.csv"
    source.write_text("client,date,ors_total\nC1,2026-01-05,20\n", encoding="utf-8")
    result = fit(*[str(source) if a == "IN" else a for a in args])
    assert result.exit_code == 5, result.output
    assert not outside.exists()
    assert "symbolic link" in result.stderr
