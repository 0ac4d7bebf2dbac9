"""Data is shown as text: labels, CSV cells and headers never become Rich markup or
terminal commands, and control characters are refused where people type them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import Fit, ok
from fitcli.render.safe import UNPRINTABLE, json_safe, printable

MARKUP_LABELS = [
    pytest.param("[/x]", id="closing-tag"),
    pytest.param("[link=https://evil.example]ok[/link][blink red]x[/]", id="link-blink"),
    pytest.param("[bold]", id="open-tag"),
    pytest.param("\\[x]", id="escaped-bracket"),
]

CONTROLS = [
    pytest.param("\x1b[31mred", id="esc"),
    pytest.param("a\x9bb", id="c1-csi"),
    pytest.param("a\x85b", id="c1-next-line"),
    pytest.param("a\x9db", id="c1-osc"),
    pytest.param("a\u2028b", id="line-separator"),
    pytest.param("a\u2029b", id="paragraph-separator"),
    pytest.param("a\u202eb", id="bidi-override"),
    pytest.param("a\u200bb", id="zero-width-space"),
    pytest.param("a\x07b", id="bell"),
    pytest.param("a\tb", id="tab"),
]

ESC = "\x1b"


def _no_terminal_codes(text: str) -> None:
    assert ESC not in text and "\x9b" not in text and "\x9d" not in text
    assert "\u2028" not in text and "\u2029" not in text


@pytest.mark.parametrize("label", MARKUP_LABELS)
def test_markup_in_label_is_shown_as_text(fit: Fit, label: str) -> None:
    ok(fit("client", "add", "C1", "--label", label))
    listed = ok(fit("client", "list", env={"COLUMNS": "200"}))
    assert label in listed.stdout
    shown = ok(fit("client", "show", "C1"))
    assert f"Label: {label}" in shown.stdout


def test_markup_label_from_backup_is_shown_as_text(fit: Fit, tmp_path: Path) -> None:
    label = "[link=https://evil.example]ok[/link][blink red]x[/]"
    backup = {"fitcli_backup": 1, "clients": [
        {"id": "C1", "start": "2026-01-05", "label": label, "sessions": []}]}
    path = tmp_path / "b.json"
    path.write_text(json.dumps(backup), encoding="utf-8")
    ok(fit("import", str(path)))
    listed = ok(fit("client", "list", env={"COLUMNS": "200"}))
    assert label in listed.stdout


@pytest.mark.parametrize("label", CONTROLS)
def test_label_with_control_characters_is_refused(fit: Fit, store_dir: Path,
                                                  label: str) -> None:
    result = fit("client", "add", "C1", "--label", label)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: the label contains an invisible or control "
                                    "character (U+")
    assert result.stderr.count("\n") == 1
    assert not (store_dir / "clients").exists()


@pytest.mark.parametrize("label", CONTROLS)
def test_backup_label_with_control_characters_is_refused(fit: Fit, tmp_path: Path,
                                                         store_dir: Path, label: str) -> None:
    backup = {"fitcli_backup": 1, "clients": [
        {"id": "C1", "start": "2026-01-05", "label": label, "sessions": []}]}
    path = tmp_path / "b.json"
    path.write_text(json.dumps(backup), encoding="utf-8")
    result = fit("import", str(path))
    assert result.exit_code == 4, result.output
    assert "clients[0].label" in result.stderr
    assert not (store_dir / "clients").exists()


def test_stored_label_with_escape_codes_is_shown_escaped(fit: Fit, store_dir: Path) -> None:
    ok(fit("client", "add", "C1", "--label", "note"))
    path = store_dir / "clients" / "C1.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["label"] = f"{ESC}]8;;https://evil.example{ESC}\\ok\x9b31m\u2028"
    path.write_text(json.dumps(doc), encoding="utf-8")
    for args in (("client", "list"), ("client", "show", "C1"), ("client", "list", "--json"),
                 ("client", "show", "C1", "--json")):
        result = ok(fit(*args, env={"COLUMNS": "200"}))
        _no_terminal_codes(result.stdout)
    assert "\\x1b]8;;https://evil.example" in ok(fit("client", "show", "C1")).stdout
    data = json.loads(ok(fit("client", "show", "C1", "--json")).stdout)
    assert data["label"] == doc["label"]  # the same value, only written with escapes


def test_import_errors_escape_cells_and_headers(fit: Fit, tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(f"client,date,ors_total,{ESC}[2Jnote\u2028\n"
                    f"C{ESC}[31m1,2026-01-05,20,x\n", encoding="utf-8")
    result = fit("import", str(path), "--create-clients")
    assert result.exit_code == 4, result.output
    _no_terminal_codes(result.stderr)
    assert "C\\x1b[31m1" in result.stderr


def test_ignored_columns_line_escapes_headers(fit: Fit, tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(f"client,date,ors_total,{ESC}[2Jnote\x9b\n"
                    "C1,2026-01-05,20,x\n", encoding="utf-8")
    result = ok(fit("import", str(path), "--create-clients"))
    _no_terminal_codes(result.stderr)
    assert "\\x1b[2Jnote\\x9b" in result.stderr


def test_client_id_in_error_is_escaped(fit: Fit) -> None:
    result = fit("client", "show", f"C{ESC}[31m1")
    assert result.exit_code == 4, result.output
    _no_terminal_codes(result.stderr)
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(("raw", "shown"), [
    pytest.param("plain", "plain", id="plain"),
    pytest.param("æøå ÆØÅ äö", "æøå ÆØÅ äö", id="nordic"),
    pytest.param("a\x1bb", "a\\x1bb", id="esc"),
    pytest.param("a\nb", "a\\x0ab", id="newline"),
    pytest.param("a\x9bb", "a\\x9bb", id="c1"),
    pytest.param("a\u2028b", "a\\u2028b", id="u2028"),
    pytest.param("a\U000e0041b", "a\\U000e0041b", id="tag"),
])
def test_printable(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_printable_keeps_newlines_when_asked() -> None:
    assert printable("a\nb\x1b", lines=True) == "a\nb\\x1b"


def test_json_safe_is_the_same_json_value() -> None:
    value = {"label": "a\x9bb\u2028c\U000e0041\u202e"}
    text = json_safe(json.dumps(value, ensure_ascii=False))
    _no_terminal_codes(text)
    assert json.loads(text) == value


def test_every_escaped_character_fails_the_printable_shortcut() -> None:
    """``printable`` and ``json_safe`` pass text that ``str.isprintable`` accepts without
    looking further: that is only right if no character they escape is printable to Python."""
    pattern = re.compile(f"[{UNPRINTABLE}]")
    escaped = [chr(code) for code in range(0x110000) if pattern.match(chr(code))]
    assert len(escaped) > 2000  # the C0/C1 controls, format characters, surrogates, tags
    assert [ch for ch in escaped if ch.isprintable()] == []


def _escaped_by_pattern(text: str, lines: bool) -> str:
    """What ``printable`` shows, by the patterns alone (no shortcut)."""
    keep = "\n" if lines else ""
    return "".join(ch if ch == keep or not re.match(f"[{UNPRINTABLE}]", ch)
                   else _escape_of(ch) for ch in text)


def _escape_of(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


@given(st.text(alphabet=st.characters(codec=None)), st.booleans())
def test_printable_escapes_exactly_the_listed_characters(text: str, lines: bool) -> None:
    assert printable(text, lines=lines) == _escaped_by_pattern(text, lines)


@given(st.text())
def test_json_safe_escapes_what_a_terminal_acts_on(text: str) -> None:
    shown = json_safe(json.dumps({"v": text}, ensure_ascii=False))
    assert json.loads(shown) == {"v": text}
    assert not re.search(f"[{UNPRINTABLE}]", shown.replace("\n", ""))
