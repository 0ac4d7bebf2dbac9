"""Message catalogues: every word a user reads comes from here.

Catalogues are JSON data files under ``fitcli/locales/<lang>/*.json`` (one file per area,
all merged), so adding or fixing a language is editing data, not code. Lookup is by dotted
key; ``{name}`` placeholders are filled with ``str.format``. Stdlib only, loaded lazily.

Item labels can be overridden per language and form by the user's ``labels.toml`` (beside the
config file), so they match the wording of the licensed form in use.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fitcli.errors import StoreProblem

SUPPORTED: tuple[str, ...] = ("en", "nb", "da", "sv")
DEFAULT = "en"
# Codes that mean one of our languages: no_NO and nn_NO (Nynorsk) read Bokmål best.
_LOCALE_ALIASES = {"nb": "nb", "no": "nb", "nn": "nb", "da": "da", "sv": "sv", "en": "en"}
# What --lang / FIT_LANG accept besides SUPPORTED ("no" is what many Norwegians type).
EXPLICIT_ALIASES = {"no": "nb"}
# Windows reports locale names, not POSIX codes (locale.getlocale()).
_WINDOWS_NAMES = {"norwegian": "nb", "danish": "da", "swedish": "sv", "english": "en"}
_DECIMAL_COMMA = frozenset({"nb", "da", "sv"})

# Forms whose labels a user may override: cors = child ORS, csrs = child SRS.
LABEL_FORMS: tuple[str, ...] = ("ors", "srs", "cors", "csrs")
ITEMS = 4  # four items per form

_current = DEFAULT
_cache: dict[str, dict[str, str]] = {}
_label_file: Callable[[], Path] | None = None
_label_overrides: dict[str, dict[str, list[str]]] | None = None
_label_generation = 0


def catalogue_files(lang: str) -> list[Any]:
    """The area files of one language, in load order (name order)."""
    folder = resources.files("fitcli") / "locales" / lang
    return sorted((e for e in folder.iterdir() if e.name.endswith(".json")),
                  key=lambda e: e.name)


def load_catalogue(lang: str) -> dict[str, str]:
    """All keys of one language, merged from its files (cached)."""
    if lang not in _cache:
        merged: dict[str, str] = {}
        for entry in catalogue_files(lang):
            merged.update(json.loads(entry.read_text(encoding="utf-8")))
        _cache[lang] = merged
    return _cache[lang]


def set_language(lang: str) -> None:
    global _current
    _current = lang


def current_language() -> str:
    return _current


@contextmanager
def in_language(lang: str) -> Iterator[None]:
    """Words in ``lang`` for a moment, e.g. English messages inside JSON, which must be the
    same whatever language the user reads."""
    global _current
    before, _current = _current, lang
    try:
        yield
    finally:
        _current = before


def explicit_code(raw: str) -> str | None:
    """A language code typed by the user (--lang, FIT_LANG, config), or None if unknown."""
    code = raw.strip().lower()
    if code in SUPPORTED:
        return code
    return EXPLICIT_ALIASES.get(code)


def from_locale(value: str | None) -> str | None:
    """Map a POSIX locale string (``sv_SE.UTF-8``) to a supported code, or None."""
    if not value:
        return None
    prefix = value.split(".")[0].split("@")[0].split("_")[0].split("-")[0].lower()
    return _LOCALE_ALIASES.get(prefix)


def system_language(environ: Mapping[str, str] | None = None) -> str | None:
    """The language of the system locale: LC_ALL, LC_MESSAGES, LANG (first one set decides,
    like gettext); on Windows, where these are usually unset, the user's locale name."""
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(var):
            return from_locale(env[var])
    if environ is None and sys.platform == "win32":  # pragma: no cover - Windows only
        import locale

        name = (locale.getlocale()[0] or "").lower()
        return from_locale(name) or next(
            (code for word, code in _WINDOWS_NAMES.items() if name.startswith(word)), None)
    return None


def _lookup(key: str) -> str | None:
    text = load_catalogue(_current).get(key)
    return text if text is not None else load_catalogue(DEFAULT).get(key)


def _param(name: str, value: Any) -> Any:
    """A parameter as people read it: floats with the language's decimal mark, and a word
    the code passes as data (``what="item"``) translated when the catalogue has
    ``param.<name>.<value>``; anything else (IDs, paths, numbers typed by the user) as is."""
    if isinstance(value, float):
        return num(value, None)
    if isinstance(value, str) and value:
        word = _lookup(f"param.{name}.{value}")
        if word is not None:
            return word
    return value


def template(key: str, /) -> str:
    """The unfilled text for ``key`` in the current language (English if a catalogue lacks
    it, the key itself if no catalogue has it). ``t`` fills it; callers that fill it
    themselves (hot loops) must pass numbers already worded with ``num``."""
    text = _lookup(key)
    return key if text is None else text


def t(key: str, /, **params: Any) -> str:
    """The text for ``key`` in the current language, English if a catalogue lacks it."""
    text = template(key)
    if not params:
        return text
    return text.format(**{name: _param(name, value) for name, value in params.items()})


def decimal_mark() -> str:
    """The decimal mark of the current language: ',' in nb, da and sv, '.' in en."""
    return "," if _current in _DECIMAL_COMMA else "."


def num(value: float | None, decimals: int | None = 1) -> str:
    """A number for people: decimal comma in nb/da/sv, a dash for missing values.

    ``decimals=None`` shows the value as it is (``7.75``, ``25.0``), for settings and limits.
    """
    if value is None:
        return "-"
    text = repr(float(value)) if decimals is None else f"{value:.{decimals}f}"
    return text.replace(".", ",") if _current in _DECIMAL_COMMA else text


# --- item labels -------------------------------------------------------------------------


def use_label_file(locate: Callable[[], Path] | None) -> None:
    """Where the user's label overrides live (called lazily: `fit ors` rarely needs them)."""
    global _label_file, _label_overrides, _label_generation
    _label_file = locate
    _label_overrides = None
    _label_generation += 1


def label_generation() -> int:
    """Changes whenever the label file may have changed: part of any cache of labels."""
    return _label_generation


def label_file() -> Path | None:
    return _label_file() if _label_file is not None else None


def label_overrides() -> dict[str, dict[str, list[str]]]:
    """The validated overrides ``{lang: {form: [4 labels]}}``; {} when there is no file.

    A file that does not follow the rules is refused as a whole (exit 5), naming the file.
    """
    global _label_overrides
    if _label_overrides is None:
        path = label_file()
        _label_overrides = read_label_file(path) if path is not None else {}
    return _label_overrides


def read_label_file(path: Path) -> dict[str, dict[str, list[str]]]:
    import tomllib

    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError,
            RecursionError) as exc:  # ValueError: a huge integer; RecursionError: nesting
        reason = (str(exc) or type(exc).__name__).splitlines()[0][:200]
        raise StoreProblem("error.labels_syntax", path=str(path), reason=reason) from None
    found: dict[str, dict[str, list[str]]] = {}
    for lang, forms in raw.items():
        if lang not in SUPPORTED or not isinstance(forms, dict):
            raise StoreProblem("error.labels_language", path=str(path), name=lang,
                               supported=", ".join(SUPPORTED))
        for form, labels in forms.items():
            if form not in LABEL_FORMS:
                raise StoreProblem("error.labels_form", path=str(path), lang=lang, name=form,
                                   forms=", ".join(LABEL_FORMS))
            if not isinstance(labels, list) or len(labels) != ITEMS:
                count = len(labels) if isinstance(labels, list) else 1
                raise StoreProblem("error.labels_count", path=str(path), lang=lang,
                                   form=form, count=count)
            if not all(isinstance(x, str) and x.strip() for x in labels):
                raise StoreProblem("error.labels_empty", path=str(path), lang=lang, form=form)
            found.setdefault(lang, {})[form] = [" ".join(x.split()) for x in labels]
    return found


def item_labels(form: str, age_group: str) -> list[str]:
    """The four item labels of a form, in the current language: the user's override if the
    label file has one, else the catalogue (the CORS for children; the reference names no
    child SRS labels, so children's SRS uses the SRS labels unless ``csrs`` is overridden)."""
    child = age_group == "child"
    prefix = "cors" if form == "ors" and child else form
    custom = label_overrides().get(_current, {})
    for candidate in (("csrs", "srs") if form == "srs" and child else (prefix,)):
        if candidate in custom:
            return list(custom[candidate])
    return [t(f"item.{prefix}.{n}") for n in range(1, ITEMS + 1)]
