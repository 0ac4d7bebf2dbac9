"""Reading import files: encoding, format, CSV dialect, header aliases and rows. No I/O.

Everything here turns text into ``model.batch.Row`` objects or ``Problem`` s (line, column,
catalogue key); score, ID and date rules are the model's own (``parse_item``, ``parse_total``,
``validate_client_id``). The alias tables are data, documented in the README's import section.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from array import array
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from dataclasses import replace as evolve
from typing import Any, Literal, cast

from pydantic import ValidationError

from fitcli.errors import InvalidData
from fitcli.formats.backup import BACKUP_MARK, BACKUP_VERSION
from fitcli.model.batch import Problem, Row, Template
from fitcli.model.ids import id_key, validate_client_id, validate_practitioner
from fitcli.model.migrate import v1_to_v2
from fitcli.model.problems import DomainError
from fitcli.model.scores import (
    AGE_GROUPS,
    CLOSE_REASONS,
    FORMS,
    ITEM_COUNT,
    SELF,
    AgeGroup,
    Client,
    Closure,
    Correction,
    Exclusion,
    Form,
    Rater,
    Rating,
    RemovedVisit,
    Session,
    parse_item,
    parse_total,
    tenths,
    total_of,
    validate_rater,
)
from fitcli.model.text import validate_label

Format = Literal["csv", "jsonl", "json"]
FORMATS: tuple[Format, ...] = ("csv", "jsonl", "json")
DELIMITERS = (",", ";", "\t")

ITEM_FIELDS = {form: tuple(f"{form}{i}" for i in range(1, ITEM_COUNT + 1)) for form in FORMS}

# Header names users type, per field (compared without case, spaces, '-', '_' and '.').
# English first, then Norwegian, Danish and Swedish words used in FIT work.
_RATER_WORDS = ("rater", "rated by", "vurderer", "vurdert av", "bedømmer", "bedømt af",
                "bedömare", "skattare", "skattad av")
EPISODE_ALIASES: dict[str, tuple[str, ...]] = {
    "label": ("label", "merknad", "note", "etikett", "anteckning"),
    "start": ("start", "start date", "startdato", "startdatum"),
    "status": ("status",),
    "closed_date": ("closed date", "closed", "avsluttet dato", "afsluttet dato",
                    "avslutad datum"),
    "close_reason": ("close reason", "avslutningsårsak", "afslutningsårsag",
                     "avslutningsorsak"),
    "practitioner": ("practitioner", "behandler", "behandlare"),
}
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "client": ("client", "client id", "client code", "id", "code", "klient", "klient-id",
               "klientnr", "klientkode", "klientkod", "bruker", "bruker-id", "bruger",
               "bruger-id", "borger", "borger-id", "brukare", "kode", "kod"),
    "date": ("date", "meeting date", "session date", "dato", "samtaledato", "møtedato",
             "mødedato", "datum", "samtalsdatum"),
    "session": ("session", "session no", "meeting", "meeting no", "nr", "no", "samtale",
                "samtale nr", "samtalenr", "møte", "møde", "sesjon", "samtal", "samtal nr",
                "samtalsnr", "sessionsnr"),
    "rater": _RATER_WORDS,
    "ors_rater": tuple(f"ors {w}" for w in _RATER_WORDS),
    "srs_rater": tuple(f"srs {w}" for w in _RATER_WORDS),
    "age_group": ("age group", "age", "aldersgruppe", "alder", "åldersgrupp", "aldersgrupp",
                  "ålder"),
    **{f"{form}{i}": (f"{form}{i}", f"{form} item {i}", f"{form} ledd {i}",
                      f"{form} delskår {i}", f"{form} spørsmål {i}", f"{form} spørgsmål {i}",
                      f"{form} fråga {i}")
       for form in FORMS for i in range(1, ITEM_COUNT + 1)},
    **{f"{form}_total": (f"{form} total", f"{form} sum", form, f"total {form}",
                         f"{form} totalt", f"{form} samlet", f"{form} summa", f"{form} score",
                         f"{form} totalskår", f"{form} poäng")
       for form in FORMS},
    # the episode columns of an export: known, and left aside (the backup moves episodes)
    **EPISODE_ALIASES,
}
# Cell values users type for the client as rater, and the generic words for "another
# rater" (all read as the code "other", as fitcli 0.1 stored them). Any other value is a
# collateral rater's own code (1-20 letters, digits, - and _: "mor", "far", "teacher").
SELF_WORDS: tuple[str, ...] = ("self", "client", "klient", "selv", "själv", "bruker",
                               "bruger", "borger")
OTHER_WORDS: tuple[str, ...] = ("other", "collateral", "annen", "anden", "annan",
                                "pårørende", "anhörig")
RATER_VALUES: dict[str, tuple[str, ...]] = {SELF: SELF_WORDS, "other": OTHER_WORDS}
AGE_VALUES: dict[AgeGroup, tuple[str, ...]] = {
    "adult": ("adult", "voksen", "vuxen", "18+"),
    "adolescent": ("adolescent", "youth", "ungdom", "13-17"),
    "child": ("child", "barn", "6-12"),
}

_STRIP = re.compile(r"[\s_.\-]+")


def normalise(name: str) -> str:
    return _STRIP.sub("", name.casefold())


_FIELD_OF: dict[str, str] = {normalise(a): f for f, aliases in FIELD_ALIASES.items()
                             for a in (f, *aliases)}
_RATER_OF: dict[str, Rater] = {normalise(a): r for r, aliases in RATER_VALUES.items()
                               for a in aliases}
_AGE_OF: dict[str, AgeGroup] = {normalise(a): g for g, aliases in AGE_VALUES.items()
                                for a in aliases}


# -- text and format ------------------------------------------------------------------------
_NOT_SPACE = re.compile(r"\S")


def detect_format(text: str) -> Format:
    """jsonl: one JSON object a line; json: one document; csv: anything else."""
    begins = _NOT_SPACE.search(text)  # (text.lstrip() and split() would copy the text)
    if begins is None or text[begins.start()] not in "{[":
        return "csv"
    ends = text.find("\n", begins.start())
    first = text[begins.start():ends if ends >= 0 else len(text)].strip()
    try:
        obj = _json_loads(first)
    except ValueError:
        return "json"
    return "jsonl" if isinstance(obj, dict) and BACKUP_MARK not in obj else "json"


class JsonTooDeep(ValueError):
    """Nested deeper than any fitcli document (Python's parser would hit its recursion
    limit)."""


JSON_MAX_DEPTH = 32  # a backup is 6 deep; nothing real is near this


def _json_depth_ok(text: str) -> bool:
    """Whether ``text`` nests no deeper than JSON_MAX_DEPTH (strings skipped; a cheap
    upper bound: closers are not subtracted unless needed)."""
    if text.count("[") + text.count("{") <= JSON_MAX_DEPTH:
        return True
    depth = 0
    for match in re.finditer(r'[\[{\]}]|"(?:[^"\\]|\\.)*"', text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > JSON_MAX_DEPTH:
                return False
        elif token in "]}":
            depth -= 1
    return True


def _json_loads(text: str) -> Any:
    """json.loads that fails with ValueError on anything hostile: nesting deeper than
    JSON_MAX_DEPTH (checked before parsing), integers of thousands of digits."""
    if not _json_depth_ok(text):
        raise JsonTooDeep(f"nested deeper than {JSON_MAX_DEPTH} levels")
    try:
        return json.loads(text)
    except RecursionError:
        raise JsonTooDeep(f"nested deeper than {JSON_MAX_DEPTH} levels") from None


def _json_problem(exc: ValueError) -> tuple[int, dict[str, Any]]:
    """The line and values of an ``import.error.json_syntax`` problem for ``exc``."""
    if isinstance(exc, json.JSONDecodeError):
        return exc.lineno, {"reason": exc.msg, "column_no": exc.colno}
    return 1, {"reason": str(exc).split(";")[0].splitlines()[0][:120], "column_no": 1}


def detect_delimiter(header: str) -> str:
    """The delimiter of the header line: the most frequent of ``,`` ``;`` tab outside quotes."""
    outside = re.sub(r'"[^"]*"', "", header)
    counts = {d: outside.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties: the earlier, so ',' wins
    return best if counts[best] else ","


# -- cell values ----------------------------------------------------------------------------
# a zero time after the date is what Excel writes for a date cell ("14.09.2026 00:00")
_DAY_FIRST = re.compile(r"^(\d{1,2})[.-](\d{1,2})[.-](\d{4})(?: 0?0:00(?::00)?)?$")
_ISO_WITH_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


def parse_date(text: str) -> dt.date:
    """YYYY-MM-DD (a time after it is ignored), or day first: DD.MM.YYYY or DD-MM-YYYY."""
    raw = text.strip()
    try:
        timed = _ISO_WITH_TIME.match(raw)
        if timed:
            return dt.date.fromisoformat(timed.group(1))
        day_first = _DAY_FIRST.match(raw)
        if day_first:
            day, month, year = (int(g) for g in day_first.groups())
            return dt.date(year, month, day)
        if len(raw) == 10:
            return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    raise DomainError("import.error.date", value=raw)


def parse_session(text: str) -> int:
    raw = text.strip()
    if not raw.isdigit() or int(raw) < 1:
        raise DomainError("import.error.session", value=raw)
    return int(raw)


def parse_rater(text: str) -> Rater:
    """``self`` for the client's own words, else the collateral rater's code."""
    known = _RATER_OF.get(normalise(text))
    if known is not None:
        return known
    try:
        return validate_rater(text)
    except DomainError:
        raise DomainError("import.error.rater", value=text.strip()) from None


def parse_age_group(text: str) -> AgeGroup:
    found = _AGE_OF.get(normalise(text))
    if found is None:
        raise DomainError("import.error.age_group", value=text.strip())
    return found


# -- where rows are ---------------------------------------------------------------------------
class Found:
    """The clients a file names and, per client, its rows (and a backup's template), read
    again from the file whenever they are asked for: an import of a million rows plans one
    client at a time instead of holding every row. ``keys`` (``id_key`` s) are in the order
    of each client's first row."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def client(self, key: str) -> tuple[Template | None, list[Row]]:
        return None, []

    def rows(self) -> list[Row]:
        """Every row, in the order of the file."""
        return [row for key in self.keys for row in self.client(key)[1]]

    @property
    def template_keys(self) -> Container[str]:
        return ()


class _Kept(Found):
    """Rows and templates held as they are (a sheet's few rows, a backup read whole)."""

    def __init__(self) -> None:
        super().__init__()
        self.by_key: dict[str, list[Row]] = {}
        self.templates: dict[str, Template] = {}
        self.all: list[Row] = []

    def add(self, row: Row) -> None:
        key = id_key(row.client)
        if key not in self.by_key:
            self.by_key[key] = []
            if key not in self.templates:
                self.keys.append(key)
        self.by_key[key].append(row)
        self.all.append(row)

    def add_template(self, key: str, template: Template) -> None:
        if key not in self.templates and key not in self.by_key:
            self.keys.append(key)
        self.templates[key] = template

    def client(self, key: str) -> tuple[Template | None, list[Row]]:
        return self.templates.get(key), list(self.by_key.get(key, ()))

    def rows(self) -> list[Row]:
        return list(self.all)

    @property
    def template_keys(self) -> Container[str]:
        return self.templates


class _Located(Found):
    """Where each good row of a text is (its offsets, line and client) in arrays of numbers,
    ~30 bytes a row: a client's rows are read again from the text when it is planned."""

    def __init__(self, text: str, read: Callable[[str, list[tuple[int, int, int]]], list[Row]]
                 ) -> None:
        super().__init__()
        self.text = text
        self._read = read  # (text, [(start, end, line), ...] of one client) -> its rows
        self.starts = array("q")
        self.ends = array("q")
        self.lines = array("q")
        self.owner = array("i")  # each row's client, numbered in order of first appearance
        self._number: dict[str, int] = {}
        self._first: array[int] | None = None  # client n's rows: order[first[n]:first[n + 1]]
        self._order: array[int] | None = None

    def add(self, client: str, start: int, end: int, line: int) -> None:
        key = id_key(client)
        number = self._number.get(key)
        if number is None:
            number = self._number[key] = len(self.keys)
            self.keys.append(key)
        self.starts.append(start)
        self.ends.append(end)
        self.lines.append(line)
        self.owner.append(number)

    def _group(self) -> tuple[array[int], array[int]]:
        """Row numbers grouped by client (a counting sort: file order within a client)."""
        if self._order is None or self._first is None or len(self._order) != len(self.owner):
            counts = [0] * (len(self.keys) + 1)
            for number in self.owner:
                counts[number + 1] += 1
            for n in range(len(self.keys)):
                counts[n + 1] += counts[n]
            first = array("q", counts)
            order = array("i", bytes(4 * len(self.owner)))
            for index, number in enumerate(self.owner):
                order[counts[number]] = index
                counts[number] += 1
            self._first, self._order = first, order
        return self._first, self._order

    def client(self, key: str) -> tuple[Template | None, list[Row]]:
        number = self._number.get(key)
        if number is None:
            return None, []
        first, order = self._group()
        starts, ends, lines = self.starts, self.ends, self.lines
        where = [(starts[i], ends[i], lines[i]) for i in order[first[number]:first[number + 1]]]
        return None, self._read(self.text, where)

    def rows(self) -> list[Row]:
        where = [(self.starts[i], self.ends[i], self.lines[i]) for i in range(len(self.owner))]
        return self._read(self.text, where)


# -- CSV ------------------------------------------------------------------------------------
@dataclass
class Parsed:
    """What a file holds: where each client's rows are, the problems found so far, and what
    was set aside."""

    format: Format
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    delimiter: str | None = None
    lines: int = 0  # data rows or meetings read
    # rows refused while reading: line -> their client cell, and the client column's name
    # (so a client unknown to the store is reported with the row's other problems)
    unread: dict[int, str] = field(default_factory=dict)
    client_column: str = "client"
    found: Found = field(default_factory=Found)

    @property
    def keys(self) -> list[str]:
        """The clients of the rows and templates read without problems (``id_key`` s)."""
        return self.found.keys

    def client(self, key: str) -> tuple[Template | None, list[Row]]:
        """A client's template (from a backup) and rows, read again from the file."""
        return self.found.client(key)

    @property
    def rows(self) -> list[Row]:
        """Every row read without problems, in file order (all at once: small files)."""
        return self.found.rows()

    @property
    def template_keys(self) -> Container[str]:
        return self.found.template_keys


def parse(text: str, fmt: Format | None = None) -> Parsed:
    chosen = fmt or detect_format(text)
    if chosen == "csv":
        return parse_csv(text)
    if chosen == "jsonl":
        return parse_jsonl(text)
    return parse_backup(text)


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


def _located_records(text: str, delimiter: str
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


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the line each starts on (see ``_located_records``)."""
    for line, _, _, record in _located_records(text, delimiter):
        yield line, record


_SPLITLINES = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _text_lines(text: str) -> Iterator[tuple[int, int, str]]:
    """``text.splitlines()`` one line at a time, with each line's offsets (start, end)."""
    pos, size = 0, len(text)
    while pos < size:
        found = _SPLITLINES.search(text, pos)
        end = found.start() if found else size
        yield pos, end, text[pos:end]
        pos = found.end() if found else size


def first_line(text: str) -> str:
    """The first line of ``text`` that is not blank (``""`` if none), without splitting the
    whole text."""
    return next((line for _, _, line in _text_lines(text) if line.strip()), "")


def header_record(text: str, delimiter: str | None) -> list[str]:
    """The first non-empty record of a CSV text (its header), as the reader splits it."""
    reader = csv.reader(_Lines(text), delimiter=delimiter or ",")
    return next((record for record in reader if any(c.strip() for c in record)), [])


def parse_csv(text: str) -> Parsed:
    out = Parsed("csv")
    delimiter = detect_delimiter(first_line(text))
    out.delimiter = delimiter
    records = _located_records(text, delimiter)
    header: list[str] | None = None
    header_at = 0
    for line, _, _, record in records:
        if any(cell.strip() for cell in record):
            header, header_at = record, line
            break
    if header is None:  # nothing at all: an export of an empty store, say
        return out
    columns = _map_header(header, header_at, out)
    if out.problems:
        return out
    width = len(header)
    reader = _RowReader(columns)

    def again(text: str, where: list[tuple[int, int, int]]) -> list[Row]:
        return _read_again(text, where, delimiter, reader)

    found = out.found = _Located(text, again)
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
                reader: _RowReader) -> list[Row]:
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


def _map_header(header: list[str], line: int, out: Parsed) -> dict[str, tuple[int, str]]:
    """field -> (index, column name as written); problems for what cannot work."""
    columns: dict[str, tuple[int, str]] = {}
    for index, name in enumerate(header):
        fld = _FIELD_OF.get(normalise(name))
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


class _RowReader:
    """Turns CSV records into Rows for one header; caches parsed cells (values repeat)."""

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


# -- JSON Lines and the full backup ---------------------------------------------------------
class _JsonProblem(Exception):
    def __init__(self, path: str, key: str, **params: Any) -> None:
        super().__init__(key)
        self.path, self.key, self.params = path, key, params


def _number(value: Any, path: str, parser: Callable[[str], float]) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _JsonProblem(path, "import.error.json_type", expected="number")
    try:
        return parser(str(value))
    except DomainError as exc:
        raise _JsonProblem(path, exc.key, **exc.params) from None


def _json_rating(value: Any, path: str) -> Rating | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _JsonProblem(path, "import.error.json_type", expected="object")
    unknown = sorted(set(value) - {"items", "total", "rater"})
    if unknown:
        raise _JsonProblem(f"{path}.{unknown[0]}", "import.error.json_key", key_name=unknown[0])
    rater = value.get("rater", "self")
    try:
        if not isinstance(rater, str) or validate_rater(rater) != rater:
            raise DomainError("import.error.rater")
    except DomainError:
        raise _JsonProblem(f"{path}.rater", "import.error.rater", value=str(rater)) from None
    items = value.get("items")
    total = value.get("total")
    if items is None:
        if total is None:
            raise _JsonProblem(path, "import.error.json_missing", key_name="total")
        return Rating.from_total(_number(total, f"{path}.total", parse_total), rater)
    if not isinstance(items, list) or len(items) != ITEM_COUNT:
        raise _JsonProblem(f"{path}.items", "import.error.json_items", count=ITEM_COUNT)
    a, b, c, d = (_number(v, f"{path}.items[{i}]", parse_item) for i, v in enumerate(items))
    rating = Rating.from_items((a, b, c, d), rater)
    if total is not None and tenths(_number(total, f"{path}.total", parse_total)) != tenths(
            rating.total):
        raise _JsonProblem(f"{path}.total", "import.error.total_mismatch", total=total,
                           sum=rating.total)
    return rating


def _json_date(value: Any, path: str) -> dt.date:
    if not isinstance(value, str):
        raise _JsonProblem(path, "import.error.json_type", expected="YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _JsonProblem(path, "import.error.date", value=value) from None


def _json_id(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise _JsonProblem(path, "import.error.json_type", expected="string")
    try:
        return validate_client_id(value)
    except DomainError as exc:
        raise _JsonProblem(path, exc.key, **exc.params) from None


MEETING_KEYS = frozenset({"client", "session", "date", "ors", "srs", "age_group"})


def _json_meeting_parts(obj: Any, path: str, extra: frozenset[str], client: str) -> Row:
    """A visit's row (number, date, the client's own forms); forms optional here."""
    return _json_meeting(obj, None, path, extra, client, need_scores=False)


def _json_meeting(obj: Any, line: int | None, path: str, extra: frozenset[str] = frozenset(),
                  client: str | None = None, need_scores: bool = True) -> Row:
    if not isinstance(obj, dict):
        raise _JsonProblem(path, "import.error.json_type", expected="object")
    unknown = sorted(set(obj) - MEETING_KEYS - extra)
    if unknown:
        raise _JsonProblem(f"{path}.{unknown[0]}", "import.error.json_key", key_name=unknown[0])
    for required in ("client", "date"):
        if required not in obj:
            raise _JsonProblem(path, "import.error.json_missing", key_name=required)
    client_id = _json_id(obj["client"], f"{path}.client")
    if client is not None and client_id != client:
        raise _JsonProblem(f"{path}.client", "import.error.json_client", value=client_id,
                           client=client)
    session = obj.get("session")
    if session is not None and (isinstance(session, bool) or not isinstance(session, int)
                                or session < 1):
        raise _JsonProblem(f"{path}.session", "import.error.session", value=str(session))
    age_group = obj.get("age_group")
    if age_group is not None and age_group not in AGE_GROUPS:
        raise _JsonProblem(f"{path}.age_group", "import.error.age_group", value=str(age_group))
    ors = _json_rating(obj.get("ors"), f"{path}.ors")
    srs = _json_rating(obj.get("srs"), f"{path}.srs")
    if ors is None and srs is None and need_scores:
        raise _JsonProblem(path, "import.error.no_scores")
    prefix = f"{path}." if path else ""
    where = {k: f"{prefix}{k}" for k in MEETING_KEYS}
    return Row(line, client_id, _json_date(obj["date"], f"{path}.date"), session, ors, srs,
               cast("AgeGroup | None", age_group), where)


def parse_jsonl(text: str) -> Parsed:
    out = Parsed("jsonl")
    found = out.found = _Located(text, _jsonl_again)
    for line, (start, end, raw) in enumerate(_text_lines(text), start=1):
        if not raw.strip():
            continue
        out.lines += 1
        try:
            obj = _json_loads(raw)
        except ValueError as exc:  # broken JSON, too deep, a huge integer
            _, params = _json_problem(exc)
            out.problems.append(Problem(line, "", "import.error.json_syntax", params))
            continue
        try:
            found.add(_json_meeting(obj, line, "").client, start, end, line)
        except _JsonProblem as exc:
            out.problems.append(Problem(line, exc.path.lstrip("."), exc.key, exc.params))
    return out


def _jsonl_again(text: str, where: list[tuple[int, int, int]]) -> list[Row]:
    return [_json_meeting(_json_loads(text[start:end]), line, "") for start, end, line in where]


def parse_backup(text: str) -> Parsed:
    """A full backup (``fit export --format json``) read as one document: clients with all
    their details (see ``parse_backup_bytes`` for the way that keeps one client at a time)."""
    out = Parsed("json")
    try:
        doc = _json_loads(text)
    except ValueError as exc:  # broken JSON, too deep, a huge integer
        line, params = _json_problem(exc)
        out.problems.append(Problem(line, "", "import.error.json_syntax", params))
        return out
    if not isinstance(doc, dict) or not isinstance(doc.get("clients"), list):
        out.problems.append(Problem(None, "", "import.error.not_backup", {}))
        return out
    version = _backup_version(doc.get(BACKUP_MARK), out)
    if version is None:
        return out
    kept = out.found = _Kept()

    def keep(key: str, index: int, template: Template, rows: list[Row]) -> None:
        kept.add_template(key, template)
        for row in rows:
            kept.add(row)

    _read_backup_clients(out, enumerate(doc["clients"]), version, keep)
    return out


def _backup_version(version: Any, out: Parsed) -> int | None:
    if (isinstance(version, bool) or not isinstance(version, int)
            or not 1 <= version <= BACKUP_VERSION):
        out.problems.append(Problem(None, BACKUP_MARK, "import.error.backup_version",
                                    {"version": version, "supported": BACKUP_VERSION}))
        return None
    return version


def _backup_entry(raw: Any, index: int, version: int) -> tuple[Template, list[Row]]:
    """One element of a backup's clients: its template and rows (raises _JsonProblem)."""
    path = f"clients[{index}]"
    if version == 1 and isinstance(raw, dict):
        _check_v1_numbering(raw, path)
        raw = v1_to_v2(raw)
    return _backup_client(raw, path)


def _read_backup_clients(out: Parsed, raws: Iterable[tuple[int, Any]], version: int,
                         keep: Callable[[str, int, Template, list[Row]], None],
                         seen: dict[str, str] | None = None) -> None:
    """Check every client of a backup; ``keep`` each one read without problems (``seen``:
    the clients kept so far, and where)."""
    seen = {} if seen is None else seen
    for index, raw in raws:
        path = f"clients[{index}]"
        try:
            template, rows = _backup_entry(raw, index, version)
        except _JsonProblem as exc:
            out.problems.append(Problem(None, exc.path, exc.key, exc.params))
            continue
        key = id_key(template.client.id)
        if key in seen:
            out.problems.append(Problem(None, f"{path}.id", "import.error.backup_twice",
                                        {"client": template.client.id, "first": seen[key]}))
            continue
        seen[key] = path
        keep(key, index, template, rows)
        out.lines += len(rows)


# -- a backup read from its bytes, one client at a time -------------------------------------
class _Spans(Found):
    """Where each client of a backup is in its bytes. A client is read, checked and kept
    (its problems and rows counted in ``out``) the first time it is asked for: the import
    plans one client at a time, so a backup is checked once, client by client."""

    def __init__(self, data: bytes, out: Parsed) -> None:
        super().__init__()
        self.data, self.out = data, out
        self.spans = array("q")  # each element's start and end offsets, in pairs
        self.version = BACKUP_VERSION
        self.first: dict[str, int] = {}  # client -> its element (the first, if more)
        self.more: dict[str, list[int]] = {}  # client -> its other elements (refused)
        self.unnamed: list[int] = []  # elements without a valid ID (refused when checked)
        self.seen: dict[str, str] = {}  # client -> the path of the element kept
        self.done: set[str] = set()
        self.kept: tuple[Template, list[Row]] | None = None

    def found(self, element: Any, start: int, end: int) -> None:
        """One element as the document is scanned: where it is, and whose it is."""
        index = len(self.spans) // 2
        self.spans.append(start)
        self.spans.append(end)
        try:
            key = id_key(validate_client_id(element["id"]))
        except (TypeError, KeyError, DomainError):
            self.unnamed.append(index)
            return
        if key in self.first:
            self.more.setdefault(key, []).append(index)
        else:
            self.first[key] = index
            self.keys.append(key)

    def raw(self, index: int) -> Any:
        return json.loads(self.data[self.spans[2 * index]:self.spans[2 * index + 1]]
                          .decode("utf-8"))

    def check_unnamed(self) -> None:
        """The elements no client can be planned from: their problems."""
        _read_backup_clients(self.out, ((i, self.raw(i)) for i in self.unnamed),
                             self.version, self._keep, self.seen)

    def _keep(self, key: str, index: int, template: Template, rows: list[Row]) -> None:
        self.kept = (template, rows)

    def client(self, key: str) -> tuple[Template | None, list[Row]]:
        first = self.first.get(key)
        if first is None:
            return None, []
        indices = [first, *self.more.get(key, ())]
        if key in self.done:  # asked again (planned again under a lock): no new problems
            for index in indices:
                try:
                    return _backup_entry(self.raw(index), index, self.version)
                except _JsonProblem:
                    continue
            return None, []
        self.done.add(key)
        _read_backup_clients(self.out, ((i, self.raw(i)) for i in indices), self.version,
                             self._keep, self.seen)
        kept, self.kept = self.kept, None
        return (None, []) if kept is None else kept

    @property
    def template_keys(self) -> Container[str]:
        return self.first


def parse_backup_bytes(data: bytes, start: int = 0) -> Parsed | None:
    """A full backup read from its UTF-8 bytes (from ``start``, after any BOM) one client at
    a time: the bytes are kept, and each client's place in them, never the whole document
    parsed at once. Each client is checked when it is first asked for (``Parsed.client``,
    as the import plans it): the same checks, problems, rows and counts as ``parse_backup``
    once every client has been asked for. None where the document is anything but
    well-formed JSON within the depth limit (``parse_backup`` of the text then says exactly
    what is wrong, as it always has)."""
    out = Parsed("json")
    found = _Spans(data, out)
    scanned = _scan_backup(data, start, found.found)
    if scanned is None:
        return None
    others, clients_listed = scanned
    if not clients_listed:
        out.problems.append(Problem(None, "", "import.error.not_backup", {}))
        return out
    version = _backup_version(others.get(BACKUP_MARK), out)
    if version is None:
        return out
    found.version = version
    out.found = found
    found.check_unnamed()
    return out


class _Unusual(Exception):
    """What the streaming read of a backup leaves to the whole-document read."""


_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_WINDOW = 1 << 16  # bytes decoded at a time
_DECODER = json.JSONDecoder()
_BYTES_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_SQUARE = bytes.maketrans(b"{}", b"[]")
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


def _depth_ok_bytes(value: bytes, limit: int) -> bool:
    """Whether well-formed JSON ``value`` nests no deeper than ``limit`` (strings skipped):
    each pass removes the innermost pairs of brackets, one level."""
    if value.count(b"[") + value.count(b"{") <= limit:
        return True
    nesting = _BYTES_STRING.sub(b"", value).translate(_SQUARE, _NOT_BRACKET)
    for _ in range(limit):
        if not nesting:
            return True
        nesting = nesting.replace(b"[]", b"")
    return not nesting


class _ByteScan:
    """JSON values read one at a time from UTF-8 bytes, a window of text at a time."""

    def __init__(self, data: bytes, start: int) -> None:
        self.data = data
        self.window, self.idx, self.wstart = "", 0, start
        self.ascii, self.at_end = True, False
        self._fill(_WINDOW)

    def _fill(self, size: int) -> None:
        """A new window, from the current place, of ``size`` bytes or what is left."""
        data = self.data
        start = self.byte_at(self.idx)
        end = min(len(data), start + size)
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # not inside a character
            end -= 1
        self.window = data[start:end].decode("utf-8")
        self.wstart, self.idx = start, 0
        self.ascii, self.at_end = self.window.isascii(), end == len(data)

    def byte_at(self, idx: int) -> int:
        if self.ascii:
            return self.wstart + idx
        return self.wstart + len(self.window[:idx].encode("utf-8"))

    def next_char(self) -> str:
        """Whitespace skipped: the next character ("" at the end), not consumed."""
        while True:
            match = _JSON_SPACE.match(self.window, self.idx)
            assert match is not None
            self.idx = match.end()
            if self.idx < len(self.window) or self.at_end:
                return self.window[self.idx:self.idx + 1]
            self._fill(_WINDOW)

    def take(self, allowed: str) -> str:
        """The next character, consumed, which must be one of ``allowed``."""
        char = self.next_char()
        if not char or char not in allowed:
            raise _Unusual
        self.idx += 1
        return char

    def value(self, depth: int) -> tuple[Any, int, int]:
        """The next value (at most ``depth`` levels deep) and its place in the bytes."""
        self.next_char()
        size = _WINDOW
        while True:
            try:
                value, end = _DECODER.raw_decode(self.window, self.idx)
                if end < len(self.window) or self.at_end:  # else it may go on
                    break
            except RecursionError:
                raise _Unusual from None
            except ValueError:  # broken, a huge integer, or cut off by the window's end
                if self.at_end:
                    raise _Unusual from None
            size *= 4
            self._fill(size)
        start, stop = self.byte_at(self.idx), self.byte_at(end)
        if not _depth_ok_bytes(self.data[start:stop], depth):
            raise _Unusual
        self.idx = end
        return value, start, stop


def _scan_backup(data: bytes, start: int, element: Callable[[Any, int, int], None]
                 ) -> tuple[dict[str, Any], bool] | None:
    """The top-level values of a backup document but its clients, and whether "clients" is
    a list, whose elements are handed to ``element`` with their places (start and end
    offsets) one at a time; None for anything unusual (not an object, a key twice, broken
    JSON, too deep)."""
    others: dict[str, Any] = {}
    listed = False
    try:
        scan = _ByteScan(data, start)
        scan.take("{")
        if scan.next_char() == "}":
            scan.idx += 1
        else:
            while True:
                key = scan.value(1)[0]
                if not isinstance(key, str) or key in others or (key == "clients" and listed):
                    raise _Unusual
                scan.take(":")
                if key == "clients" and scan.next_char() == "[":
                    listed = True
                    scan.idx += 1
                    if scan.next_char() == "]":
                        scan.idx += 1
                    else:
                        while True:
                            element(*scan.value(JSON_MAX_DEPTH - 2))
                            if scan.take(",]") == "]":
                                break
                else:
                    others[key] = scan.value(JSON_MAX_DEPTH - 1)[0]
                if scan.take(",}") == "}":
                    break
        if scan.next_char():  # text after the document
            raise _Unusual
    except _Unusual:
        return None
    return others, listed and "clients" not in others


CLIENT_KEYS = frozenset({"id", "age_group", "status", "label", "start", "closed", "excluded",
                         "sessions", "removed", "practitioner"})
VISIT_EXTRA = frozenset({"corrections", "formerly", "forms", "collateral", "practitioner"})


def _json_practitioner(raw: Any, path: str) -> str | None:
    """A backup's practitioner code (the responsible one, or who held a visit), or None."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise _JsonProblem(path, "import.error.json_type", expected="string")
    try:
        return validate_practitioner(raw)
    except DomainError as exc:
        raise _JsonProblem(path, exc.key, **exc.params) from None


def _backup_client(raw: Any, path: str) -> tuple[Template, list[Row]]:
    if not isinstance(raw, dict):
        raise _JsonProblem(path, "import.error.json_type", expected="object")
    unknown = sorted(set(raw) - CLIENT_KEYS)
    if unknown:
        raise _JsonProblem(f"{path}.{unknown[0]}", "import.error.json_key", key_name=unknown[0])
    for required in ("id", "start", "sessions"):
        if required not in raw:
            raise _JsonProblem(path, "import.error.json_missing", key_name=required)
    client_id = _json_id(raw["id"], f"{path}.id")
    age_group = raw.get("age_group", "adult")
    if age_group not in AGE_GROUPS:
        raise _JsonProblem(f"{path}.age_group", "import.error.age_group", value=str(age_group))
    label = raw.get("label", "")
    if not isinstance(label, str):
        raise _JsonProblem(f"{path}.label", "import.error.json_type", expected="string")
    try:  # the rule of `fit client add --label`: one short line of visible text
        validate_label(label)  # (kept as stored: a restore is exact)
    except DomainError as exc:
        raise _JsonProblem(f"{path}.label", exc.key, **exc.params) from None
    closed = raw.get("closed")
    closure: Closure | None = None
    if closed is not None:
        if not isinstance(closed, dict) or closed.get("reason") not in CLOSE_REASONS:
            raise _JsonProblem(f"{path}.closed", "import.error.close_reason",
                               allowed=", ".join(CLOSE_REASONS))
        closure = Closure(reason=closed["reason"],
                          date=_json_date(closed.get("date"), f"{path}.closed.date"))
    sessions = raw["sessions"]
    if not isinstance(sessions, list):
        raise _JsonProblem(f"{path}.sessions", "import.error.json_type", expected="list")
    rows: list[Row] = []
    histories: list[tuple[tuple[Correction, ...], tuple[int, ...]]] = []
    held: list[str | None] = []
    for i, meeting in enumerate(sessions):
        where = f"{path}.sessions[{i}]"
        visit_rows = _json_visit(meeting, where, client_id)
        if visit_rows[0].session != i + 1:
            raise _JsonProblem(f"{where}.session", "import.error.backup_numbering",
                               expected=i + 1)
        histories.append((_corrections(meeting.get("corrections", []),
                                       f"{where}.corrections"),
                          _formerly(meeting.get("formerly", []), f"{where}.formerly")))
        held.append(_json_practitioner(meeting.get("practitioner"), f"{where}.practitioner"))
        rows.extend(visit_rows)
    removed = _removed(raw.get("removed", []), f"{path}.removed", client_id)
    excluded = _excluded(raw.get("excluded"), f"{path}.excluded")
    try:  # the meetings are checked as rows, like any import; here the client's details
        client = Client.model_validate({
            "id": client_id, "age_group": age_group, "label": label,
            "start": _json_date(raw["start"], f"{path}.start"), "closed": closure,
            "excluded": excluded, "removed": removed,
            "practitioner": _json_practitioner(raw.get("practitioner"), f"{path}.practitioner")})
    except (ValidationError, DomainError) as exc:
        reason = str(exc.errors()[0]["msg"]) if isinstance(exc, ValidationError) else exc.key
        raise _JsonProblem(path, "import.error.backup_client", reason=reason) from None
    return Template(client, path, tuple(h for h, _ in histories),
                    tuple(f for _, f in histories), tuple(held)), rows


def _json_visit(obj: Any, path: str, client: str) -> list[Row]:
    """A backup's visit as import rows, one per rater (all with the visit's number). Its
    forms come as ``forms`` (a list of {form, rater, items, total}), or as the client's own
    ``ors``/``srs`` with the collateral raters' under ``collateral``."""
    row = _json_meeting_parts(obj, path, VISIT_EXTRA, client)
    forms = obj.get("forms")
    by_rater: dict[str, dict[str, Rating]] = {}
    if forms is not None:
        if not isinstance(forms, list):
            raise _JsonProblem(f"{path}.forms", "import.error.json_type", expected="list")
        for k, entry in enumerate(forms):
            where = f"{path}.forms[{k}]"
            if not isinstance(entry, dict) or entry.get("form") not in FORMS:
                raise _JsonProblem(where, "import.error.json_type", expected="form")
            rating = _json_rating({key: value for key, value in entry.items() if key != "form"},
                                  where)
            assert rating is not None
            slot = by_rater.setdefault(rating.rater, {})
            if entry["form"] in slot:
                raise _JsonProblem(where, "import.error.duplicate_form", form=entry["form"],
                                   rater=rating.rater)
            slot[entry["form"]] = rating
        own = {f: r for f, r in (("ors", row.ors), ("srs", row.srs)) if r is not None}
        if own != by_rater.get(SELF, {}):
            raise _JsonProblem(f"{path}.forms", "import.error.forms_differ")
    else:
        if row.ors is not None:
            by_rater.setdefault(row.ors.rater, {})["ors"] = row.ors
        if row.srs is not None:
            by_rater.setdefault(row.srs.rater, {})["srs"] = row.srs
        collateral = obj.get("collateral", [])
        if not isinstance(collateral, list):
            raise _JsonProblem(f"{path}.collateral", "import.error.json_type", expected="list")
        for k, entry in enumerate(collateral):
            where = f"{path}.collateral[{k}]"
            if not isinstance(entry, dict) or not isinstance(entry.get("rater"), str):
                raise _JsonProblem(where, "import.error.json_type", expected="object")
            for form in FORMS:
                rating = _json_rating(entry.get(form), f"{where}.{form}")
                if rating is not None:
                    if rating.rater != entry["rater"]:
                        raise _JsonProblem(f"{where}.{form}.rater", "import.error.rater",
                                           value=rating.rater)
                    by_rater.setdefault(rating.rater, {})[form] = rating
    if not by_rater:
        raise _JsonProblem(path, "import.error.no_scores")
    order = sorted(by_rater, key=lambda code: (code != SELF, code))
    return [evolve(row, ors=by_rater[code].get("ors"), srs=by_rater[code].get("srs"))
            for code in order]


def _check_v1_numbering(raw: dict[str, Any], path: str) -> None:
    """A version-1 backup's meeting records are numbered 1..n (merging them into visits
    renumbers them, so the check comes first)."""
    sessions = raw.get("sessions")
    if isinstance(sessions, list):
        for i, meeting in enumerate(sessions):
            if isinstance(meeting, dict) and meeting.get("session") != i + 1:
                raise _JsonProblem(f"{path}.sessions[{i}].session",
                                   "import.error.backup_numbering", expected=i + 1)


def _formerly(raw: Any, path: str) -> tuple[int, ...]:
    if not isinstance(raw, list) or not all(
            isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 1_000_000
            for n in raw):
        raise _JsonProblem(path, "import.error.json_type", expected="list of numbers")
    return tuple(raw)


def _excluded(raw: Any, path: str) -> Exclusion | None:
    if raw is None:
        return None
    reason = raw.get("reason") if isinstance(raw, dict) else None
    if not isinstance(reason, str) or not reason.strip() or len(reason) > 200:
        raise _JsonProblem(path, "import.error.json_type", expected="{reason, date}")
    return Exclusion(reason=reason, date=_json_date(raw.get("date"), f"{path}.date"))


def _removed(raw: Any, path: str, client: str) -> tuple[RemovedVisit, ...]:
    if not isinstance(raw, list):
        raise _JsonProblem(path, "import.error.json_type", expected="list")
    found = []
    for i, item in enumerate(raw):
        where = f"{path}[{i}]"
        if not isinstance(item, dict):
            raise _JsonProblem(where, "import.error.json_type", expected="object")
        rows = _json_visit({k: v for k, v in item.items() if k != "at"}, where, client)
        visit = Session(session=rows[0].session or 1, date=rows[0].date,
                        corrections=_corrections(item.get("corrections", []),
                                                 f"{where}.corrections"),
                        formerly=_formerly(item.get("formerly", []), f"{where}.formerly"),
                        practitioner=_json_practitioner(item.get("practitioner"),
                                                        f"{where}.practitioner"))
        for r in rows:
            for form in FORMS:
                rating = r.rating(form)
                if rating is not None:
                    visit = visit.with_form(form, rating.rater, rating)
        found.append(RemovedVisit(at=_moment(item.get("at"), f"{where}.at"), visit=visit))
    return tuple(found)


def _moment(at: Any, path: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(at) if isinstance(at, str) else None
    except ValueError:
        when = None
    if when is None:
        raise _JsonProblem(path, "import.error.json_type", expected="YYYY-MM-DDTHH:MM:SS+00:00")
    return when


def _corrections(raw: Any, path: str) -> tuple[Correction, ...]:
    if not isinstance(raw, list):
        raise _JsonProblem(path, "import.error.json_type", expected="list")
    found = []
    for i, item in enumerate(raw):
        where = f"{path}[{i}]"
        if not isinstance(item, dict) or item.get("form") not in FORMS:
            raise _JsonProblem(where, "import.error.json_type", expected="correction")
        when = _moment(item.get("at"), f"{where}.at")
        previous_date = item.get("previous_date")
        rater = item.get("rater", SELF)
        action = item.get("action", "corrected")
        if not isinstance(rater, str) or action not in ("corrected", "added", "removed"):
            raise _JsonProblem(where, "import.error.json_type", expected="correction")
        try:
            if rater != SELF and validate_rater(rater) != rater:
                raise DomainError("import.error.rater")
        except DomainError:
            raise _JsonProblem(f"{where}.rater", "import.error.rater", value=rater) from None
        found.append(Correction(
            at=when, form=item["form"], rater=rater, action=action,
            previous=_json_rating(item.get("previous"), f"{where}.previous"),
            previous_date=(None if previous_date is None
                           else _json_date(previous_date, f"{where}.previous_date"))))
    return tuple(found)
