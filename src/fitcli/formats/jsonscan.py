"""JSON documents read from their bytes a value at a time: a large document's long list is
handed over element by element, with each element's place in the bytes, so that a reader
keeps places rather than the parsed whole (a full backup of a big store: hundreds of MB).
Stdlib only; what it cannot read simply (anything unusual) it leaves to ``json.loads``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

WINDOW = 1 << 16  # bytes decoded to text at a time, by default


class _Unusual(Exception):
    """Anything the streaming read leaves to a whole-document read."""


_JSON_SPACE = re.compile(r"[ \t\n\r]*")


_DECODER = json.JSONDecoder()


_BYTES_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)


_SQUARE = bytes.maketrans(b"{}", b"[]")


_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


def _depth_ok_bytes(value: bytes, limit: int) -> bool:
    """Whether well-formed JSON ``value`` nests no deeper than ``limit`` (strings skipped):
    each pass removes the innermost pairs of brackets, one level."""
    if value.count(b"[") + value.count(b"{") <= limit:
        return True
    nesting = _BYTES_STRING.sub(b"", value).translate(_SQUARE, _NOT_BRACKET)
    for _ in range(limit):
        if not nesting:
            return True
        nesting = nesting.replace(b"[]", b"")
    return not nesting


class _ByteScan:
    """JSON values read one at a time from UTF-8 bytes, a window of text at a time."""

    def __init__(self, data: bytes, start: int, window: int) -> None:
        self.data = data
        self.chunk = window  # bytes decoded at a time (more for a value longer than that)
        self.window, self.idx, self.wstart = "", 0, start
        self.ascii, self.at_end = True, False
        self._fill(window)

    def _fill(self, size: int) -> None:
        """A new window, from the current place, of ``size`` bytes or what is left."""
        data = self.data
        start = self.byte_at(self.idx)
        end = min(len(data), start + size)
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # not inside a character
            end -= 1
        self.window = data[start:end].decode("utf-8")
        self.wstart, self.idx = start, 0
        self.ascii, self.at_end = self.window.isascii(), end == len(data)

    def byte_at(self, idx: int) -> int:
        if self.ascii:
            return self.wstart + idx
        return self.wstart + len(self.window[:idx].encode("utf-8"))

    def next_char(self) -> str:
        """Whitespace skipped: the next character ("" at the end), not consumed."""
        while True:
            match = _JSON_SPACE.match(self.window, self.idx)
            assert match is not None
            self.idx = match.end()
            if self.idx < len(self.window) or self.at_end:
                return self.window[self.idx:self.idx + 1]
            self._fill(self.chunk)

    def take(self, allowed: str) -> str:
        """The next character, consumed, which must be one of ``allowed``."""
        char = self.next_char()
        if not char or char not in allowed:
            raise _Unusual
        self.idx += 1
        return char

    def value(self, depth: int) -> tuple[Any, int, int]:
        """The next value (at most ``depth`` levels deep) and its place in the bytes."""
        self.next_char()
        size = self.chunk
        while True:
            try:
                value, end = _DECODER.raw_decode(self.window, self.idx)
                if end < len(self.window) or self.at_end:  # else it may go on
                    break
            except RecursionError:
                raise _Unusual from None
            except ValueError:  # broken, a huge integer, or cut off by the window's end
                if self.at_end:
                    raise _Unusual from None
            size *= 4
            self._fill(size)
        start, stop = self.byte_at(self.idx), self.byte_at(end)
        if not _depth_ok_bytes(self.data[start:stop], depth):
            raise _Unusual
        self.idx = end
        return value, start, stop


def scan_document(data: bytes, start: int, window: int, listed: str, max_depth: int,
                  element: Callable[[Any, int, int], None]
                  ) -> tuple[dict[str, Any], bool] | None:
    """A JSON object read from ``data`` (UTF-8, from ``start``): its top-level values but
    the one named ``listed``, and whether that one is a list, whose elements are handed to
    ``element`` with their places (start and end offsets) one at a time, never held all
    together; None for anything unusual (not an object, a key twice, broken JSON, deeper
    than ``max_depth`` levels), which a whole-document read then names exactly.
    ``window``: bytes decoded to text at a time (a value cut by a window's end is read
    across it; any window reads the same)."""
    others: dict[str, Any] = {}
    found = False
    try:
        scan = _ByteScan(data, start, window)
        scan.take("{")
        if scan.next_char() == "}":
            scan.idx += 1
        else:
            while True:
                key = scan.value(1)[0]
                if not isinstance(key, str) or key in others or (key == listed and found):
                    raise _Unusual
                scan.take(":")
                if key == listed and scan.next_char() == "[":
                    found = True
                    scan.idx += 1
                    if scan.next_char() == "]":
                        scan.idx += 1
                    else:
                        while True:
                            element(*scan.value(max_depth - 2))
                            if scan.take(",]") == "]":
                                break
                else:
                    others[key] = scan.value(max_depth - 1)[0]
                if scan.take(",}") == "}":
                    break
        if scan.next_char():  # text after the document
            raise _Unusual
    except _Unusual:
        return None
    return others, found and listed not in others
