"""The gettext catalogues are complete, consistent and really translated.

These tests read the .po files under src/fitcli/locales/<lang>/LC_MESSAGES/ (what translators
edit) and the compiled .mo files fitcli reads: a key missing in one language, a placeholder
that differs, an English copy in nb/da/sv, a plural form missing, or a .mo older than its .po
fails the suite.
"""

from __future__ import annotations

import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

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


PO = "LC_MESSAGES/fitcli.po"
ROOT = SRC.parent.parent


def _read(path: Path) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Key -> text (a plural message: its general form) and key -> plural forms."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    texts: dict[str, str] = {}
    plurals: dict[str, list[str]] = {}
    for message in catalog:
        if not message.id:
            continue
        if message.pluralizable:
            plurals[message.id[0]] = list(message.string)
            texts[message.id[0]] = message.string[-1]
        else:
            texts[str(message.id)] = str(message.string)
    return texts, plurals


def _areas(lang: str) -> dict[str, dict[str, str]]:
    path = LOCALES / lang / PO
    return {PO: _read(path)[0]} if path.exists() else {}


PLURALS = {lang: _read(LOCALES / lang / PO)[1] for lang in i18n.SUPPORTED}


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


def test_compiled_catalogue_matches_the_po_files() -> None:
    for lang in i18n.SUPPORTED:
        merged: dict[str, str] = {}
        for entries in AREAS[lang].values():
            merged.update(entries)
        assert i18n.load_catalogue(lang) == merged
        assert i18n.plural_forms(lang) == PLURALS[lang]


def test_the_mo_files_are_built_from_the_po_files() -> None:
    """The integrator's check after a merge: nothing left to convert, every .mo current."""
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "catalogues.py"), "--check"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert not list(LOCALES.glob("*/*.json")), "JSON catalogues left: run tools/catalogues.py"


def test_every_language_has_the_same_plural_messages() -> None:
    assert PLURALS["en"], "no plural messages"
    for lang in OTHERS:
        assert sorted(PLURALS[lang]) == sorted(PLURALS["en"]), lang


@pytest.mark.parametrize("lang", i18n.SUPPORTED)
def test_plural_messages_have_two_forms_and_a_count(lang: str) -> None:
    params = i18n.plural_params(lang)
    assert sorted(params) == sorted(PLURALS[lang]), "X-Fitcli-Plural-Params lists every plural"
    for key, forms in PLURALS[lang].items():
        assert len(forms) == 2 and all(f.strip() for f in forms), key
        assert params[key] in _placeholders(forms[1]), f"{key}: the count is not shown"
        for form in forms:
            assert _placeholders(form) <= _placeholders(forms[1]), key
    assert "nplurals=2; plural=(n != 1);" in i18n.translations(lang).info()["plural-forms"]


@pytest.mark.parametrize(("lang", "count", "expected"), [
    pytest.param("nb", 1, "Ingen flagg for den ene klienten som ble sjekket.", id="nb-one"),
    pytest.param("nb", 3, "Ingen flagg for de 3 klientene som ble sjekket.", id="nb-three"),
    pytest.param("nb", 0, "Ingen flagg for de 0 klientene som ble sjekket.", id="nb-zero"),
    pytest.param("en", 1, "No flags for the one client checked.", id="en-one"),
    pytest.param("da", 2, "Ingen flag for de 2 klienter, der blev tjekket.", id="da-two"),
    pytest.param("sv", 1, "Inga flaggor för den enda klient som kontrollerades.", id="sv-one"),
])
def test_counts_choose_the_plural_form(lang: str, count: int, expected: str) -> None:
    with i18n.in_language(lang):
        assert i18n.t("flags.none", clients=count) == expected


@pytest.mark.parametrize(("count", "words"), [(1, "1 ORS-skår "), (5, "5 ORS-skårer ")])
def test_counted_words_inside_a_message(count: int, words: str) -> None:
    with i18n.in_language("nb"):
        assert words in i18n.t("trend.model_line", model="x", count=count)
        line = i18n.t("import.dry_run", file="f", clients_created=count,
                      meetings_added=1, meetings_completed=0, replaced=0, skipped=0)
    assert ("opprette 1 klient," if count == 1 else f"opprette {count} klienter,") in line
    assert "legge til 1 samtale," in line


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

    folders = {p.name for p in LOCALES.iterdir() if p.is_dir() and (p / PO).exists()}
    assert folders == set(i18n.SUPPORTED)
    assert SETTINGS["lang"].choices == i18n.SUPPORTED
