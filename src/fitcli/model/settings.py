"""Every user setting: its name, type, allowed values, default and source. Pure data.

The config file (config.py) stores raw values; ``parse`` validates them here, so ``fit config
set`` and loading a hand-edited file apply exactly the same rules. A default of ``None`` means
"from the active norm profile" (model/norms.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from fitcli.model.ids import validate_practitioner
from fitcli.model.norms import PROFILES, NormProfile
from fitcli.model.problems import DomainError

Kind = Literal["choice", "float", "int", "bool", "code"]
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
        if self.kind == "code":
            return "1-63 letters, digits, '.', '-', '_'"
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
    if setting.kind == "code":  # a pseudonymous code (the practitioner's)
        try:
            return validate_practitioner(str(raw))
        except DomainError:
            raise bad() from None
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


# The alert rules, in the order `fit rules` lists them.
RULE_IDS: tuple[str, ...] = (
    "ors-single", "ors-deterioration", "ors-no-change", "ors-below-target",
    "ors-intake-above-cutoff", "ors-sawtooth", "srs-low", "srs-item-low", "srs-drop",
    "srs-missing", "no-recent-meeting",
)

# The published source of each rule, short enough for a flag line and precise enough to look
# up (docs/rules.md and `fit rules` give the full citations).
RULE_SOURCES: dict[str, str] = {
    "ors-single": "OpenFIT alert table",
    "ors-deterioration": "Jacobson & Truax 1991",
    "ors-no-change": "Norwegian FIT training material (no primary study)",
    "ors-below-target": "OpenFIT alert table; BON progress-23",
    "ors-intake-above-cutoff": "BON progress-23; Miller et al. 2003",
    "ors-sawtooth": "BON progress-23",
    "srs-low": "Duncan et al. 2003; OpenFIT alert table",
    "srs-item-low": "ICCE practice",
    "srs-drop": "OpenFIT alert table (stricter: any drop red)",
    "srs-missing": "Duncan et al. 2003 (an SRS at every meeting)",
    "no-recent-meeting": "fitcli default (no published threshold)",
}
_NORMS = "Miller et al. 2003; Duncan et al. 2006; BON progress-23"
_ETR = "BON algorithms-23"


def _norm(key: str, source: str, maximum: float = 40.0, minimum: float = 0.0) -> Setting:
    """A norm-profile value: ``None`` until the user overrides it (shown as "profile")."""
    return Setting(key, "float", None, source, minimum=minimum, maximum=maximum, nullable=True)


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting("lang", "choice", None, "system locale", choices=("en", "nb", "da", "sv")),
        Setting("norms", "choice", "fit", _NORMS, choices=tuple(PROFILES)),
        # Who you are in the records (FIT_PRACTITIONER wins; on a team database: the login).
        Setting("practitioner", "code", None, "fitcli team store"),
        # Overrides of the active profile's numbers (model/norms.py).
        _norm("cutoff.adult", _NORMS),
        _norm("cutoff.adolescent", _NORMS),
        _norm("cutoff.child", _NORMS),
        _norm("rci", "Jacobson & Truax 1991", minimum=0.1),
        _norm("sd.adult", "Seidel, Miller & Chow 2014", minimum=0.1),
        _norm("sd.youth", "Seidel, Miller & Chow 2014", minimum=0.1),
        _norm("srs-cutoff", "Duncan et al. 2003"),
        # No ETR target when the intake is above 32 (the expected change is <= 0).
        Setting("etr.max-intake", "float", 32.0, _ETR, minimum=0.0, maximum=40.0),
        *(Setting(f"{rule}.enabled", "bool", True, RULE_SOURCES[rule]) for rule in RULE_IDS),
        # No reliable improvement and below the ETR target by the rater's ORS score 3 (amber),
        # 8 (red) and 10 (red: the last-chance review).
        Setting("ors-no-change.amber-at", "int", 3, RULE_SOURCES["ors-no-change"], minimum=2,
                maximum=100),
        Setting("ors-no-change.red-at", "int", 8, RULE_SOURCES["ors-no-change"], minimum=2,
                maximum=100),
        Setting("ors-no-change.last-chance-at", "int", 10, RULE_SOURCES["ors-no-change"],
                minimum=2, maximum=100),
        # Below target is amber with >= 50 % of the expected change met (progress-23's
        # milestone), red below it.
        Setting("ors-below-target.amber-min-pct", "float", 50.0,
                RULE_SOURCES["ors-below-target"], minimum=0.0, maximum=100.0),
        # Sawtooth: 4+ direction changes, each a move of 6+ points (progress-23 constants).
        Setting("ors-sawtooth.changes", "int", 4, "BON progress-23", minimum=1, maximum=100),
        Setting("ors-sawtooth.points", "float", 6.0, "BON progress-23", minimum=0.1,
                maximum=40.0),
        # SRS below the cutoff amber; below 30 red (0 switches the red level off).
        Setting("srs-low.red-below", "float", 30.0, "OpenFIT alert table", minimum=0.0,
                maximum=40.0),
        Setting("srs-item-low.below", "float", 9.0, "ICCE practice", minimum=0.0, maximum=10.0),
        # A drop of 1 point or more since the previous SRS; amber unless it also ends below
        # the SRS cutoff. "red" restores the OpenFIT alert table's rule: every drop is red.
        Setting("srs-drop.points", "float", 1.0, "OpenFIT alert table", minimum=0.1,
                maximum=40.0),
        Setting("srs-drop.severity", "choice", "amber", "OpenFIT alert table (red)",
                choices=("amber", "red")),
        Setting("no-recent-meeting.days", "int", 30, RULE_SOURCES["no-recent-meeting"],
                minimum=1, maximum=3650),
    )
}

# Which field of the norm profile each override replaces (model/norms.py NormProfile).
PROFILE_FIELDS: dict[str, str] = {
    "cutoff.adult": "cutoff_adult", "cutoff.adolescent": "cutoff_adolescent",
    "cutoff.child": "cutoff_child", "rci": "rci", "sd.adult": "sd_adult",
    "sd.youth": "sd_youth", "srs-cutoff": "srs_cutoff",
}

Source = Literal["config", "profile", "default"]


def resolve(values: Mapping[str, Value], key: str) -> tuple[Value | None, Source]:
    """The value in effect for ``key`` and where it comes from.

    ``values`` holds what the config file sets (already validated). Norm overrides that are
    not set come from the active profile; everything else from the registry's default.
    """
    if key in values:
        return values[key], "config"
    field_name = PROFILE_FIELDS.get(key)
    if field_name is not None:
        return getattr(norm_profile(values), field_name), "profile"
    return SETTINGS[key].default, "default"


def norm_profile(values: Mapping[str, Value]) -> NormProfile:
    """The active norm profile (setting ``norms``) with the user's overrides applied."""
    name = values.get("norms", SETTINGS["norms"].default)
    profile = PROFILES[str(name)]
    changes: dict[str, Any] = {f: float(values[k]) for k, f in PROFILE_FIELDS.items()
                               if k in values}
    return replace(profile, **changes) if changes else profile


def lookup(key: str) -> Setting:
    try:
        return SETTINGS[key]
    except KeyError:
        raise DomainError("error.setting_unknown", key=key,
                          known=", ".join(sorted(SETTINGS))) from None
