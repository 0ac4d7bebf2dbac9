"""store.decode_client's shortcut for current files gives exactly what the full path gives,
and refuses the same."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fitcli import store
from fitcli.errors import StoreProblem
from fitcli.model.scores import Client, Closure, Rating
from rules_helpers import client

SAMPLE = client([19.2, 22.0, None], [36.0, None, 38.5],
                srs_items={3: (9.6, 9.7, 9.6, 9.6)}).model_copy(
    update={"label": "family", "closed": Closure(reason="planned", date=client([1.0]).start)})
PATH = Path("clients/C1.json")
TEXT = store.encode(SAMPLE).decode("utf-8")  # a client file as read


def slow(text: str) -> Client:
    doc = json.loads(text)
    doc.pop("schema_version")
    return Client.model_validate(doc)


def test_encode_starts_with_the_fast_header() -> None:
    assert TEXT.startswith(store.file_header())


@pytest.mark.parametrize("text", [
    pytest.param(TEXT, id="as-written"),
    pytest.param(json.dumps(json.loads(TEXT)), id="compact"),
    pytest.param(json.dumps({**json.loads(TEXT), "schema_version": 1},
                            sort_keys=True), id="version-last"),
])
def test_fast_path_equals_full_path(text: str) -> None:
    decoded = store.decode_client(text, PATH)
    assert decoded == slow(text) == SAMPLE
    assert type(decoded) is Client
    assert store.encode(decoded) == store.encode(SAMPLE)


def _doc() -> dict[str, object]:
    return json.loads(TEXT)  # type: ignore[no-any-return]


def _with_bad_item() -> str:
    doc = _doc()
    doc["sessions"][2]["srs"]["items"][0] = 9.65  # type: ignore[index]
    return json.dumps(doc)


@pytest.mark.parametrize(("text", "reason"), [
    pytest.param(TEXT.replace('"total": 36.0', '"total": 41.0'), "",
                 id="total-out-of-range"),
    pytest.param(_with_bad_item(), "", id="two-decimals"),
    pytest.param(TEXT.replace('"total": 38.5', '"total": 38.4'), "",
                 id="total-mismatch"),
    pytest.param(store.file_header() + ' "schema_version": 3,\n' + TEXT[
        len(store.file_header()):], "", id="repeated-version-key"),
    pytest.param(json.dumps({**_doc(), "schema_version": 1.0}), "", id="float-version"),
    pytest.param(json.dumps({**_doc(), "extra": 1}), "", id="unknown-key"),
])
def test_invalid_files_still_refused(text: str, reason: str) -> None:
    with pytest.raises(StoreProblem):
        store.decode_client(text, PATH)


def test_file_name_must_match_on_fast_path() -> None:
    with pytest.raises(StoreProblem) as info:
        store.decode_client(TEXT, Path("clients/OTHER.json"))
    assert "does not match" in info.value.params["reason"]


def test_old_schema_never_skips_its_migration(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    def upgrade(doc: dict[str, object]) -> dict[str, object]:
        seen.append(1)
        return doc

    monkeypatch.setattr(store.codec, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(store.codec, "MIGRATIONS", {1: upgrade})
    text = json.dumps({**_doc(), "schema_version": 1}, indent=1)
    assert text.startswith('{\n "schema_version": 1,\n')
    assert store.decode_client(text, PATH) == SAMPLE and seen == [1]


def test_total_only_rating_round_trips() -> None:
    only = SAMPLE.model_copy(update={"sessions": (SAMPLE.sessions[0].model_copy(
        update={"ors": Rating.from_total(0.1)}),)})
    assert store.decode_client(store.encode(only).decode("utf-8"), PATH) == only


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20)


@settings(deadline=None)
@given(st.dictionaries(st.text(), _JSON_VALUES, max_size=5))
def test_documents_parse_as_json_loads_does(extra: dict[str, object]) -> None:
    """decode_client_document (export's reader) parses with pydantic's JSON parser: whatever a
    hand-edited file holds, it must give the values json.loads gives (floats to the bit)."""
    doc = {**extra, "schema_version": 1, "id": "C1", "sessions": []}
    text = json.dumps(doc, ensure_ascii=False)
    expected = json.loads(text)
    expected.pop("schema_version", None)
    assert store.decode_client_document(text, PATH) == expected
    assert json.dumps(store.decode_client_document(text, PATH)) == json.dumps(expected)


@pytest.mark.parametrize("text", ['{"id": "C1", "sessions": [', "\ufeff{}", '"\\ud800"'])
def test_documents_refuse_what_is_not_json(text: str) -> None:
    with pytest.raises(StoreProblem) as caught:
        store.decode_client_document(text, PATH)
    assert caught.value.key == "error.store_corrupt"
