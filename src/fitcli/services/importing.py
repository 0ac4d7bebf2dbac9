"""Planning `fit import` one client at a time: its rows read again from the file, its stored
version loaded as it is planned (a few hundred at a time), and only the problems, the counts
and the plan in hand kept. A real import hands each plan to the store's batch writer as it
is made; a dry run only counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import replace as evolve

from fitcli.errors import InvalidData, StoreProblem
from fitcli.formats.reading import Parsed
from fitcli.model import batch, restorable
from fitcli.model.ids import id_key
from fitcli.model.scores import Client
from fitcli.store import ClientStore

LOAD_AT_ONCE = 500  # stored clients read in one go (one query on a database)


class Planner:
    """Every client of a parsed file planned against the store, one at a time."""

    def __init__(self, st: ClientStore, parsed: Parsed, options: batch.Options, *, today: dt.date,
                 now: dt.datetime, extra_keys: set[str],
                 verdict: Callable[[Planner], None]) -> None:
        self.st, self.parsed, self.options = st, parsed, options
        self.today, self.now = today, now
        self.spelled = {id_key(known): known for known in st.ids()}
        self.extra_keys = extra_keys  # clients only refused rows name: checked, not planned
        self.verdict = verdict  # at the end: raises if anything is wrong (see commands/import_.py)
        self.problems: list[batch.Problem] = []  # planning's, in the order of the clients
        self.flaws: list[batch.Problem] = []  # what a backup would restore that no one typed
        self.broken: list[tuple[str, StoreProblem]] = []  # stored clients that do not load
        self.counts = batch.Counts()
        self.writing = True  # plans are handed out while nothing is wrong
        self.finished = False
        self.tick: Callable[[float], None] = lambda _share: None

    @property
    def known(self) -> set[str]:
        """The ``id_key`` s of the clients the store has."""
        return set(self.spelled)

    def _load(self, keys: list[str]) -> dict[str, Client]:
        wanted = [self.spelled[key] for key in keys if key in self.spelled]
        found: dict[str, Client] = {}
        for entry in self.st.entries(wanted) if wanted else ():
            if entry.client is not None:
                found[id_key(entry.client.id)] = entry.client
            elif entry.problem is not None:
                self.broken.append((entry.client_id, entry.problem))
        return found

    def _wrong(self) -> bool:
        return bool(self.problems or self.flaws or self.broken or self.parsed.problems)

    def plans(self) -> Iterator[batch.ClientPlan]:
        """Plan every client in turn, yielding each plan to write while ``writing`` and
        nothing is wrong; at the end ``verdict`` decides (it raises to refuse)."""
        keys = self.parsed.keys
        for at in range(0, len(keys), LOAD_AT_ONCE):
            chunk = keys[at:at + LOAD_AT_ONCE]
            stored = self._load(chunk)
            for key in chunk:
                if self.broken:  # the import stops: only the other files are looked at
                    continue
                planned = self._plan(key, stored.get(key))
                if planned is not None and self.writing and not self._wrong():
                    yield planned
                else:
                    self.tick(1.0)
        rest = sorted(self.extra_keys - set(keys))
        for at in range(0, len(rest), LOAD_AT_ONCE):
            self._load(rest[at:at + LOAD_AT_ONCE])
        self.finished = True
        self.broken.sort(key=lambda found: found[0])
        self.verdict(self)

    def _plan(self, key: str, base: Client | None) -> batch.ClientPlan | None:
        template, rows = self.parsed.client(key)
        planned, counts, problems = batch.plan_client(
            base, template, rows, today=self.today, now=self.now, options=self.options)
        self.problems.extend(problems)
        self.counts.merge(counts)
        if planned is None:
            return None
        if template is not None and base is None:
            flaws = [batch.Problem(None, f"{template.path}.{flaw.where}", flaw.key, flaw.params)
                     for flaw in restorable.flaws(planned.result, today=self.today,
                                                  now=self.now)]
            if flaws:
                self.flaws.extend(flaws)
                return None
        return evolve(planned, key=key)

    def replan(self, current: Client | None, client_id: str) -> Client | None:
        """Another fit wrote the client since it was planned: plan it again from the store
        (``current``) and the file's rows."""
        template, rows = self.parsed.client(id_key(client_id))
        redone, _, problems = batch.plan_client(current, template, rows, today=self.today,
                                                now=self.now, options=self.options)
        if problems:
            raise InvalidData("import.error.changed_meanwhile", client=client_id)
        return None if redone is None else redone.result
