"""Words for alert flags: the one-line message, the JSON shape and the grouped text listing.

Plain text, no rich: `fit flags` may walk thousands of clients and `fit ors` prints the
flags a meeting raised on its hot path.
"""

from __future__ import annotations

from typing import Any

from fitcli.i18n import item_labels, num, t
from fitcli.model.alerts import Flag, Severity
from fitcli.model.scores import AgeGroup

_PCT = frozenset({"pct", "amber_min_pct"})
_SIGNED = frozenset({"change"})


def _shown(name: str, value: float | int | str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if name in _PCT:
        return num(value, 0)
    if name in _SIGNED:
        return ("+" if value > 0 else "") + num(value)
    return num(value)


def message(flag: Flag, age_group: AgeGroup = "adult") -> str:
    """The flag as one translated line, with the numbers that triggered it."""
    params = {name: _shown(name, value) for name, value in flag.values.items()}
    params["session"] = str(flag.session) if flag.session is not None else "-"
    if flag.rule == "srs-item-low":
        params["label"] = item_labels("srs", age_group)[int(flag.values["item"]) - 1]
    if flag.rule == "ors-deterioration":
        params["fall"] = num(abs(float(flag.values["change"])))
    return t(flag.message_key, **params)


def flag_dict(flag: Flag, age_group: AgeGroup = "adult") -> dict[str, Any]:
    """One element of `fit flags --json` (a stable script API: the keys never change)."""
    return {"client": flag.client, "rule": flag.rule, "severity": flag.severity.value,
            "session": flag.session, "message": message(flag, age_group)}


def severity_word(severity: Severity) -> str:
    return t(f"severity.{severity.value}")


def flag_line(flag: Flag, age_group: AgeGroup = "adult", indent: str = "  ") -> str:
    """``  RED    meeting 5  <message>  [rule-id; source]``"""
    width = max(len(severity_word(s)) for s in Severity)
    where = (t("flags.meeting", session=flag.session) if flag.session is not None
             else t("flags.no_meeting"))
    return (f"{indent}{severity_word(flag.severity).ljust(width)}  {where}: "
            f"{message(flag, age_group)}  [{flag.rule}; {flag.source}]")


def client_block(client_id: str, age_group: AgeGroup, flags: list[Flag]) -> list[str]:
    counts = ", ".join(
        t("flags.count", count=n, severity=severity_word(s))
        for s in Severity if (n := sum(1 for f in flags if f.severity == s))
    )
    return [t("flags.client_header", client=client_id, counts=counts),
            *(flag_line(f, age_group) for f in flags)]
