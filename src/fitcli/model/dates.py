"""The date forms people type, the same on the command line and in imported files."""

from __future__ import annotations

import datetime as dt
import re

# Exactly YYYY-MM-DD in ASCII digits: date.fromisoformat alone would also take 20260314 and
# week dates like 2026-W11-6, which nobody means when typing a meeting date.
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# Day first, as Nordic practitioners write it: 13.10.2026 (or 13-10-2026, 3.1.2026).
_DAY_FIRST = re.compile(r"([0-9]{1,2})([.-])([0-9]{1,2})\2([0-9]{4})")


def parse_day(text: str) -> dt.date | None:
    """``YYYY-MM-DD`` or day first ``DD.MM.YYYY`` / ``DD-MM-YYYY``; None if it is neither a
    form we read nor a real calendar date."""
    raw = text.strip()
    try:
        iso = _ISO.fullmatch(raw)
        if iso:
            return dt.date(*(int(g) for g in iso.groups()))
        day_first = _DAY_FIRST.fullmatch(raw)
        if day_first:
            day, _, month, year = day_first.groups()
            return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return None
