"""Excel workbooks: reading .xlsx (and .xls, .ods) with python-calamine, writing .xlsx with
openpyxl (calamine only reads).

Reading keeps Excel's cell types: a number is a number (``4`` and ``4.0`` alike), a date
cell is a date whatever the display format, and a date-time is taken only at midnight (what
Excel stores for a date typed with its time hidden); a time of day would be ambiguous and
is refused. Cells become the text the CSV reader understands, so every rule is the same.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from typing import Any

from fitcli.errors import InvalidData, UsageProblem
from fitcli.formats.layout import Layout
from fitcli.formats.rows import COLUMNS, DATE_COLUMNS, SCORE_COLUMNS, header, typed_rows
from fitcli.formats.shapes import Doc
from fitcli.formats.table import Record, Sheet
from fitcli.model.batch import Problem

_ZIP = b"PK\x03\x04"  # .xlsx, .xlsm, .ods
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003)


def is_workbook(data: bytes) -> bool:
    return data.startswith((_ZIP, _OLE))


def _number(value: float) -> str:
    # whole numbers without ".0" (a client ID or meeting number typed as a number); others
    # as Excel shows them with all digits (ten significant are more than a score has), so
    # 4.5 stays 4.5 and 4.55 stays 4.55 (refused like in a CSV)
    return str(int(value)) if value.is_integer() else f"{value:.10g}"


def _text(value: str) -> str:
    # one line per row keeps problems on Excel's row numbers; no field holds a line break
    return value.replace("\r\n", " ").replace("\n", " ") if "\n" in value else value


def _moment(value: dt.datetime) -> str:
    if value.time() == dt.time(0):
        return value.date().isoformat()
    return value.strftime("%d.%m.%Y %H:%M")  # never read as a date (explained by read_sheet)


_CONVERT: dict[type, Callable[[Any], str]] = {
    str: _text, float: _number, int: str, bool: lambda v: "TRUE" if v else "FALSE",
    dt.date: dt.date.isoformat, dt.datetime: _moment, type(None): lambda v: ""}


def _cell(value: Any) -> str:
    convert = _CONVERT.get(type(value))
    return str(value) if convert is None else convert(value)


def read_sheet(data: bytes, sheet: str | None = None, header_row: int | None = None) -> Sheet:
    """The named sheet (or the first) of a workbook, its cells as import text; the column
    names are on ``header_row``, else on the first row with two cells or more (a title
    above them is left aside)."""
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = book.sheet_names
        if sheet is not None and sheet not in names:
            raise UsageProblem("formats.error.no_sheet", sheet=sheet,
                               sheets=", ".join(names) or "-")
        if not names:
            raise InvalidData("formats.error.workbook", reason="no sheets")
        cells: list[list[Any]] = (book.get_sheet_by_name(sheet) if sheet is not None
                 else book.get_sheet_by_index(0)).to_python(skip_empty_area=False)
    except (UsageProblem, InvalidData):
        raise
    except Exception as exc:  # calamine's errors: not a workbook, damaged, password
        raise InvalidData("formats.error.workbook", reason=str(exc) or type(exc).__name__
                          ) from None
    explained: dict[tuple[int, str], Problem] = {}
    if header_row is not None:
        if header_row > len(cells):
            return Sheet([], header_row, [])
        header_at = header_row - 1
    else:
        filled = (i for i, row in enumerate(cells) if any(c != "" for c in row))
        first = next(filled, None)
        if first is None:
            return Sheet([], 1, [])
        header_at = first
        if sum(c != "" for c in cells[first]) < 2:  # a title: the header is further down
            header_at = next((i for i in filled if sum(c != "" for c in cells[i]) >= 2),
                             first)
    header = [_cell(c).strip() for c in cells[header_at]]

    def records() -> Iterator[Record]:
        numbers: dict[float, str] = {}  # scores repeat: each value is formatted once
        width = len(header)
        for index in range(header_at + 1, len(cells)):
            line = index + 1
            out = []
            for at, c in enumerate(cells[index]):
                kind = type(c)
                if kind is str:
                    out.append(_text(c))
                elif kind is float:
                    text = numbers.get(c)
                    if text is None:
                        text = numbers[c] = _number(c)
                    out.append(text)
                else:
                    out.append(_cell(c))
                    if kind is dt.datetime and c.time() != dt.time(0) and at < width:
                        # a time of day: said where the date is read (see parse_sheet)
                        explained[(line, header[at])] = Problem(
                            line, header[at], "formats.error.time",
                            {"value": c.strftime("%Y-%m-%d %H:%M")})
            yield line, out

    return Sheet(header, header_at + 1, records(), explained)


# -- writing ------------------------------------------------------------------------------
def piece(doc: Doc) -> bytes:
    """A client's rows for the workbook (JSON: made in worker processes, joined here)."""
    return json.dumps(typed_rows(doc), ensure_ascii=False).encode("utf-8")


def layout() -> Layout:
    """Pieces are a client's typed rows, joined into one workbook (the header in the words
    of the language the export is made in)."""
    names = tuple(header())
    return Layout(b"", piece, joined=lambda pieces: workbook(pieces, list(names)))


def workbook(pieces: list[bytes], header: list[str]) -> bytes:
    """An .xlsx of the rows: typed cells (numbers, dates), a frozen header row in the
    user's language, columns wide enough for their header and values."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet("fit")
    sheet.freeze_panes = "A2"
    widths = [max(len(h), 8) + 2 for h in header]
    dates = [i for i, c in enumerate(COLUMNS) if c in DATE_COLUMNS]
    for i, column in enumerate(COLUMNS):
        if column in DATE_COLUMNS:
            widths[i] = max(widths[i], 12)
        elif column == "label":
            widths[i] = max(widths[i], 24)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    bold = Font(bold=True)
    head = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    scores = [i for i, c in enumerate(COLUMNS) if c in SCORE_COLUMNS]
    date_style = _date_cell(sheet)
    score_style = _score_cell(sheet)
    text_cell = _text_cell(sheet)
    label_at = COLUMNS.index("label")
    fromiso = dt.date.fromisoformat
    for data in pieces:
        for row in json.loads(data):
            if row[label_at]:
                row[label_at] = text_cell(row[label_at])
            for i in dates:
                if row[i]:
                    cell = date_style(fromiso(row[i]))
                    row[i] = cell
            for i in scores:
                if row[i] is not None:
                    row[i] = score_style(row[i])
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _date_cell(sheet: Any) -> Callable[[dt.date], Any]:
    from openpyxl.cell import WriteOnlyCell

    def make(value: dt.date) -> Any:
        cell = WriteOnlyCell(sheet, value=value)
        # Excel's built-in short date: shown the way the user's locale writes dates
        cell.number_format = "mm-dd-yy"
        return cell

    return make


def _score_cell(sheet: Any) -> Callable[[float], Any]:
    from openpyxl.cell import WriteOnlyCell

    def make(value: float) -> Any:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "0.0"
        return cell

    return make


def _text_cell(sheet: Any) -> Callable[[str], Any]:
    """Free text (a label) as text, never a formula (a label "=..." is not run by Excel), and
    without the control characters a workbook cannot hold."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def make(value: str) -> Any:
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"
        return cell

    return make
