"""The catalogues are complete, consistent and really translated, in every area file.

These tests read whatever area files exist under src/fitcli/locales/<lang>/, so a new area
(trend.json, flags.json, ...) is checked the moment it lands: a key missing in one language,
a placeholder that differs, or an English copy in nb/da/sv fails the suite.
"""

from __future__ import annotations

import json
import re
import string
from pathlib import Path
from typing import Any

import pytest

from fitcli import i18n

LOCALES = Path(i18n.__file__).parent / "locales"
SRC = Path(i18n.__file__).parent
OTHERS = tuple(lang for lang in i18n.SUPPORTED if lang != "en")

# Words that are the same in English and nb/da/sv on purpose: form and method names,
# abbreviations, and words that simply are the same word. Keep this list short; every
# addition must be a word a Scandinavian practitioner would really write unchanged.
SAME_WORDS = frozenset({
    "ID", "ORS", "SRS", "CORS", "CSRS", "GSRS", "YCORS", "ETR", "RCI", "SD", "FIT", "PCOMS",
    "ICCE", "JSON", "CSV", "TOML", "Status", "info",
})
# Words that are spelt the same as English in one language only.
SAME_BY_LANG: dict[str, frozenset[str]] = {
    "nb": frozenset({"administrator"}),
    "da": frozenset({"Flag", "Zone", "supervisor", "administrator", "Login", "Teams"}),
    "sv": frozenset(),
}
_WORD = re.compile(r"[^\W\d_]+")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    doubled = sorted({k for k in keys if keys.count(k) > 1})
    assert not doubled, f"key(s) defined twice in one file: {doubled}"
    return dict(pairs)


def _read(path: Path) -> dict[str, str]:
    data = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_no_duplicates)
    assert isinstance(data, dict), f"{path} must hold one JSON object"
    return data


def _areas(lang: str) -> dict[str, dict[str, str]]:
    return {p.name: _read(p) for p in sorted((LOCALES / lang).glob("*.json"))}


AREAS = {lang: _areas(lang) for lang in i18n.SUPPORTED}
AREA_NAMES = sorted(AREAS["en"])


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_language_has_a_folder_and_the_same_area_files() -> None:
    assert AREA_NAMES, "no English catalogue files found"
    for lang in i18n.SUPPORTED:
        assert sorted(AREAS[lang]) == AREA_NAMES, f"{lang} area files differ from en"


@pytest.mark.parametrize("area", AREA_NAMES)
@pytest.mark.parametrize("lang", OTHERS)
def test_every_key_present_in_every_language(lang: str, area: str) -> None:
    english, other = AREAS["en"][area], AREAS[lang].get(area, {})
    missing = sorted(set(english) - set(other))
    extra = sorted(set(other) - set(english))
    assert not missing, f"{lang}/{area} lacks: {missing}"
    assert not extra, f"{lang}/{area} has keys English lacks: {extra}"


@pytest.mark.parametrize("lang", i18n.SUPPORTED)
def test_every_value_is_a_non_empty_string(lang: str) -> None:
    bad = [f"{area}:{key}" for area, entries in AREAS[lang].items()
           for key, value in entries.items() if not isinstance(value, str) or not value.strip()]
    assert not bad, f"{lang}: empty or non-text values: {bad}"


@pytest.mark.parametrize("lang", i18n.SUPPORTED)
def test_no_key_defined_in_two_area_files(lang: str) -> None:
    seen: dict[str, str] = {}
    doubled = []
    for area, entries in AREAS[lang].items():
        for key in entries:
            if key in seen:
                doubled.append(f"{key} ({seen[key]}, {area})")
            seen[key] = area
    assert not doubled, f"{lang}: keys defined in two files: {doubled}"


@pytest.mark.parametrize("lang", OTHERS)
def test_placeholders_identical_to_english(lang: str) -> None:
    wrong = []
    for area, english in AREAS["en"].items():
        for key, text in english.items():
            other = AREAS[lang].get(area, {}).get(key)
            if other is not None and _placeholders(other) != _placeholders(text):
                wrong.append(f"{area}:{key} {sorted(_placeholders(other))} != "
                             f"{sorted(_placeholders(text))}")
    assert not wrong, f"{lang}: placeholders differ from English: {wrong}"


@pytest.mark.parametrize("lang", i18n.SUPPORTED)
def test_every_value_formats(lang: str) -> None:
    """A stray brace would crash the message at the worst moment: when showing an error."""
    broken = []
    for area, entries in AREAS[lang].items():
        for key, text in entries.items():
            try:
                text.format(**{name: "x" for name in _placeholders(text)})
            except (ValueError, KeyError, IndexError) as exc:
                broken.append(f"{area}:{key} ({exc})")
    assert not broken, f"{lang}: values that do not format: {broken}"


def _suspicious(text: str, lang: str) -> list[str]:
    """Words left once placeholders are removed, that are not allowed to stay English."""
    stripped = "".join(literal for literal, *_ in string.Formatter().parse(text))
    allowed = SAME_WORDS | SAME_BY_LANG.get(lang, frozenset())
    return [w for w in _WORD.findall(stripped) if w not in allowed]


@pytest.mark.parametrize("lang", OTHERS)
def test_no_english_copies(lang: str) -> None:
    copies = []
    for area, english in AREAS["en"].items():
        for key, text in english.items():
            other = AREAS[lang].get(area, {}).get(key)
            if other == text and _suspicious(text, lang):
                copies.append(f"{area}:{key} = {text!r}")
    assert not copies, (f"{lang}: values identical to English (translate them, or add a "
                        f"genuinely shared word to SAME_WORDS): {copies}")


def test_merged_catalogue_matches_the_files() -> None:
    for lang in i18n.SUPPORTED:
        merged: dict[str, str] = {}
        for entries in AREAS[lang].values():
            merged.update(entries)
        assert i18n.load_catalogue(lang) == merged


_KEY_LITERAL = re.compile(r"""["']([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)["']""")
_NOT_KEYS = re.compile(r"\.(toml|json|py|txt|csv|lock|tmp|md|cfg|ini|yaml|yml)$")


def test_every_literal_key_in_the_code_exists() -> None:
    """A key typed in code but missing from the catalogue would show the raw key to users."""
    english = i18n.load_catalogue("en")
    prefixes = {key.split(".")[0] for key in english}
    missing = set()
    for path in SRC.rglob("*.py"):
        for literal in _KEY_LITERAL.findall(path.read_text(encoding="utf-8")):
            if literal.split(".")[0] in prefixes and not _NOT_KEYS.search(literal) and (
                    literal not in english and not any(k.startswith(literal + ".")
                                                       for k in english)):
                missing.add(f"{path.relative_to(SRC)}: {literal}")
    assert not missing, f"keys used in code but not in locales/en: {sorted(missing)}"


@pytest.mark.parametrize("lang", i18n.SUPPORTED)
@pytest.mark.parametrize("form", ["ors", "srs", "cors"])
def test_item_labels_are_four_distinct_words(lang: str, form: str) -> None:
    labels = [i18n.load_catalogue(lang)[f"item.{form}.{n}"] for n in range(1, 5)]
    assert len(set(labels)) == 4, labels


@pytest.mark.parametrize(("lang", "ors", "srs"), [
    pytest.param("sv", ["Individuellt", "Nära relationer", "Socialt", "Allmänt"],
                 ["Relation", "Mål och ämne", "Sätt att arbeta eller metod", "Allmänt"],
                 id="sv-official"),
    pytest.param("da", ["Individuelt", "Nære relationer", "Socialt", "Generelt"], None,
                 id="da-published"),
    pytest.param("nb", ["Individuelt", "Nære relasjoner", "Sosialt", "Generelt"],
                 ["Relasjon", "Mål og tema", "Tilnærming/metode", "Generelt"],
                 id="nb-reference"),
])
def test_known_scandinavian_labels(lang: str, ors: list[str], srs: list[str] | None) -> None:
    """The published Swedish and Danish labels are used exactly."""
    catalogue = i18n.load_catalogue(lang)
    assert [catalogue[f"item.ors.{n}"] for n in range(1, 5)] == ors
    if srs is not None:
        assert [catalogue[f"item.srs.{n}"] for n in range(1, 5)] == srs


def test_languages_agree_everywhere() -> None:
    """Adding a language: its folder, SUPPORTED in i18n.py and the `lang` setting's choices."""
    from fitcli.model.settings import SETTINGS

    folders = {p.name for p in LOCALES.iterdir() if p.is_dir() and any(p.glob("*.json"))}
    assert folders == set(i18n.SUPPORTED)
    assert SETTINGS["lang"].choices == i18n.SUPPORTED
