"""The text of `fit export`: CSV in the import format, JSON Lines, and the full-backup JSON.

Export copies what the store holds, so it works on the stored JSON documents
(``Store.documents``) instead of validating every client into models first (five times
slower). The shapes are those of render/data.py (a meeting = ``session_dict`` plus the age
group, a client = ``client_dict``); tests/test_io_roundtrip.py pins the two together.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from fitcli.model.scores import ITEM_COUNT
from fitcli.tabular import BACKUP_MARK, BACKUP_VERSION

Doc = dict[str, Any]

CSV_COLUMNS: tuple[str, ...] = (
    "client", "date", "session", "age_group",
    *(f"ors{i}" for i in range(1, ITEM_COUNT + 1)), "ors_total", "ors_rater",
    *(f"srs{i}" for i in range(1, ITEM_COUNT + 1)), "srs_total", "srs_rater",
)
_NO_RATING = [""] * (ITEM_COUNT + 2)


_TENTHS: dict[float, str] = {}  # 401 possible scores, formatted once each


def _score(value: float) -> str:
    text = _TENTHS.get(value)
    if text is None:
        text = _TENTHS[value] = f"{value:.1f}"
    return text


def _rating_cells(rating: Doc | None) -> list[str]:
    if rating is None:
        return _NO_RATING
    items = rating["items"]
    cells = [_score(v) for v in items] if items else [""] * ITEM_COUNT
    return [*cells, _score(rating["total"]), rating["rater"]]


def csv_chunks(docs: Iterable[Doc]) -> Iterator[str]:
    """One row per meeting, comma-separated, dot decimals; a header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for doc in docs:
        client_id, age_group = doc["id"], doc["age_group"]
        writer.writerows(
            [client_id, s["date"], s["session"], age_group, *_rating_cells(s["ors"]),
             *_rating_cells(s["srs"])] for s in doc["sessions"])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _rating(rating: Doc | None) -> Doc | None:
    if rating is None:
        return None
    return {"items": rating["items"], "total": rating["total"], "rater": rating["rater"]}


def meeting_dict(client_id: str, session: Doc) -> Doc:
    """``session_dict`` of a stored meeting."""
    return {"client": client_id, "session": session["session"], "date": session["date"],
            "ors": _rating(session["ors"]), "srs": _rating(session["srs"])}


def jsonl_chunks(docs: Iterable[Doc]) -> Iterator[str]:
    """One JSON object per meeting: the meeting as in `--json` output plus the age group."""
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    for doc in docs:
        client_id, age_group = doc["id"], doc["age_group"]
        yield "".join(dumps({**meeting_dict(client_id, s), "age_group": age_group}) + "\n"
                      for s in doc["sessions"])


def _moment(stored: str) -> str:
    return dt.datetime.fromisoformat(stored).isoformat()  # stored "...Z" as "+00:00"


def client_document(doc: Doc) -> Doc:
    """``client_dict`` of a stored client: details, closing, meetings with corrections."""
    closed = doc["closed"]
    return {
        "id": doc["id"], "age_group": doc["age_group"],
        "status": "closed" if closed else "open", "label": doc["label"],
        "start": doc["start"],
        "closed": {"reason": closed["reason"], "date": closed["date"]} if closed else None,
        "sessions": [
            {**meeting_dict(doc["id"], s), "corrections": [
                {"at": _moment(c["at"]), "form": c["form"], "previous": _rating(c["previous"]),
                 "previous_date": c["previous_date"]}
                for c in s["corrections"]]}
            for s in doc["sessions"]],
    }


def backup_chunks(docs: Iterable[Doc], exported_at: str) -> Iterator[str]:
    """The whole selection as one JSON document, streamed client by client."""
    head = json.dumps({BACKUP_MARK: BACKUP_VERSION, "exported_at": exported_at},
                      ensure_ascii=False, indent=1)
    yield head[:-2] + ',\n "clients": ['
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    for i, doc in enumerate(docs):
        yield ("," if i else "") + "\n  " + dumps(client_document(doc))
    yield "\n ]\n}\n"
