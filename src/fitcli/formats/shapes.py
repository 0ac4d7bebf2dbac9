"""The document shapes of every output: a client, a visit, a rating, a form, a correction, a
row of the client list, a line of JSON Lines (a stable script API: keys never change).

`fit client show --json`, `fit ors --json`, `fit client list --json` and the JSON Lines and
backup exports all print these. Each shape is built from the stored client document (what
the store keeps: the model dumped as JSON), which is how export works, on the documents
straight from the store without validating them into models (five times faster). The
commands that hold a model print the same shape of the model's stored document.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic_core import to_json

from fitcli.model.scores import Client, Form, Session

Doc = dict[str, Any]


def dumps(value: object) -> bytes:
    """Compact JSON (UTF-8) of a shape built from a stored document (pydantic's serializer:
    ~4x faster than json.dumps, the same JSON); non-ASCII text stays as it is, and a NaN a
    hand-edited file may hold is copied as json.dumps would write it, never made null."""
    return to_json(value, inf_nan_mode="constants")


def groups(session: Doc) -> list[tuple[Doc | None, Doc | None]]:
    """A stored visit's forms as one (ORS, SRS) pair per rater: the client's own first."""
    found = []
    if session["ors"] is not None or session["srs"] is not None:
        found.append((session["ors"], session["srs"]))
    found.extend((c["ors"], c["srs"]) for c in session.get("collateral") or ())
    return found


def rating_dict(stored: Doc | None) -> Doc | None:
    """A rating: its items (null: the total only), total and rater. (A stored visit's own
    ratings are already this shape and are copied as they are.)"""
    if stored is None:
        return None
    return {"items": stored["items"], "total": stored["total"], "rater": stored["rater"]}


def forms(session: Doc) -> list[Doc]:
    """Every rater's forms of a stored visit, the client's own first: each its form, rater,
    items and total."""
    found = []
    for ors, srs in groups(session):
        for name, rating in (("ors", ors), ("srs", srs)):
            if rating is not None:
                found.append({"form": name, "rater": rating["rater"], "items": rating["items"],
                              "total": rating["total"]})
    return found


def _moment(stored: str) -> str:
    return dt.datetime.fromisoformat(stored).isoformat()  # stored "...Z" as "+00:00"


def correction_dict(stored: Doc) -> Doc:
    """A form corrected or removed, with the rating it replaced (older files: the client's
    own form, corrected)."""
    return {"at": _moment(stored["at"]), "form": stored["form"],
            "rater": stored.get("rater", "self"), "action": stored.get("action", "corrected"),
            "previous": rating_dict(stored["previous"]), "previous_date": stored["previous_date"]}


def meeting_dict(client_id: str, session: Doc) -> Doc:
    """A visit: the client's own ``ors`` and ``srs`` and every rater's ``forms``."""
    return {"client": client_id, "session": session["session"], "date": session["date"],
            "ors": session["ors"], "srs": session["srs"], "forms": forms(session),
            "practitioner": session.get("practitioner")}  # who held it (null: not recorded)


def meeting_document(client_id: str, session: Doc) -> Doc:
    """A visit with its history: ``meeting_dict`` plus corrections and former numbers."""
    return {**meeting_dict(client_id, session),
            "corrections": [correction_dict(c) for c in session["corrections"]],
            "formerly": list(session.get("formerly") or ())}


def client_document(doc: Doc) -> Doc:
    """A client: details, closing, exclusion, visits with corrections, removed visits."""
    closed, client_id = doc["closed"], doc["id"]
    excluded = doc.get("excluded")
    return {
        "id": client_id, "age_group": doc["age_group"],
        "status": "closed" if closed else "open", "label": doc["label"],
        "start": doc["start"],
        "practitioner": doc.get("practitioner"),  # the responsible one (null: none)
        "closed": {"reason": closed["reason"], "date": closed["date"]} if closed else None,
        "excluded": ({"reason": excluded["reason"], "date": excluded["date"]}
                     if excluded else None),
        "sessions": [meeting_document(client_id, s) for s in doc["sessions"]],
        "removed": [{"at": _moment(r["at"]), **meeting_document(client_id, r["visit"])}
                    for r in doc.get("removed") or ()],
    }


def rater_visits(doc: Doc) -> list[Doc]:
    """The lines of JSON Lines: one per visit and rater, its forms and the age group."""
    client_id, age_group = doc["id"], doc["age_group"]
    return [{"client": client_id, "session": s["session"], "date": s["date"], "ors": ors,
             "srs": srs, "age_group": age_group}
            for s in doc["sessions"] for ors, srs in groups(s)]


# -- the same shapes of a model -----------------------------------------------------------
def session_dict(client_id: str, session: Session, corrections: bool = False) -> Doc:
    """``meeting_dict`` of a visit (``meeting_document`` with ``corrections``)."""
    stored = session.model_dump(mode="json")
    if corrections:
        return meeting_document(client_id, stored)
    return meeting_dict(client_id, stored)


def client_dict(client: Client) -> Doc:
    """``client_document`` of a client."""
    return client_document(client.model_dump(mode="json"))


def latest_total(client: Client, form: Form) -> float | None:
    """The client's own latest total of ``form`` (collateral raters' forms are not the
    client's)."""
    for session in reversed(client.sessions):
        rated = session.ors if form == "ors" else session.srs
        if rated is not None:
            return rated.total
    return None


def summary_dict(client: Client) -> Doc:
    """One row of `fit client list --json`."""
    return {
        "id": client.id, "age_group": client.age_group, "status": client.status,
        "label": client.label, "meetings": len(client.sessions),
        "latest_ors": latest_total(client, "ors"), "latest_srs": latest_total(client, "srs"),
        "last_date": client.last_date.isoformat() if client.last_date else None,
        "raters": list(client.all_raters),
        "excluded": client.excluded is not None,
    }
