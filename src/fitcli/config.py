"""The user config file: where it is, reading it, writing it atomically. Never prints.

A flat TOML file of ``"key" = value`` lines in the platformdirs config folder (``FIT_CONFIG``
names another file). Values are validated by model/settings.py on load and on set.
"""

from __future__ import annotations

import json
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
    except tomllib.TOMLDecodeError as exc:
        raise StoreProblem("error.config_broken", path=str(path), reason=str(exc)) from None
    values: dict[str, Value] = {}
    for key, value in raw.items():
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


def _toml_value(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def save(config: Config) -> None:
    lines = ["# fitcli settings: change with `fit config set KEY VALUE`; see `fit config show`."]
    lines += [f"{json.dumps(k)} = {_toml_value(v)}" for k, v in sorted(config.values.items())]
    ensure_private_dir(config.path.parent)
    try:
        atomic_write(config.path, "\n".join(lines) + "\n")
    except OSError as exc:
        raise StoreProblem("error.store_unwritable", path=str(config.path),
                           reason=exc.strerror or str(exc)) from None
