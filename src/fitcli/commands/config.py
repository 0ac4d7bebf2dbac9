"""`fit config ...`: show, set and reset settings (validated before saving)."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from fitcli import config as config_file
from fitcli import i18n
from fitcli.app.context import settings
from fitcli.app.group import FitCommand
from fitcli.app.output import echo, emit_json, fail_line
from fitcli.app.params import JsonOpt
from fitcli.i18n import t
from fitcli.model.problems import DomainError
from fitcli.model.settings import (
    SETTINGS,
    Setting,
    Value,
    lookup,
    norm_profile,
    parse,
    resolve,
)
from fitcli.render.safe import printable

app = typer.Typer(no_args_is_help=True, help="Show, set and reset settings."
                  "\n\nExample: fit config set norms pcoms")

KeyArg = Annotated[str, typer.Argument(metavar="KEY", help="Setting name, see `fit config show`.",
                                       show_default=False)]


@app.command("show", cls=FitCommand)
def show(as_json: JsonOpt = False) -> None:
    """List every setting with its value, where the value comes from, and what it means.

    Example: fit config show
    """
    config = settings()
    rows = []
    for key, setting in SETTINGS.items():
        value, source = resolve(config.values, key)
        rows.append({"key": key, "value": value, "source": source,
                     "allowed": setting.allowed(), "reference": setting.source})
    labels_path = i18n.label_file() or config_file.labels_path()
    overrides = i18n.label_overrides()  # a broken label file is reported here too (exit 5)
    if as_json:
        emit_json({"config_file": str(config.path), "settings": rows,
                   "labels_file": {"path": str(labels_path), "exists": labels_path.is_file(),
                                   "overrides": {lang: sorted(forms)
                                                 for lang, forms in overrides.items()}}})
        return
    echo(t("config.file", path=str(config.path)))
    for row in rows:
        echo(t("config.row", key=row["key"], value=_shown(row["value"]),
               source=_source(str(row["source"]), config.values),
               allowed=_allowed(SETTINGS[str(row["key"])]), reference=row["reference"]))
        echo("    " + t(SETTINGS[str(row["key"])].help_key))
    echo(_labels_line(labels_path, overrides))


def _shown(value: object) -> str:
    if value is None:
        return t("config.auto")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _decimal(f"{value:g}")
    return str(value)


def _decimal(text: str) -> str:
    """A number already formatted, with the language's decimal mark."""
    return text.replace(".", i18n.decimal_mark())


def _allowed(setting: Setting) -> str:
    """The allowed range, numbers with the language's decimal mark."""
    if setting.kind in ("float", "int") and setting.minimum is not None and (
            setting.maximum is not None):
        low, high = (_decimal(f"{v:g}") for v in (setting.minimum, setting.maximum))
        return f"{low}..{high}"
    return setting.allowed()


def _labels_line(path: Path, overrides: dict[str, dict[str, list[str]]]) -> str:
    lang = i18n.current_language()
    if lang in overrides:
        forms = ", ".join(form.upper() for form in sorted(overrides[lang]))
        return t("config.labels_in_use", path=str(path), lang=lang, forms=forms)
    if path.is_file():
        return t("config.labels_other", path=str(path), lang=lang,
                 langs=", ".join(sorted(overrides)) or "-")
    return t("config.labels_absent", path=str(path))


def _source(source: str, values: dict[str, Value]) -> str:
    if source == "profile":
        return t("config.source.profile", profile=norm_profile(values).name)
    return t(f"config.source.{source}")


def _repairable(key: str) -> config_file.Config:
    """The config to change; a file that cannot be read is kept as a copy and replaced
    (set and reset are how a user repairs it), with a line saying so."""
    config, problem = config_file.load_for_repair(key)
    if problem is not None:
        copy = config_file.keep_broken_copy(config)
        fail_line(t(problem.key, **problem.params))
        sys.stderr.write(printable(t("config.broken_kept", path=str(copy))) + "\n")
    return config


@app.command("set", cls=FitCommand)
def set_value(key: KeyArg, value: Annotated[str, typer.Argument(metavar="VALUE")]) -> None:
    """Set KEY to VALUE after checking it against the allowed range.

    Example: fit config set norms pcoms
    """
    try:
        setting = lookup(key)
        parsed = parse(setting, value)
    except DomainError as exc:
        if exc.key == "error.setting_value":  # the range with the language's decimal mark
            exc.params["allowed"] = _allowed(SETTINGS[key])
        raise
    config = _repairable(key)
    config_file.save(config_file.Config(config.path, {**config.values, key: parsed}))
    echo(t("config.saved", key=key, value=_shown(parsed)))


@app.command("reset", cls=FitCommand)
def reset(key: KeyArg) -> None:
    """Return KEY to its default.

    Example: fit config reset norms
    """
    lookup(key)
    config = _repairable(key)
    values = dict(config.values)
    config_file.save(config_file.Config(config.path, values))
    echo(t("config.reset", key=key))
