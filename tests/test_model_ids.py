"""Client IDs: pseudonymous codes that can never name a path outside the store."""

from __future__ import annotations

import string
from pathlib import PurePosixPath, PureWindowsPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fitcli.model.ids import ID_MAX, id_key, validate_client_id
from fitcli.model.problems import DomainError


@pytest.mark.parametrize("client_id", [
    pytest.param("C001", id="code"),
    pytest.param("a", id="one-char"),
    pytest.param("7", id="digit"),
    pytest.param("x" * ID_MAX, id="max-length"),
    pytest.param("fam-2026_01.b", id="all-punctuation"),
    pytest.param("CONSOLE", id="starts-like-device"),
])
def test_valid_ids(client_id: str) -> None:
    assert validate_client_id(client_id) == client_id


@pytest.mark.parametrize(("client_id", "key"), [
    pytest.param("", "error.client_id", id="empty"),
    pytest.param("a b", "error.client_id", id="space"),
    pytest.param("a/b", "error.client_id", id="slash"),
    pytest.param("a\\b", "error.client_id", id="backslash"),
    pytest.param("..", "error.client_id", id="dot-dot"),
    pytest.param("../etc", "error.client_id", id="parent"),
    pytest.param(".hidden", "error.client_id", id="leading-dot"),
    pytest.param("-rf", "error.client_id", id="leading-dash"),
    pytest.param("_x", "error.client_id", id="leading-underscore"),
    pytest.param("abc.", "error.client_id", id="trailing-dot"),
    pytest.param("x" * (ID_MAX + 1), "error.client_id", id="too-long"),
    pytest.param("Åse", "error.client_id", id="non-ascii"),
    pytest.param("a:b", "error.client_id", id="colon"),
    pytest.param("C001\n", "error.client_id", id="newline"),
    pytest.param("con", "error.client_id_reserved", id="windows-con"),
    pytest.param("NUL.txt", "error.client_id_reserved", id="windows-nul-ext"),
    pytest.param("com1", "error.client_id_reserved", id="windows-com1"),
])
def test_invalid_ids(client_id: str, key: str) -> None:
    with pytest.raises(DomainError) as info:
        validate_client_id(client_id)
    assert info.value.key == key


@settings(deadline=None)
@given(st.text(max_size=70))
def test_no_accepted_id_leaves_the_clients_folder(raw: str) -> None:
    try:
        validate_client_id(raw)
    except DomainError:
        return
    allowed = set(string.ascii_letters + string.digits + "._-")
    assert set(raw) <= allowed and 1 <= len(raw) <= ID_MAX
    for pure in (PurePosixPath, PureWindowsPath):
        path = pure("clients") / f"{raw}.json"
        assert path.parent == pure("clients")
        assert ".." not in path.parts


@settings(deadline=None)
@given(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,20}[A-Za-z0-9]", fullmatch=True))
def test_ids_compare_without_case(client_id: str) -> None:
    assert id_key(client_id) == id_key(client_id.upper()) == id_key(client_id.lower())
