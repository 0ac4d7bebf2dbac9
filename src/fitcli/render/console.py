"""One way to print rich renderables: colour only on a terminal and never with NO_COLOR."""

from __future__ import annotations

import os
import sys
from typing import Any


def console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(
        file=sys.stderr if stderr else sys.stdout,
        no_color=bool(os.environ.get("NO_COLOR")),
        highlight=False,
        soft_wrap=False,
    )


def show(renderable: Any) -> None:
    """Print a renderable; a plain string is shown as text (never parsed as markup)."""
    if isinstance(renderable, str):
        from fitcli.render.safe import cell

        renderable = cell(renderable)
    console().print(renderable)
