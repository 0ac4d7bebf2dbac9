"""The synthetic caseload: deterministic, plausible, and every archetype shows its pattern."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fitcli.model.caseload import exclusion, outcome
from fitcli.model.change import change
from fitcli.model.etr import expected, round1, select_model
from fitcli.model.norms import PROFILES
from fitcli.model.problems import DomainError
from fitcli.model.scores import Client, total_of
from fitcli.model.synth import ARCHETYPES, DEFAULT_CLIENTS, TYPICAL, generate
from fitcli.store import encode

TODAY = dt.date(2026, 6, 15)
SEEDS = range(25)


def _by_kind(seed: int) -> dict[str, Client]:
    return {s.kind: s.client for s in generate(seed, TODAY, len(ARCHETYPES))}


def _ors(client: Client) -> list[float]:
    return [r.total for _, r in client.ors_ratings("self")]


def _srs(client: Client) -> list[float]:
    return [r.total for _, r in client.srs_ratings()]


def test_same_seed_same_caseload_byte_for_byte() -> None:
    first = [encode(s.client) for s in generate(7, TODAY)]
    again = [encode(s.client) for s in generate(7, TODAY)]
    assert first == again


def test_a_different_seed_gives_a_different_caseload() -> None:
    assert [s.client for s in generate(1, TODAY)] != [s.client for s in generate(2, TODAY)]


def test_ids_labels_and_kinds() -> None:
    made = generate(3, TODAY, 30, labels={"no_change": "no change"})
    assert [s.client.id for s in made] == [f"D{n:03d}" for n in range(1, 31)]
    assert [s.kind for s in made[:len(ARCHETYPES)]] == list(ARCHETYPES)
    assert {s.kind for s in made[len(ARCHETYPES):]} == {TYPICAL}
    assert made[2].client.label == "no change"
    assert made[0].client.label == "early_responder"  # no label given: the kind's name


def test_fewer_clients_than_archetypes_gives_the_first_ones() -> None:
    assert [s.kind for s in generate(1, TODAY, 3)] == list(ARCHETYPES[:3])


@pytest.mark.parametrize("count", [0, 1000])
def test_out_of_range_client_count_is_refused(count: int) -> None:
    with pytest.raises(DomainError):
        generate(1, TODAY, count)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32), clients=st.integers(1, 60))
def test_every_client_is_valid_and_plausible(seed: int, clients: int) -> None:
    for s in generate(seed, TODAY, clients):
        c = s.client
        assert c.sessions, c.id
        dates = [x.date for x in c.sessions]
        assert dates == sorted(dates) and dates[-1] <= TODAY and c.start == dates[0]
        assert [x.session for x in c.sessions] == list(range(1, len(c.sessions) + 1))
        if c.closed:
            assert dates[-1] <= c.closed.date <= TODAY
        for x in c.sessions:
            for rating in (x.ors, x.srs):
                if rating is not None:
                    assert rating.items is not None
                    assert total_of(rating.items) == rating.total  # items add up
                    assert all(0.0 <= i <= 10.0 for i in rating.items)


def test_srs_is_mostly_between_34_and_40() -> None:
    totals = [t for s in generate(11, TODAY, 200) for t in _srs(s.client)]
    inside = sum(1 for t in totals if 34.0 <= t <= 40.0)
    assert inside / len(totals) >= 0.85


def test_typical_clients_form_a_realistic_mix() -> None:
    made = [s.client for s in generate(5, TODAY, 400)[len(ARCHETYPES):]]
    profile = PROFILES["fit"]
    results = [outcome(c, profile) for c in made if exclusion(c) is None]
    improved = sum(1 for o in results if o.change >= profile.rci) / len(results)
    worse = sum(1 for o in results if o.change <= -profile.rci) / len(results)
    assert 0.4 <= improved <= 0.8
    assert 0.02 <= worse <= 0.2
    assert 0.1 <= sum(1 for c in made if c.closed) / len(made) <= 0.45
    assert 4.0 <= sum(len(c.sessions) for c in made) / len(made) <= 9.0


def _etr(client: Client, meeting: int, count: int) -> float:
    intake = _ors(client)[0]
    return round1(expected(intake, meeting, select_model(client.age_group, count)))


def _direction_changes(values: list[float]) -> int:
    moves = [b - a for a, b in itertools.pairwise(values)]
    big = [m for m in moves if abs(m) >= 6.0]
    assert len(big) == len(moves)
    return sum(1 for a, b in itertools.pairwise(moves) if (a > 0) != (b > 0))


@pytest.mark.parametrize("seed", SEEDS)
def test_each_archetype_shows_its_pattern(seed: int) -> None:
    k = _by_kind(seed)
    fit, pcoms = PROFILES["fit"], PROFILES["pcoms"]

    early = _ors(k["early_responder"])
    assert change(early[0], early[1]) >= 6.0  # reliable change already at meeting 2
    assert outcome(k["early_responder"], fit).classification == "recovered"

    steady = k["steady_improver"]
    ors = _ors(steady)
    for m in range(3, len(ors) + 1):  # reliable (pcoms too) from meeting 3, never below ETR
        assert change(ors[0], ors[m - 1]) >= pcoms.rci
        assert ors[m - 1] >= _etr(steady, m, m)
    srs = _srs(steady)
    assert min(srs) >= 36.0 and all(b > a - 1.0 for a, b in itertools.pairwise(srs))

    flat = _ors(k["no_change"])
    assert len(flat) >= 7 and all(abs(change(flat[0], v)) < fit.rci for v in flat)

    assert outcome(k["deterioration"], pcoms).classification == "reliably_deteriorated"

    drop = _srs(k["alliance_drop"])
    assert drop[-1] <= drop[-2] - 1.0 and drop[-1] < 36.0
    last_srs = k["alliance_drop"].sessions[-1].srs
    assert last_srs is not None and last_srs.items is not None and min(last_srs.items) < 9.0

    assert exclusion(k["intake_above_cutoff"]) == "intake_above_32"
    assert _direction_changes(_ors(k["sawtooth"])) >= 4

    planned = k["planned_ending"]
    assert planned.closed is not None and planned.closed.reason == "planned"
    assert outcome(planned, fit).classification == "recovered"
    dropout = k["dropout"]
    assert dropout.closed is not None and dropout.closed.reason == "dropout"

    assert k["adolescent"].age_group == "adolescent" and k["child"].age_group == "child"
    collateral = k["collateral_rater"]
    assert collateral.raters == ("self", "mother")
    assert len(collateral.ors_ratings("mother")) == 3
    assert len(collateral.ors_ratings("self")) >= 2
    # the parent's forms are part of the client's visits, not visits of their own
    assert all(s.ors is not None for s in collateral.sessions)

    quiet = k["no_recent_meeting"]
    assert quiet.status == "open" and quiet.last_date is not None
    assert (TODAY - quiet.last_date).days > 30
    assert len(_ors(k["single_meeting"])) == 1

    for kind in ARCHETYPES:  # every open archetype except the quiet one was seen lately
        c = k[kind]
        if c.status == "open" and kind != "no_recent_meeting":
            assert c.last_date is not None and (TODAY - c.last_date).days <= 7, kind


def test_default_size_covers_every_archetype_and_some_typical_clients() -> None:
    kinds = [s.kind for s in generate(1, TODAY)]
    assert len(kinds) == DEFAULT_CLIENTS
    assert set(ARCHETYPES) <= set(kinds) and TYPICAL in kinds
