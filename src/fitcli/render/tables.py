"""Tables of clients and meetings for people (words from the catalogue)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fitcli.i18n import item_labels, num, t
from fitcli.model.scores import Client, Correction, Rating
from fitcli.render.safe import cell, printable


def _items(rating: Rating | None) -> str:
    if rating is None:
        return ""
    if rating.items is None:
        return t("show.total_only")
    return " ".join(num(i) for i in rating.items)


def _local(moment: dt.datetime) -> str:
    """A stored time in local time; one that local time cannot hold (year 9999 in a zone
    west of UTC, from a hand-edited file) is shown as stored rather than crashing."""
    try:
        return moment.astimezone().strftime("%Y-%m-%d %H:%M")
    except (OverflowError, ValueError, OSError):
        return moment.isoformat()


# Above this many rows the list is laid out here rather than by Rich: the same columns,
# without wrapping, at a fraction of the time and memory (Rich measures and keeps every
# cell as styled segments; 100,000 clients took minutes and gigabytes).
RICH_MAX_ROWS = 1000
_LIST_KEYS = ("list.id", "list.age_group", "list.status", "list.meetings", "list.intake_ors",
              "list.latest_ors", "list.change", "list.latest_srs", "list.last_date",
              "list.label")
_NUMERIC = frozenset({"list.meetings", "list.intake_ors", "list.latest_ors", "list.change",
                      "list.latest_srs"})
SEVERITY_STYLES = {"red": "bold red", "amber": "bold yellow"}  # info: the terminal's own


def flag_cell(severity: str, text: str) -> Any:
    """A Flag cell: ``RED no change`` with the severity word coloured (on a colour terminal;
    rich leaves colour out for pipes and with NO_COLOR)."""
    from rich.text import Text

    word, _, rest = text.partition(" ")
    shown = Text(printable(word), style=SEVERITY_STYLES.get(severity, ""))
    if rest:
        shown.append(" " + printable(rest))
    return shown


def client_list(rows: list[tuple[str, ...]], flag_header: str,
                rich_max_rows: int = RICH_MAX_ROWS) -> Any:
    """The caseload table: one row of cells per client (see services/listing.py), the
    last two its most severe flag in words and that flag's severity. Nothing is cut: on a
    narrow terminal each client's row is stacked instead (render.layout); a long list is
    laid out as plain columns (more than ``rich_max_rows``)."""
    headers = [t(key) for key in _LIST_KEYS] + [flag_header]
    if len(rows) > rich_max_rows:
        right = [key in _NUMERIC for key in _LIST_KEYS] + [False]
        return _plain_table(headers, [row[:-1] for row in rows], right)
    from fitcli.render.layout import Column, Folding

    columns = [Column(header, "right" if key in _NUMERIC else "left",
                      wrap=key in ("list.label", "flag"))
               for key, header in zip((*_LIST_KEYS, "flag"), headers, strict=True)]
    table = Folding(columns)
    for row in rows:
        *cells, flag, severity = row
        table.rows.append([*map(cell, cells), flag_cell(severity, flag) if severity else flag])
    return table
    return table


def _plain_table(headers: list[str], rows: list[tuple[str, ...]], right: list[bool]) -> str:
    """Columns two spaces apart, as Rich lays them out when nothing needs to wrap; every
    cell made printable first (see render/safe.py)."""
    from rich.cells import cell_len

    shown = [[printable(c) for c in row] for row in rows]
    widths = [cell_len(h) for h in headers]
    for row in shown:
        for n, text in enumerate(row):
            size = len(text) if text.isascii() else cell_len(text)
            if size > widths[n]:
                widths[n] = size

    def line(cells: list[str]) -> str:
        parts = []
        for n, text in enumerate(cells):
            pad = " " * (widths[n] - (len(text) if text.isascii() else cell_len(text)))
            parts.append(pad + text if right[n] else text + pad)
        return "  ".join(parts)

    return "\n".join([line([printable(h) for h in headers]), *map(line, shown)])


def client_detail(client: Client) -> Any:
    from rich.console import Group
    from rich.table import Table
    head = t("show.header", client=client.id, age_group=t(f"age_group.{client.age_group}"),
             status=t(f"status.{client.status}"), start=client.start.isoformat())
    lines: list[Any] = [cell(head, style="bold")]
    if client.label:
        lines.append(cell(t("show.label", label=client.label)))
    if client.practitioner:
        lines.append(cell(t("show.practitioner", practitioner=client.practitioner)))
    if client.closed:
        lines.append(cell(t("show.closed", reason=t(f"close_reason.{client.closed.reason}"),
                            date=client.closed.date.isoformat())))
    if client.excluded:
        lines.append(cell(t("show.excluded", reason=client.excluded.reason,
                            date=client.excluded.date.isoformat())))
    if not client.sessions:
        lines.append(cell(t("show.no_meetings", client=client.id)))
        return Group(*lines, *_edit_lines(client))
    ors_labels = " / ".join(item_labels("ors", client.age_group))
    srs_labels = " / ".join(item_labels("srs", client.age_group))
    lines.append(cell(t("show.items_legend", ors=ors_labels, srs=srs_labels), style="dim"))
    table = Table(box=None, pad_edge=False, header_style="bold")
    for key, justify in (("show.session", "right"), ("show.date", "left"),
                         ("show.ors_items", "left"), ("show.ors_total", "right"),
                         ("show.srs_items", "left"), ("show.srs_total", "right"),
                         ("show.rater", "left")):
        table.add_column(cell(t(key)), justify=justify)  # type: ignore[arg-type]
    # who held each visit: a column only where some visit records it (solo stores: none)
    held = any(s.practitioner for s in client.sessions)
    if held:
        table.add_column(cell(t("show.held_by")))
    for s in client.sessions:
        first = True
        for rater in s.raters:
            ors, srs = s.get("ors", rater), s.get("srs", rater)
            row = [str(s.session) if first else "", s.date.isoformat() if first else "",
                   _items(ors), num(ors.total) if ors else "-", _items(srs),
                   num(srs.total) if srs else "-", rater_word(rater)]
            if held:
                row.append((s.practitioner or "-") if first else "")
            table.add_row(*map(cell, row))
            first = False
    lines.append(table)
    history = [(s, c) for s in client.sessions for c in s.corrections]
    if history:
        lines.append(cell(t("show.corrections"), style="bold"))
        for s, c in history:
            lines.append(cell(_correction_line(s.session, c)))
    if client.removed:
        lines.append(cell(t("show.removed"), style="bold"))
        for gone in client.removed:
            forms = ", ".join(f"{form.upper()} {num(r.total)} ({rater_word(r.rater)})"
                              for r, form in gone.visit.forms_with_names())
            lines.append(cell(t("show.removed_line", session=gone.visit.session,
                                date=gone.visit.date.isoformat(), forms=forms,
                                at=_local(gone.at))))
            for c in gone.visit.corrections:
                lines.append(cell("  " + _correction_line(gone.visit.session, c)))
    lines += _edit_lines(client)
    merged = [s for s in client.sessions if s.formerly]
    if merged:
        lines.append(cell(t("show.formerly", visits="; ".join(
            t("show.formerly_one", session=s.session,
              records=", ".join(str(n) for n in s.formerly)) for s in merged)), style="dim"))
    return Group(*lines)


def _edit_lines(client: Client) -> list[Any]:
    """The details changed with `fit client edit`, each with its earlier value."""
    if not client.edits:
        return []
    lines: list[Any] = [cell(t("show.edits"), style="bold")]
    for change in client.edits:
        before = (t(f"age_group.{change.previous}") if change.field == "age_group"
                  else change.previous or "-")
        lines.append(cell(t("show.edit_line", field=t(f"client.field.{change.field}"),
                            before=before, at=_local(change.at))))
    return lines


def rater_word(rater: str) -> str:
    """The client's own forms are "client"; a collateral rater is shown by their code."""
    return t("rater.self") if rater == "self" else rater


def _correction_line(session: int, c: Correction) -> str:
    before = (t("show.correction_empty") if c.previous is None else
              f"{_items(c.previous)} = {num(c.previous.total)}")
    date_note = (t("show.correction_date", date=c.previous_date.isoformat())
                 if c.previous_date else "")
    return t(f"show.history_{c.action}", session=session, form=c.form.upper(),
             rater=rater_word(c.rater), at=_local(c.at), before=before) + date_note
