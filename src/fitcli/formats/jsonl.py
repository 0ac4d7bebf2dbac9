"""JSON Lines written: one object per visit and rater, its forms and the client's age group
(``fit import`` reads it back, see fitcli.tabular)."""

from __future__ import annotations

from fitcli.formats.layout import Layout
from fitcli.formats.shapes import Doc, dumps, groups, rater_visit


def piece(doc: Doc) -> bytes:
    """A client's lines."""
    client_id, age_group = doc["id"], doc["age_group"]
    return b"".join([dumps(rater_visit(client_id, age_group, s, ors, srs)) + b"\n"
                     for s in doc["sessions"] for ors, srs in groups(s)])


def layout() -> Layout:
    return Layout(b"", piece)
