"""The one exception family of fitcli. Each error carries its exit code and a message key.

Messages are catalogue keys plus parameters, never sentences: the command boundary turns
them into words in the user's language (see i18n.py), so domain code stays translatable.
"""

from __future__ import annotations

from typing import Any

# Documented exit codes (docs/exit-codes.md); pinned by tests/test_meta.py.
EXIT_OK = 0
EXIT_FLAGS_FOUND = 1
EXIT_USAGE = 2
EXIT_NOT_FOUND = 3
EXIT_INVALID_DATA = 4
EXIT_STORE = 5
EXIT_NOT_ALLOWED = 6
EXIT_OUTPUT = 74  # standard output could not be written (sysexits' EX_IOERR)
EXIT_INTERNAL = 70


class FitcliError(Exception):
    """Base class: a user-facing problem with a catalogue key and an exit code."""

    exit_code = EXIT_INVALID_DATA

    def __init__(self, key: str, /, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __str__(self) -> str:  # for logs and test failures; users see the translated text
        return f"{self.key} {self.params}" if self.params else self.key


class UsageProblem(FitcliError):
    """A wrong or missing argument or option (exit 2, like the parser's own errors)."""

    exit_code = EXIT_USAGE


class NotFound(FitcliError):
    """A client or meeting that does not exist (exit 3)."""

    exit_code = EXIT_NOT_FOUND


class InvalidData(FitcliError):
    """A value, row or file that breaks the rules of the data (exit 4)."""

    exit_code = EXIT_INVALID_DATA


class OutputFailed(FitcliError):
    """Standard output could not be written (full disk, closed, I/O error): exit 74. The
    message says whether the command's change was saved before, so nobody repeats it."""

    exit_code = EXIT_OUTPUT


class StoreProblem(FitcliError):
    """The store cannot be read or written safely: corrupt file, permissions, lock (exit 5)."""

    exit_code = EXIT_STORE


class NotAllowed(FitcliError):
    """The database refused: this login lacks the rights (roles, row-level security) (exit 6)."""

    exit_code = EXIT_NOT_ALLOWED
