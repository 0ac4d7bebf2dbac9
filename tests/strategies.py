"""Hypothesis strategies shared by the store tests (folder and database): varied clients."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from fitcli.model.scores import Client, Closure, Correction, RaterForms, Rating, Session

START = dt.date(2026, 1, 5)

tenths = st.integers(min_value=0, max_value=100)


def ratings_by(rater: str) -> st.SearchStrategy[Rating | None]:
    return st.one_of(
        st.none(),
        st.builds(lambda a, b, c, d_: Rating.from_items((a / 10, b / 10, c / 10, d_ / 10),
                                                        rater),
                  tenths, tenths, tenths, tenths),
        st.builds(lambda t: Rating.from_total(t / 10, rater), st.integers(0, 400)),
    )


ratings = ratings_by("self")


@st.composite
def clients(draw: st.DrawFn) -> Client:
    gaps = draw(st.lists(st.integers(0, 30), max_size=6))
    day, sessions = START, []
    for n, gap in enumerate(gaps, start=1):
        day += dt.timedelta(days=gap)
        corrections = tuple(
            Correction(at=dt.datetime(2026, 2, 1, 9, 30, tzinfo=dt.UTC), form="ors",
                       previous=prev, previous_date=None)
            for prev in draw(st.lists(ratings, max_size=2)))
        collateral = []
        for code in draw(st.lists(st.sampled_from(["far", "mor", "teacher-2", "lærer"]),
                                  unique=True, max_size=2)):
            ors, srs = draw(ratings_by(code)), draw(ratings_by(code))
            if ors is not None or srs is not None:
                collateral.append(RaterForms(rater=code, ors=ors, srs=srs))
        collateral.sort(key=lambda c: c.rater)
        sessions.append(Session(session=n, date=day, ors=draw(ratings), srs=draw(ratings),
                                collateral=tuple(collateral), corrections=corrections))
    closed = draw(st.one_of(st.none(), st.builds(
        lambda r: Closure(reason=r, date=day), st.sampled_from(["planned", "dropout"]))))
    return Client(
        id=draw(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,10}[A-Za-z0-9]", fullmatch=True)
                .filter(lambda s: s.split(".")[0].lower() not in {"con", "nul", "aux", "prn"})),
        age_group=draw(st.sampled_from(["adult", "adolescent", "child"])),
        label=draw(st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF), max_size=20)),
        start=START, closed=closed, sessions=tuple(sessions))
