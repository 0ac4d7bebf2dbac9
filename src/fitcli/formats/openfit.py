"""OpenFIT's import template, read and written (OpenFIT support: "Importing data into
OpenFIT" and "OpenFIT Import Template").

The columns: Client_ID, Case_ID, Session_ID (1, 2, 3... within the case), Session_Date,
ORS_Skip, ORSQ1-ORSQ4, Total_ORS, SRS_Skip, SRSQ1-SRSQ4, Total_SRS; other template columns
(provider, location, names) are left aside. OpenFIT's rules: Skip = 1 (or Y) means no form
was completed and the scores are ignored; a completed form is the four items (total blank)
or the total only, which OpenFIT splits equally over the items (Q1 = ... = Q4 = total / 4).
Those split items were never measured, so a form whose four items are equal and sum to
its total is read as a total-only form, never as measured items.

Written: one row per visit with the client's own forms (OpenFIT's template has no place for
a collateral rater's scores on a session row): items with the total blank, or the total
with the items blank (OpenFIT's "total only" format; it splits it itself); Skip = 1 for a
form not completed. The case is the client (fitcli keeps one episode per client).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from fitcli.formats import reading
from fitcli.formats.layout import Layout
from fitcli.formats.shapes import Doc
from fitcli.formats.table import Record, Sheet, column_index
from fitcli.model.batch import Problem
from fitcli.model.scores import FORMS, ITEM_COUNT

HEADER: tuple[str, ...] = (
    "Client_ID", "Case_ID", "Session_ID", "Session_Date",
    "ORS_Skip", *(f"ORSQ{i}" for i in range(1, ITEM_COUNT + 1)), "Total_ORS",
    "SRS_Skip", *(f"SRSQ{i}" for i in range(1, ITEM_COUNT + 1)), "Total_SRS",
)
_SKIP = {"1": True, "y": True, "yes": True, "true": True, "ja": True, "j": True,
         "0": False, "n": False, "no": False, "false": False, "nei": False, "nej": False,
         "": False}
_SCORES = frozenset({"orsskip", "srsskip", "totalors", "totalsrs", "orsq1", "srsq1"})


def detect(header: list[str]) -> bool:
    names = {reading.normalise(h) for h in header}
    return {"clientid", "sessiondate"} <= names and bool(names & _SCORES)


def _columns(form: str) -> tuple[str, list[str], str]:
    up = form.upper()
    return f"{up}_Skip", [f"{up}Q{i}" for i in range(1, ITEM_COUNT + 1)], f"Total_{up}"


def _is_split(items: list[str], total: str) -> bool:
    """Four equal items that are the total divided by four: OpenFIT's split of a total."""
    if not total or not all(items) or len(set(items)) != 1:
        return False
    try:
        item = float(items[0].replace(",", "."))
        whole = float(total.replace(",", "."))
    except ValueError:
        return False
    return abs(item * ITEM_COUNT - whole) < 0.05


def to_import(sheet: Sheet) -> tuple[Sheet, dict[str, str]]:
    """The template as fitcli's import columns (and the renaming back, for problems)."""
    index = column_index(sheet.header)
    canonical: dict[str, str] = {"client": "Client_ID", "date": "Session_Date",
                                 "session": "Session_ID"}
    for form in FORMS:
        _, items, total = _columns(form)
        canonical.update({f"{form}{i}": items[i - 1] for i in range(1, ITEM_COUNT + 1)})
        canonical[f"{form}_total"] = total
    present = {f: index[reading.normalise(c)] for f, c in canonical.items()
               if reading.normalise(c) in index}
    skips = {form: index.get(reading.normalise(_columns(form)[0])) for form in FORMS}
    case_at = index.get("caseid")
    used = set(present.values()) | {i for i in skips.values() if i is not None}
    if case_at is not None:
        used.add(case_at)
    others = [i for i in range(len(sheet.header)) if i not in used]
    fields = list(present)
    header = fields + [sheet.header[i] for i in others]
    problems: list[Problem] = []
    cases: dict[str, tuple[str, int]] = {}
    notes = {"formats.note.openfit_split": 0}

    def cell(record: list[str], at: int | None) -> str:
        return record[at].strip() if at is not None and at < len(record) else ""

    def records() -> Iterator[Record]:
        for line, record in sheet.records:
            values = {f: cell(record, at) for f, at in present.items()}
            if case_at is not None and values.get("client"):
                case = cell(record, case_at)
                first = cases.setdefault(reading.normalise(values["client"]), (case, line))
                if first[0] != case:
                    problems.append(Problem(line, sheet.header[case_at],
                                            "formats.error.openfit_cases",
                                            {"client": values["client"], "case": first[0],
                                             "first": first[1]}))
            for form in FORMS:
                item_fields = [f"{form}{i}" for i in range(1, ITEM_COUNT + 1)]
                skip_raw = cell(record, skips[form])
                skip = _SKIP.get(skip_raw.casefold())
                if skip is None:
                    problems.append(Problem(line, _columns(form)[0],
                                            "formats.error.openfit_skip", {"value": skip_raw}))
                    skip = False
                if skip:
                    for f in (*item_fields, f"{form}_total"):
                        if f in values:
                            values[f] = ""
                elif _is_split([values.get(f, "") for f in item_fields],
                               values.get(f"{form}_total", "")):
                    for f in item_fields:
                        values[f] = ""
                    notes["formats.note.openfit_split"] += 1
            yield line, [values[f] for f in fields] + [cell(record, i) for i in others]

    rename = {f: canonical[f] for f in fields}
    return Sheet(header, sheet.header_line, records(), sheet.explained, problems,
                 notes), rename


# -- writing ------------------------------------------------------------------------------
def _score(value: float) -> str:
    return f"{value:g}"


def _form_cells(rating: Doc | None) -> list[str]:
    if rating is None:
        return ["1", *[""] * ITEM_COUNT, ""]
    items = rating["items"]
    if items:
        return ["0", *(_score(v) for v in items), ""]
    return ["0", *[""] * ITEM_COUNT, _score(rating["total"])]


def piece(doc: Doc) -> bytes:
    """A client's visits with the client's own forms, one row each."""
    buffer = io.StringIO()
    write = csv.writer(buffer, lineterminator="\r\n").writerow
    for s in doc["sessions"]:
        if s["ors"] is None and s["srs"] is None:
            continue
        write([doc["id"], doc["id"], s["session"], s["date"], *_form_cells(s["ors"]),
               *_form_cells(s["srs"])])
    return buffer.getvalue().encode("utf-8")


def head() -> bytes:
    return (",".join(HEADER) + "\r\n").encode("utf-8")


def layout() -> Layout:
    return Layout(head(), piece)
