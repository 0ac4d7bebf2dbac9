"""One way to print rich renderables: colour only on a terminal and never with NO_COLOR."""

from __future__ import annotations

import os
import sys
from typing import Any


def console(stderr: bool = False) -> Any:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    return Console(
        file=stream,
        no_color=bool(os.environ.get("NO_COLOR")),
        highlight=False,
        soft_wrap=False,
        width=width_for(stream),
    )


# Output into a file or a pipe has no width limit: nothing is ever cut or folded for a
# screen that is not there. COLUMNS still sets a width (for tests and for people who ask).
UNLIMITED = 10_000


def width_for(stream: Any) -> int | None:
    """The width to lay out for: None (the terminal's own) on a terminal, COLUMNS when set,
    else no limit."""
    if getattr(stream, "isatty", bool)():
        return None
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else UNLIMITED


def colour_wanted(stream: Any = None) -> bool:
    """Colour only on a terminal, and never with NO_COLOR set (https://no-color.org)."""
    target = sys.stdout if stream is None else stream
    return not os.environ.get("NO_COLOR") and bool(getattr(target, "isatty", bool)())


def show(renderable: Any) -> None:
    """Print a renderable; a plain string is shown as text (never parsed as markup)."""
    if isinstance(renderable, str):
        from fitcli.render.safe import cell

        renderable = cell(renderable)
    console().print(renderable)
