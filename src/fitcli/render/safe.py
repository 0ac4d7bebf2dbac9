"""Data shown as text, never obeyed: the one gate between stored or typed data and a terminal.

Labels, IDs, file names, CSV cells and headers come from people and files. Shown through
Rich, ``[link=...]`` or ``[/x]`` in them would be markup (a hyperlink, blinking text, or a
crash); written to a terminal, an ESC or a C1 control would be a command to the terminal.
``printable`` shows every such character as an escape (ESC as the four characters ``\\x1b``)
and ``cell`` wraps the result in a Rich ``Text``, which Rich never parses as markup.
Stdlib only at import time: the error boundary uses ``printable`` on every run.
"""

from __future__ import annotations

import functools
import re
from typing import Any

# C0 and C1 controls, DEL, and Unicode's format, line and paragraph separators (bidi
# overrides, zero-width characters, U+2028/U+2029, tags) and lone surrogates: invisible or
# acted on by terminals. Kept in step with model/text.py, which refuses them on input.
_OTHERS = (
    "\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
UNPRINTABLE = "\x00-\x1f" + _OTHERS


@functools.cache
def _pattern(kind: str) -> re.Pattern[str]:
    """The character classes as patterns, compiled when first needed (~0.5 ms each: the
    usual run shows only printable text, which ``str.isprintable`` passes without them)."""
    if kind == "lines":
        return re.compile(f"[\x00-\x09\x0b-\x1f{_OTHERS}]")
    if kind == "json":
        return re.compile(f"[{_OTHERS}]")  # json.dumps already escapes C0 controls
    return re.compile(f"[{UNPRINTABLE}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def printable(value: object, *, lines: bool = False) -> str:
    """``value`` as text with every control or invisible format character escaped (``lines``:
    newlines are kept, for messages of several lines)."""
    text = str(value)
    # The usual case, no copy: ``str.isprintable`` is False for every character above (they
    # are all controls, format characters, separators or surrogates; a test pins this), so
    # text it passes has none of them. It also refuses harmless ones (a no-break space):
    # those take the exact pattern.
    if text.isprintable() or (lines and all(part.isprintable() for part in text.split("\n"))):
        return text
    pattern = _pattern("lines" if lines else "all")
    if pattern.search(text) is None:
        return text
    return pattern.sub(_escape, text)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_safe(text: str) -> str:
    """JSON text (from json.dumps) with C1 controls, U+2028/U+2029 and format characters
    written as ``\\u`` escapes: the same JSON value, and nothing a terminal acts on."""
    if text.isprintable():
        return text
    pattern = _pattern("json")
    if pattern.search(text) is None:
        return text
    return pattern.sub(_json_escape, text)


def cell(value: object, style: str = "") -> Any:
    """A Rich ``Text`` showing ``value`` literally: never markup, never a control character."""
    from rich.text import Text

    return Text(printable(value), style=style)


def markup_free(value: object) -> str:
    """``value`` for the few Rich APIs that take a markup string only (progress
    descriptions): printable, with every ``[`` escaped so that nothing is markup."""
    from rich.markup import escape

    return escape(printable(value))
