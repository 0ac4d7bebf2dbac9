"""The formats' names (light: `fit` builds its options from them at every start), and the
export format agreeing with the file name: the format follows the name's ending when --format is
not given, and a format that contradicts the ending is refused (CSV text in a file named
.xlsx opens as garbage in Excel)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from fitcli.errors import UsageProblem

ImportFormat = Literal["csv", "jsonl", "json", "xlsx", "openfit", "camcops"]
IMPORT_FORMATS: tuple[ImportFormat, ...] = ("csv", "jsonl", "json", "xlsx", "openfit",
                                            "camcops")
ExportFormat = Literal["csv", "jsonl", "json", "xlsx", "excel-csv", "openfit"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "jsonl", "json", "xlsx", "excel-csv",
                                            "openfit")
# file endings -> the formats that may be written under them, the first is the default
_BY_SUFFIX: dict[str, tuple[ExportFormat, ...]] = {
    ".csv": ("csv", "excel-csv", "openfit"),
    ".txt": ("csv", "excel-csv", "openfit"),
    ".tsv": ("csv", "excel-csv"),
    ".xlsx": ("xlsx",),
    ".xlsm": ("xlsx",),
    ".json": ("json",),
    ".jsonl": ("jsonl",),
    ".ndjson": ("jsonl",),
}


def format_for(fmt: ExportFormat | None, output: Path | None) -> ExportFormat:
    """--format, checked against the --output name; else the name's format; else csv."""
    suffix = output.suffix.lower() if output is not None and str(output) != "-" else ""
    allowed = _BY_SUFFIX.get(suffix)
    if suffix in (".xls", ".ods"):  # formats fit reads but does not write
        raise UsageProblem("formats.error.extension", format=fmt or "-", suffix=suffix,
                           expected=".xlsx")
    if fmt is None:
        return allowed[0] if allowed else "csv"
    if allowed is not None and fmt not in allowed:
        raise UsageProblem("formats.error.extension", format=fmt, suffix=suffix,
                           expected=" / ".join(allowed))
    return fmt
