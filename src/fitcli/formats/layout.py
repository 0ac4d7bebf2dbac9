"""How an export is put together: a head, one piece per client, a tail; which format's
module makes them.

Pieces are made per client (in worker processes for a big store), passed back as UTF-8
bytes and joined in store order, so the output is the same whichever way it was made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fitcli.formats.shapes import Doc


@dataclass(frozen=True)
class Layout:
    """A format's head, its piece of one client, the separator between pieces, its tail;
    ``joined``: a format that is not text (a workbook) joins its pieces itself."""

    head: bytes
    client: Callable[[Doc], bytes]
    sep: bytes = b""
    tail: bytes = b""
    joined: Callable[[list[bytes]], bytes] | None = None

    def join(self, pieces: list[bytes]) -> bytes:
        if self.joined is not None:
            return self.joined(pieces)
        return self.head + self.sep.join(pieces) + self.tail


def layout(fmt: str, exported_at: str) -> Layout:
    """The layout of an export format (``exported_at``: when, for the backup's head); only
    that format's module is imported."""
    if fmt == "csv":
        from fitcli.formats import csv

        return csv.layout()
    if fmt == "excel-csv":
        from fitcli.formats import csv

        return csv.excel_layout()
    if fmt == "jsonl":
        from fitcli.formats import jsonl

        return jsonl.layout()
    if fmt == "xlsx":
        from fitcli.formats import xlsx

        return xlsx.layout()
    if fmt == "openfit":
        from fitcli.formats import openfit

        return openfit.layout()
    from fitcli.formats import backup

    return backup.layout(exported_at)
