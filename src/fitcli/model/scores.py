"""ORS/SRS scores: items, totals and the records of a client's visits.

Four items per form, each a mark on a 10 cm line measured in cm with one decimal (0.0-10.0);
the total is the sum, 0.0-40.0; higher is better (Miller et al. 2003; Duncan et al. 2003).

A visit (``Session``) holds the client's own ORS and SRS and the forms of any collateral raters
present (a parent, a partner, a teacher), each rater known by a short pseudonymous code.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# The codes live in model/codes.py (no pydantic there); re-exported for the model's users.
from fitcli.model.codes import AGE_GROUPS as AGE_GROUPS
from fitcli.model.codes import CLOSE_REASONS as CLOSE_REASONS
from fitcli.model.codes import FORMS as FORMS
from fitcli.model.codes import SELF as SELF
from fitcli.model.codes import AgeGroup as AgeGroup
from fitcli.model.codes import CloseReason as CloseReason
from fitcli.model.codes import Form as Form
from fitcli.model.codes import Rater as Rater
from fitcli.model.codes import Status as Status
from fitcli.model.ids import validate_client_id, validate_practitioner
from fitcli.model.problems import DomainError

RATER_MAX = 20

ITEM_COUNT = 4
ITEM_MAX = 10.0  # a 10 cm line, measured in cm
TOTAL_MAX = ITEM_COUNT * ITEM_MAX  # 40.0

# ASCII digits only (``\d`` would also take Arabic-Indic or full-width digits), one or two
# before the decimal point or comma, at most one after it but for trailing zeros ("4,50" is
# what Excel writes for 4.5 in a two-decimal cell: no extra precision).
_NUMBER = re.compile(r"([0-9]{1,2})(?:[.,]([0-9])0*)?")


def validate_rater(raw: str) -> Rater:
    """A rater code as stored: ``self`` or 1-20 letters, digits, ``-`` and ``_``, lower case
    (``Mor`` and ``mor`` are one rater). Raises ``error.rater_code``."""
    code = raw.strip().casefold()
    if (not 1 <= len(code) <= RATER_MAX
            or not all(ch.isalnum() or ch in "-_" for ch in code)
            or not code.isprintable()):
        raise DomainError("error.rater_code", value=raw, max=RATER_MAX)
    return code


def _no_practitioner(value: str | None) -> bool:
    return value is None  # not written at all: files without one stay byte for byte as before


_RATER_OK: dict[str, Rater] = {}


def _checked_rater(code: str) -> Rater:
    """``validate_rater`` for stored codes, which are already normalised (cached: `fit flags`
    reads hundreds of thousands)."""
    try:
        return _RATER_OK[code]
    except KeyError:
        if validate_rater(code) != code:
            raise DomainError("error.rater_code", value=code, max=RATER_MAX) from None
        if len(_RATER_OK) < 4096:
            _RATER_OK[code] = code
        return code


def tenths(value: float) -> int:
    """A score in whole tenths: exact arithmetic for one-decimal values."""
    return round(value * 10)


def is_one_decimal(value: float) -> bool:
    return abs(value * 10 - round(value * 10)) < 1e-6


def parse_number(text: str, maximum: float, what: str) -> float:
    """Parse a typed score: ``4.5`` or ``4,5``, 0..maximum, at most one decimal."""
    match = _NUMBER.fullmatch(text.strip())
    if not match:
        raise DomainError("error.score_format", value=text.strip(), what=what)
    value = int(match.group(1)) + int(match.group(2) or 0) / 10
    if value > maximum:
        raise DomainError("error.score_range", value=text.strip(), what=what, max=int(maximum))
    return value


def parse_item(text: str) -> float:
    return parse_number(text, ITEM_MAX, "item")


def parse_total(text: str) -> float:
    return parse_number(text, TOTAL_MAX, "total")


# Every valid score with one decimal -> its whole tenths (n / 10 is the same float as the
# JSON or typed text "n/10", so valid stored values are found here without arithmetic).
_ITEM_TENTHS = {n / 10: n for n in range(round(ITEM_MAX * 10) + 1)}
_TOTAL_TENTHS = {n / 10: n for n in range(round(TOTAL_MAX * 10) + 1)}
_ITEM_TENTHS_OF = _ITEM_TENTHS.__getitem__
_TOTAL_TENTHS_OF = _TOTAL_TENTHS.__getitem__


def total_of(items: tuple[float, ...]) -> float:
    """The total of the items, computed in tenths so 0.1 + 0.2 is exactly 0.3."""
    try:  # every valid item is a key of the table (a batch import sums 200,000 ratings)
        a, b, c, d = items
        return (_ITEM_TENTHS_OF(a) + _ITEM_TENTHS_OF(b) + _ITEM_TENTHS_OF(c)
                + _ITEM_TENTHS_OF(d)) / 10
    except (KeyError, ValueError, TypeError):
        return sum(tenths(i) for i in items) / 10


def _check_value(value: float, maximum: float, what: str) -> None:
    if not (0.0 <= value <= maximum) or not is_one_decimal(value):
        raise DomainError("error.score_range", value=value, what=what, max=int(maximum))


def _check_items(items: tuple[float, ...]) -> None:
    for item in items:
        _check_value(item, ITEM_MAX, "item")


_Model = TypeVar("_Model", bound=BaseModel)


def _trusted(cls: type[_Model], values: dict[str, Any], given: Iterable[str] = ()) -> _Model:
    """``cls.model_construct`` for values a checker has already passed (every field given,
    ``given`` the fields counted as set, default all): batches build 300,000 models and
    pydantic would validate each again. Tests pin equality with validated construction."""
    return cls.model_construct(set(given or values), **values)


class Rating(BaseModel):
    """One completed form: four items (or a total only, for old paper data) and who rated."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    items: tuple[float, float, float, float] | None = None
    total: float
    rater: Rater = "self"

    @model_validator(mode="after")
    def _consistent(self) -> Rating:
        _verify(self.items, self.total, self.rater)
        return self

    # The factories check first (the same ``_verify``) and then build the model without
    # validating it again, so callers get the model's DomainError (not pydantic's
    # ValidationError, which wraps any error raised inside a validator), and a batch import
    # building 200,000 ratings pays for one check each.
    @classmethod
    def from_items(cls, items: tuple[float, float, float, float], rater: Rater = SELF) -> Rating:
        total = _verify(items, None, rater)
        return _trusted(cls, {"items": items, "total": total, "rater": rater})

    @classmethod
    def from_total(cls, total: float, rater: Rater = SELF) -> Rating:
        _verify(None, total, rater)
        return _trusted(cls, {"items": None, "total": total, "rater": rater})


def _verify(items: tuple[float, ...] | None, total: float | None, rater: Rater) -> float:
    """The one check of a form: each item 0-10 and the total 0-40 with at most one decimal,
    the total the exact sum of the items (``None``: computed from them), a valid rater code.
    Returns the total. The usual case costs a few dict lookups: every valid one-decimal value
    is an exact key of the tables, in range by construction; any other value takes the exact
    checks (and their errors, in the same order)."""
    if rater != SELF:
        _checked_rater(rater)
    try:
        if items is None:
            assert total is not None
            _TOTAL_TENTHS_OF(total)
            return total
        a, b, c, d = items
        items_sum = (_ITEM_TENTHS_OF(a) + _ITEM_TENTHS_OF(b) + _ITEM_TENTHS_OF(c)
                     + _ITEM_TENTHS_OF(d))
        given = items_sum if total is None else _TOTAL_TENTHS_OF(total)
    except (KeyError, TypeError, ValueError):
        if total is not None:
            _check_value(total, TOTAL_MAX, "total")
        if items is None:
            assert total is not None
            return total
        _check_items(items)
        items_sum = sum(tenths(item) for item in items)
        given = items_sum if total is None else tenths(total)
    if given != items_sum:
        raise DomainError("error.total_mismatch", total=total)
    return items_sum / 10 if total is None else total


CorrectionAction = Literal["corrected", "added", "removed"]


class Correction(BaseModel):
    """A change to a saved visit: what it held before, so nothing is silently lost.

    ``corrected``: a form replaced (``previous`` is the old one) or the visit's date moved
    (``previous_date``); ``added``: a form put into an existing visit by its number;
    ``removed``: a form taken out (``previous`` is the removed form)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    at: dt.datetime
    form: Form
    previous: Rating | None
    previous_date: dt.date | None = None
    rater: Rater = SELF
    action: CorrectionAction = "corrected"


class RaterForms(BaseModel):
    """The forms one collateral rater gave at a visit."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rater: Rater
    ors: Rating | None = None
    srs: Rating | None = None

    def get(self, form: Form) -> Rating | None:
        return self.ors if form == "ors" else self.srs


class Session(BaseModel):
    """One visit: its number, date, the client's own ORS and SRS, the collateral raters'
    forms, and its correction history (``formerly``: the record numbers of an older schema
    that were merged into this visit)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    session: int = Field(ge=1)
    date: dt.date
    ors: Rating | None = None
    srs: Rating | None = None
    collateral: tuple[RaterForms, ...] = ()
    corrections: tuple[Correction, ...] = ()
    formerly: tuple[int, ...] = ()
    # who held the visit (optional: older visits and solo stores have none)
    practitioner: str | None = Field(default=None, exclude_if=_no_practitioner)

    @field_validator("practitioner")
    @classmethod
    def _practitioner_code(cls, value: str | None) -> str | None:
        return None if value is None else validate_practitioner(value)

    @classmethod
    def new_meeting(cls, number: int, date: dt.date, ors: Rating | None,
                    srs: Rating | None) -> Session:
        """A new visit holding the client's own ``ors`` and ``srs``, for a number counted by
        the caller (>= 1) and ratings already built (and so validated): nothing to check,
        and pydantic would re-run every rating's validator (batch imports add 100,000)."""
        return _trusted(cls, {"session": number, "date": date, "ors": ors, "srs": srs,
                              "collateral": (), "corrections": (), "formerly": (),
                              "practitioner": None},
                        ("session", "date", "ors", "srs"))

    def get(self, form: Form, rater: Rater = SELF) -> Rating | None:
        """The ``rater``'s ``form`` at this visit, if given."""
        if rater == SELF:
            return self.ors if form == "ors" else self.srs
        for forms in self.collateral:
            if forms.rater == rater:
                return forms.get(form)
        return None

    def forms(self) -> list[Rating]:
        """Every form of the visit with its form name: the client's own first, then each
        collateral rater's (ORS before SRS)."""
        return [r for r, _ in self.forms_with_names()]

    def forms_with_names(self) -> list[tuple[Rating, Form]]:
        found: list[tuple[Rating, Form]] = []
        pairs = [(self.ors, self.srs), *((c.ors, c.srs) for c in self.collateral)]
        for ors, srs in pairs:
            if ors is not None:
                found.append((ors, "ors"))
            if srs is not None:
                found.append((srs, "srs"))
        return found

    @property
    def raters(self) -> tuple[Rater, ...]:
        """The raters with a form at this visit: the client first, then collateral codes."""
        own = (SELF,) if self.ors is not None or self.srs is not None else ()
        return own + tuple(c.rater for c in self.collateral)

    @property
    def is_empty(self) -> bool:
        return self.ors is None and self.srs is None and not self.collateral

    def with_form(self, form: Form, rater: Rater, rating: Rating | None) -> Session:
        """This visit with the ``rater``'s ``form`` set to ``rating`` (None: taken out)."""
        if rating is not None and rating.rater != rater:
            raise ValueError("the rating's rater differs from the slot's")
        if rater == SELF:
            return self.model_copy(update={form: rating})
        entries = {c.rater: c for c in self.collateral}
        old = entries.get(rater)
        ors = rating if form == "ors" else (old.ors if old else None)
        srs = rating if form == "srs" else (old.srs if old else None)
        if ors is None and srs is None:
            entries.pop(rater, None)
        else:
            entries[rater] = RaterForms(rater=rater, ors=ors, srs=srs)
        return self.model_copy(update={
            "collateral": tuple(entries[code] for code in sorted(entries))})


def _check_slots(visit: Session) -> None:
    """The client's own forms are rater "self"; each collateral rater is listed once, in
    order, holds at least one form, and only their own."""
    for rating in (visit.ors, visit.srs):
        if rating is not None and rating.rater != SELF:
            raise ValueError(f"a form of rater {rating.rater!r} filed as the client's own")
    if visit.collateral:
        codes = [c.rater for c in visit.collateral]
        if codes != sorted(set(codes)):
            raise ValueError("collateral raters are listed once each, in order")
        for forms in visit.collateral:
            if forms.rater == SELF or (forms.ors is None and forms.srs is None):
                raise ValueError(f"collateral rater {forms.rater!r} without forms")
            for rating in (forms.ors, forms.srs):
                if rating is not None and rating.rater != forms.rater:
                    raise ValueError(f"a form of rater {rating.rater!r} filed under "
                                     f"{forms.rater!r}")


class RemovedVisit(BaseModel):
    """A whole visit taken out with ``fit meeting remove``: kept, with when it was removed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    at: dt.datetime
    visit: Session


class DetailChange(BaseModel):
    """A client detail changed with ``fit client edit``: what it was, and when it changed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: Literal["age_group", "label", "start"]
    previous: str
    at: dt.datetime


class Closure(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    reason: CloseReason
    date: dt.date


class Exclusion(BaseModel):
    """The practitioner's decision to leave a client out of the caseload figures."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reason: str = Field(min_length=1, max_length=200)
    date: dt.date


class Client(BaseModel):
    """A client episode, identified by a pseudonymous code."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    age_group: AgeGroup = "adult"
    label: str = ""
    start: dt.date
    closed: Closure | None = None
    excluded: Exclusion | None = None
    sessions: tuple[Session, ...] = ()
    removed: tuple[RemovedVisit, ...] = ()
    edits: tuple[DetailChange, ...] = ()  # earlier age group, label or start, kept
    # the responsible practitioner (optional: solo stores and older files have none)
    practitioner: str | None = Field(default=None, exclude_if=_no_practitioner)

    @field_validator("practitioner")
    @classmethod
    def _practitioner_code(cls, value: str | None) -> str | None:
        return None if value is None else validate_practitioner(value)

    @field_validator("id")
    @classmethod
    def _safe_id(cls, value: str) -> str:
        return validate_client_id(value)  # no client can ever name a path outside the store

    @model_validator(mode="after")
    def _meetings_in_order(self) -> Client:
        # Visits are numbered 1..n without gaps and never dated before the one before; each
        # holds every rater's forms in that rater's slot. (Checked here, once per client,
        # rather than by a validator per visit: `fit flags` reads hundreds of thousands.)
        before: dt.date | None = None
        for number, session in enumerate(self.sessions, 1):
            if session.session != number:
                raise ValueError(f"meeting {number} is numbered {session.session}")
            if before is not None and session.date < before:
                raise ValueError(f"meeting {session.session} is dated before the one before")
            before = session.date
            _check_slots(session)
        for gone in self.removed:
            _check_slots(gone.visit)
        return self

    @property
    def status(self) -> Status:
        return "closed" if self.closed else "open"

    def ratings(self, form: Form, rater: Rater = SELF) -> list[tuple[Session, Rating]]:
        """The rater's forms of one kind in visit order (visits without one do not count)."""
        found = []
        for s in self.sessions:
            rating = s.get(form, rater)
            if rating is not None:
                found.append((s, rating))
        return found

    def ors_ratings(self, rater: Rater = SELF) -> list[tuple[Session, Rating]]:
        return self.ratings("ors", rater)

    def srs_ratings(self, rater: Rater = SELF) -> list[tuple[Session, Rating]]:
        return self.ratings("srs", rater)

    @property
    def raters(self) -> tuple[Rater, ...]:
        """Every rater with at least one ORS: the client first (if so), then collateral codes
        in alphabetical order. Each is its own trajectory."""
        own = any(s.ors is not None for s in self.sessions)
        codes = {c.rater for s in self.sessions for c in s.collateral if c.ors is not None}
        return ((SELF,) if own else ()) + tuple(sorted(codes))

    @property
    def all_raters(self) -> tuple[Rater, ...]:
        """Every rater with any form (ORS or SRS), the client first."""
        own = any(s.ors is not None or s.srs is not None for s in self.sessions)
        codes = {c.rater for s in self.sessions for c in s.collateral}
        return ((SELF,) if own else ()) + tuple(sorted(codes))

    @property
    def last_date(self) -> dt.date | None:
        return self.sessions[-1].date if self.sessions else None
