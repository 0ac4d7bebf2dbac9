"""The invocation's context: which store and config it uses, its language, who works, today.

One `fit` run is one invocation. The root callback (``start``) replaces ``CURRENT`` with a
fresh ``Invocation`` before every command, so nothing is carried from one run to the next
(the tests run many in one process). ``CURRENT`` is the one module global of the command
line: the commands and services read it through the functions below, never directly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fitcli import i18n
from fitcli.errors import FitcliError, StoreProblem, UsageProblem

if TYPE_CHECKING:  # loaded by the commands that use them, not by `fit --version`
    from fitcli import config as config_file
    from fitcli.store import ClientStore

STORE_ENV = "FIT_STORE"
LANG_ENV = "FIT_LANG"
TODAY_ENV = "FIT_TODAY"  # fixes "today" (ISO date) for tests and training sessions
PRACTITIONER_ENV = "FIT_PRACTITIONER"


@dataclass
class Invocation:
    """One run of a command: its --store, and the store and config once opened."""

    store_option: Path | str | None = None
    _config: config_file.Config | None = field(default=None, repr=False)
    _store: ClientStore | None = field(default=None, repr=False)

    def store_location(self) -> str | Path:
        """--store, then FIT_STORE, then the platform's user data folder: a PostgreSQL URL
        as given, or a folder made absolute, so messages and `fit store path` name it
        unambiguously."""
        for raw in (self.store_option, os.environ.get(STORE_ENV)):
            if raw is None or not str(raw).strip():
                continue
            from fitcli.store import is_database_url

            if isinstance(raw, str) and is_database_url(raw):
                return raw.strip()
            return Path(raw).expanduser().absolute()
        import platformdirs

        return platformdirs.user_data_path("fitcli", appauthor=False).absolute()

    def store_dir(self) -> Path:
        """The store folder in use (a command that works on a folder only: on a team
        database it says so, exit 5)."""
        location = self.store_location()
        if isinstance(location, Path):
            return location
        raise StoreProblem("error.pg_folder_only", store=self.store().describe())

    def store(self) -> ClientStore:
        """The store of this command, opened once (one database connection per command)."""
        if self._store is None:
            from fitcli.store import open_store

            self._store = open_store(self.store_location())
        return self._store

    def config(self) -> config_file.Config:
        if self._config is None:
            from fitcli import config as config_file

            self._config = config_file.load()
        return self._config


CURRENT = Invocation()


def invocation() -> Invocation:
    """The invocation running now."""
    return CURRENT


def start(store_option: Path | str | None, lang_option: str | None) -> None:
    """Called by the root callback before every command: fresh state, language chosen."""
    global CURRENT
    close_store()
    if isinstance(store_option, str) and not store_option.strip():
        # Path("") is the current folder: a store there by accident is worse than an error
        raise UsageProblem("error.store_empty")
    CURRENT = Invocation(store_option=store_option)
    from fitcli import config as config_file

    i18n.use_label_file(config_file.labels_path)
    i18n.set_language(choose_language(lang_option))


def close_store(st: ClientStore | None = None) -> None:
    """Close a database store's connection (``st``, else this command's store, if opened)."""
    chosen = CURRENT._store if st is None else st
    if chosen is not None:
        chosen.close()


def store(*, create: bool = False) -> ClientStore:
    """The store chosen by --store, FIT_STORE, or the platform's user data folder (or a team
    database by its URL).

    A folder that does not exist is an error (exit 5), unless the command creates one
    (``create=True``): a mistyped or unmounted store must never look like an empty caseload.
    A path that is a file is an error for every command."""
    chosen = CURRENT.store()
    if chosen.folder is not None:  # a database says for itself whether it can be reached
        check_store_folder(chosen.folder, create=create)
    return chosen


def check_store_folder(root: Path, *, create: bool = False) -> None:
    """Refuse a store path that is a file, or a missing folder unless ``create``."""
    if root.exists():
        if not root.is_dir():
            raise StoreProblem("error.store_not_folder", path=str(root))
    elif not create:
        raise StoreProblem("error.store_missing", path=str(root))


def settings() -> config_file.Config:
    return CURRENT.config()


def practitioner() -> str | None:
    """Who is working: FIT_PRACTITIONER, then the config setting ``practitioner``, then on a
    team database the login role; None in a store folder where none is set."""
    from fitcli.model.ids import validate_practitioner

    env = os.environ.get(PRACTITIONER_ENV)
    if env is not None and env.strip():
        return validate_practitioner(env)
    try:
        configured = settings().get("practitioner")
    except FitcliError:
        configured = None  # logging works with a broken config; `fit config` reports it
    if isinstance(configured, str) and configured:
        return configured
    return CURRENT.store().login()  # a database store: its login (current_user)


def choose_language(option: str | None) -> str:
    """--lang, then FIT_LANG, then the config setting ``lang``, then the locale, then en."""
    for raw in (option, os.environ.get(LANG_ENV)):
        if raw is not None and raw.strip():
            code = i18n.explicit_code(raw)
            if code is None:
                # Said in the language the user would get without the bad code.
                i18n.set_language(_fallback_language())
                raise UsageProblem("error.lang_unknown", value=raw,
                                   supported=", ".join(i18n.SUPPORTED))
            return code
    return _fallback_language()


def _fallback_language() -> str:
    try:
        configured = CURRENT.config().get("lang")
    except FitcliError:
        configured = None  # a broken config is reported by the commands that read it
    if isinstance(configured, str):
        return configured
    return i18n.system_language() or i18n.DEFAULT


def today() -> dt.date:
    """Today's local date, or FIT_TODAY when set (tests, training with a fixed calendar)."""
    fixed = os.environ.get(TODAY_ENV)
    if fixed:
        from fitcli.app.params import iso_date

        return iso_date(fixed)
    return dt.date.today()


def now() -> dt.datetime:
    """The current time (UTC, whole seconds), on FIT_TODAY's date when that is set, so a
    training calendar stays consistent (corrections are not dated after "today")."""
    current = dt.datetime.now(dt.UTC).replace(microsecond=0)
    if os.environ.get(TODAY_ENV):
        return dt.datetime.combine(today(), current.timetz())
    return current


_collector_paused = False


def pause_collector() -> None:
    """Start-up without the cyclic garbage collector: importing Typer, pydantic and fitcli
    and building the command line allocate ~200,000 objects that live until the end, and
    the collector's passes over them cost ~15% of a short command's run (`fit ors`), for
    nothing freed. Called by the entry point; ``resume_collector`` ends it."""
    import gc

    global _collector_paused
    if gc.isenabled():
        gc.disable()
        _collector_paused = True


def resume_collector() -> None:
    """The command itself runs with the collector on (as a normal program), and what the
    start-up made is frozen: never traversed again, also by long commands. Called when a
    command's body starts, and by the entry point at the end (a run that ends earlier)."""
    import gc

    global _collector_paused
    if _collector_paused:
        _collector_paused = False
        gc.freeze()
        gc.enable()


@contextlib.contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Batch jobs (import, export) build hundreds of thousands of small objects without
    reference cycles; refcounting frees them, and the cyclic collector's passes cost ~20%
    of the run."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
