"""The full backup written: one JSON document marked with its version, when it was made,
and every client (details, closing, visits with their corrections, removed visits) in the
shape of `fit client show --json`; and read back: ``fit import`` restores it whole
(``parse_backup``) or streamed a client at a time from the bytes (``parse_backup_bytes``).
"""

from __future__ import annotations

import datetime as dt
import json
from array import array
from collections.abc import Callable, Container, Iterable
from dataclasses import replace as evolve
from typing import Any

from pydantic import ValidationError

from fitcli.formats.jsonscan import WINDOW, scan_document
from fitcli.formats.layout import Layout
from fitcli.formats.reading import (
    BACKUP_MARK,
    JSON_MAX_DEPTH,
    Found,
    JsonProblem,
    Parsed,
    json_code,
    json_date,
    json_id,
    json_loads,
    json_meeting_parts,
    json_problem,
    json_rating,
)
from fitcli.formats.shapes import Doc, client_document, dumps
from fitcli.model.batch import Problem, Row, Template
from fitcli.model.ids import id_key, validate_client_id, validate_practitioner
from fitcli.model.migrate import v1_to_v2
from fitcli.model.problems import DomainError
from fitcli.model.scores import (
    AGE_GROUPS,
    CLOSE_REASONS,
    FORMS,
    SELF,
    Client,
    Closure,
    Correction,
    Exclusion,
    Rating,
    RemovedVisit,
    Session,
    validate_rater,
)
from fitcli.model.text import validate_label

BACKUP_VERSION = 2  # 2: visits hold every rater's forms; 1 is still read


def piece(doc: Doc) -> bytes:
    """A client, compact, on a line of its own."""
    return b"\n  " + dumps(client_document(doc))


def layout(exported_at: str) -> Layout:
    head = json.dumps({BACKUP_MARK: BACKUP_VERSION, "exported_at": exported_at},
                      ensure_ascii=False, indent=1)
    return Layout((head[:-2] + ',\n "clients": [').encode("utf-8"), piece, b",",
                  b"\n ]\n}\n")


# -- read back -----------------------------------------------------------------------------
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


def parse_backup(text: str) -> Parsed:
    """A full backup (``fit export --format json``) read as one document: clients with all
    their details (see ``parse_backup_bytes`` for the way that keeps one client at a time)."""
    out = Parsed("json")
    try:
        doc = json_loads(text)
    except ValueError as exc:  # broken JSON, too deep, a huge integer
        line, params = json_problem(exc)
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
    """One element of a backup's clients: its template and rows (raises JsonProblem)."""
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
        except JsonProblem as exc:
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
                except JsonProblem:
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


def parse_backup_bytes(data: bytes, start: int = 0, window: int = WINDOW) -> Parsed | None:
    """A full backup read from its UTF-8 bytes (from ``start``, after any BOM) one client at
    a time: the bytes are kept, and each client's place in them, never the whole document
    parsed at once. Each client is checked when it is first asked for (``Parsed.client``,
    as the import plans it): the same checks, problems, rows and counts as ``parse_backup``
    once every client has been asked for. None where the document is anything but
    well-formed JSON within the depth limit (``parse_backup`` of the text then says exactly
    what is wrong, as it always has). ``window``: how many bytes are decoded to text at a
    time (a client cut by a window's end is read across it; any window reads the same)."""
    out = Parsed("json")
    found = _Spans(data, out)
    scanned = scan_document(data, start, window, "clients", JSON_MAX_DEPTH, found.found)
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


CLIENT_KEYS = frozenset({"id", "age_group", "status", "label", "start", "closed", "excluded",
                         "sessions", "removed", "practitioner"})


VISIT_EXTRA = frozenset({"corrections", "formerly", "forms", "collateral", "practitioner"})


def _json_practitioner(raw: Any, path: str) -> str | None:
    """A backup's practitioner code (the responsible one, or who held a visit), or None."""
    return None if raw is None else json_code(raw, path, validate_practitioner)


def _backup_client(raw: Any, path: str) -> tuple[Template, list[Row]]:
    if not isinstance(raw, dict):
        raise JsonProblem(path, "import.error.json_type", expected="object")
    unknown = sorted(set(raw) - CLIENT_KEYS)
    if unknown:
        raise JsonProblem(f"{path}.{unknown[0]}", "import.error.json_key", key_name=unknown[0])
    for required in ("id", "start", "sessions"):
        if required not in raw:
            raise JsonProblem(path, "import.error.json_missing", key_name=required)
    client_id = json_id(raw["id"], f"{path}.id")
    age_group = raw.get("age_group", "adult")
    if age_group not in AGE_GROUPS:
        raise JsonProblem(f"{path}.age_group", "import.error.age_group", value=str(age_group))
    label = raw.get("label", "")
    if not isinstance(label, str):
        raise JsonProblem(f"{path}.label", "import.error.json_type", expected="string")
    try:  # the rule of `fit client add --label`: one short line of visible text
        validate_label(label)  # (kept as stored: a restore is exact)
    except DomainError as exc:
        raise JsonProblem(f"{path}.label", exc.key, **exc.params) from None
    closed = raw.get("closed")
    closure: Closure | None = None
    if closed is not None:
        if not isinstance(closed, dict) or closed.get("reason") not in CLOSE_REASONS:
            raise JsonProblem(f"{path}.closed", "import.error.close_reason",
                               allowed=", ".join(CLOSE_REASONS))
        closure = Closure(reason=closed["reason"],
                          date=json_date(closed.get("date"), f"{path}.closed.date"))
    sessions = raw["sessions"]
    if not isinstance(sessions, list):
        raise JsonProblem(f"{path}.sessions", "import.error.json_type", expected="list")
    rows: list[Row] = []
    histories: list[tuple[tuple[Correction, ...], tuple[int, ...]]] = []
    held: list[str | None] = []
    for i, meeting in enumerate(sessions):
        where = f"{path}.sessions[{i}]"
        visit_rows = _json_visit(meeting, where, client_id)
        if visit_rows[0].session != i + 1:
            raise JsonProblem(f"{where}.session", "import.error.backup_numbering",
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
            "start": json_date(raw["start"], f"{path}.start"), "closed": closure,
            "excluded": excluded, "removed": removed,
            "practitioner": _json_practitioner(raw.get("practitioner"), f"{path}.practitioner")})
    except (ValidationError, DomainError) as exc:
        reason = str(exc.errors()[0]["msg"]) if isinstance(exc, ValidationError) else exc.key
        raise JsonProblem(path, "import.error.backup_client", reason=reason) from None
    return Template(client, path, tuple(h for h, _ in histories),
                    tuple(f for _, f in histories), tuple(held)), rows


def _json_visit(obj: Any, path: str, client: str) -> list[Row]:
    """A backup's visit as import rows, one per rater (all with the visit's number). Its
    forms come as ``forms`` (a list of {form, rater, items, total}), or as the client's own
    ``ors``/``srs`` with the collateral raters' under ``collateral``."""
    row = json_meeting_parts(obj, path, VISIT_EXTRA, client)
    forms = obj.get("forms")
    by_rater: dict[str, dict[str, Rating]] = {}
    if forms is not None:
        if not isinstance(forms, list):
            raise JsonProblem(f"{path}.forms", "import.error.json_type", expected="list")
        for k, entry in enumerate(forms):
            where = f"{path}.forms[{k}]"
            if not isinstance(entry, dict) or entry.get("form") not in FORMS:
                raise JsonProblem(where, "import.error.json_type", expected="form")
            rating = json_rating({key: value for key, value in entry.items() if key != "form"},
                                  where)
            assert rating is not None
            slot = by_rater.setdefault(rating.rater, {})
            if entry["form"] in slot:
                raise JsonProblem(where, "import.error.duplicate_form", form=entry["form"],
                                   rater=rating.rater)
            slot[entry["form"]] = rating
        own = {f: r for f, r in (("ors", row.ors), ("srs", row.srs)) if r is not None}
        if own != by_rater.get(SELF, {}):
            raise JsonProblem(f"{path}.forms", "import.error.forms_differ")
    else:
        if row.ors is not None:
            by_rater.setdefault(row.ors.rater, {})["ors"] = row.ors
        if row.srs is not None:
            by_rater.setdefault(row.srs.rater, {})["srs"] = row.srs
        collateral = obj.get("collateral", [])
        if not isinstance(collateral, list):
            raise JsonProblem(f"{path}.collateral", "import.error.json_type", expected="list")
        for k, entry in enumerate(collateral):
            where = f"{path}.collateral[{k}]"
            if not isinstance(entry, dict) or not isinstance(entry.get("rater"), str):
                raise JsonProblem(where, "import.error.json_type", expected="object")
            for form in FORMS:
                rating = json_rating(entry.get(form), f"{where}.{form}")
                if rating is not None:
                    if rating.rater != entry["rater"]:
                        raise JsonProblem(f"{where}.{form}.rater", "import.error.rater",
                                           value=rating.rater)
                    by_rater.setdefault(rating.rater, {})[form] = rating
    if not by_rater:
        raise JsonProblem(path, "import.error.no_scores")
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
                raise JsonProblem(f"{path}.sessions[{i}].session",
                                   "import.error.backup_numbering", expected=i + 1)


def _formerly(raw: Any, path: str) -> tuple[int, ...]:
    if not isinstance(raw, list) or not all(
            isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 1_000_000
            for n in raw):
        raise JsonProblem(path, "import.error.json_type", expected="list of numbers")
    return tuple(raw)


def _excluded(raw: Any, path: str) -> Exclusion | None:
    if raw is None:
        return None
    reason = raw.get("reason") if isinstance(raw, dict) else None
    if not isinstance(reason, str) or not reason.strip() or len(reason) > 200:
        raise JsonProblem(path, "import.error.json_type", expected="{reason, date}")
    return Exclusion(reason=reason, date=json_date(raw.get("date"), f"{path}.date"))


def _removed(raw: Any, path: str, client: str) -> tuple[RemovedVisit, ...]:
    if not isinstance(raw, list):
        raise JsonProblem(path, "import.error.json_type", expected="list")
    found = []
    for i, item in enumerate(raw):
        where = f"{path}[{i}]"
        if not isinstance(item, dict):
            raise JsonProblem(where, "import.error.json_type", expected="object")
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
        raise JsonProblem(path, "import.error.json_type", expected="YYYY-MM-DDTHH:MM:SS+00:00")
    return when


def _corrections(raw: Any, path: str) -> tuple[Correction, ...]:
    if not isinstance(raw, list):
        raise JsonProblem(path, "import.error.json_type", expected="list")
    found = []
    for i, item in enumerate(raw):
        where = f"{path}[{i}]"
        if not isinstance(item, dict) or item.get("form") not in FORMS:
            raise JsonProblem(where, "import.error.json_type", expected="correction")
        when = _moment(item.get("at"), f"{where}.at")
        previous_date = item.get("previous_date")
        rater = item.get("rater", SELF)
        action = item.get("action", "corrected")
        if not isinstance(rater, str) or action not in ("corrected", "added", "removed"):
            raise JsonProblem(where, "import.error.json_type", expected="correction")
        try:
            if rater != SELF and validate_rater(rater) != rater:
                raise DomainError("import.error.rater")
        except DomainError:
            raise JsonProblem(f"{where}.rater", "import.error.rater", value=rater) from None
        found.append(Correction(
            at=when, form=item["form"], rater=rater, action=action,
            previous=json_rating(item.get("previous"), f"{where}.previous"),
            previous_date=(None if previous_date is None
                           else json_date(previous_date, f"{where}.previous_date"))))
    return tuple(found)
