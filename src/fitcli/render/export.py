"""The text of `fit export`: CSV in the import format, JSON Lines, and the full-backup JSON.

Shapes come from render/data.py (one meeting = ``session_dict``, one client = ``client_dict``),
so exports, `--json` output and imports all speak the same language.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from fitcli.model.scores import ITEM_COUNT, Client, Rating
from fitcli.render.data import client_dict, session_dict
from fitcli.tabular import BACKUP_MARK, BACKUP_VERSION

CSV_COLUMNS: tuple[str, ...] = (
    "client", "date", "session", "age_group",
    *(f"ors{i}" for i in range(1, ITEM_COUNT + 1)), "ors_total", "ors_rater",
    *(f"srs{i}" for i in range(1, ITEM_COUNT + 1)), "srs_total", "srs_rater",
)


def _score(value: float) -> str:
    return f"{value:.1f}"


def _rating_cells(rating: Rating | None) -> list[str]:
    if rating is None:
        return [""] * (ITEM_COUNT + 2)
    items = [_score(v) for v in rating.items] if rating.items else [""] * ITEM_COUNT
    return [*items, _score(rating.total), rating.rater]


def csv_chunks(clients: Iterable[Client]) -> Iterator[str]:
    """One row per meeting, comma-separated, dot decimals; a header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for client in clients:
        for s in client.sessions:
            writer.writerow([client.id, s.date.isoformat(), s.session, client.age_group,
                             *_rating_cells(s.ors), *_rating_cells(s.srs)])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def meeting_dict(client: Client, index: int) -> dict[str, Any]:
    """One JSON Lines object: a meeting as in `--json` output, plus the client's age group."""
    return {**session_dict(client.id, client.sessions[index]), "age_group": client.age_group}


def jsonl_chunks(clients: Iterable[Client]) -> Iterator[str]:
    for client in clients:
        yield "".join(json.dumps(meeting_dict(client, i), ensure_ascii=False) + "\n"
                      for i in range(len(client.sessions)))


def backup_chunks(clients: Iterable[Client], exported_at: str) -> Iterator[str]:
    """The whole selection as one JSON document; streamed client by client."""
    head = json.dumps({BACKUP_MARK: BACKUP_VERSION, "exported_at": exported_at},
                      ensure_ascii=False, indent=1)
    yield head[:-2] + ',\n "clients": ['
    for i, client in enumerate(clients):
        yield ("," if i else "") + "\n  " + json.dumps(client_dict(client), ensure_ascii=False)
    yield "\n ]\n}\n"

