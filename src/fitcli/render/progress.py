"""A progress bar on stderr for long batch jobs (imports of many thousand rows)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from fitcli.render.safe import cell, markup_free

Tick = Callable[[float], None]


def _quiet(_: float) -> None:
    return None


@contextlib.contextmanager
def bar(total: int, label: str, enabled: bool) -> Iterator[Tick]:
    """Yield ``tick(n)`` (n may be a fraction of a step: a client half written); draws a
    transient Rich bar on stderr only when ``enabled``."""
    if not enabled:
        yield _quiet
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from fitcli.render.console import console

    with Progress("{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console(stderr=True), transient=True) as progress:
        task = progress.add_task(markup_free(label), total=total)
        yield lambda n: progress.advance(task, n)


@contextlib.contextmanager
def status(label: str, enabled: bool) -> Iterator[None]:
    """A transient spinner with ``label`` on stderr while a long step runs (when ``enabled``)."""
    if not enabled:
        yield
        return
    from fitcli.render.console import console

    with console(stderr=True).status(cell(label)):
        yield
