"""`fit store path`, the store choice (--store, FIT_STORE, default) and `fit config`."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from conftest import Fit, as_json, ok
from fitcli.model.settings import SETTINGS

# -- store ---------------------------------------------------------------------------------

def test_store_path_from_environment(fit: Fit, store_dir: Path) -> None:
    result = ok(fit("store", "path"))
    assert result.stdout == f"{store_dir}\n"
    store_dir.rmdir()
    assert ok(fit("store", "path")).stdout == f"{store_dir}\n"
    assert not store_dir.exists()  # asking where it is creates nothing


def test_store_option_wins_over_environment(fit: Fit, tmp_path: Path) -> None:
    other = tmp_path / "other"
    assert ok(fit("--store", str(other), "store", "path")).stdout == f"{other}\n"
    ok(fit("--store", str(other), "client", "add", "C1"))
    assert (other / "clients" / "C1.json").exists()
    assert not (tmp_path / "store" / "clients").exists()


def test_relative_store_is_shown_absolute(fit: Fit, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert ok(fit("--store", "rel", "store", "path")).stdout == f"{tmp_path / 'rel'}\n"


def test_default_store_is_the_user_data_folder(fit: Fit, monkeypatch: pytest.MonkeyPatch,
                                               isolated: Path) -> None:
    monkeypatch.delenv("FIT_STORE")
    import platformdirs

    expected = platformdirs.user_data_path("fitcli", appauthor=False)
    assert ok(fit("store", "path")).stdout == f"{expected}\n"
    assert str(expected).startswith(str(isolated / "home"))  # tests never touch a real home


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_unwritable_store_exit_5(fit: Fit, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    os.chmod(locked, stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user that ignores folder permissions")
        result = fit("--store", str(locked / "store"), "client", "add", "C1")
    finally:
        os.chmod(locked, 0o700)
    assert result.exit_code == 5
    assert result.stderr.startswith(f"Error: cannot write to {locked / 'store'} (")


def test_store_that_is_a_file_exit_5(fit: Fit, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = fit("--store", str(blocker), "client", "add", "C1")
    assert result.exit_code == 5
    assert result.stderr == (f"Error: the store {blocker} is a file, not a folder; choose the "
                             "store folder with --store or FIT_STORE.\n")
    assert blocker.read_text() == "x"


def test_store_path_help_has_example(fit: Fit) -> None:
    assert "Example: fit store path" in ok(fit("store", "path", "--help")).stdout


# -- config --------------------------------------------------------------------------------

def test_config_show_defaults(fit: Fit, isolated: Path) -> None:
    out = ok(fit("config", "show")).stdout.splitlines()
    assert out[0] == f"Config file: {isolated / 'config' / 'config.toml'}"
    assert out[1] == "lang = (automatic)  [default; allowed: en, nb, da, sv; system locale]"
    assert ("norms = fit  [default; allowed: fit, pcoms; Miller et al. 2003; Duncan et al. "
            "2006; BON progress-23]") in out


def test_config_set_show_reset(fit: Fit, isolated: Path) -> None:
    assert ok(fit("config", "set", "norms", "pcoms")).stdout == "Saved: norms = pcoms\n"
    path = isolated / "config" / "config.toml"
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = as_json(fit("config", "show", "--json"))
    norms = next(row for row in data["settings"] if row["key"] == "norms")
    assert (norms["value"], norms["source"]) == ("pcoms", "config")
    assert ok(fit("config", "reset", "norms")).stdout == "Reset norms to its default.\n"
    data = as_json(fit("config", "show", "--json"))
    assert next(r for r in data["settings"] if r["key"] == "norms")["source"] == "default"


ALL_SETTINGS = ", ".join(sorted(SETTINGS))


@pytest.mark.parametrize(("args", "code", "message"), [
    pytest.param(("set", "norms", "icce"), 4, "Error: icce is not allowed for norms; allowed: "
                 "fit, pcoms.\n", id="bad-value"),
    pytest.param(("set", "colour", "red"), 4, "Error: there is no setting 'colour'; the settings "
                 f"are: {ALL_SETTINGS}.\n", id="unknown-key"),
    pytest.param(("reset", "colour"), 4, "Error: there is no setting 'colour'; the settings "
                 f"are: {ALL_SETTINGS}.\n", id="reset-unknown"),
    pytest.param(("set", "norms"), 2, "Error: Missing argument 'VALUE'. "
                 "(see 'fit config set --help')\n", id="missing-value"),
])
def test_config_refused(fit: Fit, isolated: Path, args: tuple[str, ...], code: int,
                        message: str) -> None:
    result = fit("config", *args)
    assert result.exit_code == code
    assert (result.stdout, result.stderr) == ("", message)
    assert not (isolated / "config" / "config.toml").exists()


@pytest.mark.parametrize(("content", "start"), [
    pytest.param("norms = ", "cannot be read (", id="not-toml"),
    pytest.param('colour = "red"\n', "has an unknown setting 'colour'", id="unknown-key"),
    pytest.param('norms = "icce"\n', "sets norms = icce, which is not allowed", id="bad-value"),
])
def test_broken_config_exit_5_and_untouched(fit: Fit, isolated: Path, content: str,
                                            start: str) -> None:
    path = isolated / "config" / "config.toml"
    path.parent.mkdir()
    path.write_text(content)
    result = fit("config", "show")
    assert result.exit_code == 5
    assert result.stderr.startswith(f"Error: the config file {path} ")
    assert start in result.stderr
    assert path.read_text() == content
    ok(fit("client", "add", "C1"))  # logging still works with a broken config


def test_config_set_repairs_the_value_it_reports(fit: Fit, isolated: Path) -> None:
    path = isolated / "config" / "config.toml"
    path.parent.mkdir()
    path.write_text('norms = "icce"\n')
    ok(fit("config", "set", "norms", "fit"))
    assert as_json(fit("config", "show", "--json"))["settings"][1]["value"] == "fit"
