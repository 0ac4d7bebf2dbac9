"""Tables of clients and meetings for people (words from the catalogue)."""

from __future__ import annotations

from typing import Any

from fitcli.i18n import item_labels, num, t
from fitcli.model.scores import Client, Correction, Rating
from fitcli.render.data import latest_total


def _items(rating: Rating | None) -> str:
    if rating is None:
        return ""
    if rating.items is None:
        return t("show.total_only")
    return " ".join(num(i) for i in rating.items)


SEVERITY_STYLES = {"red": "bold red", "amber": "bold yellow"}  # info: the terminal's own


def flag_cell(severity: str, text: str) -> Any:
    """A Flag cell: ``RED no change`` with the severity word coloured (on a colour terminal;
    rich leaves colour out for pipes and with NO_COLOR)."""
    from rich.text import Text

    word, _, rest = text.partition(" ")
    cell = Text(word, style=SEVERITY_STYLES.get(severity, ""))
    if rest:
        cell.append(" " + rest)
    return cell


def client_list(clients: list[Client], extra: dict[str, list[Any]] | None = None) -> Any:
    """The caseload table; ``extra`` adds columns (header -> one cell per client). Nothing is
    cut: on a narrow terminal each client's row is stacked instead (render.layout)."""
    from rich.text import Text

    from fitcli.model.change import change
    from fitcli.render.layout import Column, Folding

    numeric = ("list.meetings", "list.intake_ors", "list.latest_ors", "list.change",
               "list.latest_srs")
    keys = ("list.id", "list.age_group", "list.status", "list.meetings", "list.intake_ors",
            "list.latest_ors", "list.change", "list.latest_srs", "list.last_date", "list.label")
    extra = extra or {}
    columns = [Column(t(key), "right" if key in numeric else "left", wrap=key == "list.label")
               for key in keys]
    columns += [Column(header, wrap=True) for header in extra]
    table = Folding(columns)
    for row, client in enumerate(clients):
        own = client.ors_ratings()
        intake = own[0][1].total if own else None
        latest = own[-1][1].total if own else None
        delta = change(intake, latest) if intake is not None and latest is not None and \
            len(own) > 1 else None
        table.rows.append([
            Text(client.id), t(f"age_group.{client.age_group}"), t(f"status.{client.status}"),
            str(len(client.sessions)), num(intake), num(latest_total(client, "ors")),
            "-" if delta is None else ("+" if delta > 0 else "") + num(delta),
            num(latest_total(client, "srs")),
            client.last_date.isoformat() if client.last_date else "-", Text(client.label),
            *(cells[row] for cells in extra.values()),
        ])
    return table


def client_detail(client: Client) -> Any:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    head = t("show.header", client=client.id, age_group=t(f"age_group.{client.age_group}"),
             status=t(f"status.{client.status}"), start=client.start.isoformat())
    lines: list[Any] = [Text(head, style="bold")]
    if client.label:
        lines.append(Text(t("show.label", label=client.label)))
    if client.closed:
        lines.append(Text(t("show.closed", reason=t(f"close_reason.{client.closed.reason}"),
                            date=client.closed.date.isoformat())))
    if client.excluded:
        lines.append(Text(t("show.excluded", reason=client.excluded.reason,
                            date=client.excluded.date.isoformat())))
    if not client.sessions:
        lines.append(Text(t("show.no_meetings", client=client.id)))
        return Group(*lines, *_edit_lines(client))
    ors_labels = " / ".join(item_labels("ors", client.age_group))
    srs_labels = " / ".join(item_labels("srs", client.age_group))
    lines.append(Text(t("show.items_legend", ors=ors_labels, srs=srs_labels), style="dim"))
    table = Table(box=None, pad_edge=False, header_style="bold")
    for key, justify in (("show.session", "right"), ("show.date", "left"),
                         ("show.ors_items", "left"), ("show.ors_total", "right"),
                         ("show.srs_items", "left"), ("show.srs_total", "right"),
                         ("show.rater", "left")):
        table.add_column(t(key), justify=justify)  # type: ignore[arg-type]
    for s in client.sessions:
        first = True
        for rater in s.raters:
            ors, srs = s.get("ors", rater), s.get("srs", rater)
            table.add_row(
                str(s.session) if first else "", s.date.isoformat() if first else "",
                _items(ors), num(ors.total) if ors else "-", _items(srs),
                num(srs.total) if srs else "-", rater_word(rater))
            first = False
    lines.append(table)
    history = [(s, c) for s in client.sessions for c in s.corrections]
    if history:
        lines.append(Text(t("show.corrections"), style="bold"))
        for s, c in history:
            lines.append(Text(_correction_line(s.session, c)))
    if client.removed:
        lines.append(Text(t("show.removed"), style="bold"))
        for gone in client.removed:
            forms = ", ".join(f"{form.upper()} {num(r.total)} ({rater_word(r.rater)})"
                              for r, form in gone.visit.forms_with_names())
            lines.append(Text(t("show.removed_line", session=gone.visit.session,
                                date=gone.visit.date.isoformat(), forms=forms,
                                at=gone.at.astimezone().strftime("%Y-%m-%d %H:%M"))))
            for c in gone.visit.corrections:
                lines.append(Text("  " + _correction_line(gone.visit.session, c)))
    lines += _edit_lines(client)
    merged = [s for s in client.sessions if s.formerly]
    if merged:
        lines.append(Text(t("show.formerly", visits="; ".join(
            t("show.formerly_one", session=s.session,
              records=", ".join(str(n) for n in s.formerly)) for s in merged)), style="dim"))
    return Group(*lines)


def _edit_lines(client: Client) -> list[Any]:
    """The details changed with `fit client edit`, each with its earlier value."""
    from rich.text import Text

    if not client.edits:
        return []
    lines: list[Any] = [Text(t("show.edits"), style="bold")]
    for change in client.edits:
        before = (t(f"age_group.{change.previous}") if change.field == "age_group"
                  else change.previous or "-")
        lines.append(Text(t("show.edit_line", field=t(f"client.field.{change.field}"),
                            before=before,
                            at=change.at.astimezone().strftime("%Y-%m-%d %H:%M"))))
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
             rater=rater_word(c.rater), at=c.at.astimezone().strftime("%Y-%m-%d %H:%M"),
             before=before) + date_note
