"""Words for alert flags: the one-line message, the JSON shape and the grouped text listing.

Plain text, no rich: `fit flags` may walk thousands of clients and `fit ors` prints the
flags a meeting raised on its hot path.
"""

from __future__ import annotations

from typing import Any

from fitcli.i18n import (
    DEFAULT,
    current_language,
    in_language,
    item_labels,
    label_generation,
    num,
    t,
    template,
)
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


# The same few hundred numbers recur across thousands of flags: word each once per language.
_SHOWN: dict[tuple[str, str, type, float | int | str], str] = {}


def _shown_cached(lang: str, name: str, value: float | int | str) -> str:
    key = (lang, name, type(value), value)  # the type too: 1 and 1.0 are equal keys
    text = _SHOWN.get(key)
    if text is None:
        text = _SHOWN[key] = _shown(name, value)
    return text


# Each rule's catalogue text per language (t() would look it up again for every flag).
_TEMPLATES: dict[tuple[str, str, str], str] = {}


def _template(lang: str, flag: Flag) -> str:
    key = (lang, flag.rule, flag.variant)
    text = _TEMPLATES.get(key)
    if text is None:
        text = _TEMPLATES[key] = template(flag.message_key)
    return text


_LABELS: dict[tuple[str, AgeGroup, int], list[str]] = {}


def _srs_labels(lang: str, age_group: AgeGroup) -> list[str]:
    key = (lang, age_group, label_generation())  # a new label file means new labels
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = item_labels("srs", age_group)
    return labels


def message(flag: Flag, age_group: AgeGroup = "adult") -> str:
    """The flag as one translated line, with the numbers that triggered it."""
    lang = current_language()
    shown = _SHOWN
    params: dict[str, str] = {}
    for name, value in flag.values.items():
        text = shown.get((lang, name, type(value), value))
        params[name] = text if text is not None else _shown_cached(lang, name, value)
    params["session"] = str(flag.session) if flag.session is not None else "-"
    if flag.rule == "srs-item-low":
        params["label"] = _srs_labels(lang, age_group)[int(flag.values["item"]) - 1]
    elif flag.rule == "ors-deterioration":
        params["fall"] = _shown_cached(lang, "fall", abs(float(flag.values["change"])))
    return _template(lang, flag).format_map(params)


def flag_dict(flag: Flag, age_group: AgeGroup = "adult") -> dict[str, Any]:
    """One element of `fit flags --json` (a stable script API: the keys never change).

    The message is always English with plain numbers: JSON is the same in every language."""
    with in_language(DEFAULT):
        text = message(flag, age_group)
    return {"client": flag.client, "rule": flag.rule, "severity": flag.severity.value,
            "session": flag.session, "message": text}


def severity_word(severity: Severity) -> str:
    return t(f"severity.{severity.value}")


def _severity_column() -> dict[Severity, str]:
    words = {s: severity_word(s) for s in Severity}
    width = max(len(w) for w in words.values())
    return {s: w.ljust(width) for s, w in words.items()}


_WHERE: dict[tuple[str, int | None], str] = {}  # "meeting 5" per language, made once


def _where(session: int | None) -> str:
    key = (current_language(), session)
    text = _WHERE.get(key)
    if text is None:
        text = _WHERE[key] = (t("flags.meeting", session=session) if session is not None
                              else t("flags.no_meeting"))
    return text


def flag_line(flag: Flag, age_group: AgeGroup = "adult", indent: str = "  ",
              column: dict[Severity, str] | None = None) -> str:
    """``  RED    meeting 5: <message>  [rule-id; source]``"""
    column = column or _severity_column()
    where = _where(flag.session)
    return (f"{indent}{column[flag.severity]}  {where}: "
            f"{message(flag, age_group)}  [{flag.rule}; {flag.source}]")


def tally(flags: list[Flag], into: dict[Severity, int] | None = None) -> dict[Severity, int]:
    """How many flags of each level (added to ``into`` when given)."""
    counted = into if into is not None else {s: 0 for s in Severity}
    for f in flags:
        counted[f.severity] += 1
    return counted


_COUNTS: dict[tuple[str, int, int, int], str] = {}


def counts(counted: dict[Severity, int]) -> str:
    """``2 RED, 1 AMBER`` (only the levels present, most severe first)."""
    key = (current_language(), counted.get(Severity.RED, 0), counted.get(Severity.AMBER, 0),
           counted.get(Severity.INFO, 0))
    text = _COUNTS.get(key)
    if text is None:  # the same few dozen combinations recur across a caseload
        text = _COUNTS[key] = ", ".join(
            t("flags.count", count=counted[s], severity=severity_word(s))
            for s in Severity if counted.get(s))
    return text


def severity_column() -> dict[Severity, str]:
    """The severity words padded to one width, for aligned listings."""
    return _severity_column()


def client_block(client_id: str, age_group: AgeGroup, flags: list[Flag],
                 column: dict[Severity, str] | None = None) -> list[str]:
    """A client's header line and one line per flag (as given: most severe first)."""
    column = column or _severity_column()
    return [t("flags.client_header", client=client_id, counts=counts(tally(flags))),
            *(flag_line(f, age_group, column=column) for f in flags)]


def summary(counted: dict[Severity, int], clients: int, checked: int) -> str:
    """The last line of `fit flags`: how many flags, for how many of the clients checked."""
    return t("flags.summary", flags=sum(counted.values()), clients=clients, checked=checked,
             counts=counts(counted))
