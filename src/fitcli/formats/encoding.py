"""Which text encoding an import file is in: UTF-8, or the Windows code page of the Nordic
languages (cp1252, what Excel's plain "CSV (semicolon separated)" writes there).

Never a silent wrong guess: a file is read as cp1252 only when it is not UTF-8 and every
character it would give is one a Nordic office writes (letters, digits, the usual
punctuation); anything else is refused with the options the user has.
"""

from __future__ import annotations

import codecs

from fitcli.errors import InvalidData, UsageProblem

NORDIC_CODEPAGE = "cp1252"  # Windows' code page for Norwegian, Danish, Swedish (and English)
# Characters beyond ASCII that Nordic text in cp1252 holds besides letters: typographic
# quotes and dashes Excel and Word put in, the euro sign, degree, section, fractions, the
# no-break space. Bytes that give anything else are more likely another encoding.
_PLAUSIBLE = frozenset("€‘’‚“”„–—…•°§½¼¾«»·´¨×÷©®™ \xa0\xad")


def _plausible(text: str) -> bool:
    return all(ch.isascii() or ch.isalpha() or ch in _PLAUSIBLE for ch in text)


def decode(data: bytes, forced: str | None = None) -> str:
    """The text of ``data``: with ``forced`` in that encoding; else UTF-16 with a BOM,
    UTF-8 (with or without BOM), then the Nordic Windows code page if it reads plausibly."""
    return detect(data, forced)[0]


def detect(data: bytes, forced: str | None = None) -> tuple[str, str]:
    """``decode`` and the name of the encoding it took."""
    if forced:
        try:
            codec = codecs.lookup(forced)
        except LookupError:
            raise UsageProblem("formats.error.encoding_unknown", encoding=forced) from None
        try:
            text = data.decode("utf-8-sig" if codec.name == "utf-8" else codec.name)
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise InvalidData("formats.error.encoding_forced", encoding=forced,
                              line=line) from None
        return text, codec.name
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:  # an odd number of bytes, a lone surrogate
            line = data[: exc.start].decode("utf-16", errors="replace").count("\n") + 1
            raise InvalidData("import.error.encoding", line=line) from None
    start = data[:400]
    if start.count(b"\x00") * 4 > len(start):  # UTF-16 without its BOM, or not text at all
        raise InvalidData("formats.error.encoding", line=1)
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
    try:
        text = data.decode(NORDIC_CODEPAGE)
    except UnicodeDecodeError:  # bytes cp1252 leaves undefined: not that either
        text = ""
    if text and _plausible(text):
        return text, NORDIC_CODEPAGE
    raise InvalidData("formats.error.encoding", line=line)
