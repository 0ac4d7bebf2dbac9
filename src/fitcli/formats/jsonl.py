"""JSON Lines written: one object per visit and rater, its forms and the client's age group
(``fit import`` reads it back, see fitcli.formats.reading)."""

from __future__ import annotations

from fitcli.formats.layout import Layout
from fitcli.formats.shapes import Doc, dumps, rater_visits


def piece(doc: Doc) -> bytes:
    """A client's lines."""
    return b"".join([dumps(line) + b"\n" for line in rater_visits(doc)])


def layout() -> Layout:
    return Layout(b"", piece)
