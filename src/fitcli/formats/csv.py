"""fitcli's CSV written and read: the import format (one row per visit and rater, then the
client's episode), and the same rows for Excel with a decimal comma (';' between cells, CRLF,
a BOM, the header in the user's language). ``fit import`` reads both back (``parse_csv``:
the delimiter, the header's aliases, then each record checked; the shared field readers are
in fitcli.formats.reading).

Neither writes a cell a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, cast

from fitcli.errors import InvalidData
from fitcli.formats.layout import Layout
from fitcli.formats.reading import (
    FIELD_OF,
    ITEM_FIELDS,
    Located,
    Parsed,
    detect_delimiter,
    normalise,
    parse_age_group,
    parse_date,
    parse_rater,
    parse_session,
    text_lines,
)
from fitcli.formats.rows import COLUMNS, SCORE_COLUMNS, episode_cells, header, typed_rows
from fitcli.formats.shapes import Doc, groups
from fitcli.model.batch import Problem, Row
from fitcli.model.ids import validate_client_id
from fitcli.model.problems import DomainError
from fitcli.model.scores import (
    FORMS,
    ITEM_COUNT,
    Form,
    Rater,
    Rating,
    parse_item,
    parse_total,
    tenths,
    total_of,
)

CSV_COLUMNS: tuple[str, ...] = COLUMNS  # the meeting, then the client's episode
EXCEL_BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only with it (else the ANSI code page)

# A cell a spreadsheet would run as a formula starts with one of these (OWASP's list).
FORMULA_CHARS = ("=", "+", "-", "@", "\t", "\r")
# a cell after the first that starts like a formula (the first: ``str.startswith``; one
# pattern with "^|" in it takes twice as long over a client's rows)
_FORMULA_AFTER = re.compile("[,\n][" + re.escape("".join(FORMULA_CHARS)) + "]")


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
            and '"' not in text and "\r" not in text and not text.startswith(FORMULA_CHARS)
            and not _FORMULA_AFTER.search(text)):
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


# -- read back -----------------------------------------------------------------------------
_EOL = re.compile(r"\r\n|\r|\n")  # where csv.reader's lines end (io newline="")


_CHUNK = 1 << 20  # characters handed to an io.StringIO at a time


class _Lines:
    """A text's lines as csv.reader reads them from ``io.StringIO(text, newline="")``, a
    chunk at a time (a StringIO holds its text as 4 bytes a character: a whole 50 MB file
    would take 200 MB); ``end`` is the offset after the last line handed out."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.end = 0

    def __iter__(self) -> Iterator[str]:
        text = self.text
        size = len(text)
        pos = 0
        while pos < size:
            cut = size
            if size - pos > _CHUNK:
                found = _EOL.search(text, pos + _CHUNK)
                cut = found.end() if found else size
            for line in io.StringIO(text[pos:cut], newline=""):
                self.end += len(line)
                yield line
            pos = cut


def located_records(text: str, delimiter: str
                    ) -> Iterator[tuple[int, int, int, list[str]]]:
    """CSV records with the line each starts on and its offsets (start, end) in ``text``
    (quoted cells may span lines). A quote left open at the end of the file, text after a
    closing quote, or a cell longer than the csv module's limit (131,072 characters) is
    refused with its line (exit 4)."""
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    start = 1
    offset = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InvalidData("import.error.csv_syntax", line=start,
                              reason=str(exc).splitlines()[0][:120]) from None
        yield start, offset, lines.end, record
        start = reader.line_num + 1
        offset = lines.end


def first_line(text: str) -> str:
    """The first line of ``text`` that is not blank (``""`` if none), without splitting the
    whole text."""
    return next((line for _, _, line in text_lines(text) if line.strip()), "")


def header_record(text: str, delimiter: str | None) -> list[str]:
    """The first non-empty record of a CSV text (its header), as the reader splits it."""
    reader = csv.reader(_Lines(text), delimiter=delimiter or ",")
    return next((record for record in reader if any(c.strip() for c in record)), [])


def parse_csv(text: str) -> Parsed:
    out = Parsed("csv")
    delimiter = detect_delimiter(first_line(text))
    out.delimiter = delimiter
    records = located_records(text, delimiter)
    header: list[str] | None = None
    header_at = 0
    for line, _, _, record in records:
        if any(cell.strip() for cell in record):
            header, header_at = record, line
            break
    if header is None:  # nothing at all: an export of an empty store, say
        return out
    columns = map_header(header, header_at, out)
    if out.problems:
        return out
    width = len(header)
    reader = RowReader(columns)

    def again(text: str, where: list[tuple[int, int, int]]) -> list[Row]:
        return _read_again(text, where, delimiter, reader)

    found = out.found = Located(text, again)
    client_at, out.client_column = columns["client"]
    for line, start, end, record in records:
        if not any(map(str.strip, record)):
            continue  # blank lines and spreadsheets' trailing ';;;;' rows
        out.lines += 1
        if len(record) > width and any(c.strip() for c in record[width:]):
            out.problems.append(Problem(line, "", "import.error.extra_cells",
                                        {"count": len(record), "width": width}))
            continue
        read = reader.check(line, record)
        if isinstance(read, str):
            found.add(read, start, end, line)
        else:
            out.problems.extend(read)
            out.unread[line] = record[client_at].strip() if client_at < len(record) else ""
    return out


def _read_again(text: str, where: list[tuple[int, int, int]], delimiter: str,
                reader: RowReader) -> list[Row]:
    """The rows of records read before without problems: records that follow each other in
    the file are read as one piece of text."""
    rows: list[Row] = []
    at = 0
    while at < len(where):
        start, end, _ = where[at]
        last = at
        while last + 1 < len(where) and where[last + 1][0] == end:
            last += 1
            end = where[last][1]
        records = csv.reader(io.StringIO(text[start:end], newline=""), delimiter=delimiter,
                             strict=True)
        for (_, _, line), record in zip(where[at:last + 1], records, strict=True):
            read = reader.read(line, record)
            if not isinstance(read, Row):  # pragma: no cover - read without problems before
                raise AssertionError(f"line {line} read differently the second time")
            rows.append(read)
        at = last + 1
    return rows


def map_header(header: list[str], line: int, out: Parsed) -> dict[str, tuple[int, str]]:
    """The columns of ``header`` (found on ``line``) for a ``RowReader``: field -> (index,
    column name as written); problems for what cannot work go to ``out``, columns no field
    reads to its ignored columns."""
    columns: dict[str, tuple[int, str]] = {}
    for index, name in enumerate(header):
        fld = FIELD_OF.get(normalise(name))
        if fld is None:
            if name.strip():
                out.ignored_columns.append(name.strip())
            continue
        if fld in columns:
            out.problems.append(Problem(line, name.strip(), "import.error.column_twice",
                                        {"other": columns[fld][1], "field": fld}))
            continue
        columns[fld] = (index, name.strip())
    for required in ("client", "date"):
        if required not in columns:
            out.problems.append(Problem(line, "", "import.error.column_missing",
                                        {"field": required}))
    for form in FORMS:
        present = [f for f in ITEM_FIELDS[form] if f in columns]
        if present and len(present) != ITEM_COUNT:
            missing = [f for f in ITEM_FIELDS[form] if f not in columns]
            out.problems.append(Problem(line, "", "import.error.items_columns",
                                        {"form": form.upper(), "missing": ", ".join(missing)}))
    if not any(f in columns for form in FORMS for f in (*ITEM_FIELDS[form], f"{form}_total")):
        out.problems.append(Problem(line, "", "import.error.no_score_columns", {}))
    return columns


RATINGS_KEPT = 20_000  # distinct ratings a reader keeps to share (values that repeat)


_CHECKED = Rating.from_total(0.0)  # stands for a rating checked but not made


class _NotClean(Exception):
    """A row the fast path leaves to the careful one."""


class RowReader:
    """Turns CSV records into Rows for one header (its ``map_header``); caches parsed cells
    (values repeat). Its ways of reading a record agree: ``check`` finds a record good
    exactly when ``read`` gives a row (with the same problems otherwise), and a record the
    fast ``read_clean`` reads gives what ``read_carefully`` gives."""

    def __init__(self, columns: Mapping[str, tuple[int, str]]) -> None:
        self.index = {fld: i for fld, (i, _) in columns.items()}
        self.names = {fld: name for fld, (_, name) in columns.items()}
        self.width = max(self.index.values()) + 1
        self.where = dict(self.names)
        for form in FORMS:
            first = next((f for f in (*ITEM_FIELDS[form], f"{form}_total") if f in columns),
                         None)
            if first:
                self.where[form] = self.names[first]
        self.cache: dict[str, dict[str, Any]] = {"client": {}, "date": {}, "item": {}}
        self.ratings: dict[tuple[tuple[float, ...], Rater], Rating] = {}
        # the fast path's plan: where each value is (form, its rater field, its four item
        # columns or None, its total column or None)
        self.client_at, self.date_at = self.index["client"], self.index["date"]
        self.forms = [
            (form, f"{form}_rater",
             tuple(self.index[f] for f in ITEM_FIELDS[form])
             if ITEM_FIELDS[form][0] in self.index else None,
             self.index.get(f"{form}_total"))
            for form in FORMS]
        self.simple = [(fld, self.index[fld], parser) for fld, parser in (
            ("session", parse_session), ("age_group", parse_age_group), ("rater", parse_rater),
            ("ors_rater", parse_rater), ("srs_rater", parse_rater)) if fld in self.index]

    def column(self, fld: str) -> str:
        return self.names.get(fld, fld)

    def parsed(self, fld: str, raw: str, parser: Callable[[str], Any]) -> Any:
        cache = self.cache.setdefault(fld if not fld[-1].isdigit() else "item", {})
        value = cache.get(raw)
        if value is None:
            value = parser(raw)
            cache[raw] = value
        return value

    def read(self, line: int, record: list[str]) -> Row | list[Problem]:
        if len(record) < self.width:
            record = record + [""] * (self.width - len(record))
        try:
            return cast(Row, self.read_clean(line, record))
        except (DomainError, _NotClean):
            return self.read_carefully(line, record)

    def check(self, line: int, record: list[str]) -> str | list[Problem]:
        """``read`` without building the row: its client ID, or its problems. (A row that
        checks reads without problems; it is read again, and built, when it is planned.)"""
        if len(record) < self.width:
            record = record + [""] * (self.width - len(record))
        try:
            return cast(str, self.read_clean(line, record, build=False))
        except (DomainError, _NotClean):
            read = self.read_carefully(line, record)
            return read.client if isinstance(read, Row) else read

    def cached(self, fld: str, raw: str, parser: Callable[[str], Any]) -> Any:
        cache = self.cache.setdefault(fld, {})
        value = cache.get(raw)
        if value is None:
            value = cache[raw] = parser(raw)
        return value

    def read_clean(self, line: int, record: list[str], build: bool = True) -> Row | str:
        """The usual row, fast; anything unusual raises and takes ``read_carefully``, which
        finds every problem of the row with its column. (A batch reads 100,000 rows: the
        per-form plans are worked out once, in ``__init__``, and every cell value is parsed
        once per file, then found in a cache.) Without ``build`` the same checks, and the
        client ID instead of the row: no rating is made (the item and total cells' own
        checks already prove a rating of them valid; only the sum is left to compare)."""
        client = record[self.client_at].strip()
        raw_date = record[self.date_at].strip()
        if not client or not raw_date:
            raise _NotClean
        caches = self.cache
        known = caches["client"].get(client)
        if known is None:
            known = caches["client"][client] = validate_client_id(client)
        client = known  # one string per client, shared by its rows
        date = caches["date"].get(raw_date)
        if date is None:
            date = caches["date"][raw_date] = parse_date(raw_date)
        values: dict[str, Any] = {}
        for fld, at, parser in self.simple:
            raw = record[at].strip()
            values[fld] = self.cached(fld, raw, parser) if raw else None
        rater: Rater = values.get("rater") or "self"
        items_cache = caches["item"]
        ors = srs = None
        for form, rater_field, at_items, at_total in self.forms:
            form_rater: Rater = (values.get(rater_field) or rater) if values else rater
            total_raw = record[at_total].strip() if at_total is not None else ""
            cells: list[str] | None = None
            if at_items is not None:
                a, b, c, d = at_items
                cells = [record[a].strip(), record[b].strip(), record[c].strip(),
                         record[d].strip()]
            if cells is None or not (cells[0] or cells[1] or cells[2] or cells[3]):
                if not total_raw:
                    rating = None
                elif build:
                    rating = Rating.from_total(self.cached("total", total_raw, parse_total),
                                               form_rater)
                else:
                    self.cached("total", total_raw, parse_total)
                    rating = _CHECKED
            else:
                try:
                    items = (items_cache[cells[0]], items_cache[cells[1]],
                             items_cache[cells[2]], items_cache[cells[3]])
                except KeyError:
                    items = self._items(cells)
                if not build:
                    if total_raw and tenths(self.cached("total", total_raw, parse_total)
                                            ) != tenths(total_of(items)):
                        raise _NotClean
                    if form == "ors":
                        ors = _CHECKED
                    else:
                        srs = _CHECKED
                    continue
                key = (items, form_rater)
                rating = self.ratings.get(key)  # one shared object per distinct rating
                if rating is None:
                    if len(self.ratings) >= RATINGS_KEPT:  # items rarely repeat: let go
                        self.ratings.clear()
                    rating = self.ratings[key] = Rating.from_items(items, form_rater)
                if total_raw and tenths(self.cached("total", total_raw, parse_total)) != tenths(
                        rating.total):
                    raise _NotClean
            if form == "ors":
                ors = rating
            else:
                srs = rating
        if ors is None and srs is None:
            raise _NotClean
        if not build:
            return client
        return Row(line, client, date, values.get("session"), ors, srs,
                   values.get("age_group"), self.where)

    def _items(self, cells: list[str]) -> tuple[float, float, float, float]:
        """Four item cells parsed (and cached); an empty one is not clean."""
        items_cache = self.cache["item"]
        parsed = []
        for raw in cells:
            value = items_cache.get(raw)
            if value is None:
                if not raw:
                    raise _NotClean
                value = items_cache[raw] = parse_item(raw)
            parsed.append(value)
        return parsed[0], parsed[1], parsed[2], parsed[3]

    def read_carefully(self, line: int, record: list[str]) -> Row | list[Problem]:
        cells = {fld: record[i].strip() for fld, i in self.index.items()}
        problems: list[Problem] = []

        def attempt(fld: str, parser: Callable[[str], Any]) -> Any:
            raw = cells.get(fld, "")
            if not raw:
                return None
            try:
                return self.parsed(fld, raw, parser)
            except DomainError as exc:
                problems.append(Problem(line, self.column(fld), exc.key, exc.params))
                return None

        for required in ("client", "date"):
            if not cells.get(required):
                problems.append(Problem(line, self.column(required), "import.error.missing",
                                        {"field": required}))
        client = cells["client"]
        attempt("client", validate_client_id)
        date = attempt("date", parse_date)
        session = attempt("session", parse_session)
        age_group = attempt("age_group", parse_age_group)
        rater = attempt("rater", parse_rater)
        ratings: dict[Form, Rating | None] = {}
        for form in FORMS:
            form_rater: Rater = attempt(f"{form}_rater", parse_rater) or rater or "self"
            ratings[form] = self.rating(form, cells, form_rater, problems, line)
        if not problems and ratings["ors"] is None and ratings["srs"] is None:
            problems.append(Problem(line, "", "import.error.no_scores", {}))
        if problems:
            return problems
        return Row(line, client, date, session, ratings["ors"], ratings["srs"], age_group,
                   self.where)

    def rating(self, form: Form, cells: Mapping[str, str], rater: Rater,
               problems: list[Problem], line: int) -> Rating | None:
        fields = ITEM_FIELDS[form]
        raw_items = [cells.get(f, "") for f in fields]
        total_field = f"{form}_total"
        total_raw = cells.get(total_field, "")
        given = sum(1 for c in raw_items if c)
        if not given and not total_raw:
            return None
        before = len(problems)
        items: list[float] = []
        if given:
            if given != ITEM_COUNT:
                empty = next(f for f, c in zip(fields, raw_items, strict=True) if not c)
                problems.append(Problem(line, self.column(empty), "import.error.items_incomplete",
                                        {"form": form.upper()}))
            for fld, raw in zip(fields, raw_items, strict=True):
                try:  # the items given are checked too: every problem of a row at once
                    items.append(self.parsed(fld, raw, parse_item) if raw else 0.0)
                except DomainError as exc:
                    problems.append(Problem(line, self.column(fld), exc.key, exc.params))
        total: float | None = None
        if total_raw:
            try:
                total = self.parsed(total_field, total_raw, parse_total)
            except DomainError as exc:
                problems.append(Problem(line, self.column(total_field), exc.key, exc.params))
        if len(problems) > before:
            return None
        if items:
            rating = Rating.from_items((items[0], items[1], items[2], items[3]), rater)
            if total is not None and tenths(total) != tenths(rating.total):
                problems.append(Problem(line, self.column(total_field),
                                        "import.error.total_mismatch",
                                        {"total": total_raw, "sum": rating.total}))
                return None
            return rating
        assert total is not None
        return Rating.from_total(total, rater)
