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
from collections.abc import Callable, Iterator, Mapping
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
def decode(data: bytes) -> str:
    """UTF-8 with or without BOM (and UTF-16 with BOM, Excel's 'Unicode text')."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:  # an odd number of bytes, a lone surrogate
            line = data[: exc.start].decode("utf-16", errors="replace").count("\n") + 1
            raise InvalidData("import.error.encoding", line=line) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidData("import.error.encoding", line=line) from None


def detect_format(text: str) -> Format:
    """jsonl: one JSON object a line; json: one document; csv: anything else."""
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")):
        return "csv"
    first = stripped.split("\n", 1)[0].strip()
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


# -- CSV ------------------------------------------------------------------------------------
@dataclass
class Parsed:
    """What a file holds: its rows, the problems found so far, and what was set aside."""

    format: Format
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    templates: dict[str, Template] = field(default_factory=dict)
    delimiter: str | None = None
    lines: int = 0  # data rows or meetings read
    # rows refused while reading: line -> their client cell, and the client column's name
    # (so a client unknown to the store is reported with the row's other problems)
    unread: dict[int, str] = field(default_factory=dict)
    client_column: str = "client"


def parse(text: str, fmt: Format | None = None) -> Parsed:
    chosen = fmt or detect_format(text)
    if chosen == "csv":
        return parse_csv(text)
    if chosen == "jsonl":
        return parse_jsonl(text)
    return parse_backup(text)


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the line each starts on (quoted cells may span lines). A quote left
    open at the end of the file, text after a closing quote, or a cell longer than the
    csv module's limit (131,072 characters) is refused with its line (exit 4)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InvalidData("import.error.csv_syntax", line=start,
                              reason=str(exc).splitlines()[0][:120]) from None
        yield start, record
        start = reader.line_num + 1


def parse_csv(text: str) -> Parsed:
    out = Parsed("csv")
    header_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = detect_delimiter(header_line)
    out.delimiter = delimiter
    records = _records(text, delimiter)
    header: list[str] | None = None
    header_at = 0
    for line, record in records:
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
    client_at, out.client_column = columns["client"]
    for line, record in records:
        if not any(map(str.strip, record)):
            continue  # blank lines and spreadsheets' trailing ';;;;' rows
        out.lines += 1
        if len(record) > width and any(c.strip() for c in record[width:]):
            out.problems.append(Problem(line, "", "import.error.extra_cells",
                                        {"count": len(record), "width": width}))
            continue
        read = reader.read(line, record)
        if isinstance(read, Row):
            out.rows.append(read)
        else:
            out.problems.extend(read)
            out.unread[line] = record[client_at].strip() if client_at < len(record) else ""
    return out


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
            return self.read_clean(line, record)
        except (DomainError, _NotClean):
            return self.read_carefully(line, record)

    def cached(self, fld: str, raw: str, parser: Callable[[str], Any]) -> Any:
        cache = self.cache.setdefault(fld, {})
        value = cache.get(raw)
        if value is None:
            value = cache[raw] = parser(raw)
        return value

    def read_clean(self, line: int, record: list[str]) -> Row:
        """The usual row, fast; anything unusual raises and takes ``read_carefully``, which
        finds every problem of the row with its column. (A batch reads 100,000 rows: the
        per-form plans are worked out once, in ``__init__``, and every cell value is parsed
        once per file, then found in a cache.)"""
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
                rating = (Rating.from_total(self.cached("total", total_raw, parse_total),
                                            form_rater) if total_raw else None)
            else:
                try:
                    items = (items_cache[cells[0]], items_cache[cells[1]],
                             items_cache[cells[2]], items_cache[cells[3]])
                except KeyError:
                    items = self._items(cells)
                key = (items, form_rater)
                rating = self.ratings.get(key)  # one shared object per distinct rating:
                if rating is None:  # a million rows repeat far fewer (memory)
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
    for line, raw in enumerate(text.splitlines(), start=1):
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
            out.rows.append(_json_meeting(obj, line, ""))
        except _JsonProblem as exc:
            out.problems.append(Problem(line, exc.path.lstrip("."), exc.key, exc.params))
    return out


def parse_backup(text: str) -> Parsed:
    """A full backup (``fit export --format json``): clients with all their details."""
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
    version = doc.get(BACKUP_MARK)
    if (isinstance(version, bool) or not isinstance(version, int)
            or not 1 <= version <= BACKUP_VERSION):
        out.problems.append(Problem(None, BACKUP_MARK, "import.error.backup_version",
                                    {"version": version, "supported": BACKUP_VERSION}))
        return out
    seen: dict[str, str] = {}
    for index, raw in enumerate(doc["clients"]):
        path = f"clients[{index}]"
        try:
            if version == 1 and isinstance(raw, dict):
                _check_v1_numbering(raw, path)
                raw = v1_to_v2(raw)
            template, rows = _backup_client(raw, path)
        except _JsonProblem as exc:
            out.problems.append(Problem(None, exc.path, exc.key, exc.params))
            continue
        key = id_key(template.client.id)
        if key in seen:
            out.problems.append(Problem(None, f"{path}.id", "import.error.backup_twice",
                                        {"client": template.client.id, "first": seen[key]}))
            continue
        seen[key] = path
        out.templates[key] = template
        out.rows.extend(rows)
        out.lines += len(rows)
    return out


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
