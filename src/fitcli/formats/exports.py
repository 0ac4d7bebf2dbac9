"""The export layouts of the spreadsheet formats: .xlsx, the CSV a Nordic Excel opens by
double-click, and OpenFIT's import template. Pieces are made per client (in worker processes
for a big store) and joined here; the header is in the user's language (and the importer
reads it back in every language)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from fitcli.formats import openfit, xlsx
from fitcli.formats.rows import COLUMNS, SCORE_COLUMNS, Doc, typed_rows
from fitcli.i18n import t
from fitcli.render.export import Layout

EXCEL_BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only with it (else the ANSI code page)
FORMATS = ("xlsx", "excel-csv", "openfit")


def header() -> list[str]:
    """The export's column names in the current language (``fit import`` reads them all)."""
    return [t(f"formats.column.{column}") for column in COLUMNS]


@dataclass(frozen=True)
class WorkbookLayout(Layout):
    """Pieces are a client's typed rows; joined into one workbook."""

    columns: tuple[str, ...] = ()

    def join(self, pieces: list[bytes]) -> bytes:
        return xlsx.workbook(pieces, list(self.columns))


_SCORE_AT = [i for i, c in enumerate(COLUMNS) if c in SCORE_COLUMNS]
_LABEL_AT = COLUMNS.index("label")
_FORMULA_START = frozenset("=+-@\t\r")


def _excel_piece(doc: Doc) -> bytes:
    """A client's rows for Excel with a decimal comma: ';' between cells, CRLF."""
    rows = typed_rows(doc)
    for row in rows:
        label = row[_LABEL_AT]
        if label and label[0] in _FORMULA_START:  # Excel would run "=..." as a formula
            row[_LABEL_AT] = "'" + label
        for i in _SCORE_AT:
            if row[i] is not None:
                row[i] = f"{row[i]:.1f}".replace(".", ",")
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _excel_head() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerow(header())
    return (EXCEL_BOM + buffer.getvalue()).encode("utf-8")


def layout(fmt: str) -> Layout:
    if fmt == "xlsx":
        return WorkbookLayout(b"", xlsx.piece, b"", b"", tuple(header()))
    if fmt == "excel-csv":
        return Layout(_excel_head(), _excel_piece, b"", b"")
    return Layout(openfit.head(), openfit.piece, b"", b"")
