"""Caseload figures for `fit report`. Pure: clients in, numbers out.

Each figure carries the n it rests on. Outcome figures (change categories, effect sizes, the
ETR target) use each client's own ORS scores (rater "self"), first against latest; a client
with no ORS of their own but a collateral rater's (a parent-only child) is judged on that
rater's scores (the first such rater in alphabetical order) and counted under
``collateral_trajectories``. Left out, counted by reason: clients the practitioner excluded
(``fit client exclude``), clients in an unscored age group, clients with fewer than 2 ORS
scores, and clients whose intake is above 32 (no ETR target: Better Outcomes Now progress-23
``Exclusions``). Clients who start above the clinical cutoff stay in, and are also counted
separately (Jacobson & Truax 1991; progress-23 ``ClinicalCutoff``).

Targets (BON progress-23): an open episode is judged against the ETR meeting target
(``EtrMtgTarget``), a closed one against the end-of-episode target (``EtrTarget``); both are
compared unrounded.

Effect sizes (change / SD of the age group's norms): the pre-post effect size; the
severity-adjusted effect size in the OpenFIT-normalised form (change minus the ETR-expected
change at the latest meeting, / SD: 0 = as expected); and in the Seidel, Miller & Chow 2014 form
(the same residual plus the expected end-of-episode change of the ETR reference sample, / SD:
comparable with published pre-post benchmarks around 0.8).

Period filters: meetings after ``end`` are ignored (the caseload as it stood that day, a
closing after it too); with ``start`` or ``end``, only clients with a meeting in the period
are counted, and meeting-level figures (meetings, SRS, meetings without an SRS) count the
meetings in it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from fitcli.model.change import Classification, above_cutoff, change, classify
from fitcli.model.etr import MAX_INTAKE_FOR_TARGET, end_of_episode_target, expected, select_model
from fitcli.model.norms import NormProfile
from fitcli.model.scores import AGE_GROUPS, SELF, AgeGroup, Client, Rater, Session, tenths

StatusFilter = Literal["open", "closed", "all"]
ExclusionReason = Literal["unscored_age_group", "fewer_than_2_ors", "intake_above_32", "user"]
EXCLUSION_REASONS: tuple[ExclusionReason, ...] = (
    "fewer_than_2_ors", "intake_above_32", "unscored_age_group", "user")
TargetKind = Literal["meeting", "end_of_episode"]
# Age groups whose forms are scored (the under-6 tools never are).
SCORED_AGE_GROUPS: frozenset[str] = frozenset(AGE_GROUPS)
CLASSIFICATIONS: tuple[Classification, ...] = tuple(Classification)
UNPLANNED_REASON = "dropout"  # OpenFIT: an unplanned ending is a drop-out


@dataclass(frozen=True)
class Filters:
    start: dt.date | None = None  # --from
    end: dt.date | None = None  # --to
    age_group: AgeGroup | None = None
    status: StatusFilter = "all"


@dataclass(frozen=True)
class Mean:
    """A mean and the n it rests on (value None when n is 0)."""

    value: float | None
    n: int

    @classmethod
    def of(cls, values: list[float]) -> Mean:
        return cls(sum(values) / len(values) if values else None, len(values))


@dataclass(frozen=True)
class Share:
    """A count out of n; ``value`` is the fraction (None when n is 0)."""

    count: int
    n: int

    @property
    def value(self) -> float | None:
        return self.count / self.n if self.n else None


@dataclass(frozen=True)
class Outcome:
    """One included client: first vs latest ORS, its category and the ETR targets (unrounded);
    ``etr_target`` is the one the episode is judged against (``target_kind``)."""

    client_id: str
    age_group: AgeGroup
    intake: float
    latest: float
    change: float
    classification: Classification
    cutoff: float
    etr_target: float
    target_met: bool
    sd: float
    rater: Rater = SELF
    meeting_target: float = 0.0
    end_target: float = 0.0
    target_kind: TargetKind = "meeting"

    @property
    def clinical_intake(self) -> bool:
        """At or below the cutoff (progress-23 ``ClinicalCutoff::isAbove`` is strictly above)."""
        return not above_cutoff(self.intake, self.cutoff)


@dataclass(frozen=True)
class Endings:
    planned: int = 0
    unplanned: int = 0  # drop-outs
    other: int = 0  # referred elsewhere, or another reason
    unplanned_on_target: int = 0
    unplanned_below_target: int = 0
    unplanned_no_target: int = 0  # excluded from outcome figures: no target to compare with

    @property
    def total(self) -> int:
        return self.planned + self.unplanned + self.other


@dataclass(frozen=True)
class Report:
    norms: str
    rci: float
    srs_cutoff: float
    max_intake: float
    filters: Filters
    clients: int
    by_age_group: dict[AgeGroup, int]
    open: int
    closed: int
    collateral_raters: int
    meetings: int
    excluded: dict[ExclusionReason, int]
    outcomes: list[Outcome]
    effect_size: Mean
    severity_adjusted_effect_size: Mean  # OpenFIT-normalised: 0 = as expected
    etr_target_met: Share
    intake_by_age_group: dict[AgeGroup, Mean]
    meetings_per_episode: Mean
    days_per_episode: Mean
    endings: Endings
    srs: Mean
    srs_below_cutoff: Share
    meetings_without_srs: Share
    counts: dict[Classification, int]
    severity_adjusted_effect_size_smc: Mean = Mean(None, 0)  # Seidel, Miller & Chow 2014
    intake_srs: Mean = Mean(None, 0)
    collateral_trajectories: int = 0

    @property
    def included(self) -> int:
        return len(self.outcomes)

    @property
    def clinical_intake(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.clinical_intake]

    @property
    def non_clinical_intake(self) -> list[Outcome]:
        """Started above the cutoff: little room to improve (Jacobson & Truax 1991)."""
        return [o for o in self.outcomes if not o.clinical_intake]


def as_of(client: Client, end: dt.date | None) -> Client:
    """The client as it stood on ``end``: later meetings and a later closing left out."""
    if end is None:
        return client
    sessions = tuple(s for s in client.sessions if s.date <= end)
    closed = client.closed if client.closed is not None and client.closed.date <= end else None
    if sessions == client.sessions and closed == client.closed:
        return client
    return client.model_copy(update={"sessions": sessions, "closed": closed})


def _in_period(session: Session, filters: Filters) -> bool:
    return ((filters.start is None or session.date >= filters.start)
            and (filters.end is None or session.date <= filters.end))


def select(clients: Iterable[Client], filters: Filters) -> Iterator[Client]:
    """The clients a report covers, each as it stood at the end of the period (one at a
    time: a big store is never held in memory whole)."""
    dated = filters.start is not None or filters.end is not None
    for raw in clients:
        client = as_of(raw, filters.end)
        if filters.status != "all" and client.status != filters.status:
            continue
        if filters.age_group is not None and client.age_group != filters.age_group:
            continue
        if dated and not any(_in_period(s, filters) for s in client.sessions):
            continue
        yield client


def outcome_rater(client: Client) -> Rater:
    """Whose trajectory the outcome figures use: the client's own; without any own ORS, the
    first collateral rater with one (a parent-only child)."""
    raters = client.raters
    return raters[0] if raters and SELF not in raters else SELF


def exclusion(client: Client, max_intake: float = MAX_INTAKE_FOR_TARGET,
              ) -> ExclusionReason | None:
    """Why a client is left out of the outcome figures, or None when it is included."""
    if client.excluded is not None:
        return "user"
    if client.age_group not in SCORED_AGE_GROUPS:
        return "unscored_age_group"
    ors = client.ors_ratings(outcome_rater(client))
    if len(ors) < 2:
        return "fewer_than_2_ors"
    if tenths(ors[0][1].total) > tenths(max_intake):
        return "intake_above_32"
    return None


def outcome(client: Client, profile: NormProfile) -> Outcome:
    """First vs latest ORS of an included client (see ``exclusion`` and ``outcome_rater``)."""
    rater = outcome_rater(client)
    ors = client.ors_ratings(rater)
    intake, latest = ors[0][1].total, ors[-1][1].total
    cutoff = profile.cutoff(client.age_group)
    meeting = expected(intake, len(ors), select_model(client.age_group, len(ors)))
    end = end_of_episode_target(intake, client.age_group)
    kind: TargetKind = "end_of_episode" if client.closed is not None else "meeting"
    target = end if kind == "end_of_episode" else meeting
    return Outcome(
        client_id=client.id, age_group=client.age_group, intake=intake, latest=latest,
        change=change(intake, latest),
        classification=classify(intake, latest, cutoff, profile.rci), cutoff=cutoff,
        etr_target=target, target_met=latest >= target,
        sd=profile.sd(client.age_group), rater=rater, meeting_target=meeting,
        end_target=end, target_kind=kind,
    )


@dataclass
class _Tally:
    """Running totals of one pass over the clients (kept small: numbers, not clients)."""

    clients: int = 0
    by_age_group: dict[AgeGroup, int] = field(default_factory=lambda: dict.fromkeys(AGE_GROUPS, 0))
    open: int = 0
    collateral: int = 0
    meetings: int = 0
    meetings_without_srs: int = 0
    srs_totals: list[float] = field(default_factory=list)
    intake_srs: list[float] = field(default_factory=list)
    intakes: dict[AgeGroup, list[float]] = field(
        default_factory=lambda: {g: [] for g in AGE_GROUPS})
    episode_meetings: list[float] = field(default_factory=list)
    spans: list[float] = field(default_factory=list)
    endings: dict[str, int] = field(default_factory=dict)

    def count(self, client: Client) -> None:
        """A client in the caseload (user-excluded ones too: they are clients, left out of
        the figures)."""
        self.clients += 1
        self.by_age_group[client.age_group] = self.by_age_group.get(client.age_group, 0) + 1
        self.open += client.status == "open"

    def add(self, client: Client, result: Outcome | None, filters: Filters) -> None:
        self.count(client)
        self.collateral += _has_collateral(client)
        for session in client.sessions:
            if _in_period(session, filters):
                self.meetings += 1  # a visit is one meeting, however many raters took part
                if session.srs is None:
                    if not any(c.srs is not None for c in session.collateral):
                        self.meetings_without_srs += 1  # nobody gave feedback on the alliance
                else:
                    self.srs_totals.append(session.srs.total)
        ors = client.ors_ratings("self")
        if ors and client.age_group in SCORED_AGE_GROUPS:
            self.intakes[client.age_group].append(ors[0][1].total)
        own_srs = client.srs_ratings("self")
        if result is not None and own_srs:
            self.intake_srs.append(own_srs[0][1].total)
        if client.sessions:
            self.episode_meetings.append(float(len(client.sessions)))
        end = client.closed.date if client.closed is not None else client.last_date
        if end is not None:
            self.spans.append(float((end - client.start).days))
        if client.closed is not None:
            self._ending(client.closed.reason, result)

    def _ending(self, reason: str, result: Outcome | None) -> None:
        if reason == "planned":
            key = "planned"
        elif reason == UNPLANNED_REASON:
            key = "unplanned"
            detail = ("unplanned_no_target" if result is None else
                      "unplanned_on_target" if result.target_met else "unplanned_below_target")
            self.endings[detail] = self.endings.get(detail, 0) + 1
        else:
            key = "other"
        self.endings[key] = self.endings.get(key, 0) + 1


def report(clients: Iterable[Client], profile: NormProfile, filters: Filters | None = None,
           max_intake: float = MAX_INTAKE_FOR_TARGET) -> Report:
    """Every caseload figure for the clients that pass ``filters``, in one pass. Clients whose
    intake is above ``max_intake`` (the setting ``etr.max-intake``, default 32) have no ETR
    target and are left out under the reason ``intake_above_32``."""
    filters = filters or Filters()
    excluded: dict[ExclusionReason, int] = dict.fromkeys(EXCLUSION_REASONS, 0)
    outcomes: list[Outcome] = []
    tally = _Tally()
    for client in select(clients, filters):
        reason = exclusion(client, max_intake)
        if reason == "user":
            excluded[reason] += 1
            tally.count(client)  # counted as a client, left out of every other figure
            continue
        result = None
        if reason is None:
            result = outcome(client, profile)
            outcomes.append(result)
        else:
            excluded[reason] += 1
        tally.add(client, result, filters)

    srs = tally.srs_totals
    e = tally.endings
    return Report(
        norms=profile.name, rci=profile.rci, srs_cutoff=profile.srs_cutoff,
        max_intake=max_intake, filters=filters,
        clients=tally.clients,
        by_age_group=tally.by_age_group,
        open=tally.open,
        closed=tally.clients - tally.open,
        collateral_raters=tally.collateral,
        meetings=tally.meetings,
        excluded=excluded,
        outcomes=outcomes,
        effect_size=Mean.of([o.change / o.sd for o in outcomes]),
        severity_adjusted_effect_size=Mean.of(
            [(o.change - (o.meeting_target - o.intake)) / o.sd for o in outcomes]),
        severity_adjusted_effect_size_smc=Mean.of(
            [(o.change - (o.meeting_target - o.intake) + (o.end_target - o.intake)) / o.sd
             for o in outcomes]),
        intake_srs=Mean.of(tally.intake_srs),
        collateral_trajectories=sum(1 for o in outcomes if o.rater != SELF),
        etr_target_met=Share(sum(1 for o in outcomes if o.target_met), len(outcomes)),
        intake_by_age_group={g: Mean.of(v) for g, v in tally.intakes.items()},
        meetings_per_episode=Mean.of(tally.episode_meetings),
        days_per_episode=Mean.of(tally.spans),
        endings=Endings(e.get("planned", 0), e.get("unplanned", 0), e.get("other", 0),
                        e.get("unplanned_on_target", 0), e.get("unplanned_below_target", 0),
                        e.get("unplanned_no_target", 0)),
        srs=Mean.of(srs),
        srs_below_cutoff=Share(sum(1 for v in srs if tenths(v) < tenths(profile.srs_cutoff)),
                               len(srs)),
        meetings_without_srs=Share(tally.meetings_without_srs, tally.meetings),
        counts=category_counts(outcomes),
    )


def category_counts(outcomes: list[Outcome]) -> dict[Classification, int]:
    """How many outcomes fall in each change category (every category present, maybe 0)."""
    return {c: sum(1 for o in outcomes if o.classification == c) for c in CLASSIFICATIONS}


def _has_collateral(client: Client) -> bool:
    """At least one collateral rater (a parent, partner, teacher) gave a form."""
    return any(s.collateral for s in client.sessions)


def by_practitioner(clients: Iterable[Client], profile: NormProfile,
                    filters: Filters | None = None,
                    max_intake: float = MAX_INTAKE_FOR_TARGET) -> list[tuple[str | None, Report]]:
    """The report of each practitioner's clients (those they are responsible for), ordered by
    code, clients without a responsible practitioner (None) last; practitioners none of whose
    clients the filters keep are left out. Each group's figures are ``report``'s own."""
    groups: dict[str | None, list[Client]] = {}
    for client in clients:
        groups.setdefault(client.practitioner, []).append(client)
    order = sorted(groups, key=lambda code: (code is None, code or ""))
    found = [(code, report(groups[code], profile, filters, max_intake)) for code in order]
    return [(code, r) for code, r in found if r.clients]
