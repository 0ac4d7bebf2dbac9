"""CamCOPS task exports of the ORS and SRS (one row per completed task), read.

CamCOPS stores each scale's four visual-analogue marks 0-10 (ORS: q_individual,
q_interpersonal, q_social, q_overall; SRS: q_relationship, q_goals, q_approach, q_overall),
the session number (q_session) and date (q_date), and for the ORS who completed it (q_who:
0 the patient, 1 another person named in q_who_other). The patient is the export's patient
ID column; the date is q_date, else the day the task was created. A tablet's mark can have
more decimals than a ruler reads on paper: each item is rounded half up to one decimal (the
millimetre of the 10 cm line), as a form is scored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from fitcli.formats import reading
from fitcli.formats.table import Record, Sheet, column_index

ORS_ITEMS = ("q_individual", "q_interpersonal", "q_social", "q_overall")
SRS_ITEMS = ("q_relationship", "q_goals", "q_approach", "q_overall")
# the patient's ID in CamCOPS exports, most specific first
PATIENT_COLUMNS = ("_patient_idnum1", "idnum1", "patient_id", "_patient_server_pk",
                   "patient_server_pk", "_patient_id")
_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4})")


def _names(items: tuple[str, ...]) -> set[str]:
    return {reading.normalise(c) for c in items}


def detect(header: list[str]) -> str | None:
    """"ors" or "srs" for a CamCOPS task export, else None."""
    names = {reading.normalise(h) for h in header}
    if _names(ORS_ITEMS) <= names:
        return "ors"
    if _names(SRS_ITEMS[1:]) <= names and "qsession" in names:
        return "srs"
    return None


def _tenth(text: str) -> str:
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return text  # the reader says what is wrong with it
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _differs(raw: str, rounded: str) -> bool:
    try:
        return Decimal(raw.replace(",", ".")) != Decimal(rounded)
    except InvalidOperation:
        return False


def to_import(sheet: Sheet, form: str) -> tuple[Sheet, dict[str, str]]:
    index = column_index(sheet.header)
    items = ORS_ITEMS if form == "ors" else SRS_ITEMS
    patient = next((c for c in PATIENT_COLUMNS if reading.normalise(c) in index), None)
    date = next((c for c in ("q_date", "when_created") if reading.normalise(c) in index), None)
    created = index.get("whencreated")  # the day of the task, where q_date is empty
    canonical: dict[str, str] = {}
    if patient:
        canonical["client"] = patient
    if date:
        canonical["date"] = date
    canonical["session"] = "q_session"
    canonical.update({f"{form}{i}": name for i, name in enumerate(items, start=1)})
    present = {f: index[reading.normalise(c)] for f, c in canonical.items()
               if reading.normalise(c) in index}
    who, other = index.get("qwho"), index.get("qwhoother")
    fields = [*present, "rater"] if form == "ors" and who is not None else list(present)

    def cell(record: list[str], at: int | None) -> str:
        return record[at].strip() if at is not None and at < len(record) else ""

    notes = {"formats.note.camcops_rounded": 0}

    def records() -> Iterator[Record]:
        for line, record in sheet.records:
            values = [cell(record, at) for at in present.values()]
            out = [(_tenth(v) if f.startswith(form) and v else v)
                   for f, v in zip(present, values, strict=True)]
            notes["formats.note.camcops_rounded"] += sum(
                1 for f, v, o in zip(present, values, out, strict=True)
                if f.startswith(form) and v and _differs(v, o))
            if "date" in present:
                at = list(present).index("date")
                if not out[at]:
                    out[at] = cell(record, created)
                day = _DAY.match(out[at])
                if day:
                    out[at] = day.group(1)
            if form == "ors" and who is not None:
                code = cell(record, who)
                out.append("self" if code in ("0", "") else (cell(record, other) or "other"))
            yield line, out

    rename = {f: canonical[f] for f in present}
    if "rater" in fields:
        rename["rater"] = "q_who_other"
    return Sheet(fields, sheet.header_line, records(), sheet.explained, notes=notes), rename
