"""Client documents of older schemas, turned into the current one. Pure: dicts in, dicts out.

Used by the store (files written by older releases) and by the import of older backups.
"""

from typing import Any


def _v1_slot(rating: Any) -> str:
    """The rater of a schema-1 rating ("self" or "other"; anything else is left to the
    validation of the migrated document to refuse)."""
    rater = rating.get("rater", "self") if isinstance(rating, dict) else "self"
    return rater if isinstance(rater, str) else "self"


def v1_to_v2(doc: dict[str, Any]) -> dict[str, Any]:
    """Schema 1 kept each rater's form as a meeting record of its own (a parent's ORS on the
    same day as the client's was a second "meeting"). Schema 2 has one visit per meeting
    holding every rater's forms. Records of one date merge into one visit as long as no
    rater's form is given twice; a record whose form was "corrected" into another rater's
    (schema 1 let ``--session N --rater other`` overwrite the client's own form) gets the
    overwritten form back in its own rater's slot. Nothing is dropped: corrections move with
    their records, and a visit lists the record numbers it came from (``formerly``) when they
    differ from its number."""
    records = doc.get("sessions")
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        return doc  # validation of the result names the problem
    visits: list[dict[str, Any]] = []
    for record in records:
        slots: list[tuple[str, str, Any]] = []  # (form, rater, rating)
        corrections = []
        for correction in record.get("corrections") or []:
            if isinstance(correction, dict):
                correction = dict(correction)
                form = correction.get("form")
                current = record.get(form) if form in ("ors", "srs") else None
                correction.setdefault("rater", _v1_slot(correction.get("previous") or current))
                corrections.append(correction)
        for form in ("ors", "srs"):
            rating = record.get(form)
            if rating is not None:
                slots.append((form, _v1_slot(rating), rating))
        for form in ("ors", "srs"):  # a form overwritten by another rater's comes back
            rating = record.get(form)
            earlier = [c for c in corrections if c.get("form") == form
                       and isinstance(c.get("previous"), dict)]
            if rating is not None and earlier:
                previous = earlier[-1]["previous"]
                rater = _v1_slot(previous)
                if rater != _v1_slot(rating) and (form, rater) not in {(f, r) for f, r, _ in slots}:
                    slots.append((form, rater, previous))
        last = visits[-1] if visits else None
        taken = set(last["_slots"]) if last is not None else set()
        if (last is not None and last["date"] == record.get("date")
                and not taken & {(f, r) for f, r, _ in slots}):
            visit = last
        else:
            visit = {**({"client": record["client"]} if "client" in record else {}),
                     "session": len(visits) + 1, "date": record.get("date"), "ors": None,
                     "srs": None, "collateral": {}, "corrections": [], "formerly": [],
                     "_slots": []}
            visits.append(visit)
        for form, rater, rating in slots:
            visit["_slots"].append((form, rater))
            if rater == "self":
                visit[form] = rating
            else:
                visit["collateral"].setdefault(rater, {"rater": rater, "ors": None,
                                                       "srs": None})[form] = rating
        visit["corrections"].extend(corrections)
        visit["formerly"].append(record.get("session"))
    for visit in visits:
        visit.pop("_slots")
        visit["collateral"] = [visit["collateral"][code] for code in sorted(visit["collateral"])]
        if visit["formerly"] == [visit["session"]]:
            visit["formerly"] = []
    return {**doc, "sessions": visits}
