"""Tables that never cut data: a table when it fits the width, else each row stacked.

On a narrow terminal (a laptop at 80 columns, a projector) a wide table would wrap its
words over several lines or cut them; a stacked row (``ID`` on a line, then its
``Header: value`` pairs packed onto indented lines) reads well at any width. Cells are
``Text``, never markup.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Justify = Literal["left", "right"]
WRAP_MIN = 14  # a wrapping column narrower than this reads as a column of broken words


@dataclass
class Column:
    header: str
    justify: Justify = "left"
    wrap: bool = False  # words (a label, a flag) may wrap inside the cell; IDs, numbers never


@dataclass
class Folding:
    """A table of ``columns`` and ``rows`` (each row one cell per column, text or ``Text``)
    that stacks its rows when the table is wider than the space it is given."""

    columns: Sequence[Column]
    rows: list[Sequence[Any]] = field(default_factory=list)

    def table(self) -> Any:
        from rich.table import Table

        table = Table(box=None, pad_edge=False, header_style="bold")
        for column in self.columns:
            table.add_column(column.header, justify=column.justify, no_wrap=not column.wrap,
                             overflow="fold")
        for row in self.rows:
            table.add_row(*(_text(cell) for cell in row))
        return table

    def natural_width(self, wrapped: bool = False) -> int:
        """The width the table needs; ``wrapped``: with its wrapping columns as narrow as
        their longest word (and WRAP_MIN), the least it can be without cutting a word."""
        from rich.cells import cell_len

        widths = [cell_len(c.header) for c in self.columns]
        for row in self.rows:
            for n, cell in enumerate(row):
                plain = _text(cell).plain
                if wrapped and self.columns[n].wrap:
                    need = max((cell_len(w) for w in plain.split()), default=0)
                    widths[n] = max(widths[n], min(need, WRAP_MIN) if need else 0, need)
                else:
                    widths[n] = max(widths[n], cell_len(plain))
        if wrapped:
            widths = [max(w, WRAP_MIN) if c.wrap else w for w, c in zip(widths, self.columns,
                                                                        strict=True)]
        return sum(widths) + 2 * (len(widths) - 1)  # rich's default padding: 1 each side

    def stacked(self, width: int) -> Any:
        """Each row as its first cell in bold, then ``Header: value`` pairs packed onto
        indented lines of at most ``width`` cells (a pair is never split; empty cells and
        dashes are left out)."""
        from rich.cells import cell_len
        from rich.console import Group
        from rich.text import Text

        lines: list[Any] = []
        names = [c.header for c in self.columns[1:]]
        for row in self.rows:
            head = _text(row[0]).copy()
            head.stylize("bold")
            lines.append(head)
            line = Text("  ")
            for name, cell in zip(names, row[1:], strict=True):
                value = _text(cell)
                if not value.plain.strip() or value.plain == "-":
                    continue
                pair = Text()
                pair.append(f"{name}: ", style="dim")
                pair.append_text(value)
                if line.plain.strip() and cell_len(line.plain) + 3 + pair.cell_len > width:
                    lines.append(line)
                    line = Text("  ")
                elif line.plain.strip():
                    line.append("   ")
                line.append_text(pair)
            if line.plain.strip():
                lines.append(line)
        return Group(*lines)

    def __rich_console__(self, console: Any, options: Any) -> Iterator[Any]:
        if self.natural_width(wrapped=True) <= options.max_width:
            yield self.table()
        else:
            yield self.stacked(options.max_width)


def _text(cell: Any) -> Any:
    from rich.text import Text

    return cell if isinstance(cell, Text) else Text(str(cell))
