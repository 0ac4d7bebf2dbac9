"""Changing a client's details (age group, label, episode start), keeping what they were."""

from __future__ import annotations

import datetime as dt

from fitcli.model.problems import DomainError
from fitcli.model.scores import AgeGroup, Client, DetailChange


def edit(client: Client, *, now: dt.datetime, today: dt.date, age_group: AgeGroup | None = None,
         label: str | None = None, start: dt.date | None = None) -> Client:
    """``client`` with the given details changed; each old value is kept in ``edits``.

    The start stays on or before the first visit (and the closing date), never in the
    future; asking for no change at all is refused."""
    changes: list[DetailChange] = []
    update: dict[str, object] = {}
    if age_group is not None and age_group != client.age_group:
        changes.append(DetailChange(field="age_group", previous=client.age_group, at=now))
        update["age_group"] = age_group
    if label is not None and label != client.label:
        changes.append(DetailChange(field="label", previous=client.label, at=now))
        update["label"] = label
    if start is not None and start != client.start:
        if start > today:
            raise DomainError("error.date_future", date=start.isoformat(),
                              today=today.isoformat())
        first = client.sessions[0].date if client.sessions else None
        if first is not None and start > first:
            raise DomainError("error.start_after_visit", client=client.id,
                              date=start.isoformat(), first=first.isoformat())
        if client.closed is not None and start > client.closed.date:
            raise DomainError("error.close_before_start", date=client.closed.date.isoformat(),
                              start=start.isoformat())
        changes.append(DetailChange(field="start", previous=client.start.isoformat(), at=now))
        update["start"] = start
    if not changes:
        raise DomainError("error.edit_nothing", client=client.id)
    update["edits"] = (*client.edits, *changes)
    return client.model_copy(update=update)
