"""Shared fixtures: every test runs on its own store, config and home, in English, no colour."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from fitcli import i18n
from fitcli.cli import app

pytest_plugins = ["pg_helpers"]  # the PostgreSQL server fixtures (pg_server, pg_db, ...)

TODAY = "2026-06-15"  # FIT_TODAY for every test: dates relative to it are stable
# The parser's words on a help screen, as each language shows them.
HELP_WORDS = {
    "en": {"usage": "Usage", "options_piece": "[OPTIONS]", "arguments": "Arguments",
           "options": "Options", "commands": "Commands", "required": "[required]",
           "default": "default", "help": "Show this message and exit."},
    "nb": {"usage": "Bruk", "options_piece": "[VALG]", "arguments": "Argumenter",
           "options": "Valg", "commands": "Kommandoer", "required": "[påkrevd]",
           "default": "standard", "help": "Vis denne hjelpen og avslutt."},
    "da": {"usage": "Brug", "options_piece": "[TILVALG]", "arguments": "Argumenter",
           "options": "Tilvalg", "commands": "Kommandoer", "required": "[påkrævet]",
           "default": "standard", "help": "Vis denne hjælp og afslut."},
    "sv": {"usage": "Användning", "options_piece": "[ALTERNATIV]", "arguments": "Argument",
           "options": "Alternativ", "commands": "Kommandon", "required": "[obligatoriskt]",
           "default": "standard", "help": "Visa den här hjälpen och avsluta."},
}
# What a help screen in nb, da or sv would show if the parser's English came through.
ENGLISH_HELP_WORDS = ("Usage:", "Arguments:", "Options:", "Commands:", "Show this message",
                      "required]", "default:", "[OPTIONS]", "<str>", "{ID}")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private store and config under tmp_path; no test can touch a real home folder."""
    home = tmp_path / "home"
    home.mkdir()
    for var in ("HOME", "USERPROFILE"):
        monkeypatch.setenv(var, str(home))
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    # an existing, empty store: a missing store folder is an error (exit 5) for most commands
    (tmp_path / "store").mkdir(mode=0o700)
    monkeypatch.setenv("FIT_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("FIT_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("FIT_TODAY", TODAY)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("LANG", "C.UTF-8")
    for var in ("FIT_LANG", "LC_ALL", "LC_MESSAGES", "FIT_DEBUG"):
        monkeypatch.delenv(var, raising=False)
    i18n.set_language("en")
    return tmp_path


@pytest.fixture
def store_dir(isolated: Path) -> Path:
    return isolated / "store"


Fit = Callable[..., Result]


@pytest.fixture
def fit() -> Fit:
    """Run `fit ARGS...` in-process; returns the Result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, env=env)

    return run


StoreSettings = Callable[..., None]


@pytest.fixture
def store_settings(monkeypatch: pytest.MonkeyPatch) -> StoreSettings:
    """Settings for the store of every in-process `fit` that follows, e.g.
    ``store_settings(lock_timeout_s=0.2, batch_sync_min_clients=1)``.

    A store's settings are its own (``Store``'s keywords, kept as attributes of the same
    name); production code has no switch a test could flip. A command opens its store
    through its invocation (``Invocation.store``): this wraps that factory for the test, so
    each store it opens gets these settings before any use. (`fit store copy` opens its two
    stores itself: they keep the defaults.)"""
    from fitcli.app.context import Invocation

    chosen: dict[str, object] = {}
    opened = Invocation.store

    def store(self: Invocation) -> Any:
        st = opened(self)
        for name, value in chosen.items():
            assert hasattr(st, name), f"no store setting {name!r}"
            setattr(st, name, value)
        return st

    monkeypatch.setattr(Invocation, "store", store)
    return chosen.update


def without_filesystem_sync(monkeypatch: pytest.MonkeyPatch) -> None:
    """A platform without a file-system sync fitcli trusts (macOS, Windows, a network share,
    an old Linux): the batch writer's one probe for it (``filesystem_syncer``) finds none,
    so every file of a batch gets its own fsync."""
    from fitcli.store import batch as store_batch

    monkeypatch.setattr(store_batch, "filesystem_syncer", lambda folder: None)


def snapshot(store_dir: Path) -> dict[str, bytes]:
    """Every file under the store, to prove that a refused command wrote nothing."""
    if not store_dir.exists():
        return {}
    return {str(p.relative_to(store_dir)): p.read_bytes()
            for p in sorted(store_dir.rglob("*")) if p.is_file()}


def ok(result: Result) -> Result:
    """Assert success, showing the output on failure."""
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result


def as_json(result: Result) -> Any:
    ok(result)
    return json.loads(result.stdout)


def ors_by_another_fit(store_dir: Path, client_id: str, day: str, total: float) -> None:
    """What `fit ors ID --date DAY --total TOTAL` does, from another process's point of view:
    under the client's lock, read, record, save (for tests of writers that race it)."""
    import datetime as dt

    from fitcli.model import meetings
    from fitcli.model.scores import Rating
    from fitcli.store import Store

    st = Store(store_dir)
    with st.lock(client_id):
        done = meetings.record(st.load(client_id), "ors", Rating.from_total(total),
                               today=dt.date(2026, 6, 15),
                               now=dt.datetime(2026, 6, 15, tzinfo=dt.UTC),
                               date=dt.date.fromisoformat(day))
        st.save(done.client)
