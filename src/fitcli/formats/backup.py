"""The full backup written: one JSON document marked with its version, when it was made,
and every client (details, closing, visits with their corrections, removed visits) in the
shape of `fit client show --json`. ``fit import`` restores it (see fitcli.formats.reading).
"""

from __future__ import annotations

import json

from fitcli.formats.layout import Layout
from fitcli.formats.shapes import Doc, client_document, dumps

BACKUP_MARK = "fitcli_backup"  # key naming a full-backup document, its value the version
BACKUP_VERSION = 2  # 2: visits hold every rater's forms; 1 is still read


def piece(doc: Doc) -> bytes:
    """A client, compact, on a line of its own."""
    return b"\n  " + dumps(client_document(doc))


def layout(exported_at: str) -> Layout:
    head = json.dumps({BACKUP_MARK: BACKUP_VERSION, "exported_at": exported_at},
                      ensure_ascii=False, indent=1)
    return Layout((head[:-2] + ',\n "clients": [').encode("utf-8"), piece, b",",
                  b"\n ]\n}\n")
