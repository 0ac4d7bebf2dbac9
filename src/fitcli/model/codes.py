"""The domain's codes as typed literals, free of pydantic: forms, raters, age groups, how an
episode ended, a client's status. Declared once here; the models and the command line's
parameters both use them (the parameters without loading the models)."""

from __future__ import annotations

from typing import Literal

Form = Literal["ors", "srs"]
# "self" is the client; any other code names a collateral rater (a parent, partner, teacher).
Rater = str
SELF: Rater = "self"
AgeGroup = Literal["adult", "adolescent", "child"]
CloseReason = Literal["planned", "dropout", "referred", "other"]
Status = Literal["open", "closed"]

FORMS: tuple[Form, ...] = ("ors", "srs")
AGE_GROUPS: tuple[AgeGroup, ...] = ("adult", "adolescent", "child")
CLOSE_REASONS: tuple[CloseReason, ...] = ("planned", "dropout", "referred", "other")
