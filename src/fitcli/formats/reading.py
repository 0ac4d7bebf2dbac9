"""What every reader of fitcli's own formats shares: which format a text is in (``parse``
hands it to formats/csv.py, jsonl.py or backup.py), the column-name and value alias tables,
the cell readers, where a file's rows are (``Parsed``) and the JSON safety limits. No I/O.

The readers turn text into ``model.batch.Row`` objects or ``Problem`` s (line, column,
catalogue key); score, ID and date rules are the model's own (``parse_item``, ``parse_total``,
``validate_client_id``). The alias tables are data, documented in the README's import section.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from array import array
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from fitcli.model.batch import Problem, Row, Template
from fitcli.model.dates import parse_day
from fitcli.model.ids import id_key, validate_client_id
from fitcli.model.problems import DomainError
from fitcli.model.scores import (
    AGE_GROUPS,
    FORMS,
    ITEM_COUNT,
    SELF,
    AgeGroup,
    Rater,
    Rating,
    parse_item,
    parse_total,
    tenths,
    validate_rater,
)

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


FIELD_OF: dict[str, str] = {normalise(a): f for f, aliases in FIELD_ALIASES.items()
                             for a in (f, *aliases)}
_RATER_OF: dict[str, Rater] = {normalise(a): r for r, aliases in RATER_VALUES.items()
                               for a in aliases}
_AGE_OF: dict[str, AgeGroup] = {normalise(a): g for g, aliases in AGE_VALUES.items()
                                for a in aliases}


# -- text and format ------------------------------------------------------------------------
_NOT_SPACE = re.compile(r"\S")
BACKUP_MARK = "fitcli_backup"  # key naming a full-backup document, its value the version


def detect_format(text: str) -> Format:
    """jsonl: one JSON object a line; json: one document; csv: anything else."""
    begins = _NOT_SPACE.search(text)  # (text.lstrip() and split() would copy the text)
    if begins is None or text[begins.start()] not in "{[":
        return "csv"
    ends = text.find("\n", begins.start())
    first = text[begins.start():ends if ends >= 0 else len(text)].strip()
    try:
        obj = json_loads(first)
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


def json_loads(text: str) -> Any:
    """json.loads that fails with ValueError on anything hostile: nesting deeper than
    JSON_MAX_DEPTH (checked before parsing), integers of thousands of digits."""
    if not _json_depth_ok(text):
        raise JsonTooDeep(f"nested deeper than {JSON_MAX_DEPTH} levels")
    try:
        return json.loads(text)
    except RecursionError:
        raise JsonTooDeep(f"nested deeper than {JSON_MAX_DEPTH} levels") from None


def json_problem(exc: ValueError) -> tuple[int, dict[str, Any]]:
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
# A time after the date: any time after an ISO date (a timestamp); only a zero time after a
# day-first date, as Excel writes a date cell ("14.09.2026 00:00")
_ISO_TIME = re.compile(r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?")
_ZERO_TIME = re.compile(r"0?0:00(?::00)?")


def parse_date(text: str) -> dt.date:
    """A date cell: the forms ``fit ors --date`` takes (model.dates: YYYY-MM-DD, or day first
    DD.MM.YYYY / DD-MM-YYYY), after an ISO date a time that is ignored, after a day-first
    date a zero time."""
    raw = text.strip()
    if raw[4:5] == "-" and _ISO_TIME.fullmatch(raw, 10):
        raw = raw[:10]
    else:
        day_part, space, time_part = raw.partition(" ")
        if space and _ZERO_TIME.fullmatch(time_part):
            raw = day_part
    day = parse_day(raw)
    if day is None:
        raise DomainError("import.error.date", value=text.strip())
    return day


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


class Located(Found):
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


# -- what a file holds -----------------------------------------------------------------------
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
    from fitcli.formats import backup, csv, jsonl  # they build on this module

    chosen = fmt or detect_format(text)
    if chosen == "csv":
        return csv.parse_csv(text)
    if chosen == "jsonl":
        return jsonl.parse_jsonl(text)
    return backup.parse_backup(text)


_SPLITLINES = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def text_lines(text: str) -> Iterator[tuple[int, int, str]]:
    """``text.splitlines()`` one line at a time, with each line's offsets (start, end)."""
    pos, size = 0, len(text)
    while pos < size:
        found = _SPLITLINES.search(text, pos)
        end = found.start() if found else size
        yield pos, end, text[pos:end]
        pos = found.end() if found else size


# -- JSON Lines and the full backup ---------------------------------------------------------
class JsonProblem(Exception):
    def __init__(self, path: str, key: str, **params: Any) -> None:
        super().__init__(key)
        self.path, self.key, self.params = path, key, params


def _number(value: Any, path: str, parser: Callable[[str], float]) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise JsonProblem(path, "import.error.json_type", expected="number")
    try:
        return parser(str(value))
    except DomainError as exc:
        raise JsonProblem(path, exc.key, **exc.params) from None


def json_rating(value: Any, path: str) -> Rating | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise JsonProblem(path, "import.error.json_type", expected="object")
    unknown = sorted(set(value) - {"items", "total", "rater"})
    if unknown:
        raise JsonProblem(f"{path}.{unknown[0]}", "import.error.json_key", key_name=unknown[0])
    rater = value.get("rater", "self")
    try:
        if not isinstance(rater, str) or validate_rater(rater) != rater:
            raise DomainError("import.error.rater")
    except DomainError:
        raise JsonProblem(f"{path}.rater", "import.error.rater", value=str(rater)) from None
    items = value.get("items")
    total = value.get("total")
    if items is None:
        if total is None:
            raise JsonProblem(path, "import.error.json_missing", key_name="total")
        return Rating.from_total(_number(total, f"{path}.total", parse_total), rater)
    if not isinstance(items, list) or len(items) != ITEM_COUNT:
        raise JsonProblem(f"{path}.items", "import.error.json_items", count=ITEM_COUNT)
    a, b, c, d = (_number(v, f"{path}.items[{i}]", parse_item) for i, v in enumerate(items))
    rating = Rating.from_items((a, b, c, d), rater)
    if total is not None and tenths(_number(total, f"{path}.total", parse_total)) != tenths(
            rating.total):
        raise JsonProblem(f"{path}.total", "import.error.total_mismatch", total=total,
                           sum=rating.total)
    return rating


def json_date(value: Any, path: str) -> dt.date:
    """A JSON date by the one date rule (model.dates: YYYY-MM-DD or day first, a real
    calendar date; Python's own ISO parser would also take week dates and 20260914)."""
    if not isinstance(value, str):
        raise JsonProblem(path, "import.error.json_type", expected="YYYY-MM-DD")
    day = parse_day(value)
    if day is None:
        raise JsonProblem(path, "import.error.date", value=value)
    return day


def json_code(value: Any, path: str, validate: Callable[[str], str]) -> str:
    """A JSON string checked by ``validate`` (a client ID, a practitioner's code)."""
    if not isinstance(value, str):
        raise JsonProblem(path, "import.error.json_type", expected="string")
    try:
        return validate(value)
    except DomainError as exc:
        raise JsonProblem(path, exc.key, **exc.params) from None


def json_id(value: Any, path: str) -> str:
    return json_code(value, path, validate_client_id)


MEETING_KEYS = frozenset({"client", "session", "date", "ors", "srs", "age_group"})


def json_meeting_parts(obj: Any, path: str, extra: frozenset[str], client: str) -> Row:
    """A visit's row (number, date, the client's own forms); forms optional here."""
    return json_meeting(obj, None, path, extra, client, need_scores=False)


def json_meeting(obj: Any, line: int | None, path: str, extra: frozenset[str] = frozenset(),
                  client: str | None = None, need_scores: bool = True) -> Row:
    if not isinstance(obj, dict):
        raise JsonProblem(path, "import.error.json_type", expected="object")
    unknown = sorted(set(obj) - MEETING_KEYS - extra)
    if unknown:
        raise JsonProblem(f"{path}.{unknown[0]}", "import.error.json_key", key_name=unknown[0])
    for required in ("client", "date"):
        if required not in obj:
            raise JsonProblem(path, "import.error.json_missing", key_name=required)
    client_id = json_id(obj["client"], f"{path}.client")
    if client is not None and client_id != client:
        raise JsonProblem(f"{path}.client", "import.error.json_client", value=client_id,
                           client=client)
    session = obj.get("session")
    if session is not None and (isinstance(session, bool) or not isinstance(session, int)
                                or session < 1):
        raise JsonProblem(f"{path}.session", "import.error.session", value=str(session))
    age_group = obj.get("age_group")
    if age_group is not None and age_group not in AGE_GROUPS:
        raise JsonProblem(f"{path}.age_group", "import.error.age_group", value=str(age_group))
    ors = json_rating(obj.get("ors"), f"{path}.ors")
    srs = json_rating(obj.get("srs"), f"{path}.srs")
    if ors is None and srs is None and need_scores:
        raise JsonProblem(path, "import.error.no_scores")
    prefix = f"{path}." if path else ""
    where = {k: f"{prefix}{k}" for k in MEETING_KEYS}
    return Row(line, client_id, json_date(obj["date"], f"{path}.date"), session, ors, srs,
               cast("AgeGroup | None", age_group), where)
