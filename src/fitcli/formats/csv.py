"""fitcli's CSV written: the import format (one row per visit and rater, then the client's
episode), and the same rows for Excel with a decimal comma (';' between cells, CRLF, a BOM,
the header in the user's language). ``fit import`` reads both back (see fitcli.formats.reading).

Neither writes a cell a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io
import re

from fitcli.formats.layout import Layout
from fitcli.formats.rows import COLUMNS, SCORE_COLUMNS, episode_cells, header, typed_rows
from fitcli.formats.shapes import Doc, groups
from fitcli.model.scores import ITEM_COUNT

CSV_COLUMNS: tuple[str, ...] = COLUMNS  # the meeting, then the client's episode
EXCEL_BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only with it (else the ANSI code page)

# A cell a spreadsheet would run as a formula starts with one of these (OWASP's list).
FORMULA_CHARS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START = re.compile("(?:^|[,\n])[" + re.escape("".join(FORMULA_CHARS)) + "]")


def neutral(value: object) -> object:
    """A cell that no spreadsheet executes: text starting like a formula gets a leading
    apostrophe (shown as text by Excel, LibreOffice and Sheets). Export validates every
    client first, so stored values never start so; this is the last line of defence."""
    if isinstance(value, str) and value.startswith(FORMULA_CHARS):
        return "'" + value
    return value


# -- fitcli's CSV ---------------------------------------------------------------------------
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


def _rating_text(rating: Doc | None) -> str:
    if rating is None:
        return ",,,,,"
    items = rating["items"]
    cells = ",".join([_score(v) for v in items]) if items else ",,,"
    return f"{cells},{_score(rating['total'])},{rating['rater']}"


_PLAIN_ROW_COMMAS = len(CSV_COLUMNS) - 1


def client_rows(doc: Doc) -> str:
    """A client's rows: one per visit and rater. IDs, dates, numbers and the words stored
    never need CSV quoting, so rows are joined directly (4x faster than csv.writer);
    anything unexpected in a hand-edited file falls back to the csv module."""
    client_id, age_group = doc["id"], doc["age_group"]
    rows = [(s, ors, srs) for s in doc["sessions"] for ors, srs in groups(s)]
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


def piece(doc: Doc) -> bytes:
    return client_rows(doc).encode("utf-8")


def layout() -> Layout:
    return Layout((",".join(CSV_COLUMNS) + "\n").encode(), piece)


# -- for Excel with a decimal comma -------------------------------------------------------
_SCORE_AT = [i for i, c in enumerate(COLUMNS) if c in SCORE_COLUMNS]
_LABEL_AT = COLUMNS.index("label")


def excel_piece(doc: Doc) -> bytes:
    """A client's rows for Excel with a decimal comma: ';' between cells, CRLF."""
    rows = typed_rows(doc)
    for row in rows:
        if row[_LABEL_AT]:  # Excel would run "=..." as a formula
            row[_LABEL_AT] = neutral(row[_LABEL_AT])
        for i in _SCORE_AT:
            if row[i] is not None:
                row[i] = f"{row[i]:.1f}".replace(".", ",")
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def excel_head() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerow(header())
    return (EXCEL_BOM + buffer.getvalue()).encode("utf-8")


def excel_layout() -> Layout:
    return Layout(excel_head(), excel_piece)
