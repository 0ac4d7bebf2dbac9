"""Client IDs: pseudonymous codes that are also safe file names on every platform."""

from __future__ import annotations

import re

from fitcli.model.problems import DomainError

ID_MAX = 64
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")  # used with fullmatch: "$" would pass "C1\n"
# Names Windows reserves for devices, with or without an extension (CON.txt is CON too).
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)


def validate_client_id(raw: str) -> str:
    """Return the ID unchanged if it is allowed, else raise ``error.client_id``."""
    if not _ID.fullmatch(raw) or raw.endswith("."):
        raise DomainError("error.client_id", value=raw, max=ID_MAX)
    if raw.split(".")[0].lower() in _WINDOWS_RESERVED:
        raise DomainError("error.client_id_reserved", value=raw)
    return raw


def id_key(client_id: str) -> str:
    """IDs are compared without case: macOS and Windows file names ignore it."""
    return client_id.casefold()


PRACTITIONER_MAX = 63  # PostgreSQL's longest role name: a team store's code is the login
_PRACTITIONER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}")  # fullmatch, like client IDs


def validate_practitioner(raw: str) -> str:
    """A practitioner code: pseudonymous, 1-63 letters, digits, ``.``, ``-`` and ``_``, case
    kept (on a team database it is the login name, which PostgreSQL compares exactly).
    Raises ``error.practitioner_code``."""
    code = raw.strip()
    if not _PRACTITIONER.fullmatch(code):
        raise DomainError("error.practitioner_code", value=raw, max=PRACTITIONER_MAX)
    return code
