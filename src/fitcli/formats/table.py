"""A sheet of cells (from a workbook, or a peer system's file) read as an import.

Every tabular source ends in the one CSV reader (``formats.csv.parse_csv``), so a spreadsheet,
an OpenFIT template and a mapped sheet follow exactly the rules of a CSV import. A sheet is
written out as CSV text with its rows on the lines of their row numbers, so every problem
names the row a user sees in Excel; columns renamed on the way (``rename``) get their names
as written in the file back in the problems.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from dataclasses import replace as evolve

from fitcli.formats import reading
from fitcli.formats.csv import header_record, parse_csv
from fitcli.model.batch import Problem

Record = tuple[int, list[str]]  # (row number in the file, cells as text)


@dataclass
class Sheet:
    """A header and its records, all cells text; rows numbered as in the file."""

    header: list[str]
    header_line: int
    records: Iterable[Record]
    # (row, column as headed) -> a problem that explains that cell better than the
    # reader's own (an Excel time of day, say); used only where the reader finds one there
    explained: dict[tuple[int, str], Problem] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # found before the reader runs
    notes: dict[str, int] = field(default_factory=dict)  # what translating it changed, counted


def to_csv_text(sheet: Sheet) -> str:
    buffer = io.StringIO()
    write = csv.writer(buffer, lineterminator="\n").writerow
    buffer.write("\n" * (sheet.header_line - 1))
    write(sheet.header)
    at = sheet.header_line
    for line, record in sheet.records:
        if line > at + 1:
            buffer.write("\n" * (line - at - 1))
        write(record)
        at = line
    return buffer.getvalue()


def parse_sheet(sheet: Sheet, fmt: str, rename: Mapping[str, str] | None = None
                ) -> reading.Parsed:
    """The sheet read as an import, its problems named by the file's own column names."""
    parsed = parse_csv(to_csv_text(sheet))
    parsed.format = fmt  # type: ignore[assignment]  # "xlsx", "openfit", ...: shown in --json
    parsed.delimiter = None
    problems = list(sheet.problems)
    for problem in parsed.problems:
        better = sheet.explained.get((problem.line or 0, problem.column))
        if better is not None:
            problem = better
        if rename and problem.column in rename:
            problem = evolve(problem, column=rename[problem.column])
        problems.append(problem)
    parsed.problems = problems
    if rename:
        parsed.client_column = rename.get(parsed.client_column, parsed.client_column)
    return explain_header(parsed, [rename.get(h, h) if rename else h for h in sheet.header])


def header_of(text: str, delimiter: str | None) -> list[str]:
    """The first non-empty record of a CSV text (its header), as the reader splits it."""
    return header_record(text, delimiter)


def explain_header(parsed: reading.Parsed, header: list[str]) -> reading.Parsed:
    """Missing required columns become one problem that says what the header holds and
    where the accepted names are listed (the reader names one missing field at a time)."""
    missing = [p for p in parsed.problems if p.key == "import.error.column_missing"]
    if not missing:
        return parsed
    found = ", ".join(f"'{h.strip()}'" for h in header if h.strip()) or "-"
    merged = Problem(missing[0].line, "", "formats.error.header", {
        "missing": ", ".join(str(p.params["field"]) for p in missing), "found": found})
    rest = [p for p in parsed.problems if p.key != "import.error.column_missing"]
    parsed.problems = [merged, *rest]
    return parsed


def sheet_from_text(text: str, header_row: int | None = None) -> Sheet:
    """A CSV text as a sheet: the header is the first non-empty line (or ``header_row``),
    the delimiter the reader's own choice for it."""
    lines = text.splitlines()
    if header_row is not None:
        first = header_row - 1
    else:
        first = next((i for i, ln in enumerate(lines) if ln.strip()), 0)
    delimiter = reading.detect_delimiter(lines[first] if first < len(lines) else "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    header_line = 1
    records: list[Record] = []
    start = 1
    for record in reader:
        if header is None:
            if start - 1 >= first and any(c.strip() for c in record):
                header, header_line = [c.strip() for c in record], start
        else:
            records.append((start, record))
        start = reader.line_num + 1
    return Sheet(header or [], header_line, records)


def column_index(header: list[str]) -> dict[str, int]:
    """Normalised column name -> its index (the first, if a name is there twice)."""
    found: dict[str, int] = {}
    for i, name in enumerate(header):
        found.setdefault(reading.normalise(name), i)
    return found
