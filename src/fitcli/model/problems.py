"""Why the model refuses something: a catalogue key and the numbers, never a sentence.

The model imports nothing else of fitcli, so it has its own small exception type; the command
boundary maps ``kind`` to the project's errors (and so to an exit code).
"""

from __future__ import annotations

from typing import Any, Literal

Kind = Literal["invalid", "not_found"]


class DomainError(ValueError):
    """A rule of the domain was broken; ``key`` names the message, ``params`` fill it."""

    def __init__(self, key: str, /, kind: Kind = "invalid", **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.kind: Kind = kind
        self.params = params
