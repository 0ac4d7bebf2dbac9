"""Readable screens: no data cut in pipes, rows stacked on narrow terminals, flag lines wrapped
at word boundaries with severities coloured, the trend cutoff labelled on its own row."""

from __future__ import annotations

import io
import re

import pytest

from conftest import Fit, ok
from fitcli import i18n
from fitcli.commands.trend import default_height
from fitcli.model.alerts import Severity
from fitcli.render import flags as view
from fitcli.render.layout import Column, Folding
from fitcli.render.plot import cell, ticks_with

LONG_LABEL = "family therapy with both parents and the school nurse"


def _caseload(fit: Fit) -> None:
    ok(fit("client", "add", "C001", "--start", "2026-05-01", "--label", LONG_LABEL))
    ok(fit("ors", "C001", "--total", "20", "--date", "2026-05-04"))
    ok(fit("ors", "C001", "--total", "13", "--date", "2026-05-11"))
    ok(fit("client", "add", "C002", "--start", "2026-05-01"))


def test_piped_list_is_never_cut(fit: Fit, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS")
    _caseload(fit)
    out = ok(fit("client", "list", "--all")).stdout
    assert LONG_LABEL in out
    assert "RED deterioration" in out
    assert "…" not in out
    assert len(out.splitlines()) == 3  # a header and one line per client


@pytest.mark.parametrize("columns", ["80", "120"])
def test_narrow_list_stacks_rows_without_cutting(fit: Fit, monkeypatch: pytest.MonkeyPatch,
                                                 columns: str) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    _caseload(fit)
    out = ok(fit("client", "list", "--all")).stdout
    assert "…" not in out
    assert all(len(line.rstrip()) <= int(columns) for line in out.splitlines())
    for word in LONG_LABEL.split():
        assert word in out


def test_folding_chooses_table_or_stack_by_width() -> None:
    from rich.console import Console

    folding = Folding([Column("ID"), Column("Label", wrap=True), Column("ORS", "right")],
                      [["C001", "wraps here", "12.0"], ["C002", "short", "-"]])

    def draw(width: int) -> str:
        buffer = io.StringIO()
        Console(file=buffer, width=width, no_color=True).print(folding)
        return buffer.getvalue()

    wide = draw(100)
    assert wide.splitlines()[0].split() == ["ID", "Label", "ORS"]
    assert "wraps here" in wide
    narrow = draw(20)  # the table needs 26 columns even with the label wrapped
    assert narrow.splitlines() == ["C001", "  Label: wraps here", "  ORS: 12.0", "C002",
                                   "  Label: short"]


def _flag_lines() -> list[str]:
    column = view.severity_column()
    head = "C001 (1 RED)"
    line = (f"  {column[Severity.RED]}  meeting 5: " + "no reliable improvement " * 6
            + "[source: Norwegian FIT training material]")
    return [head, line]


def test_flag_lines_wrap_at_words_with_a_hanging_indent() -> None:
    lines = view.for_terminal(_flag_lines(), 80, colour=False)
    assert lines[0] == "C001 (1 RED)"
    assert lines[1].startswith("  RED    meeting 5: no reliable")
    hang = " " * len("  RED    ")
    assert all(line.startswith(hang) and not line[len(hang)].isspace() for line in lines[2:])
    assert all(len(line) <= 80 for line in lines)
    assert " ".join(lines[1:]).split() == _flag_lines()[1].split()  # nothing lost


def test_flag_severity_coloured_only_when_asked() -> None:
    coloured = view.for_terminal(_flag_lines(), 200, colour=True)
    assert coloured[1].startswith("  \x1b[1;31mRED\x1b[0m")
    plain = view.for_terminal(_flag_lines(), 200, colour=False)
    assert "\x1b" not in "".join(plain)


def test_piped_flags_keep_one_flag_per_line(fit: Fit) -> None:
    _caseload(fit)
    out = ok(fit("flags")).stdout
    assert not re.search(r"\x1b\[", out)
    flag_lines = [line for line in out.splitlines() if line.startswith("  ")]
    assert flag_lines and all("[source: " in line for line in flag_lines)


def test_flags_verbose_names_the_rule(fit: Fit) -> None:
    _caseload(fit)
    assert "ors-deterioration" not in ok(fit("flags")).stdout
    assert "[ors-deterioration]" in ok(fit("flags", "--verbose")).stdout


@pytest.mark.parametrize(("cutoff", "rows"), [
    pytest.param(25.0, 5, id="adult-low-chart"),
    pytest.param(25.0, 15, id="adult-usual"),
    pytest.param(28.0, 5, id="adolescent-low-chart"),
    pytest.param(28.0, 19, id="adolescent-scatter"),
    pytest.param(32.0, 9, id="child"),
])
def test_the_cutoff_has_the_label_of_its_row(cutoff: float, rows: int) -> None:
    ticks = ticks_with([cutoff], rows)
    assert cutoff in ticks
    same_row = [v for v in ticks if cell(v, rows) == cell(cutoff, rows)]
    assert same_row == [cutoff]  # no "20" or "30" beside the line at 25 or 28


def test_trend_cutoff_is_a_line_labelled_on_its_row(fit: Fit) -> None:
    _caseload(fit)
    low = ok(fit("trend", "C001", "--height", "10", "--width", "60")).stdout.splitlines()
    assert any(line.startswith("25┤") for line in low)
    assert not any(line.startswith("20┤") for line in low)  # 25 is drawn on that row
    usual = ok(fit("trend", "C001", "--height", "20", "--width", "60")).stdout.splitlines()
    row = next(line for line in usual if line.startswith("25┤"))
    assert "─" * 20 in row


@pytest.mark.parametrize(("screen", "text", "terminal", "height"), [
    pytest.param(24, 12, True, 10, id="80x24-small-screen"),
    pytest.param(50, 12, True, 20, id="tall-screen"),
    pytest.param(34, 12, True, 20, id="just-enough"),
    pytest.param(30, 12, True, 16, id="fits-between"),
    pytest.param(24, 12, False, 20, id="piped"),
])
def test_trend_height_fits_the_terminal(screen: int, text: int, terminal: bool,
                                        height: int) -> None:
    assert default_height(screen, text, terminal) == height


def test_flag_column_names_the_rule_in_the_language(fit: Fit) -> None:
    _caseload(fit)
    i18n.set_language("nb")
    out = ok(fit("--lang", "nb", "client", "list")).stdout
    assert "RØD forverring" in out
    assert "ors-deterioration" not in out
