"""The text of `fit export`: CSV in the import format, JSON Lines, and the full-backup JSON.

Export copies what the store holds, so it works on the stored JSON documents
(``Store.documents``) instead of validating every client into models first (five times
slower), and turns each into text at once (10,000 documents kept alive would cost more in
garbage-collector passes than the formatting itself). The shapes are those of
render/data.py (a meeting = ``session_dict`` plus the age group, a client = ``client_dict``);
tests/test_io_roundtrip.py pins the two together.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
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
_dumps = json.JSONEncoder(ensure_ascii=False).encode


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


def _rating_text(rating: Doc | None) -> str:
    if rating is None:
        return ",,,,,"
    items = rating["items"]
    cells = ",".join([_score(v) for v in items]) if items else ",,,"
    return f"{cells},{_score(rating['total'])},{rating['rater']}"


_PLAIN_ROW_COMMAS = len(CSV_COLUMNS) - 1


def _csv_rows(doc: Doc) -> str:
    """A client's rows. IDs, dates, numbers and the words stored never need CSV quoting, so
    rows are joined directly (4x faster than csv.writer); anything unexpected in a
    hand-edited file falls back to the csv module."""
    client_id, age_group = doc["id"], doc["age_group"]
    text = "".join(
        f"{client_id},{s['date']},{s['session']},{age_group},{_rating_text(s['ors'])},"
        f"{_rating_text(s['srs'])}\n" for s in doc["sessions"])
    rows = len(doc["sessions"])
    if (text.count(",") == _PLAIN_ROW_COMMAS * rows and text.count("\n") == rows
            and '"' not in text and "\r" not in text):
        return text
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(
        [client_id, s["date"], s["session"], age_group, *_rating_cells(s["ors"]),
         *_rating_cells(s["srs"])] for s in doc["sessions"])
    return buffer.getvalue()


def _rating(rating: Doc | None) -> Doc | None:
    if rating is None:
        return None
    return {"items": rating["items"], "total": rating["total"], "rater": rating["rater"]}


def meeting_dict(client_id: str, session: Doc) -> Doc:
    """``session_dict`` of a stored meeting (a stored rating is already ``rating_dict``)."""
    return {"client": client_id, "session": session["session"], "date": session["date"],
            "ors": session["ors"], "srs": session["srs"]}


def _jsonl_rows(doc: Doc) -> str:
    """One JSON object per meeting: the meeting as in `--json` output plus the age group."""
    client_id, age_group = doc["id"], doc["age_group"]
    return "".join(_dumps({**meeting_dict(client_id, s), "age_group": age_group}) + "\n"
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


class _Unusual(Exception):
    """A stored value the fast backup text does not handle: json.dumps does that client."""


_JSON_TEXT: dict[object, str] = {}  # strings (ids, dates, raters) and scores seen, as JSON


def _js(value: object) -> str:
    """``_dumps(value)`` of a str or a finite float, cached; anything else is _Unusual (an
    int 20 must not hit the cached text of 20.0: ints and bools never get here)."""
    kind = type(value)
    if kind is not str and kind is not float:
        raise _Unusual
    text = _JSON_TEXT.get(value)
    if text is None:  # (a str never equals a float: one cache serves both)
        if kind is float and not math.isfinite(value):  # type: ignore[arg-type]
            raise _Unusual
        text = _JSON_TEXT[value] = _dumps(value)
    return text


def _js_rating(rating: Doc | None) -> str:
    if rating is None:
        return "null"
    if type(rating) is not dict or tuple(rating) != ("items", "total", "rater"):
        raise _Unusual
    items = rating["items"]
    if items is None:
        cells = "null"
    elif type(items) is list:
        cells = "[" + ", ".join([_js(v) for v in items]) + "]"
    else:
        raise _Unusual
    return f'{{"items": {cells}, "total": {_js(rating["total"])}, "rater": {_js(rating["rater"])}}}'


def _js_optional(value: object) -> str:
    return "null" if value is None else _js(value)


def _backup_text(doc: Doc) -> str:
    """``_dumps(client_document(doc))``, built directly (the usual stored client: meetings
    without corrections); raises _Unusual for anything else. Twice as fast: a backup of
    10,000 clients formats a million scores."""
    client_id = _js(doc["id"])
    meetings = []
    for s in doc["sessions"]:
        number = s["session"]
        if type(number) is not int or s["corrections"] != []:
            raise _Unusual
        meetings.append(f'{{"client": {client_id}, "session": {number}, "date": '
                        f'{_js(s["date"])}, "ors": {_js_rating(s["ors"])}, "srs": '
                        f'{_js_rating(s["srs"])}, "corrections": []}}')
    closed = doc["closed"]
    if closed is None:
        closing = "null"
    elif type(closed) is dict:
        closing = f'{{"reason": {_js(closed["reason"])}, "date": {_js(closed["date"])}}}'
    else:
        raise _Unusual
    return (f'{{"id": {client_id}, "age_group": {_js(doc["age_group"])}, "status": '
            f'{_js("closed" if closed else "open")}, "label": {_js_optional(doc["label"])}, '
            f'"start": {_js(doc["start"])}, "closed": {closing}, "sessions": ['
            + ", ".join(meetings) + "]}")


def _backup_client(doc: Doc) -> str:
    try:
        return "\n  " + _backup_text(doc)
    except (_Unusual, KeyError, TypeError):
        return "\n  " + _dumps(client_document(doc))


@dataclass(frozen=True)
class Layout:
    """How a format is put together: a head, one piece per client joined by sep, a tail."""

    head: str
    client: Callable[[Doc], str]
    sep: str
    tail: str

    def text(self, pieces: list[str]) -> str:
        return self.head + self.sep.join(pieces) + self.tail


def layout(fmt: str, exported_at: str) -> Layout:
    if fmt == "csv":
        return Layout(",".join(CSV_COLUMNS) + "\n", _csv_rows, "", "")
    if fmt == "jsonl":
        return Layout("", _jsonl_rows, "", "")
    head = json.dumps({BACKUP_MARK: BACKUP_VERSION, "exported_at": exported_at},
                      ensure_ascii=False, indent=1)
    return Layout(head[:-2] + ',\n "clients": [', _backup_client, ",", "\n ]\n}\n")
