"""The alert rules of `fit flags`. Pure: today and thresholds are arguments.

``evaluate(client, profile, rules, today)`` returns the client's current flags, each with a
fixed rule id, a severity, the rater it is about, the meeting it refers to and the numbers that
triggered it (as data: the words are chosen where output is made, from the catalogue key
``flag.<rule>`` or ``flag.<rule>.<variant>``). ``RuleSettings.from_values`` reads every switch
and threshold from the validated config values (model/settings.py), so each rule can be turned
off or re-tuned.

Each rater is judged on their own trajectory: the ORS rules look at one rater's ORS scores
("meeting m" = the rater's m-th ORS), the SRS rules at the same rater's SRS scores. A child
rated only by a parent gets every ORS rule from the parent's scores.

One headline per rater and finding: a reliable deterioration also means below the target and
no reliable improvement, so those facts are folded into the deterioration flag (its values and
``also``) instead of being separate lines; otherwise the more severe of "no change" and "below
target" is the headline and carries the other. Likewise an SRS drop carries a low SRS total and
a low item, and a low total carries a low item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise
from typing import Literal, NamedTuple

from fitcli.model.etr import round1
from fitcli.model.norms import NormProfile
from fitcli.model.progress import meeting_target, percent_met
from fitcli.model.scores import AGE_GROUPS, SELF, AgeGroup, Client, Rater, Rating
from fitcli.model.settings import RULE_IDS, RULE_SOURCES, SETTINGS, Value, resolve

RuleId = Literal[
    "ors-single", "ors-deterioration", "ors-no-change", "ors-below-target",
    "ors-intake-above-cutoff", "ors-sawtooth", "srs-low", "srs-item-low", "srs-drop",
    "srs-missing", "no-recent-meeting",
]
Number = float | int
FlagValue = Number | str | tuple[str, ...]


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

SOURCES: dict[str, str] = RULE_SOURCES  # each rule's published source, short form

# The severity each rule can take under the default settings (shown by `fit rules`).
DEFAULT_SEVERITIES: dict[str, tuple[Severity, ...]] = {
    "ors-single": (Severity.INFO,),
    "ors-deterioration": (Severity.RED,),
    "ors-no-change": (Severity.AMBER, Severity.RED),
    "ors-below-target": (Severity.AMBER, Severity.RED),
    "ors-intake-above-cutoff": (Severity.INFO,),
    "ors-sawtooth": (Severity.INFO,),
    "srs-low": (Severity.AMBER, Severity.RED),
    "srs-item-low": (Severity.INFO,),
    "srs-drop": (Severity.AMBER, Severity.RED),
    "srs-missing": (Severity.INFO,),
    "no-recent-meeting": (Severity.AMBER,),
}


class Flag(NamedTuple):
    """One alert: which rule, how severe, which meeting, and the numbers behind it.

    ``values["also"]`` (when present) names the rules whose facts this headline carries; their
    numbers are in ``values`` too. (A NamedTuple, immutable like a frozen dataclass but several
    times cheaper to create: `fit flags` makes tens of thousands.)"""

    client: str
    rule: RuleId
    severity: Severity
    session: int | None  # the meeting it refers to (None: the client has no meeting)
    values: Mapping[str, FlagValue]  # the numbers that triggered it
    variant: str = ""  # e.g. the no-change checkpoint reached: discuss / change / last_chance
    rater: Rater = SELF  # whose scores ("self": the client's own, or a collateral code)

    @property
    def source(self) -> str:
        return SOURCES[self.rule]

    @property
    def message_key(self) -> str:
        return f"flag.{self.rule}.{self.variant}" if self.variant else f"flag.{self.rule}"

    @property
    def also(self) -> tuple[str, ...]:
        """The rules folded into this headline (their facts follow from it)."""
        folded = self.values.get("also", ())
        return folded if isinstance(folded, tuple) else ()


SrsDropSeverity = Literal["amber", "red"]


@dataclass(frozen=True)
class RuleSettings:
    """Every switch and threshold of the rules; the defaults follow each rule's source."""

    enabled: frozenset[str] = frozenset(RULE_IDS)
    no_change_amber_at: int = 3
    no_change_red_at: int = 8
    no_change_last_chance_at: int = 10
    below_target_amber_min_pct: float = 50.0
    sawtooth_changes: int = 4
    sawtooth_points: float = 6.0
    srs_red_below: float = 30.0
    srs_item_below: float = 9.0
    srs_drop_points: float = 1.0
    srs_drop_severity: SrsDropSeverity = "amber"
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
            srs_drop_severity="red" if get("srs-drop.severity") == "red" else "amber",
            no_meeting_days=int(get("no-recent-meeting.days")),
            etr_max_intake=float(get("etr.max-intake")),
        )


def _tenths(value: float) -> int:
    return round(value * 10)


def sawtooth_direction_changes(totals: Sequence[float], points: float) -> int:
    """Direction changes of a rater's ORS path, as BON progress-23 ``SawtoothPattern`` counts
    them: walk consecutive pairs, ignore every move smaller than ``points``; a big move up
    counts one change when the last counted direction was down or none, likewise a big move
    down. The first big move therefore counts. (Scores have one decimal: compared in tenths,
    so 8.1 - 2.1 is exactly 6.0.)"""
    big = _tenths(points)
    found = 0
    direction = 0  # the last counted direction: 1 up, -1 down, 0 none yet
    for before, after in pairwise(totals):
        move = _tenths(after) - _tenths(before)
        if move and abs(move) >= big:
            now = 1 if move > 0 else -1
            if direction != now:
                found += 1
            direction = now
    return found


def has_sawtooth(totals: Sequence[float], points: float, changes: int) -> bool:
    """The pattern (BON progress-23): at least ``changes`` + 1 ratings and ``changes`` or
    more direction changes."""
    return (len(totals) >= changes + 1
            and sawtooth_direction_changes(totals, points) >= changes)


class _Limits(NamedTuple):
    """The thresholds of one (profile, rules) pair in whole tenths, worked out once: the
    rules compare exact one-decimal scores as integers (no 4.999999 at a boundary)."""

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


class _Target(NamedTuple):
    value: float  # the unrounded ETR at the rater's latest meeting
    judged: bool  # a below-target judgement is possible (some change is expected)


# The same few thousand (intake, count) pairs recur across a caseload: each worked out once.
_TARGETS: dict[tuple[float, int, AgeGroup, float], _Target | None] = {}


def _target(intake: float, count: int, age_group: AgeGroup, max_intake: float) -> _Target | None:
    key = (intake, count, age_group, max_intake)
    try:
        return _TARGETS[key]
    except KeyError:
        pass
    value = meeting_target(intake, count, age_group, max_intake)
    found = None
    if value is not None:
        # Scores are measured in tenths: an expected change that shows as 0.0 or less (the
        # target, rounded half up to one decimal, is not above the intake) expects nothing a
        # score could show, so nobody is judged below it (BON algorithms-23 intakes 31.5-32
        # at meeting 2, and every intake above 32).
        found = _Target(value, _tenths(round1(value)) > _tenths(intake))
    _TARGETS[key] = found
    return found


def _ors_rules(cid: str, who: Rater, age_group: AgeGroup, ors: list[tuple[int, float]],
               rules: RuleSettings, profile: NormProfile, limits: _Limits) -> list[Flag]:
    on = rules.enabled
    flags: list[Flag] = []
    cutoff = limits.cutoffs[age_group]
    first_session, intake = ors[0]
    last_session, latest = ors[-1]
    count = len(ors)
    # BON progress-23 ClinicalCutoff::isAbove: strictly above.
    if "ors-intake-above-cutoff" in on and intake > cutoff:
        flags.append(Flag(cid, "ors-intake-above-cutoff", Severity.INFO, first_session,
                          {"intake": intake, "cutoff": cutoff}, rater=who))
    if count == 1:
        if "ors-single" in on:
            flags.append(Flag(cid, "ors-single", Severity.INFO, first_session, {"ors": intake},
                              rater=who))
        return flags
    moved = _tenths(latest) - _tenths(intake)  # model/change.py change(), in tenths
    delta = moved / 10
    target = _target(intake, count, age_group, rules.etr_max_intake)
    below = target is not None and target.judged and latest < target.value
    deteriorated = "ors-deterioration" in on and moved <= -limits.rci

    # The no-change checkpoint reached: only below the target, without reliable improvement.
    stage, nc_severity, at = "", Severity.INFO, 0
    if "ors-no-change" in on and below and moved < limits.rci:
        if count >= rules.no_change_last_chance_at:
            stage, nc_severity, at = "last_chance", Severity.RED, rules.no_change_last_chance_at
        elif count >= rules.no_change_red_at:
            stage, nc_severity, at = "change", Severity.RED, rules.no_change_red_at
        elif count >= rules.no_change_amber_at:
            stage, nc_severity, at = "discuss", Severity.AMBER, rules.no_change_amber_at
    no_change: dict[str, FlagValue] = (
        {"meetings": count, "checkpoint": at, "change": delta, "rci": profile.rci,
         "stage": stage} if stage else {})

    below_target: dict[str, FlagValue] = {}
    bt_severity = Severity.INFO
    if "ors-below-target" in on and below and target is not None:
        pct = percent_met(intake, latest, target.value)
        shown = 0.0 if pct is None else pct
        bt_severity = (Severity.AMBER if shown >= rules.below_target_amber_min_pct
                       else Severity.RED)
        below_target = {"latest": latest, "target": target.value, "pct": shown,
                        "amber_min_pct": rules.below_target_amber_min_pct}

    if deteriorated:
        values = _folded({"intake": intake, "latest": latest, "change": delta,
                          "rci": profile.rci},
                         ("ors-no-change", no_change), ("ors-below-target", below_target))
        flags.append(Flag(cid, "ors-deterioration", Severity.RED, last_session, values,
                          rater=who))
    elif no_change and (not below_target or nc_severity.rank >= bt_severity.rank):
        values = dict(no_change)
        del values["stage"]
        if below_target:
            values.update(below_target)
            values["also"] = ("ors-below-target",)
        flags.append(Flag(cid, "ors-no-change", nc_severity, last_session, values,
                          variant=stage, rater=who))
    elif below_target:
        values = dict(below_target)
        if no_change:
            values.update(no_change)
            values["also"] = ("ors-no-change",)
        flags.append(Flag(cid, "ors-below-target", bt_severity, last_session, values,
                          rater=who))

    if ("ors-sawtooth" in on
            and count > rules.sawtooth_changes):  # BON: at least changes + 1 ratings
        found = sawtooth_direction_changes([score for _, score in ors], rules.sawtooth_points)
        if found >= rules.sawtooth_changes:
            flags.append(Flag(cid, "ors-sawtooth", Severity.INFO, last_session,
                              {"changes": found, "points": rules.sawtooth_points}, rater=who))
    return flags


def _srs_rules(cid: str, who: Rater, srs: list[tuple[int, Rating]], rules: RuleSettings,
               profile: NormProfile, limits: _Limits) -> list[Flag]:
    on = rules.enabled
    session, latest = srs[-1]
    total = latest.total
    total_tenths = _tenths(total)
    below_cutoff = total_tenths < limits.srs_cutoff

    low: dict[str, FlagValue] = {}
    low_red = False
    if "srs-low" in on and below_cutoff:
        low_red = total_tenths < limits.srs_red_below
        low = {"srs": total, "cutoff": profile.srs_cutoff, "red_below": rules.srs_red_below,
               "level": "red" if low_red else "amber"}

    item: dict[str, FlagValue] = {}
    if "srs-item-low" in on and latest.items is not None:
        below = limits.srs_item_below
        lows = [(i + 1, v) for i, v in enumerate(latest.items) if _tenths(v) < below]
        if lows:
            number, score = min(lows, key=lambda pair: pair[1])
            item = {"item": number, "score": score, "count": len(lows),
                    "below": rules.srs_item_below}

    if "srs-drop" in on and len(srs) >= 2:
        prev_session, prev = srs[-2]
        fell = _tenths(prev.total) - total_tenths
        if fell >= limits.srs_drop:
            # Amber by default; red when it also ends below the SRS cutoff (or always red:
            # the OpenFIT alert table's stricter rule, setting srs-drop.severity).
            red = below_cutoff or rules.srs_drop_severity == "red"
            values = _folded({"previous": prev.total, "latest": total, "drop": fell / 10,
                              "previous_session": prev_session,
                              "points": rules.srs_drop_points},
                             ("srs-low", low), ("srs-item-low", item))
            return [Flag(cid, "srs-drop", Severity.RED if red else Severity.AMBER, session,
                         values, rater=who)]
    if low:
        values = dict(low)
        del values["level"]
        if item:
            values.update(item)
            values["also"] = ("srs-item-low",)
        return [Flag(cid, "srs-low", Severity.RED if low_red else Severity.AMBER, session,
                     values, variant=str(low["level"]), rater=who)]
    if item:
        return [Flag(cid, "srs-item-low", Severity.INFO, session, item, rater=who)]
    return []


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


def _folded(values: dict[str, FlagValue],
            *facts: tuple[str, Mapping[str, FlagValue] | None]) -> dict[str, FlagValue]:
    """A headline's values with the facts that follow from it folded in; ``also`` names the
    rules whose facts they are."""
    also = []
    for rule, fact in facts:
        if fact:
            values.update(fact)
            also.append(rule)
    if also:
        values["also"] = tuple(also)
    return values


def _sort_key(flag: Flag) -> tuple[int, bool, str, int]:
    return -_RANK[flag.severity], flag.rater != SELF, flag.rater, _ORDER[flag.rule]


def evaluate(
    client: Client,
    profile: NormProfile,
    rules: RuleSettings,
    today: dt.date,
    *,
    rater: Rater | None = None,
) -> list[Flag]:
    """The client's current flags for every rater (or only ``rater``), most severe first
    (then the client's own before collateral raters', then in rule order).

    Uses the same numbers as model/trajectory.py (change, meeting target, percent met)
    without building the per-meeting path: `fit flags` runs this for every client, so the
    meetings are walked once and the thresholds are worked out once per settings."""
    limits = _limits(profile, rules)
    cid = client.id
    own_ors: list[tuple[int, float]] = []  # the client's ORS totals, in meeting order
    own_srs: list[tuple[int, Rating]] = []
    others: dict[Rater, tuple[list[tuple[int, float]], list[tuple[int, Rating]]]] = {}
    missing = 0  # visits with the client's own ORS but no own SRS
    last_missing = 0
    for s in client.sessions:
        o, r = s.ors, s.srs
        number = s.session
        if o is not None:
            own_ors.append((number, o.total))
            if r is None:
                missing += 1
                last_missing = number
        if r is not None:
            own_srs.append((number, r))
        for forms in s.collateral:
            pair = others.get(forms.rater)
            if pair is None:
                pair = others[forms.rater] = ([], [])
            if forms.ors is not None:
                pair[0].append((number, forms.ors.total))
            if forms.srs is not None:
                pair[1].append((number, forms.srs))
    flags: list[Flag] = []
    if rater is None or rater == SELF:
        if own_ors:
            flags += _ors_rules(cid, SELF, client.age_group, own_ors, rules, profile, limits)
        if own_srs:
            flags += _srs_rules(cid, SELF, own_srs, rules, profile, limits)
        if missing and "srs-missing" in rules.enabled:
            flags.append(Flag(cid, "srs-missing", Severity.INFO, last_missing,
                              {"count": missing}))
        flags += _engagement(client, rules, today)
    for code in sorted(others):
        if rater is not None and rater != code:
            continue
        ors, srs = others[code]
        if ors:
            flags += _ors_rules(cid, code, client.age_group, ors, rules, profile, limits)
        if srs:
            flags += _srs_rules(cid, code, srs, rules, profile, limits)
    if len(flags) > 1:
        flags.sort(key=_sort_key)
    return flags


def worst(flags: list[Flag]) -> Flag | None:
    """The most severe flag (the first of equals in the given order), or None."""
    return max(flags, key=lambda f: f.severity.rank, default=None)


def at_or_above(flags: list[Flag], level: Severity) -> list[Flag]:
    least = _RANK[level]
    return [f for f in flags if _RANK[f.severity] >= least]


# The settings each rule reads (besides its switch), in the order `fit rules` lists them.
RULE_SETTINGS: dict[str, tuple[str, ...]] = {
    "ors-single": (),
    "ors-deterioration": ("norms", "rci"),
    "ors-no-change": ("ors-no-change.amber-at", "ors-no-change.red-at",
                      "ors-no-change.last-chance-at", "norms", "rci", "etr.max-intake"),
    "ors-below-target": ("ors-below-target.amber-min-pct", "etr.max-intake"),
    "ors-intake-above-cutoff": ("norms", "cutoff.adult", "cutoff.adolescent", "cutoff.child"),
    "ors-sawtooth": ("ors-sawtooth.changes", "ors-sawtooth.points"),
    "srs-low": ("norms", "srs-cutoff", "srs-low.red-below"),
    "srs-item-low": ("srs-item-low.below",),
    "srs-drop": ("srs-drop.points", "srs-drop.severity", "srs-cutoff"),
    "srs-missing": (),
    "no-recent-meeting": ("no-recent-meeting.days",),
}


class RuleRow(NamedTuple):
    """One rule as `fit rules` shows it: its severities with these settings, the settings it
    reads (name -> value in effect) and its published source."""

    rule: str
    severities: tuple[Severity, ...]
    settings: dict[str, Value | None]
    source: str


def rule_rows(values: Mapping[str, Value]) -> list[RuleRow]:
    """Every rule with the settings in effect (``values``: the config file's, validated)."""
    rules = RuleSettings.from_values(values)
    rows = []
    for rule in RULE_IDS:
        keys = (f"{rule}.enabled", *RULE_SETTINGS[rule])
        severities = DEFAULT_SEVERITIES[rule]
        if rule == "srs-drop" and rules.srs_drop_severity == "red":
            severities = (Severity.RED,)
        elif rule == "srs-low" and rules.srs_red_below <= 0:
            severities = (Severity.AMBER,)
        rows.append(RuleRow(rule, severities, {key: resolve(values, key)[0] for key in keys},
                            SOURCES[rule]))
    return rows
