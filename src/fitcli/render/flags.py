"""Words for alert flags: the one-line message, the JSON shape and the grouped text listing.

Plain text, no rich: `fit flags` may walk thousands of clients and `fit ors` prints the
flags a meeting raised on its hot path.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from fitcli.i18n import (
    DEFAULT,
    current_language,
    decimal_mark,
    in_language,
    item_labels,
    label_generation,
    t,
    template,
)
from fitcli.model.alerts import Flag, RuleRow, Severity
from fitcli.model.scores import SELF, AgeGroup

_PCT = frozenset({"pct", "amber_min_pct"})
_SIGNED = frozenset({"change"})
_STEPS = {1: Decimal("0.1"), 2: Decimal("0.01")}

# The short citations the source texts of the catalogue name (names and years, the same in
# every language; docs/rules.md gives them in full).
CITATIONS = {
    "jt": "Jacobson & Truax 1991",
    "bon": "BON progress-23",
    "miller": "Miller et al. 2003",
    "duncan": "Duncan et al. 2003",
}


def _half_up(value: float, decimals: int = 1) -> str:
    """Rounded half up (as the published calculator shows numbers), the language's mark."""
    text = str(Decimal(repr(float(value))).quantize(_STEPS[decimals], rounding=ROUND_HALF_UP))
    return text.replace(".", decimal_mark())


def _shown(name: str, value: float | int | str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if name in _PCT:  # a share below target never shows as 100 %
        return _half_up(min(value, 99.9) if name == "pct" else value)
    if name in _SIGNED:
        return ("+" if value > 0 else "") + _half_up(value)
    return _half_up(value)


# The same few hundred numbers recur across thousands of flags: word each once per language.
_SHOWN: dict[tuple[str, str, type, float | int | str], str] = {}


def _shown_cached(lang: str, name: str, value: float | int | str) -> str:
    key = (lang, name, type(value), value)  # the type too: 1 and 1.0 are equal keys
    text = _SHOWN.get(key)
    if text is None:
        text = _SHOWN[key] = _shown(name, value)
    return text


# Each message's catalogue text per language (t() would look it up again for every flag).
_TEMPLATES: dict[tuple[str, str], str] = {}


def _template(lang: str, key: str) -> str:
    text = _TEMPLATES.get((lang, key))
    if text is None:
        text = _TEMPLATES[(lang, key)] = template(key)
    return text


_LABELS: dict[tuple[str, AgeGroup, int], list[str]] = {}


def _srs_labels(lang: str, age_group: AgeGroup) -> list[str]:
    key = (lang, age_group, label_generation())  # a new label file means new labels
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = item_labels("srs", age_group)
    return labels


def _number(flag: Flag, name: str) -> float:
    value = flag.values[name]
    assert isinstance(value, int | float)
    return value


def _also_key(rule: str, flag: Flag, just: bool) -> str:
    """The catalogue key of a folded rule's clause."""
    if rule == "ors-no-change":
        return f"flag.also.ors-no-change.{flag.values['stage']}"
    if rule == "ors-below-target":
        return "flag.also.ors-below-target.just" if just else "flag.also.ors-below-target"
    if rule == "srs-low":
        return f"flag.also.srs-low.{flag.values['level']}"
    return f"flag.also.{rule}"


def message(flag: Flag, age_group: AgeGroup = "adult") -> str:
    """The flag as one translated line, with the numbers that triggered it, the facts folded
    into it, and who rated when it is not the client."""
    lang = current_language()
    shown = _SHOWN
    params: dict[str, str] = {}
    for name, value in flag.values.items():
        if isinstance(value, tuple):
            continue
        text = shown.get((lang, name, type(value), value))
        params[name] = text if text is not None else _shown_cached(lang, name, value)
    params["session"] = str(flag.session) if flag.session is not None else "-"
    if "item" in params:
        params["label"] = _srs_labels(lang, age_group)[int(_number(flag, "item")) - 1]
    if flag.rule == "ors-deterioration":
        params["fall"] = _shown_cached(lang, "fall", abs(_number(flag, "change")))
    # Below a target whose shown value equals the score: say so in words, target to 0.01.
    just = "target" in params and params["target"] == params.get("latest")
    if just:
        params["target"] = _half_up(_number(flag, "target"), 2)
    key = flag.message_key
    if just and flag.rule == "ors-below-target":
        key += ".just"
    text = _template(lang, key).format_map(params)
    if flag.rater != SELF:
        text += " " + t("flags.rated_by", rater=flag.rater)
    for rule in flag.also:
        text += "; " + _template(lang, _also_key(rule, flag, just)).format_map(params)
    return text


def source(flag: Flag) -> str:
    """The rule's short published source, in the user's language."""
    return _template(current_language(), f"source.{flag.rule}").format_map(CITATIONS)


def flag_dict(flag: Flag, age_group: AgeGroup = "adult") -> dict[str, Any]:
    """One element of `fit flags --json` (a stable script API: keys are added, never changed).

    The message is always English with plain numbers: JSON is the same in every language."""
    with in_language(DEFAULT):
        text = message(flag, age_group)
    return {"client": flag.client, "rule": flag.rule, "severity": flag.severity.value,
            "session": flag.session, "message": text, "rater": flag.rater,
            "also": list(flag.also)}


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
              column: dict[Severity, str] | None = None, verbose: bool = False) -> str:
    """``  RED    meeting 5: <message> [source: <source>]``, all in the user's language;
    ``verbose`` adds the rule id ``[rule-id]`` for scripts and support."""
    column = column or _severity_column()
    where = _where(flag.session)
    line = (f"{indent}{column[flag.severity]}  {where}: {message(flag, age_group)} "
            f"[{_template(current_language(), 'flags.source').format(source=source(flag))}]")
    return f"{line} [{flag.rule}]" if verbose else line


def rule_name(rule: str) -> str:
    """A rule's short name in the user's language (the Flag column, headlines)."""
    return t(f"rule.{rule}.name")


# ANSI colours of the severity words on a colour terminal: red, amber (yellow), info plain.
_ANSI = {Severity.RED: "\x1b[1;31m", Severity.AMBER: "\x1b[1;33m"}
_RESET = "\x1b[0m"


def for_terminal(lines: list[str], width: int, colour: bool,
                 column: dict[Severity, str] | None = None, indent: str = "  ") -> list[str]:
    """Flag listings for a person at a terminal: each flag line wrapped at word boundaries
    to ``width`` with a hanging indent under its message, and the severity word coloured
    when ``colour``. Other lines (client headers, the summary) are wrapped only."""
    import textwrap

    column = column or _severity_column()
    words = {w: s for s, w in column.items()}
    size = len(next(iter(column.values())))
    hang = " " * (len(indent) + size + 2)
    out: list[str] = []
    for line in lines:
        severity = words.get(line[len(indent):len(indent) + size])
        is_flag = line.startswith(indent) and severity is not None
        pieces = textwrap.wrap(line, width=max(width, 40), subsequent_indent=hang if is_flag
                               else "  ", break_long_words=False, break_on_hyphens=False,
                               initial_indent="") or [line]
        if is_flag:
            pieces[0] = indent + pieces[0].lstrip()  # textwrap drops the leading indent
            if colour and severity in _ANSI:
                start = len(indent)
                word = pieces[0][start:start + size]
                pieces[0] = (pieces[0][:start] + _ANSI[severity] + word.rstrip() + _RESET
                             + word[len(word.rstrip()):] + pieces[0][start + size:])
        out += pieces
    return out


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
                 column: dict[Severity, str] | None = None,
                 verbose: bool = False) -> list[str]:
    """A client's header line and one line per flag (as given: most severe first)."""
    column = column or _severity_column()
    return [t("flags.client_header", client=client_id, counts=counts(tally(flags))),
            *(flag_line(f, age_group, column=column, verbose=verbose) for f in flags)]


def summary(counted: dict[Severity, int], clients: int, checked: int) -> str:
    """The last line of `fit flags`: how many flags, for how many of the clients checked."""
    return t("flags.summary", flags=sum(counted.values()), clients=clients, checked=checked,
             counts=counts(counted))


# -- `fit rules` ------------------------------------------------------------------------------

# Which setting fills each placeholder of a rule's trigger text.
_TRIGGER_PARAMS: dict[str, dict[str, str]] = {
    "ors-no-change": {"amber": "ors-no-change.amber-at", "red": "ors-no-change.red-at",
                      "last": "ors-no-change.last-chance-at"},
    "ors-below-target": {"pct": "ors-below-target.amber-min-pct",
                         "max_intake": "etr.max-intake"},
    "ors-sawtooth": {"points": "ors-sawtooth.points", "changes": "ors-sawtooth.changes"},
    "srs-low": {"red_below": "srs-low.red-below"},
    "srs-item-low": {"below": "srs-item-low.below"},
    "srs-drop": {"points": "srs-drop.points"},
    "no-recent-meeting": {"days": "no-recent-meeting.days"},
}


def _setting_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}".replace(".", decimal_mark())
    return "-" if value is None else str(value)


def rules_listing(rows: list[RuleRow]) -> list[str]:
    """`fit rules` as text: per rule its severities, what triggers it (with the thresholds in
    effect), its settings with their values, and its source, in the user's language."""
    lines = [t("rules.title")]
    for row in rows:
        words = "/".join(severity_word(s) for s in row.severities)
        params = {name: _setting_value(row.settings[key])
                  for name, key in _TRIGGER_PARAMS.get(row.rule, {}).items()}
        settings = ", ".join(f"{key} = {_setting_value(value)}"
                             for key, value in row.settings.items())
        lines += ["", t("rules.rule", rule=row.rule, severity=words),
                  t("rules.when", text=t(f"rule.{row.rule}.trigger", **params)),
                  t("rules.settings", settings=settings),
                  t("rules.source", source=_template(current_language(),
                                                     f"source.{row.rule}").format_map(CITATIONS))]
    return lines


def rule_dict(row: RuleRow) -> dict[str, Any]:
    """One element of `fit rules --json`."""
    return {"rule": row.rule, "severity": "/".join(s.value for s in row.severities),
            "settings": dict(row.settings), "source": row.source}
