"""What an import file is, and its rows: workbook or text, which encoding, fitcli's own
CSV/JSON, a peer system's export (OpenFIT, CamCOPS, detected from the header) or a sheet
read through the user's mapping."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field

from fitcli.errors import InvalidData, UsageProblem
from fitcli.formats import camcops, encoding, mapping, openfit, reading, xlsx
from fitcli.formats.backup import parse_backup_bytes
from fitcli.formats.csv import first_line, header_record
from fitcli.formats.naming import ImportFormat
from fitcli.formats.table import (
    Record,
    Sheet,
    explain_header,
    parse_sheet,
    sheet_from_text,
)
from fitcli.model.batch import Problem
from fitcli.model.ids import id_key, validate_client_id
from fitcli.model.problems import DomainError


@dataclass
class Read:
    parsed: reading.Parsed
    # with a mapping: its fields and columns, and the first rows as mapped (for --dry-run)
    mapped: dict[str, str] = field(default_factory=dict)
    preview: list[Record] = field(default_factory=list)
    notes: dict[str, int] = field(default_factory=dict)  # catalogue key -> how many
    encoding: str | None = None  # a text file's encoding as read (None: a workbook)


def read(data: bytes, fmt: ImportFormat | None = None, sheet: str | None = None,
         forced_encoding: str | None = None, mapped: mapping.Mapping | None = None) -> Read:
    workbook = xlsx.is_workbook(data)
    if fmt == "xlsx" and not workbook:
        raise InvalidData("formats.error.workbook", reason="not an .xlsx, .xls or .ods file")
    if workbook and fmt in ("csv", "jsonl", "json"):
        raise UsageProblem("formats.error.workbook_format", format=fmt)
    wanted_sheet = sheet or (mapped.sheet if mapped else None)
    if wanted_sheet is not None and not workbook:
        raise UsageProblem("formats.error.sheet_not_workbook")
    if workbook:
        raw = xlsx.read_sheet(data, wanted_sheet, mapped.header_row if mapped else None)
        return _sheet(raw, fmt, mapped, "xlsx")
    backup = _backup_bytes(data, fmt, forced_encoding) if mapped is None else None
    if backup is not None:
        return Read(backup, encoding="utf-8")
    text, used = encoding.detect(data, forced_encoding)
    if mapped is not None:
        read = _sheet(sheet_from_text(text, mapped.header_row), fmt, mapped, "csv")
    elif fmt in ("openfit", "camcops") or (fmt is None and reading.detect_format(text) == "csv"
                                          and _peer(header_record(text, _delimiter(text)))):
        read = _sheet(sheet_from_text(text), fmt, None, "csv")
    else:
        parsed = reading.parse(text, fmt)  # type: ignore[arg-type]  # csv, jsonl or json
        if parsed.format == "csv":
            explain_header(parsed, header_record(text, parsed.delimiter))
        read = Read(parsed)
    read.encoding = used
    if used == encoding.NORDIC_CODEPAGE and not forced_encoding:  # a choice: said, not silent
        read.notes["formats.note.codepage"] = 1
    return read


def _delimiter(text: str) -> str:
    return reading.detect_delimiter(first_line(text))


_UTF8_BOM = b"\xef\xbb\xbf"
_FIRST_LINE_MAX = 1 << 20  # a JSON Lines file's first meeting is far shorter


def _backup_bytes(data: bytes, fmt: ImportFormat | None, forced: str | None
                  ) -> reading.Parsed | None:
    """A full backup in UTF-8 read from its bytes one client at a time (a backup of a large
    store is hundreds of MB: the document is never decoded or parsed whole); None for
    anything else, which the text readers then take as before."""
    if fmt not in (None, "json") or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    if forced:
        import codecs

        try:
            if codecs.lookup(forced).name != "utf-8":
                return None
        except LookupError:
            return None
    head = data[:400]
    if head.count(b"\x00") * 4 > len(head):
        return None
    start = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
    at = start
    while at < len(data) and data[at] in b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f":
        at += 1
    if at >= len(data) or data[at] not in b"{[":
        return None  # not JSON (CSV), or whitespace that is not ASCII: the text readers
    if fmt is None:
        end = data.find(b"\n", at, at + _FIRST_LINE_MAX)
        if end < 0 and len(data) - at > _FIRST_LINE_MAX:
            return None  # a document on one long line: read as text, as before
        try:
            line = data[at:end if end >= 0 else len(data)].decode("utf-8")
        except UnicodeDecodeError:
            return None
        if reading.detect_format(line) != "json":
            return None
    if not _utf8(data):
        return None
    return parse_backup_bytes(data, start)


def _utf8(data: bytes) -> bool:
    """Whether ``data`` is UTF-8, checked a piece at a time (nothing kept)."""
    import codecs

    check = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for at in range(0, len(view), 1 << 20):
            check.decode(view[at:at + (1 << 20)])
        check.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _peer(header: list[str]) -> bool:
    return openfit.detect(header) or camcops.detect(header) is not None


def _sheet(raw: Sheet, fmt: ImportFormat | None, mapped: mapping.Mapping | None,
           plain: str) -> Read:
    """A sheet read as it is, through the mapping, or as the peer format it is."""
    if mapped is not None:
        sheet, rename = mapping.apply(mapped, raw)
        sheet, first = mapping.preview(sheet)
        return Read(parse_sheet(sheet, plain, rename), dict(mapped.columns), first)
    if fmt == "openfit" or (fmt is None and openfit.detect(raw.header)):
        sheet, rename = openfit.to_import(raw)
        parsed = parse_sheet(sheet, "openfit", rename)
        return Read(parsed, notes={k: n for k, n in sheet.notes.items() if n})
    task = camcops.detect(raw.header)
    if fmt == "camcops" and task is None:
        raise InvalidData("formats.error.camcops_header")
    if task is not None and fmt in (None, "camcops"):
        sheet, rename = camcops.to_import(raw, task)
        parsed = parse_sheet(sheet, "camcops", rename)
        return Read(parsed, notes={k: n for k, n in sheet.notes.items() if n})
    return Read(parse_sheet(raw, plain))


def unread_keys(parsed: reading.Parsed) -> set[str]:
    """The clients of the rows refused while reading (to look them up in the store too)."""
    return {id_key(client) for client in parsed.unread.values() if client}


def unknown_clients(parsed: reading.Parsed, known: Container[str], create: bool
                    ) -> list[Problem]:
    """A refused row whose client the store lacks says so too (without --create-clients),
    so fixing the row's cells does not reveal one more problem."""
    if create:
        return []
    found = []
    for line, client in parsed.unread.items():
        try:
            valid = validate_client_id(client)
        except DomainError:
            continue  # the reader said what is wrong with it
        key = id_key(valid)
        if key not in known and key not in parsed.template_keys:
            found.append(Problem(line, parsed.client_column, "import.error.unknown_client",
                                 {"client": valid}))
    return found
