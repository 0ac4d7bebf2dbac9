"""The stable JSON shapes of clients and meetings (script API: keys never change)."""

from __future__ import annotations

from typing import Any

from fitcli.model.scores import Client, Rating, Session


def rating_dict(rating: Rating | None) -> dict[str, Any] | None:
    if rating is None:
        return None
    return {"items": list(rating.items) if rating.items is not None else None,
            "total": rating.total, "rater": rating.rater}


def session_dict(client_id: str, session: Session, corrections: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "client": client_id, "session": session.session, "date": session.date.isoformat(),
        "ors": rating_dict(session.ors), "srs": rating_dict(session.srs),
    }
    if corrections:
        data["corrections"] = [
            {"at": c.at.isoformat(), "form": c.form, "previous": rating_dict(c.previous),
             "previous_date": c.previous_date.isoformat() if c.previous_date else None}
            for c in session.corrections
        ]
    return data


def client_dict(client: Client) -> dict[str, Any]:
    return {
        "id": client.id, "age_group": client.age_group, "status": client.status,
        "label": client.label, "start": client.start.isoformat(),
        "closed": ({"reason": client.closed.reason, "date": client.closed.date.isoformat()}
                   if client.closed else None),
        "sessions": [session_dict(client.id, s, corrections=True) for s in client.sessions],
    }


def latest_total(client: Client, form: str) -> float | None:
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
    }
