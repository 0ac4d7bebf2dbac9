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
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic_core import to_json

from fitcli.formats.rows import COLUMNS, episode_cells
from fitcli.model.scores import ITEM_COUNT
from fitcli.tabular import BACKUP_MARK, BACKUP_VERSION

Doc = dict[str, Any]

CSV_COLUMNS: tuple[str, ...] = COLUMNS  # the meeting, then the client's episode
_NO_RATING = [""] * (ITEM_COUNT + 2)


def _json(value: object) -> bytes:
    """Compact JSON (UTF-8) of a stored document's values (pydantic's serializer: ~4x
    faster than json.dumps, the same JSON); non-ASCII text stays as it is, and a NaN a
    hand-edited file may hold is copied as json.dumps would write it, never made null."""
    return to_json(value, inf_nan_mode="constants")


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


def _groups(session: Doc) -> list[tuple[Doc | None, Doc | None]]:
    """A stored visit's forms as one (ORS, SRS) pair per rater: the client's own first."""
    groups = []
    if session["ors"] is not None or session["srs"] is not None:
        groups.append((session["ors"], session["srs"]))
    groups.extend((c["ors"], c["srs"]) for c in session.get("collateral") or ())
    return groups


def _csv_rows(doc: Doc) -> str:
    """A client's rows: one per visit and rater. IDs, dates, numbers and the words stored
    never need CSV quoting, so rows are joined directly (4x faster than csv.writer);
    anything unexpected in a hand-edited file falls back to the csv module."""
    client_id, age_group = doc["id"], doc["age_group"]
    rows = [(s, ors, srs) for s in doc["sessions"] for ors, srs in _groups(s)]
    episode = episode_cells(doc)
    tail = ",".join(episode)
    text = "".join(
        f"{client_id},{s['date']},{s['session']},{age_group},{_rating_text(ors)},"
        f"{_rating_text(srs)},{tail}\n" for s, ors, srs in rows)
    if (text.count(",") == _PLAIN_ROW_COMMAS * len(rows) and text.count("\n") == len(rows)
            and '"' not in text and "\r" not in text and not _FORMULA_START.search(text)):
        return text
    # the csv module quotes a cell with "\r" only when "\r" is in its line terminator (a
    # reader takes a lone "\r" in a free-text label for a line end): rows are written with
    # "\r\n" and each row's own terminator made "\n"
    buffer = io.StringIO()
    write = csv.writer(buffer, lineterminator="\r\n").writerow
    lines = []
    for s, ors, srs in rows:
        buffer.seek(0)
        buffer.truncate()
        write([neutral(cell) for cell in (client_id, s["date"], s["session"], age_group,
                                          *_rating_cells(ors), *_rating_cells(srs),
                                          *episode)])
        lines.append(buffer.getvalue()[:-2] + "\n")
    return "".join(lines)


# A cell a spreadsheet would run as a formula starts with one of these (OWASP's list).
FORMULA_CHARS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START = re.compile(r"(?:^|[,\n])[=+\-@\t\r]")


def neutral(value: object) -> object:
    """A CSV cell that no spreadsheet executes: text starting like a formula gets a leading
    apostrophe (shown as text by Excel, LibreOffice and Sheets). Export validates every
    client first, so stored values never start so; this is the last line of defence."""
    if isinstance(value, str) and value.startswith(FORMULA_CHARS):
        return "'" + value
    return value


def _rating(rating: Doc | None) -> Doc | None:
    if rating is None:
        return None
    return {"items": rating["items"], "total": rating["total"], "rater": rating["rater"]}


def _forms(session: Doc) -> list[Doc]:
    found = []
    for ors, srs in _groups(session):
        for form, rating in (("ors", ors), ("srs", srs)):
            if rating is not None:
                found.append({"form": form, "rater": rating["rater"], "items": rating["items"],
                              "total": rating["total"]})
    return found


def meeting_dict(client_id: str, session: Doc) -> Doc:
    """``session_dict`` of a stored visit (a stored rating is already ``rating_dict``)."""
    return {"client": client_id, "session": session["session"], "date": session["date"],
            "ors": session["ors"], "srs": session["srs"], "forms": _forms(session),
            "practitioner": session.get("practitioner")}


def _jsonl_rows(doc: Doc) -> bytes:
    """One JSON object per visit and rater: its forms and the age group."""
    client_id, age_group = doc["id"], doc["age_group"]
    return b"".join([
        _json({"client": client_id, "session": s["session"], "date": s["date"], "ors": ors,
               "srs": srs, "age_group": age_group}) + b"\n"
        for s in doc["sessions"] for ors, srs in _groups(s)])


def _moment(stored: str) -> str:
    return dt.datetime.fromisoformat(stored).isoformat()  # stored "...Z" as "+00:00"


def _meeting_document(client_id: str, session: Doc) -> Doc:
    return {**meeting_dict(client_id, session), "corrections": [
        {"at": _moment(c["at"]), "form": c["form"], "rater": c.get("rater", "self"),
         "action": c.get("action", "corrected"), "previous": _rating(c["previous"]),
         "previous_date": c["previous_date"]}
        for c in session["corrections"]], "formerly": list(session.get("formerly") or ())}


def client_document(doc: Doc) -> Doc:
    """``client_dict`` of a stored client: details, closing, visits with corrections."""
    closed, client_id = doc["closed"], doc["id"]
    excluded = doc.get("excluded")
    return {
        "id": client_id, "age_group": doc["age_group"],
        "status": "closed" if closed else "open", "label": doc["label"],
        "start": doc["start"], "practitioner": doc.get("practitioner"),
        "closed": {"reason": closed["reason"], "date": closed["date"]} if closed else None,
        "excluded": ({"reason": excluded["reason"], "date": excluded["date"]}
                     if excluded else None),
        "sessions": [_meeting_document(client_id, s) for s in doc["sessions"]],
        "removed": [{"at": _moment(r["at"]), **_meeting_document(client_id, r["visit"])}
                    for r in doc.get("removed") or ()],
    }


def _backup_client(doc: Doc) -> bytes:
    return b"\n  " + _json(client_document(doc))


def _csv_piece(doc: Doc) -> bytes:
    return _csv_rows(doc).encode("utf-8")


@dataclass(frozen=True)
class Layout:
    """How a format is put together: a head, one piece per client joined by sep, a tail;
    all UTF-8 bytes (made in the worker processes, passed back and written as they are)."""

    head: bytes
    client: Callable[[Doc], bytes]
    sep: bytes
    tail: bytes

    def join(self, pieces: list[bytes]) -> bytes:
        return self.head + self.sep.join(pieces) + self.tail


def layout(fmt: str, exported_at: str) -> Layout:
    if fmt in ("xlsx", "excel-csv", "openfit"):  # spreadsheets and peers' templates
        from fitcli.formats import exports

        return exports.layout(fmt)
    if fmt == "csv":
        return Layout((",".join(CSV_COLUMNS) + "\n").encode(), _csv_piece, b"", b"")
    if fmt == "jsonl":
        return Layout(b"", _jsonl_rows, b"", b"")
    head = json.dumps({BACKUP_MARK: BACKUP_VERSION, "exported_at": exported_at},
                      ensure_ascii=False, indent=1)
    return Layout((head[:-2] + ',\n "clients": [').encode("utf-8"), _backup_client, b",",
                  b"\n ]\n}\n")
