"""The rows of a spreadsheet export: one per visit and rater, with the client's episode.

Shared by the CSV, Excel-CSV and .xlsx exports, so the three carry the same columns: the
meeting (as the import reads it) and then the episode (label, start, status, closing date
and reason, practitioner), so drop-out analysis needs no JSON. The importer knows the
episode columns and leaves them aside: a client's episode moves with the JSON backup.
"""

from __future__ import annotations

from typing import Any

from fitcli.formats.shapes import Doc, groups
from fitcli.model.scores import FORMS, ITEM_COUNT

MEETING_COLUMNS: tuple[str, ...] = (
    "client", "date", "session", "age_group",
    *(f"ors{i}" for i in range(1, ITEM_COUNT + 1)), "ors_total", "ors_rater",
    *(f"srs{i}" for i in range(1, ITEM_COUNT + 1)), "srs_total", "srs_rater",
)
# the practitioner column stays empty until the store records one
EPISODE_COLUMNS: tuple[str, ...] = (
    "label", "start", "status", "closed_date", "close_reason", "practitioner")
COLUMNS = (*MEETING_COLUMNS, *EPISODE_COLUMNS)
DATE_COLUMNS = frozenset({"date", "start", "closed_date"})
SCORE_COLUMNS = frozenset(f"{form}{i}" for form in FORMS for i in range(1, ITEM_COUNT + 1)) \
    | frozenset(f"{form}_total" for form in FORMS)


def header() -> list[str]:
    """The column names in the current language (``fit import`` reads them in all)."""
    from fitcli.i18n import t  # only the spreadsheets' head needs words

    return [t(f"formats.column.{column}") for column in COLUMNS]


def episode_cells(doc: Doc) -> list[str]:
    """A stored client's episode as the export's last columns (text, as stored)."""
    closed = doc["closed"]
    return [doc["label"], doc["start"], "closed" if closed else "open",
            closed["date"] if closed else "", closed["reason"] if closed else "", ""]


def _rating(rating: Doc | None) -> list[Any]:
    if rating is None:
        return [None] * (ITEM_COUNT + 2)
    items = rating["items"]
    return [*(items if items else [None] * ITEM_COUNT), rating["total"], rating["rater"]]


def typed_rows(doc: Doc) -> list[list[Any]]:
    """A stored client's rows, each cell a number, text, ISO date text or None (JSON-able:
    made in worker processes; the writer turns the dates into dates)."""
    episode: list[Any] = [cell or None for cell in episode_cells(doc)]
    return [[doc["id"], s["date"], s["session"], doc["age_group"], *_rating(ors),
             *_rating(srs), *episode]
            for s in doc["sessions"] for ors, srs in groups(s)]
