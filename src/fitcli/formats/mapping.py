"""A user's column mapping for any other sheet (``fit import FILE --map mapping.toml``).

The file says which column holds which of fitcli's fields, and optionally how cell values
translate, which sheet and which row holds the column names::

    sheet = "Skårer"          # workbooks: the sheet (default: the first)
    header_row = 3            # the row with the column names (default: the first filled)

    [columns]                 # fitcli field = the column's name in the file
    client = "Klientnr"
    date = "Dato for samtale"
    ors_total = "ORS sum"
    rater = "Utfylt av"

    [values.rater]            # a field's cell values -> what fitcli reads
    "Klienten" = "self"
    "Mor" = "mor"

Fields are the names ``fit import --columns`` lists. Columns the mapping does not name are
left aside. Every rule of a CSV import applies to the mapped cells.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fitcli.errors import UsageProblem
from fitcli.formats import reading
from fitcli.formats.table import Record, Sheet, column_index
from fitcli.model.batch import Problem

PREVIEW_ROWS = 5


@dataclass(frozen=True)
class Mapping:
    columns: dict[str, str]  # field -> column name in the file
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> cell -> value
    sheet: str | None = None
    header_row: int | None = None
    path: str = ""


def _bad(path: Path, reason: str) -> UsageProblem:
    return UsageProblem("formats.error.mapping", path=str(path), reason=reason)


def load(path: Path) -> Mapping:
    try:
        doc: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageProblem("import.error.no_file", path=str(path)) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise _bad(path, str(exc)) from None
    unknown = sorted(set(doc) - {"sheet", "header_row", "columns", "values"})
    if unknown:
        raise _bad(path, f"unknown key '{unknown[0]}' (sheet, header_row, columns, values)")
    columns = doc.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise _bad(path, "no [columns] table")
    known = reading.FIELD_ALIASES
    for name, column in columns.items():
        if name not in known:
            raise _bad(path, f"'{name}' is not a field; 'fit import --columns' lists them")
        if not isinstance(column, str) or not column.strip():
            raise _bad(path, f"columns.{name} must be the column's name as text")
    values = doc.get("values", {})
    if not isinstance(values, dict) or not all(
            isinstance(v, dict) and all(isinstance(x, str) for x in v.values())
            for v in values.values()):
        raise _bad(path, "[values.FIELD] tables must map cell text to text")
    for name in values:
        if name not in columns:
            raise _bad(path, f"values.{name} is for a field with no column in [columns]")
    sheet, header_row = doc.get("sheet"), doc.get("header_row")
    if sheet is not None and not isinstance(sheet, str):
        raise _bad(path, "sheet must be the sheet's name as text")
    if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
        raise _bad(path, "header_row must be a row number from 1")
    return Mapping({k: v.strip() for k, v in columns.items()},
                   {k: {str(c).strip().casefold(): str(x) for c, x in v.items()}
                    for k, v in values.items()}, sheet, header_row, str(path))


def apply(mapping: Mapping, sheet: Sheet) -> tuple[Sheet, dict[str, str]]:
    """The sheet with the mapped columns only, named by their fields."""
    index = column_index(sheet.header)
    fields = list(mapping.columns)
    missing = [c for c in mapping.columns.values() if reading.normalise(c) not in index]
    problems: list[Problem] = []
    if missing:
        found = ", ".join(f"'{h}'" for h in sheet.header if h.strip()) or "-"
        problems.append(Problem(sheet.header_line, "", "formats.error.mapping_columns",
                                {"missing": ", ".join(f"'{c}'" for c in missing),
                                 "found": found}))
        return Sheet(fields, sheet.header_line, [], sheet.explained, problems), {}
    at = [index[reading.normalise(mapping.columns[f])] for f in fields]
    tables = [mapping.values.get(f) for f in fields]

    def records() -> Iterator[Record]:
        for line, record in sheet.records:
            cells = []
            for i, table in zip(at, tables, strict=True):
                raw = record[i].strip() if i < len(record) else ""
                if table is not None and raw:
                    raw = table.get(raw.casefold(), raw)
                cells.append(raw)
            yield line, cells

    rename = {f: mapping.columns[f] for f in fields}
    return Sheet(fields, sheet.header_line, records(), sheet.explained, problems), rename


def preview(sheet: Sheet, rows: int = PREVIEW_ROWS) -> tuple[Sheet, list[Record]]:
    """The first ``rows`` mapped records (for --dry-run), and the sheet still whole."""
    records = list(sheet.records)
    return Sheet(sheet.header, sheet.header_line, records, sheet.explained,
                 sheet.problems), records[:rows]
