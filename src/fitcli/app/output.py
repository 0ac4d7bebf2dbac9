"""What a command writes: text and JSON on stdout, one-line errors on stderr.

Data in the output never reaches the terminal as control characters (see render/safe.py).
"""

from __future__ import annotations

import sys
from typing import Any

from fitcli.i18n import t
from fitcli.render.safe import json_safe, printable


def echo(text: str = "") -> None:
    """A line (or lines) of plain text on stdout."""
    sys.stdout.write(printable(text, lines=True) + "\n")


def emit_json(data: Any) -> None:
    import json  # not at start-up: most runs print text

    sys.stdout.write(json_safe(json.dumps(data, ensure_ascii=False)) + "\n")


def fail_line(message: str) -> None:
    """``Error: message`` on stderr, on one line: anything unprintable in the data it quotes
    (a CSV cell, a file name) is shown escaped."""
    sys.stderr.write(f"{t('error.prefix')} {printable(message)}\n")
