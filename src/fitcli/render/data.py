"""The stable JSON shapes of clients and meetings (script API: keys never change)."""

from __future__ import annotations

from typing import Any

from fitcli.model.scores import Client, Correction, Rating, Session


def rating_dict(rating: Rating | None) -> dict[str, Any] | None:
    if rating is None:
        return None
    return {"items": list(rating.items) if rating.items is not None else None,
            "total": rating.total, "rater": rating.rater}


def form_dict(form: str, rating: Rating) -> dict[str, Any]:
    return {"form": form, "rater": rating.rater,
            "items": list(rating.items) if rating.items is not None else None,
            "total": rating.total}


def correction_dict(c: Correction) -> dict[str, Any]:
    return {"at": c.at.isoformat(), "form": c.form, "rater": c.rater, "action": c.action,
            "previous": rating_dict(c.previous),
            "previous_date": c.previous_date.isoformat() if c.previous_date else None}


def session_dict(client_id: str, session: Session, corrections: bool = False) -> dict[str, Any]:
    """A visit: the client's own ``ors`` and ``srs`` and every rater's ``forms``."""
    data: dict[str, Any] = {
        "client": client_id, "session": session.session, "date": session.date.isoformat(),
        "ors": rating_dict(session.ors), "srs": rating_dict(session.srs),
        "forms": [form_dict(form, rating) for rating, form in session.forms_with_names()],
        "practitioner": session.practitioner,  # who held the visit (null: not recorded)
    }
    if corrections:
        data["corrections"] = [correction_dict(c) for c in session.corrections]
        data["formerly"] = list(session.formerly)
    return data


def client_dict(client: Client) -> dict[str, Any]:
    return {
        "id": client.id, "age_group": client.age_group, "status": client.status,
        "label": client.label, "start": client.start.isoformat(),
        "practitioner": client.practitioner,  # the responsible practitioner (null: none)
        "closed": ({"reason": client.closed.reason, "date": client.closed.date.isoformat()}
                   if client.closed else None),
        "excluded": ({"reason": client.excluded.reason,
                      "date": client.excluded.date.isoformat()} if client.excluded else None),
        "sessions": [session_dict(client.id, s, corrections=True) for s in client.sessions],
        "removed": [{"at": r.at.isoformat(), **session_dict(client.id, r.visit, True)}
                    for r in client.removed],
    }


def latest_total(client: Client, form: str) -> float | None:
    """The client's own latest total of ``form`` (collateral raters' forms are not the
    client's)."""
    for session in reversed(client.sessions):
        rating = session.ors if form == "ors" else session.srs
        if rating is not None:
            return rating.total
    return None


def summary_dict(client: Client) -> dict[str, Any]:
    """One row of `fit client list --json`."""
    return {
        "id": client.id, "age_group": client.age_group, "status": client.status,
        "label": client.label, "meetings": len(client.sessions),
        "latest_ors": latest_total(client, "ors"), "latest_srs": latest_total(client, "srs"),
        "last_date": client.last_date.isoformat() if client.last_date else None,
        "raters": list(client.all_raters),
        "excluded": client.excluded is not None,
    }
