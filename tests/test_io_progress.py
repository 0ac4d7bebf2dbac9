"""Progress display: only on a terminal and only for large files; never on stdout."""

from __future__ import annotations

import pytest

from conftest import Fit, ok
from fitcli.commands import import_
from fitcli.render.progress import bar, status


def test_bar_and_status_draw_on_stderr_only(capsys: pytest.CaptureFixture[str]) -> None:
    with status("Checking", True), bar(3, "Importing", True) as tick:
        for _ in range(3):
            tick(1)
    captured = capsys.readouterr()
    assert captured.out == ""


def test_disabled_progress_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with status("Checking", False), bar(3, "Importing", False) as tick:
        tick(3)
    assert capsys.readouterr() == ("", "")


def test_large_import_off_a_terminal_has_no_progress(fit: Fit) -> None:
    """A file big enough for a progress bar on a terminal shows none in a pipe."""
    rows = "".join(f"C{i:03d},{day:02d}.03.2026,20\n" for i in range(501) for day in range(1, 11))
    assert rows.count("\n") > import_.PROGRESS_MIN_ROWS
    result = ok(fit("import", "-", "--create-clients", input="client,date,ors_total\n" + rows))
    assert result.stderr == ""
    assert result.stdout.startswith("Imported stdin: 501 clients created")
