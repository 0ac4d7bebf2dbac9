"""Every user setting: its name, type, allowed values, default and source. Pure data.

The config file (config.py) stores raw values; ``parse`` validates them here, so ``fit config
set`` and loading a hand-edited file apply exactly the same rules. A default of ``None`` means
"from the active norm profile" (model/norms.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from fitcli.model.norms import PROFILES
from fitcli.model.problems import DomainError

Kind = Literal["choice", "float", "int", "bool"]
Value = str | float | int | bool


@dataclass(frozen=True)
class Setting:
    key: str
    kind: Kind
    default: Value | None
    source: str  # where the default comes from (cited in `fit config show`)
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    nullable: bool = field(default=False)

    @property
    def help_key(self) -> str:
        """Catalogue key of the one-line description (locales/*/settings.json)."""
        return f"setting.{self.key}"

    def allowed(self) -> str:
        if self.kind == "choice":
            return ", ".join(self.choices)
        if self.kind == "bool":
            return "true, false"
        return f"{self.minimum:g}..{self.maximum:g}"


def _truthy(raw: str) -> bool | None:
    low = raw.strip().lower()
    if low in ("true", "yes", "on", "1"):
        return True
    if low in ("false", "no", "off", "0"):
        return False
    return None


def parse(setting: Setting, raw: Value) -> Value:
    """Validate a typed or stored value; raise ``error.setting_value`` with what is allowed."""
    def bad() -> DomainError:
        return DomainError("error.setting_value", key=setting.key, value=str(raw),
                           allowed=setting.allowed())

    if setting.kind == "choice":
        value = str(raw).strip()
        if value not in setting.choices:
            raise bad()
        return value
    if setting.kind == "bool":
        if isinstance(raw, bool):
            return raw
        flag = _truthy(str(raw))
        if flag is None:
            raise bad()
        return flag
    if isinstance(raw, bool):
        raise bad()
    try:
        number: float = float(str(raw).replace(",", ".")) if isinstance(raw, str) else float(raw)
    except ValueError:
        raise bad() from None
    if number != number or (setting.minimum is not None and number < setting.minimum) or (
        setting.maximum is not None and number > setting.maximum
    ):
        raise bad()
    if setting.kind == "int":
        if number != int(number):
            raise bad()
        return int(number)
    return number


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting("lang", "choice", None, "issue #6", choices=("en", "nb", "da", "sv")),
        Setting("norms", "choice", "fit", "FIT-REFERENCE §3", choices=tuple(PROFILES)),
    )
}


def lookup(key: str) -> Setting:
    try:
        return SETTINGS[key]
    except KeyError:
        raise DomainError("error.setting_unknown", key=key,
                          known=", ".join(sorted(SETTINGS))) from None
