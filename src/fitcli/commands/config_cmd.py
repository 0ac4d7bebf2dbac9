"""`fit config ...`: show, set and reset settings (validated before saving)."""

from typing import Annotated

import typer

from fitcli import config as config_file
from fitcli.commands._common import domain, echo, emit_json, settings
from fitcli.commands._params import JsonOpt
from fitcli.i18n import t
from fitcli.model.problems import DomainError
from fitcli.model.settings import SETTINGS, Value, lookup, norm_profile, parse, resolve

app = typer.Typer(no_args_is_help=True, help="Show, set and reset settings."
                  "\n\nExample: fit config set norms pcoms")

KeyArg = Annotated[str, typer.Argument(metavar="KEY", help="Setting name, see `fit config show`.",
                                       show_default=False)]


@app.command("show")
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
    if as_json:
        emit_json({"config_file": str(config.path), "settings": rows})
        return
    echo(t("config.file", path=str(config.path)))
    for row in rows:
        value = row["value"]
        if value is None:
            shown = t("config.auto")
        elif isinstance(value, bool):
            shown = "true" if value else "false"
        elif isinstance(value, float):
            shown = f"{value:g}"
        else:
            shown = str(value)
        echo(t("config.row", key=row["key"], value=shown,
               source=_source(str(row["source"]), config.values), allowed=row["allowed"],
               reference=row["reference"]))
        echo("    " + t(SETTINGS[str(row["key"])].help_key))


def _source(source: str, values: dict[str, Value]) -> str:
    if source == "profile":
        return t("config.source.profile", profile=norm_profile(values).name)
    return t(f"config.source.{source}")


@app.command("set")
def set_value(key: KeyArg, value: Annotated[str, typer.Argument(metavar="VALUE")]) -> None:
    """Set KEY to VALUE after checking it against the allowed range.

    Example: fit config set norms pcoms
    """
    try:
        setting = lookup(key)
        parsed = parse(setting, value)
    except DomainError as exc:
        raise domain(exc) from None
    config = config_file.load(repairing=key)
    config_file.save(config_file.Config(config.path, {**config.values, key: parsed}))
    echo(t("config.saved", key=key, value=str(parsed)))


@app.command("reset")
def reset(key: KeyArg) -> None:
    """Return KEY to its default.

    Example: fit config reset norms
    """
    try:
        lookup(key)
    except DomainError as exc:
        raise domain(exc) from None
    config = config_file.load(repairing=key)
    values = dict(config.values)
    config_file.save(config_file.Config(config.path, values))
    echo(t("config.reset", key=key))
