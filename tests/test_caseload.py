"""`fit report`: a small caseload computed by hand pins every figure (BON algorithms-23 and
progress-23, Jacobson & Truax 1991, OpenFIT, Seidel, Miller & Chow 2014).

The caseload (profile fit: adult cutoff 25, adolescent 28, RCI 5, SD 7.75 / 7.25, SRS cutoff 36):

    A1 adult, open     ORS 15 -> 22        SRS 38, 35       improved   ETR(15, m2) = 19.4 met
    A2 adult, planned  ORS 18 -> 20 -> 26  SRS 36, 37, 38   recovered  end target(18) 26.69 not met
    A3 adult, dropout  ORS 20 -> 14        SRS 30, -        worse      end target(20) 27.59 not met
    Y1 adolescent      ORS 30 -> 31 -> 30.5 SRS 39 x3       no change  ETR(30, m3) = 31.3 not met
    E1 adult, open     one visit: own ORS 12 and a parent's ORS 14, no SRS  -> fewer than 2 ORS
    E2 adult, open     ORS 33 -> 34        SRS 36, 36       -> intake above 32
    E3 child, open     no meetings                          -> fewer than 2 ORS

ETR by hand (adult short model, c = intake - 20, b_k = mean_k + by_intake_k * c, i = m - 1):
    intake 15: b = 15.348319, 4.798397, -0.76673, 0.041348;  i=1 -> 19.421334 -> 19.4
    intake 18: b = 18.255004, 3.954062, -0.617822, 0.032885; i=2 -> 23.95492 -> 24.0
    intake 20: b = 20.192794, 3.391172, -0.51855, 0.027243;  i=1 -> 23.092659 -> 23.1
    youth 30:  b = 29.929371, 0.852442, -0.080006, 0.002874; i=2 -> 31.337223 -> 31.3
End-of-episode targets (short model, i = 5): 15 -> 25.340554, 18 -> 26.690389,
20 -> 27.590279, youth 30 -> 32.550681. Open episodes are judged against the meeting target,
closed ones (A2, A3) against the end-of-episode target, unrounded (progress-23).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest

from conftest import Fit, as_json, ok
from fitcli.model.caseload import Filters, exclusion, report
from fitcli.model.norms import PROFILES
from fitcli.model.scores import (
    AgeGroup,
    Client,
    CloseReason,
    Closure,
    Exclusion,
    RaterForms,
    Rating,
    Session,
)
from fitcli.store import Store

D = dt.date.fromisoformat


def _client(cid: str, age: AgeGroup, meetings: list[tuple[str, float | None, float | None]],
            closed: tuple[CloseReason, str] | None = None, start: str | None = None,
            collateral: tuple[str, float] | None = None) -> Client:
    sessions: list[Session] = []
    for date, ors, srs in meetings:
        sessions.append(Session(
            session=len(sessions) + 1, date=D(date),
            ors=Rating.from_total(ors) if ors is not None else None,
            srs=Rating.from_total(srs) if srs is not None else None))
    if collateral:  # a parent's ORS at the visit of that date: one visit, two raters
        forms = RaterForms(rater="mor", ors=Rating.from_total(collateral[1], rater="mor"))
        same = [n for n, v in enumerate(sessions) if v.date == D(collateral[0])]
        if same:
            sessions[same[0]] = sessions[same[0]].model_copy(update={"collateral": (forms,)})
        else:
            sessions.append(Session(session=len(sessions) + 1, date=D(collateral[0]),
                                    collateral=(forms,)))
    first = start or meetings[0][0]
    return Client(id=cid, age_group=age, start=D(first), sessions=tuple(sessions),
                  closed=Closure(reason=closed[0], date=D(closed[1])) if closed else None)


def caseload() -> list[Client]:
    return [
        _client("A1", "adult", [("2026-01-05", 15, 38), ("2026-01-12", 22, 35)]),
        _client("A2", "adult", [("2026-01-05", 18, 36), ("2026-01-12", 20, 37),
                                ("2026-01-26", 26, 38)], closed=("planned", "2026-01-26")),
        _client("A3", "adult", [("2026-02-02", 20, 30), ("2026-02-09", 14, None)],
                closed=("dropout", "2026-03-15")),
        _client("Y1", "adolescent", [("2026-03-02", 30, 39), ("2026-03-09", 31, 39),
                                     ("2026-03-16", 30.5, 39)]),
        _client("E1", "adult", [("2026-04-06", 12, None)], collateral=("2026-04-06", 14)),
        _client("E2", "adult", [("2026-04-06", 33, 36), ("2026-04-20", 34, 36)]),
        _client("E3", "child", [], start="2026-05-01"),
    ]


def _only(clients: list[Client], *ids: str) -> list[Client]:
    return [c for c in clients if c.id in ids]


def test_every_figure_of_the_hand_computed_caseload() -> None:
    r = report(caseload(), PROFILES["fit"])
    assert (r.clients, r.open, r.closed, r.collateral_raters, r.meetings) == (7, 5, 2, 1, 13)
    assert r.by_age_group == {"adult": 5, "adolescent": 1, "child": 1}
    assert r.included == 4
    assert r.excluded == {"fewer_than_2_ors": 2, "intake_above_32": 1, "unscored_age_group": 0,
                          "user": 0}
    assert {o.client_id: (o.classification.value, round(o.etr_target, 2), o.target_kind,
                          o.target_met) for o in r.outcomes} == {
        "A1": ("reliably_improved", 19.42, "meeting", True),
        "A2": ("recovered", 26.69, "end_of_episode", False),
        "A3": ("reliably_deteriorated", 27.59, "end_of_episode", False),
        "Y1": ("no_reliable_change", 31.34, "meeting", False),
    }
    assert r.effect_size.n == 4
    assert r.effect_size.value == pytest.approx((7 / 7.75 + 8 / 7.75 - 6 / 7.75 + 0.5 / 7.25) / 4)
    # OpenFIT-normalised: change minus the (unrounded) expected change at the latest meeting.
    assert r.severity_adjusted_effect_size.value == pytest.approx(
        (2.578666 / 7.75 + 2.04508 / 7.75 - 9.092659 / 7.75 - 0.837223 / 7.25) / 4)
    # Seidel, Miller & Chow 2014: that residual plus the expected end-of-episode change.
    assert r.severity_adjusted_effect_size_smc.value == pytest.approx(
        ((2.578666 + 10.340554) / 7.75 + (2.04508 + 8.690389) / 7.75
         + (-9.092659 + 7.590279) / 7.75 + (-0.837223 + 2.550681) / 7.25) / 4)
    assert (r.etr_target_met.count, r.etr_target_met.n) == (1, 4)
    assert (r.intake_srs.value, r.intake_srs.n) == ((38 + 36 + 30 + 39) / 4, 4)
    assert r.intake_by_age_group["adult"].value == pytest.approx(98 / 5)
    assert r.intake_by_age_group["adult"].n == 5
    assert (r.intake_by_age_group["child"].value, r.intake_by_age_group["child"].n) == (None, 0)
    assert r.meetings_per_episode.value == pytest.approx(13 / 6)  # visits, not forms
    # start to closing (A2 21, A3 41) or to the latest visit (A1 7, Y1 14, E1 0, E2 14)
    assert r.days_per_episode.value == pytest.approx(97 / 6)
    assert r.srs.n == 11 and r.srs.value == pytest.approx(403 / 11)
    assert (r.srs_below_cutoff.count, r.meetings_without_srs.count) == (2, 2)
    e = r.endings
    assert (e.planned, e.unplanned, e.other, e.unplanned_on_target, e.unplanned_below_target,
            e.unplanned_no_target) == (1, 1, 0, 0, 1, 0)
    assert [o.client_id for o in r.non_clinical_intake] == ["Y1"]


def test_an_unscored_age_group_is_left_out_under_its_own_reason() -> None:
    # The model knows no unscored group yet (the under-6 tools are never entered); a client
    # from a future one must still be counted, not silently dropped or scored.
    young = Client.model_construct(**{**caseload()[0].__dict__, "age_group": "under6"})
    assert exclusion(young) == "unscored_age_group"


def test_pcoms_profile_changes_the_rci_and_so_the_categories() -> None:
    r = report(caseload(), PROFILES["pcoms"])  # RCI 6: A1 (+7) still improved, A3 (-6) worse
    assert {o.client_id: o.classification.value for o in r.outcomes}["A3"] == (
        "reliably_deteriorated")
    r = report(_only(caseload(), "A1"), PROFILES["pcoms"])
    assert r.outcomes[0].classification.value == "reliably_improved"


@pytest.mark.parametrize(("filters", "ids", "meetings"), [
    pytest.param(Filters(status="open"), {"A1", "Y1", "E1", "E2", "E3"}, 8, id="open"),
    pytest.param(Filters(status="closed"), {"A2", "A3"}, 5, id="closed"),
    pytest.param(Filters(age_group="adolescent"), {"Y1"}, 3, id="age-group"),
    pytest.param(Filters(start=D("2026-03-01")), {"Y1", "E1", "E2"}, 6, id="from"),
    pytest.param(Filters(start=D("2026-01-10"), end=D("2026-01-20")), {"A1", "A2"}, 2,
                 id="period"),
])
def test_filters_choose_clients_and_count_meetings_in_the_period(
        filters: Filters, ids: set[str], meetings: int) -> None:
    r = report(caseload(), PROFILES["fit"], filters)
    chosen = {o.client_id for o in r.outcomes}
    assert chosen <= ids
    assert r.clients == len(ids)
    assert r.meetings == meetings


def test_to_date_shows_the_caseload_as_it_stood_then() -> None:
    r = report(caseload(), PROFILES["fit"], Filters(end=D("2026-01-10")))
    # Only A1 and A2 had started; each had one ORS then, and A2 was not yet closed.
    assert (r.clients, r.open, r.closed, r.included) == (2, 2, 0, 0)
    assert r.excluded["fewer_than_2_ors"] == 2


@pytest.mark.parametrize("ids", [pytest.param((), id="empty"),
                                 pytest.param(("E1", "E2", "E3"), id="only-excluded")])
def test_no_outcome_data_gives_none_not_nan(ids: tuple[str, ...]) -> None:
    r = report(_only(caseload(), *ids), PROFILES["fit"])
    assert r.included == 0
    assert r.effect_size.value is None and r.effect_size.n == 0
    assert r.severity_adjusted_effect_size.value is None
    assert r.etr_target_met.value is None


# -- the command ----------------------------------------------------------------------------------

@pytest.fixture
def filled(store_dir: Path) -> Path:
    store = Store(store_dir)
    for client in caseload():
        store.save(client)
    return store_dir


@pytest.mark.usefixtures("filled")
def test_report_json_has_the_documented_keys_and_figures(fit: Fit) -> None:
    data = as_json(fit("report", "--json"))
    assert data["clients"] == 7
    assert data["included"] == 4
    assert data["excluded"] == {"fewer_than_2_ors": 2, "intake_above_32": 1,
                                "unscored_age_group": 0, "user": 0}
    assert (data["recovered"], data["reliably_improved"], data["no_reliable_change"],
            data["reliably_deteriorated"]) == (1, 1, 1, 1)
    assert data["effect_size"] == 0.31
    assert data["effect_size_n"] == 4
    assert data["severity_adjusted_effect_size"] == -0.17
    assert data["severity_adjusted_effect_size_normalised"] == -0.17
    assert data["severity_adjusted_effect_size_smc"] == 0.77
    assert data["intake_srs_mean"] == {"mean": 35.75, "n": 4}
    assert data["etr_target_met"] == {"count": 1, "n": 4, "share": 0.25}
    assert data["mean_intake_ors"]["adult"] == {"mean": 19.6, "n": 5}
    assert data["mean_intake_ors"]["child"] == {"mean": None, "n": 0}
    assert data["srs"] == {"mean": 36.64, "n": 11, "below_cutoff": 2, "below_cutoff_share": 0.1818}
    assert data["meetings_without_srs"] == {"count": 2, "n": 13, "share": 0.1538}
    assert data["mean_meetings_per_episode"] == {"mean": 2.17, "n": 6}
    assert data["mean_days_per_episode"] == {"mean": 16.17, "n": 6}
    assert data["endings"] == {"n": 2, "planned": 1, "unplanned": 1, "other": 0,
                               "unplanned_share": 0.5, "unplanned_on_target": 0,
                               "unplanned_below_target": 1, "unplanned_no_target": 0}
    assert data["by_intake"]["non_clinical"] == {
        "n": 1, "recovered": 0, "reliably_improved": 0, "no_reliable_change": 1,
        "reliably_deteriorated": 0}
    assert data["collateral_raters"] == 1
    assert data["norms"] == "fit"
    assert data["shares"] == {"recovered": 0.25, "reliably_improved": 0.25,
                              "no_reliable_change": 0.25, "reliably_deteriorated": 0.25}
    assert data["by_intake"]["clinical"]["n"] == 3
    assert data["mean_intake_ors"]["adolescent"] == {"mean": 30.0, "n": 1}
    assert data["clients_by_age_group"] == {"adult": 5, "adolescent": 1, "child": 1}
    assert (data["open"], data["closed"], data["meetings"]) == (5, 2, 13)
    assert [o["client"] for o in data["outcomes"]] == ["A1", "A2", "A3", "Y1"]


@pytest.mark.usefixtures("filled")
def test_report_respects_the_norms_setting(fit: Fit) -> None:
    ok(fit("config", "set", "norms", "pcoms"))
    data = as_json(fit("report", "--json"))
    assert (data["norms"], data["rci"]) == ("pcoms", 6.0)


@pytest.mark.usefixtures("filled")
def test_report_text_shows_exclusions_tables_and_charts(fit: Fit) -> None:
    out = ok(fit("report")).stdout
    assert "Outcome figures rest on 4 of 7 clients. Left out: fewer than 2 ORS 2, " \
           "intake above 32 1, unscored age group 0, excluded by you 0." in out
    assert "Severity-adjusted effect size, OpenFIT-normalised (0 = as expected by the ETR)" in out
    assert "Severity-adjusted effect size, Seidel, Miller & Chow 2014" in out
    assert "Mean intake SRS (each client's first own SRS)" in out
    assert ("At or above the ETR target (open: meeting target; closed: end-of-episode "
            "target)") in out
    assert "Recovered" in out and "Change categories (n=4)" in out
    assert "Intake vs latest ORS (n=4)" in out
    assert "RCI band (±5)" in out and "cutoff 25 (adult)" in out
    assert "\x1b[" not in out  # NO_COLOR and not a terminal: no escape codes


@pytest.mark.usefixtures("filled")
def test_report_filters_on_the_command_line(fit: Fit) -> None:
    data = as_json(fit("report", "--json", "--status", "closed", "--age-group", "adult"))
    assert (data["clients"], data["included"]) == (2, 2)
    assert data["filters"] == {"from": None, "to": None, "age_group": "adult",
                               "status": "closed"}
    data = as_json(fit("report", "--json", "--from", "2026-03-01", "--to", "2026-03-31"))
    assert data["clients"] == 1
    out = ok(fit("report", "--from", "2026-03-01", "--to", "2026-03-31", "--no-chart")).stdout
    assert "seen 2026-03-01 to 2026-03-31" in out
    assert "Change categories" not in out


def test_report_refuses_a_reversed_period(fit: Fit) -> None:
    result = fit("report", "--from", "2026-05-01", "--to", "2026-04-01")
    assert result.exit_code == 2
    assert result.stderr == "Error: --from 2026-05-01 is after --to 2026-04-01; " \
                            "give the earlier date first.\n"


def test_report_refuses_a_bad_date(fit: Fit) -> None:
    result = fit("report", "--from", "01/05/2026")
    assert result.exit_code == 2
    assert "is not a date" in result.stderr


def _no_nan(text: str) -> None:
    assert "nan" not in text.lower().replace("financ", "")
    assert "NaN" not in text


def test_empty_store_gives_clear_output(fit: Fit) -> None:
    result = ok(fit("report"))
    assert "No clients to report on" in result.stdout
    _no_nan(result.stdout)
    data = as_json(fit("report", "--json"))
    assert (data["clients"], data["included"], data["effect_size"]) == (0, 0, None)
    assert data["excluded"] == {"fewer_than_2_ors": 0, "intake_above_32": 0,
                                "unscored_age_group": 0, "user": 0}
    assert data["shares"]["recovered"] is None


def test_only_excluded_clients_give_clear_output(fit: Fit, store_dir: Path) -> None:
    store = Store(store_dir)
    for client in _only(caseload(), "E1", "E2", "E3"):
        store.save(client)
    result = ok(fit("report"))
    assert "No client has the data for outcome figures yet" in result.stdout
    assert "fewer than 2 ORS 2, intake above 32 1" in result.stdout
    _no_nan(result.stdout)
    raw = ok(fit("report", "--json")).stdout
    _no_nan(raw)
    data = json.loads(raw)
    assert (data["clients"], data["included"]) == (3, 0)
    assert data["severity_adjusted_effect_size"] is None
    for value in (data["effect_size"], data["etr_target_met"]["share"]):
        assert value is None or not math.isnan(value)


def test_an_unreadable_client_file_is_reported_and_the_rest_counted(
        fit: Fit, filled: Path) -> None:
    (filled / "clients" / "BAD.json").write_text("{not json", encoding="utf-8")
    result = fit("report", "--json")
    assert result.exit_code == 5
    assert json.loads(result.stdout)["clients"] == 7
    assert "BAD.json" in result.stderr


@pytest.mark.usefixtures("filled")
@pytest.mark.parametrize("lang", ["nb", "da", "sv"])
def test_report_in_scandinavian_languages_uses_decimal_commas(fit: Fit, lang: str) -> None:
    out = ok(fit("--lang", lang, "report", "--no-chart")).stdout
    assert "0,31" in out and "0.31" not in out


def _family(cid: str, own: list[float], parent: list[float], age: AgeGroup = "child",
            srs: float | None = 37.0) -> Client:
    """Weekly visits, each with the client's ORS (and SRS) and a parent's ORS."""
    sessions = []
    for n, (o, p) in enumerate(zip(own, parent, strict=True), start=1):
        sessions.append(Session(
            session=n, date=D("2026-01-05") + dt.timedelta(days=7 * (n - 1)),
            ors=Rating.from_total(o), srs=Rating.from_total(srs) if srs is not None else None,
            collateral=(RaterForms(rater="mor", ors=Rating.from_total(p, "mor")),)))
    return Client(id=cid, age_group=age, start=D("2026-01-05"), sessions=tuple(sessions))


def test_meetings_per_episode_count_visits_not_forms() -> None:
    """A visit where the client and a parent each fill in an ORS is one meeting."""
    r = report([_family("F1", [15, 18, 22], [14, 16, 20]), _family("F2", [20, 24], [21, 23])],
               PROFILES["fit"])
    assert r.meetings == 5
    assert (r.meetings_per_episode.value, r.meetings_per_episode.n) == (2.5, 2)
    assert r.collateral_raters == 2
    assert r.meetings_without_srs.count == 0
    # the change figures use the client's own trajectory, not the parent's
    assert [(o.rater, o.intake, o.latest) for o in r.outcomes] == [
        ("self", 15.0, 22.0), ("self", 20.0, 24.0)]


def test_a_parent_only_client_uses_the_parents_trajectory_counted_as_collateral() -> None:
    start = D("2026-01-05")
    parent_only = Client(id="P1", age_group="child", start=start, sessions=tuple(
        Session(session=n, date=start + dt.timedelta(days=7 * (n - 1)),
                collateral=(RaterForms(rater="far", ors=Rating.from_total(score, "far")),))
        for n, score in enumerate([12.0, 19.0], start=1)))
    r = report([parent_only], PROFILES["fit"])
    assert (r.included, r.collateral_trajectories) == (1, 1)
    assert (r.outcomes[0].rater, r.outcomes[0].change) == ("far", 7.0)
    assert r.intake_srs.n == 0  # only the client's own SRS counts as the intake SRS


def test_intake_srs_is_each_included_clients_first_own_srs() -> None:
    clients = [_family("F1", [15, 18], [14, 16], srs=30.0), _family("F2", [20, 24], [21, 23])]
    r = report(clients, PROFILES["fit"])
    assert (r.intake_srs.value, r.intake_srs.n) == ((30.0 + 37.0) / 2, 2)


def test_a_user_excluded_client_is_counted_as_excluded_and_left_out_of_every_figure() -> None:
    clients = caseload()
    a1 = next(c for c in clients if c.id == "A1")
    clients[0] = a1.model_copy(update={"excluded": Exclusion(reason="research only",
                                                             date=D("2026-02-01"))})
    r = report(clients, PROFILES["fit"])
    assert r.excluded["user"] == 1
    assert (r.clients, r.included) == (7, 3)
    assert "A1" not in {o.client_id for o in r.outcomes}
    assert r.meetings == 11  # A1's two visits are not counted


def test_report_json_names_both_severity_adjusted_effect_sizes_and_the_user_exclusion(
        fit: Fit, store_dir: Path) -> None:
    store = Store(store_dir)
    for client in caseload():
        if client.id == "A1":
            client = client.model_copy(update={"excluded": Exclusion(reason="test",
                                                                     date=D("2026-02-01"))})
        store.save(client)
    data = as_json(fit("report", "--json"))
    assert data["excluded"]["user"] == 1
    assert data["severity_adjusted_effect_size"] == data[
        "severity_adjusted_effect_size_normalised"]
    assert data["severity_adjusted_effect_size_smc"] is not None
    assert {o["target_kind"] for o in data["outcomes"]} == {"meeting", "end_of_episode"}
