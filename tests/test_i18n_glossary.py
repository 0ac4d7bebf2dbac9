"""Each language says one word per key term: the glossary (locales/glossary.toml) names it and
the synonyms to avoid, and every message of the catalogue follows it."""

from __future__ import annotations

import re
import string
import tomllib
from pathlib import Path

import pytest

from fitcli import i18n

GLOSSARY = tomllib.loads(
    (Path(i18n.__file__).parent / "locales" / "glossary.toml").read_text(encoding="utf-8"))
# Not words of the language: placeholders, options, quoted commands and file names.
_NOT_PROSE = re.compile(r"--[\w-]+|'fit [^']*'|`[^`]*`|\S+\.(?:toml|json|csv|md)\b"
                        r"|(?:Session|Outcome) Rating Scale")  # the forms' own names


def prose(text: str) -> str:
    literal = "".join(part for part, *_ in string.Formatter().parse(text))
    return _NOT_PROSE.sub(" ", literal).casefold()


def _cases() -> list[object]:
    return [pytest.param(lang, term, entry, id=f"{lang}-{term}")
            for lang, terms in GLOSSARY.items() for term, entry in terms.items()]


def test_every_language_has_a_glossary() -> None:
    assert set(GLOSSARY) == set(i18n.SUPPORTED)


@pytest.mark.parametrize(("lang", "term", "entry"), _cases())
def test_catalogue_uses_the_glossary_word(lang: str, term: str, entry: dict[str, object]) -> None:
    texts = {key: prose(text) for key, text in i18n.load_catalogue(lang).items()}
    for forms in i18n.plural_forms(lang).values():
        texts.update({f"{forms[0]}#one": prose(forms[0])})
    use = str(entry["use"]).casefold()
    assert any(use in text for text in texts.values()), f"{lang}: '{use}' is never used"
    avoid = [str(w).casefold() for w in entry["avoid"]]  # type: ignore[attr-defined]
    wrong = sorted(f"{key}: {word!r}" for key, text in texts.items() for word in avoid
                   if re.search(r"(?<!\w)" + re.escape(word), text))
    assert not wrong, f"{lang} {term}: use '{use}', not: {wrong}"


@pytest.mark.parametrize(("lang", "text", "found"), [
    pytest.param("nb", "ORS ved inntak", True, id="synonym-found"),
    pytest.param("nb", "ORS ved oppstart", False, id="glossary-word"),
    pytest.param("nb", "bruk --session N", False, id="option-ignored"),
    pytest.param("da", "se 'fit client show {session}'", False, id="command-ignored"),
])
def test_the_check_finds_synonyms_in_prose_only(lang: str, text: str, found: bool) -> None:
    avoid = [w for entry in GLOSSARY[lang].values() for w in entry["avoid"]]
    hit = any(re.search(r"(?<!\w)" + re.escape(w.casefold()), prose(text)) for w in avoid)
    assert hit is found
