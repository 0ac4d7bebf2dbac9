"""The streaming JSON reader: element by element, what ``json.loads`` reads whole, or None."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from fitcli.formats.jsonscan import scan_document

scalars = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=12)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8)


def _scan(data: bytes, window: int, depth: int = 20
          ) -> tuple[dict[str, Any], bool, list[Any]] | None:
    elements: list[Any] = []

    def element(value: Any, start: int, end: int) -> None:
        assert json.loads(data[start:end]) == value  # its place holds exactly it
        elements.append(value)

    scanned = scan_document(data, 0, window, "items", depth, element)
    return None if scanned is None else (*scanned, elements)


@given(st.dictionaries(st.text(max_size=6).filter(lambda k: k != "items"), values, max_size=3),
       st.lists(values, max_size=6), st.sampled_from([1, 3, 7, 64, 1 << 16]),
       st.sampled_from([None, 1]))
def test_elements_and_other_values_are_what_json_reads(
        others: dict[str, Any], items: list[Any], window: int, indent: int | None) -> None:
    document = {**others, "items": items}
    data = json.dumps(document, ensure_ascii=False, indent=indent).encode("utf-8")
    assert _scan(data, window) == (others, True, items)


def test_anything_unusual_is_left_to_the_whole_document_read() -> None:
    for text in ('["items"]', '{"items": [1, 2', '{"a": 1, "a": 2, "items": []}',
                 '{"items": [1], "items": [2]}', '{"items": []} trailing',
                 '{"items": [[[[1]]]]}'):
        assert _scan(text.encode("utf-8"), 4, depth=4) is None, text


def test_a_document_without_the_list() -> None:
    assert _scan(b'{"items": 3, "b": [1]}', 8) == ({"items": 3, "b": [1]}, False, [])
    assert _scan(b"{}", 8) == ({}, False, [])
