"""JSON Lines written and read: one object per visit and rater, its forms and the client's
age group (``fit import`` reads it back with ``parse_jsonl``; the JSON meeting reader it
shares with the backup is in fitcli.formats.reading)."""

from __future__ import annotations

from fitcli.formats.layout import Layout
from fitcli.formats.reading import (
    JsonProblem,
    Located,
    Parsed,
    json_loads,
    json_meeting,
    json_problem,
    text_lines,
)
from fitcli.formats.shapes import Doc, dumps, rater_visits
from fitcli.model.batch import Problem, Row


def piece(doc: Doc) -> bytes:
    """A client's lines."""
    return b"".join([dumps(line) + b"\n" for line in rater_visits(doc)])


def layout() -> Layout:
    return Layout(b"", piece)


# -- read back -----------------------------------------------------------------------------
def parse_jsonl(text: str) -> Parsed:
    out = Parsed("jsonl")
    found = out.found = Located(text, _jsonl_again)
    for line, (start, end, raw) in enumerate(text_lines(text), start=1):
        if not raw.strip():
            continue
        out.lines += 1
        try:
            obj = json_loads(raw)
        except ValueError as exc:  # broken JSON, too deep, a huge integer
            _, params = json_problem(exc)
            out.problems.append(Problem(line, "", "import.error.json_syntax", params))
            continue
        try:
            found.add(json_meeting(obj, line, "").client, start, end, line)
        except JsonProblem as exc:
            out.problems.append(Problem(line, exc.path.lstrip("."), exc.key, exc.params))
    return out


def _jsonl_again(text: str, where: list[tuple[int, int, int]]) -> list[Row]:
    return [json_meeting(json_loads(text[start:end]), line, "") for start, end, line in where]
