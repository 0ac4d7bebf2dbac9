"""Free text typed by people (labels): one short line of visible characters."""

from __future__ import annotations

import unicodedata

from fitcli.model.problems import DomainError

LABEL_MAX = 80  # a short note for the practitioner, shown in one table cell
# Control (Cc), format (Cf: bidi overrides, zero-width characters, tags), line and paragraph
# separators (Zl, Zp) and lone surrogates (Cs): invisible, or commands to a terminal.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def control_character(text: str) -> str | None:
    """The first character of ``text`` that is not visible text, as ``U+XXXX``, or None."""
    for ch in text:
        if unicodedata.category(ch) in _REFUSED_CATEGORIES:
            return f"U+{ord(ch):04X}"
    return None


def validate_label(raw: str) -> str:
    """The label without surrounding spaces, if it is one short line of visible text."""
    label = raw.strip()
    found = control_character(label)
    if found is not None:
        raise DomainError("error.label_control", char=found)
    if len(label) > LABEL_MAX:
        raise DomainError("error.label", max=LABEL_MAX)
    return label
