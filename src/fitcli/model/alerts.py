"""The alert rules of FIT-REFERENCE.md section 5. Pure: today and thresholds are arguments.

``evaluate(client, profile, rules, today)`` returns the client's current flags, each with a
fixed rule id, a severity, the meeting it refers to and the numbers that triggered it (as
data: the words are chosen where output is made, from the catalogue key ``flag.<rule>`` or
``flag.<rule>.<variant>``). ``RuleSettings.from_values`` reads every switch and threshold from
the validated config values (model/settings.py), so each rule can be turned off or re-tuned.

ORS rules look at the chosen rater's ORS scores ("meeting m" = the rater's m-th ORS); SRS
rules at the SRS scores of the same rater, in meeting order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, NamedTuple

from fitcli.model.norms import NormProfile
from fitcli.model.progress import meeting_target, percent_met
from fitcli.model.scores import AGE_GROUPS, AgeGroup, Client, Rater, Rating
from fitcli.model.settings import RULE_IDS, SETTINGS, Value

RuleId = Literal[
    "ors-single", "ors-deterioration", "ors-no-change", "ors-below-target",
    "ors-intake-above-cutoff", "ors-sawtooth", "srs-low", "srs-item-low", "srs-drop",
    "srs-missing", "no-recent-meeting",
]
Number = float | int


class Severity(StrEnum):
    RED = "red"
    AMBER = "amber"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is more severe: red 3, amber 2, info 1."""
        return _RANK[self]


_RANK = {Severity.RED: 3, Severity.AMBER: 2, Severity.INFO: 1}
_ORDER = {rule: n for n, rule in enumerate(RULE_IDS)}

# Where each rule comes from (shown with every flag; FIT-REFERENCE §5 lists them).
SOURCES: dict[str, str] = {
    "ors-single": "FIT-REFERENCE §5",
    "ors-deterioration": "FIT-REFERENCE §3, §5 (reliable change)",
    "ors-no-change": "FIT-REFERENCE §5 (PCOMS checkpoints)",
    "ors-below-target": "FIT-REFERENCE §4, §5 (algorithms-23 ETR)",
    "ors-intake-above-cutoff": "FIT-REFERENCE §3, §5",
    "ors-sawtooth": "FIT-REFERENCE §4 (validity)",
    "srs-low": "FIT-REFERENCE §3, §5 (SRS cutoff)",
    "srs-item-low": "FIT-REFERENCE §5",
    "srs-drop": "FIT-REFERENCE §5 (OpenFIT)",
    "srs-missing": "FIT-REFERENCE §5",
    "no-recent-meeting": "FIT-REFERENCE §5 (engagement)",
}


class Flag(NamedTuple):
    """One alert: which rule, how severe, which meeting, and the numbers behind it.

    (A NamedTuple, immutable like a frozen dataclass but several times cheaper to create:
    `fit flags` makes tens of thousands.)"""

    client: str
    rule: RuleId
    severity: Severity
    session: int | None  # the meeting it refers to (None: the client has no meeting)
    values: Mapping[str, Number | str]  # the numbers that triggered it
    variant: str = ""  # e.g. the no-change checkpoint reached: discuss / change / last_chance
    rater: str = "self"  # whose forms: the client or a collateral rater's code

    @property
    def source(self) -> str:
        return SOURCES[self.rule]

    @property
    def message_key(self) -> str:
        return f"flag.{self.rule}.{self.variant}" if self.variant else f"flag.{self.rule}"


@dataclass(frozen=True)
class RuleSettings:
    """Every switch and threshold of the rules; defaults are FIT-REFERENCE §4-5."""

    enabled: frozenset[str] = frozenset(RULE_IDS)
    no_change_amber_at: int = 3
    no_change_red_at: int = 6
    no_change_last_chance_at: int = 9
    below_target_amber_min_pct: float = 50.0
    sawtooth_changes: int = 4
    sawtooth_points: float = 6.0
    srs_red_below: float = 30.0
    srs_item_below: float = 9.0
    srs_drop_points: float = 1.0
    no_meeting_days: int = 30
    etr_max_intake: float = 32.0

    @classmethod
    def from_values(cls, values: Mapping[str, Value]) -> RuleSettings:
        """Build from the config file's validated values; unset keys take their defaults."""
        def get(key: str) -> Value:
            value = values.get(key, SETTINGS[key].default)
            assert value is not None
            return value

        return cls(
            enabled=frozenset(r for r in RULE_IDS if get(f"{r}.enabled") is True),
            no_change_amber_at=int(get("ors-no-change.amber-at")),
            no_change_red_at=int(get("ors-no-change.red-at")),
            no_change_last_chance_at=int(get("ors-no-change.last-chance-at")),
            below_target_amber_min_pct=float(get("ors-below-target.amber-min-pct")),
            sawtooth_changes=int(get("ors-sawtooth.changes")),
            sawtooth_points=float(get("ors-sawtooth.points")),
            srs_red_below=float(get("srs-low.red-below")),
            srs_item_below=float(get("srs-item-low.below")),
            srs_drop_points=float(get("srs-drop.points")),
            no_meeting_days=int(get("no-recent-meeting.days")),
            etr_max_intake=float(get("etr.max-intake")),
        )


def _tenths(value: float) -> int:
    return round(value * 10)


def direction_changes(totals: list[float], points: float) -> int:
    """Sawtooth count: moves of at least ``points`` opposite in direction to the move
    before them, between consecutive scores (FIT-REFERENCE §4). Flat moves are skipped."""
    big = _tenths(points)
    found = 0
    before: int | None = None  # the previous score, in tenths
    last_move = 0  # the previous non-flat move (0: none yet)
    for total in totals:
        now = round(total * 10)
        if before is not None and now != before:
            move = now - before
            if last_move and (last_move > 0) != (move > 0) and abs(move) >= big:
                found += 1
            last_move = move
        before = now
    return found


class _Limits(NamedTuple):
    """The thresholds of one (profile, rules) pair in whole tenths, worked out once: the
    rules compare exact one-decimal numbers as integers (no 4.999999 at a boundary)."""

    rci: int
    srs_cutoff: int
    srs_red_below: int
    srs_item_below: int
    srs_drop: int
    cutoffs: Mapping[str, float]


_last_limits: tuple[NormProfile, RuleSettings, _Limits] | None = None


def _limits(profile: NormProfile, rules: RuleSettings) -> _Limits:
    global _last_limits
    last = _last_limits
    if last is not None and last[0] is profile and last[1] is rules:
        return last[2]
    limits = _Limits(
        rci=_tenths(profile.rci), srs_cutoff=_tenths(profile.srs_cutoff),
        srs_red_below=_tenths(rules.srs_red_below), srs_item_below=_tenths(rules.srs_item_below),
        srs_drop=_tenths(rules.srs_drop_points),
        cutoffs={group: profile.cutoff(group) for group in AGE_GROUPS})
    _last_limits = (profile, rules, limits)
    return limits


# meeting_target rounds with Decimal; the same few thousand (intake, count) pairs recur
# across a caseload, so each is worked out once per process.
_TARGETS: dict[tuple[float, int, AgeGroup, float], float | None] = {}


def _target(intake: float, count: int, age_group: AgeGroup, max_intake: float) -> float | None:
    key = (intake, count, age_group, max_intake)
    try:
        return _TARGETS[key]
    except KeyError:
        target = _TARGETS[key] = meeting_target(intake, count, age_group, max_intake)
        return target


def _ors_rules(cid: str, age_group: AgeGroup, ors: list[tuple[int, float]],
               rules: RuleSettings, profile: NormProfile, limits: _Limits) -> list[Flag]:
    on = rules.enabled
    flags: list[Flag] = []
    cutoff = limits.cutoffs[age_group]
    first_session, intake = ors[0]
    last_session, latest = ors[-1]
    count = len(ors)
    if "ors-intake-above-cutoff" in on and intake >= cutoff:
        flags.append(Flag(cid, "ors-intake-above-cutoff", Severity.INFO, first_session,
                          {"intake": intake, "cutoff": cutoff}))
    if count == 1:
        if "ors-single" in on:
            flags.append(Flag(cid, "ors-single", Severity.INFO, first_session, {"ors": intake}))
        return flags
    moved = _tenths(latest) - _tenths(intake)  # model/change.py change(), in tenths
    delta = moved / 10
    if "ors-deterioration" in on and moved <= -limits.rci:
        flags.append(Flag(cid, "ors-deterioration", Severity.RED, last_session,
                          {"intake": intake, "latest": latest, "change": delta,
                           "rci": profile.rci}))
    if "ors-no-change" in on and moved < limits.rci:
        stage = None
        if count >= rules.no_change_last_chance_at:
            stage, severity, at = "last_chance", Severity.RED, rules.no_change_last_chance_at
        elif count >= rules.no_change_red_at:
            stage, severity, at = "change", Severity.RED, rules.no_change_red_at
        elif count >= rules.no_change_amber_at:
            stage, severity, at = "discuss", Severity.AMBER, rules.no_change_amber_at
        if stage is not None:
            flags.append(Flag(cid, "ors-no-change", severity, last_session,
                              {"meetings": count, "checkpoint": at, "change": delta,
                               "rci": profile.rci}, variant=stage))
    target = (_target(intake, count, age_group, rules.etr_max_intake)
              if "ors-below-target" in on else None)
    if target is not None and latest < target:
        pct = percent_met(intake, latest, target)
        shown = 0.0 if pct is None else pct
        severity = (Severity.AMBER if shown >= rules.below_target_amber_min_pct
                    else Severity.RED)
        flags.append(Flag(cid, "ors-below-target", severity, last_session,
                          {"latest": latest, "target": target, "pct": shown,
                           "amber_min_pct": rules.below_target_amber_min_pct}))
    if "ors-sawtooth" in on and count > rules.sawtooth_changes:
        found = direction_changes([score for _, score in ors], rules.sawtooth_points)
        if found >= rules.sawtooth_changes:
            flags.append(Flag(cid, "ors-sawtooth", Severity.INFO, last_session,
                              {"changes": found, "points": rules.sawtooth_points}))
    return flags


def _srs_rules(cid: str, srs: list[tuple[int, Rating]], rules: RuleSettings,
               profile: NormProfile, limits: _Limits) -> list[Flag]:
    on = rules.enabled
    flags: list[Flag] = []
    session, latest = srs[-1]
    total = latest.total
    total_tenths = _tenths(total)
    if "srs-low" in on and total_tenths < limits.srs_cutoff:
        red = total_tenths < limits.srs_red_below
        flags.append(Flag(cid, "srs-low", Severity.RED if red else Severity.AMBER, session,
                          {"srs": total, "cutoff": profile.srs_cutoff,
                           "red_below": rules.srs_red_below},
                          variant="red" if red else "amber"))
    if "srs-item-low" in on and latest.items is not None:
        below = limits.srs_item_below
        low = [(i + 1, v) for i, v in enumerate(latest.items) if _tenths(v) < below]
        if low:
            item, score = min(low, key=lambda pair: pair[1])
            flags.append(Flag(cid, "srs-item-low", Severity.INFO, session,
                              {"item": item, "score": score, "count": len(low),
                               "below": rules.srs_item_below}))
    if "srs-drop" in on and len(srs) >= 2:
        prev_session, prev = srs[-2]
        fell = _tenths(prev.total) - total_tenths
        if fell >= limits.srs_drop:
            flags.append(Flag(cid, "srs-drop", Severity.RED, session,
                              {"previous": prev.total, "latest": total, "drop": fell / 10,
                               "previous_session": prev_session,
                               "points": rules.srs_drop_points}))
    return flags


def _engagement(client: Client, rules: RuleSettings, today: dt.date) -> list[Flag]:
    if "no-recent-meeting" not in rules.enabled or client.closed is not None:
        return []
    last = client.last_date or client.start
    days = (today - last).days
    if days < rules.no_meeting_days:
        return []
    session = client.sessions[-1].session if client.sessions else None
    return [Flag(client.id, "no-recent-meeting", Severity.AMBER, session,
                 {"days": days, "last": last.isoformat(), "limit": rules.no_meeting_days})]


def _sort_key(flag: Flag) -> tuple[int, int]:
    return -_RANK[flag.severity], _ORDER[flag.rule]


def evaluate(
    client: Client,
    profile: NormProfile,
    rules: RuleSettings,
    today: dt.date,
    *,
    rater: Rater = "self",
) -> list[Flag]:
    """The client's current flags, most severe first (then in the order of §5).

    Uses the same numbers as model/trajectory.py (change, meeting target, percent met)
    without building the per-meeting path: `fit flags` runs this for every client, so the
    meetings are walked once and the thresholds are worked out once per settings."""
    limits = _limits(profile, rules)
    cid = client.id
    ors: list[tuple[int, float]] = []  # the rater's ORS totals, in meeting order
    srs: list[tuple[int, Rating]] = []  # the rater's SRS ratings
    missing = 0  # meetings with an ORS (any rater) but no SRS
    last_missing = 0
    for s in client.sessions:
        o, r = s.ors, s.srs
        if o is not None:
            if o.rater == rater:
                ors.append((s.session, o.total))
            if r is None:
                missing += 1
                last_missing = s.session
        if r is not None and r.rater == rater:
            srs.append((s.session, r))
    flags = (_ors_rules(cid, client.age_group, ors, rules, profile, limits) if ors else [])
    if srs:
        flags += _srs_rules(cid, srs, rules, profile, limits)
    if missing and "srs-missing" in rules.enabled:
        flags.append(Flag(cid, "srs-missing", Severity.INFO, last_missing, {"count": missing}))
    flags += _engagement(client, rules, today)
    if len(flags) > 1:
        flags.sort(key=_sort_key)
    return flags


def worst(flags: list[Flag]) -> Flag | None:
    """The most severe flag (the first of equals in rule order), or None."""
    return max(flags, key=lambda f: f.severity.rank, default=None)


def at_or_above(flags: list[Flag], level: Severity) -> list[Flag]:
    least = _RANK[level]
    return [f for f in flags if _RANK[f.severity] >= least]
