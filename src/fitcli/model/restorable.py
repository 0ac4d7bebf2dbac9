"""What a backup must hold for `fit import` to restore it, beyond the model's own rules.

The model accepts any well-formed client; a backup also has to make sense on the day it is
read: a label a person could have typed, a start and correction times not in the future
(a time near year 9999 cannot even be shown in local time). Export checks every client with
the same function before writing, so nothing it writes is refused on import.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fitcli.model.problems import DomainError
from fitcli.model.scores import Client
from fitcli.model.text import validate_label


@dataclass(frozen=True)
class Flaw:
    """Where in the client (a JSON path below it) and what: a catalogue key and its values."""

    where: str
    key: str
    params: dict[str, Any]


_CLOCK_SLACK = dt.timedelta(days=1)


def flaws(client: Client, *, today: dt.date, now: dt.datetime) -> list[Flaw]:
    found: list[Flaw] = []
    try:
        validate_label(client.label)
    except DomainError as exc:
        found.append(Flaw("label", exc.key, dict(exc.params)))
    if client.start > today:
        found.append(Flaw("start", "error.date_future",
                          {"date": client.start.isoformat(), "today": today.isoformat()}))
    if client.closed is not None and client.closed.date > today:
        found.append(Flaw("closed.date", "error.date_future",
                          {"date": client.closed.date.isoformat(), "today": today.isoformat()}))
    for index, session in enumerate(client.sessions):
        if session.date > today:  # import refuses meetings dated after today
            found.append(Flaw(f"sessions[{index}].date", "error.date_future",
                              {"date": session.date.isoformat(), "today": today.isoformat()}))
        for n, correction in enumerate(session.corrections):
            at = correction.at
            try:
                # a day's grace: machines of a team (and time zones) disagree a little
                late = at.tzinfo is not None and at.astimezone(dt.UTC) > now + _CLOCK_SLACK
            except OverflowError:
                late = True
            if late or at.tzinfo is None:
                found.append(Flaw(f"sessions[{index}].corrections[{n}].at",
                                  "error.time_future",
                                  {"time": at.isoformat(), "now": now.isoformat()}))
    return found
