"""The user config file: where it is, reading it, writing it atomically. Never prints.

A flat TOML file of ``"key" = value`` lines in the platformdirs config folder (``FIT_CONFIG``
names another file). Values are validated by model/settings.py on load and on set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from fitcli.errors import StoreProblem
from fitcli.model.problems import DomainError
from fitcli.model.settings import SETTINGS, Value, parse
from fitcli.store import atomic_write, ensure_private_dir

CONFIG_ENV = "FIT_CONFIG"


def config_dir() -> Path:
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        return Path(explicit).expanduser().parent
    import platformdirs

    return platformdirs.user_config_path("fitcli", appauthor=False)


def config_path() -> Path:
    explicit = os.environ.get(CONFIG_ENV)
    return Path(explicit).expanduser() if explicit else config_dir() / "config.toml"


def labels_path() -> Path:
    """The user's item-label overrides, beside the config file (see i18n.item_labels)."""
    return config_path().parent / "labels.toml"


@dataclass(frozen=True)
class Config:
    path: Path
    values: dict[str, Value]  # only what the file sets, validated

    def get(self, key: str) -> Value | None:
        if key in self.values:
            return self.values[key]
        return SETTINGS[key].default


def load(repairing: str | None = None) -> Config:
    """The validated config. ``repairing``: the key about to be set or reset, whose present
    value may be wrong or unknown (so `fit config set KEY VALUE` can fix what it reports)."""
    path = config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(path, {})
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreProblem("error.config_broken", path=str(path), reason=str(exc)) from None
    import tomllib  # only when there is a file: saves its import on most runs

    try:
        raw = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
        # ValueError: an integer of thousands of digits; RecursionError: deep nesting
        reason = str(exc) or type(exc).__name__
        raise StoreProblem("error.config_broken", path=str(path),
                           reason=printable_reason(reason)) from None
    values: dict[str, Value] = {}
    for key, value in raw.items():
        if not isinstance(value, str | int | float | bool):  # a table or list: never ours
            value = "..."
        if key == repairing:
            continue
        setting = SETTINGS.get(key)
        if setting is None:
            raise StoreProblem("error.config_unknown_key", path=str(path), key=key)
        try:
            values[key] = parse(setting, value)
        except DomainError:
            raise StoreProblem("error.config_bad_value", path=str(path), key=key,
                               value=str(value), allowed=setting.allowed()) from None
    return Config(path, values)


def printable_reason(reason: str) -> str:
    """A parser's message, cut to one short line (it may quote the whole bad value)."""
    line = reason.splitlines()[0] if reason else reason
    return line if len(line) <= 200 else line[:200] + "..."


def load_for_repair(key: str) -> tuple[Config, StoreProblem | None]:
    """``load(repairing=key)`` for `fit config set/reset`, which must be able to fix any
    file: one that cannot be read at all gives an empty config and its problem (the caller
    keeps a copy of the old file before writing the new one)."""
    try:
        return load(repairing=key), None
    except StoreProblem as exc:
        if exc.key not in ("error.config_broken", "error.config_unknown_key",
                           "error.config_bad_value"):
            raise
        return Config(config_path(), {}), exc


def keep_broken_copy(config: Config) -> Path:
    """Copy the unreadable config file beside it (``config.toml.broken``) before it is
    replaced, so nothing the user wrote is lost."""
    copy = config.path.with_name(config.path.name + ".broken")
    try:
        atomic_write(copy, config.path.read_bytes())
    except OSError as exc:
        raise StoreProblem("error.store_unwritable", path=str(copy),
                           reason=exc.strerror or str(exc)) from None
    return copy


def _toml_value(value: Value) -> str:
    import json  # (not at start-up: the commands that only read settings never need it)

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def save(config: Config) -> None:
    import json

    lines = ["# fitcli settings: change with `fit config set KEY VALUE`; see `fit config show`."]
    lines += [f"{json.dumps(k)} = {_toml_value(v)}" for k, v in sorted(config.values.items())]
    ensure_private_dir(config.path.parent)
    try:
        atomic_write(config.path, "\n".join(lines) + "\n")
    except OSError as exc:
        raise StoreProblem("error.store_unwritable", path=str(config.path),
                           reason=exc.strerror or str(exc)) from None
