"""plotext, the one place it is imported (only by the commands that draw a chart)."""

from typing import Any


def load() -> Any:
    """The plotext module. (plotext 6 builds its interactive help on import, ~80 ms of the
    ~130 ms its import costs; fitcli imports it the public way and pays that, rather than
    rebuilding the package from its private modules.)"""
    import plotext

    return plotext


def cell(value: float, cells: int, top: float = 40.0) -> int:
    """The row (or column) of ``value`` on a 0-``top`` axis of ``cells`` rows (columns), as
    plotext places it: rounded half to even, as ``round`` does."""
    return round(value / top * (max(2, cells) - 1))


def ticks_with(marks: list[float], cells: int, gap: int = 1,
               standard: tuple[float, ...] = (0, 10, 20, 30, 40)) -> list[float]:
    """The axis ticks: the ``standard`` ones and every mark (a cutoff), where a mark takes
    the place of any standard tick drawn within ``gap`` cells of it, so the label beside a
    cutoff line is the cutoff's own (never "30" beside the adolescent cutoff 28)."""
    taken = {cell(m, cells) for m in marks}
    kept = [float(v) for v in standard
            if all(abs(cell(v, cells) - c) >= gap for c in taken)]
    return sorted({*kept, *marks})


def hline(fig: Any, y: float, x0: float, x1: float, marker: str = "─") -> None:
    """A horizontal line drawn as a series of its own: plotext's line() paints a background
    band (white on a dark terminal)."""
    drawn = fig.signal([x0, x1], [y, y], marker=marker)
    drawn.lines()
    fig.draw(drawn)


def vline(fig: Any, x: float, y0: float, y1: float, marker: str = "│") -> None:
    drawn = fig.signal([x, x], [y0, y1], marker=marker)
    drawn.lines()
    fig.draw(drawn)
