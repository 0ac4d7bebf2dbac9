"""Message catalogues: every word a user reads comes from here.

Catalogues are JSON data files under ``fitcli/locales/<lang>/*.json`` (one file per area,
all merged), so adding or fixing a language is editing data, not code. Lookup is by dotted
key; ``{name}`` placeholders are filled with ``str.format``. Stdlib only, loaded lazily.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from importlib import resources
from typing import Any

SUPPORTED: tuple[str, ...] = ("en", "nb", "da", "sv")
DEFAULT = "en"
# Locale prefixes that mean one of our languages (no_NO and nn_NO read Bokmål best).
_LOCALE_ALIASES = {"nb": "nb", "no": "nb", "nn": "nb", "da": "da", "sv": "sv", "en": "en"}
_DECIMAL_COMMA = frozenset({"nb", "da", "sv"})

_current = DEFAULT
_cache: dict[str, dict[str, str]] = {}


def load_catalogue(lang: str) -> dict[str, str]:
    """All keys of one language, merged from its files (cached)."""
    if lang not in _cache:
        merged: dict[str, str] = {}
        folder = resources.files("fitcli") / "locales" / lang
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".json"):
                merged.update(json.loads(entry.read_text(encoding="utf-8")))
        _cache[lang] = merged
    return _cache[lang]


def set_language(lang: str) -> None:
    global _current
    _current = lang


def current_language() -> str:
    return _current


def from_locale(value: str | None) -> str | None:
    """Map a POSIX locale string (``sv_SE.UTF-8``) to a supported code, or None."""
    if not value:
        return None
    prefix = value.split(".")[0].split("_")[0].split("-")[0].lower()
    return _LOCALE_ALIASES.get(prefix)


def system_language(environ: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        found = from_locale(env.get(var))
        if found:
            return found
        if env.get(var):  # the first variable that is set decides, like gettext
            return None
    return None


def template(key: str, /) -> str:
    """The unfilled text for ``key`` in the current language (English if a catalogue lacks
    it, the key itself if no catalogue has it): ``t(key, **params)`` is
    ``template(key).format(**params)``."""
    text = load_catalogue(_current).get(key)
    if text is None:
        text = load_catalogue(DEFAULT).get(key, key)
    return text


def t(key: str, /, **params: Any) -> str:
    """The text for ``key`` in the current language, English if a catalogue lacks it."""
    text = template(key)
    return text.format(**params) if params else text


def num(value: float | None, decimals: int = 1) -> str:
    """A number for people: decimal comma in nb/da/sv, a dash for missing values."""
    if value is None:
        return "-"
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if _current in _DECIMAL_COMMA else text


def item_labels(form: str, age_group: str) -> list[str]:
    """The four item labels of a form, in the current language (the CORS for children;
    the reference names no child SRS labels, so children's SRS uses the SRS labels)."""
    prefix = "cors" if form == "ors" and age_group == "child" else form
    return [t(f"item.{prefix}.{n}") for n in range(1, 5)]
