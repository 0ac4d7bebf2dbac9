"""plotext, the one place it is imported (only by the commands that draw a chart)."""

from typing import Any


def load() -> Any:
    """The plotext module. (plotext 6 builds its interactive help on import, ~80 ms of the
    ~130 ms its import costs; fitcli imports it the public way and pays that, rather than
    rebuilding the package from its private modules.)"""
    import plotext

    return plotext
