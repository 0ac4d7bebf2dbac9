"""Message catalogues: every word a user reads comes from here.

Catalogues are gettext files, ``fitcli/locales/<lang>/LC_MESSAGES/fitcli.po`` (translators'
tools read and write them) compiled to ``fitcli.mo``, which is what is read here, with the
standard library's ``gettext``, lazily. The msgid is a dotted key; ``{name}`` placeholders are
filled with ``str.format``. Messages that print a count have plural forms: the header field
``X-Fitcli-Plural-Params`` names each one's count parameter, so ``t("flags.none", clients=1)``
picks the singular. ``tools/catalogues.py`` builds the files (see its docstring).

Item labels can be overridden per language and form by the user's ``labels.toml`` (beside the
config file), so they match the wording of the licensed form in use.
"""

from __future__ import annotations

import io
import os
import struct
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fitcli.errors import StoreProblem

if TYPE_CHECKING:  # gettext and importlib.resources load when a catalogue is first read
    import gettext

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
_pending: Callable[[], str] | None = None  # chooses the language when a word is first needed
_cache: dict[str, dict[str, str]] = {}
_translations: dict[str, gettext.NullTranslations] = {}
_plural_params: dict[str, dict[str, str]] = {}
DOMAIN = "fitcli"
PLURAL_HEADER = "x-fitcli-plural-params"  # gettext's info() gives header names lower case
# Parameters worded with a count.<noun> entry inside a longer message ("3 klienter").
COUNTED = {"clients_created": "count.clients", "meetings_added": "count.meetings"}
_label_file: Callable[[], Path] | None = None
_label_overrides: dict[str, dict[str, list[str]]] | None = None
_label_generation = 0


def mo_file(lang: str) -> Any:
    """The compiled catalogue of one language (a resource inside the package)."""
    from importlib import resources

    return resources.files("fitcli") / "locales" / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def translations(lang: str) -> gettext.NullTranslations:
    """The gettext catalogue of ``lang`` (cached); an empty one if the language has none."""
    found = _translations.get(lang)
    if found is None:
        import gettext

        try:
            data = mo_file(lang).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            data = b""
        found = (gettext.GNUTranslations(io.BytesIO(data)) if data
                 else gettext.NullTranslations())
        _translations[lang] = found
        raw = found.info().get(PLURAL_HEADER, "")
        pairs = (item.strip().partition("=") for item in raw.split(",") if item.strip())
        _plural_params[lang] = {key: param for key, _, param in pairs}
    return found


def plural_params(lang: str) -> dict[str, str]:
    """Key -> the parameter that holds its count, for the messages with plural forms."""
    translations(lang)
    return _plural_params[lang]


def read_mo(data: bytes) -> dict[str, str | list[str]]:
    """Every message of a .mo file (GNU gettext's documented format): key -> text, or the
    list of plural forms. For checks of the catalogues; lookups go through ``gettext``."""
    if not data:
        return {}
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    _, count, ids_at, strs_at = struct.unpack(order + "4I", data[4:20])
    found: dict[str, str | list[str]] = {}
    for n in range(count):
        id_len, id_pos = struct.unpack(order + "2I", data[ids_at + 8 * n: ids_at + 8 * n + 8])
        s_len, s_pos = struct.unpack(order + "2I", data[strs_at + 8 * n: strs_at + 8 * n + 8])
        msgid = data[id_pos:id_pos + id_len].decode("utf-8")
        text = data[s_pos:s_pos + s_len].decode("utf-8")
        if not msgid:
            continue  # the header
        if "\0" in msgid:
            found[msgid.split("\0")[0]] = text.split("\0")
        else:
            found[msgid] = text
    return found


def load_catalogue(lang: str) -> dict[str, str]:
    """All keys of one language: the text, or for a message with plural forms its general
    (plural) form (cached)."""
    if lang not in _cache:
        try:
            data = mo_file(lang).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            data = b""
        _cache[lang] = {key: text if isinstance(text, str) else text[-1]
                        for key, text in read_mo(data).items()}
    return _cache[lang]


def plural_forms(lang: str) -> dict[str, list[str]]:
    """The messages of ``lang`` that have plural forms: key -> forms."""
    try:
        data = mo_file(lang).read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return {}
    return {k: v for k, v in read_mo(data).items() if isinstance(v, list)}


def set_language(lang: str) -> None:
    global _current, _pending
    _current, _pending = lang, None


def choose_when_needed(choose: Callable[[], str]) -> None:
    """The language is ``choose()``, called when the first word is needed: a run that says
    nothing (`fit --version`) never reads the config file for it."""
    global _pending
    _pending = choose


def current_language() -> str:
    global _current, _pending
    if _pending is not None:
        choose, _pending = _pending, None
        _current = choose()
    return _current


@contextmanager
def in_language(lang: str) -> Iterator[None]:
    """Words in ``lang`` for a moment, e.g. English messages inside JSON, which must be the
    same whatever language the user reads."""
    global _current
    before = current_language()
    _current = lang
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


def _lookup(key: str, count: int | None = None) -> str | None:
    """The text of ``key`` in the current language, else English, else None; ``count``
    chooses among plural forms."""
    for lang in (current_language(), DEFAULT):
        catalogue = translations(lang)
        text = catalogue.gettext(key) if count is None else catalogue.ngettext(key, key, count)
        if text != key:
            return text
    return None


def _param(name: str, value: Any) -> Any:
    """A parameter as people read it: floats with the language's decimal mark, and a word
    the code passes as data (``what="item"``) translated when the catalogue has
    ``param.<name>.<value>``; anything else (IDs, paths, numbers typed by the user) as is."""
    if isinstance(value, float):
        return num(value, None)
    if isinstance(value, int) and not isinstance(value, bool) and name in COUNTED:
        return t(COUNTED[name], n=value)
    if isinstance(value, str) and value:
        word = _lookup(f"param.{name}.{value}")
        if word is not None:
            return word
    return value


def translated(key: str, /) -> str | None:
    """The text of ``key`` in the current language only, or None (help texts: the English
    of the code stays where a language has none)."""
    text = translations(current_language()).gettext(key)
    return None if text == key else text


def template(key: str, /) -> str:
    """The unfilled text for ``key`` in the current language (English if a catalogue lacks
    it, the key itself if no catalogue has it). ``t`` fills it; callers that fill it
    themselves (hot loops) must pass numbers already worded with ``num``."""
    text = _lookup(key)
    return key if text is None else text


def t(key: str, /, **params: Any) -> str:
    """The text for ``key`` in the current language, English if a catalogue lacks it; the
    plural form that fits its count when the message has plural forms."""
    if not params:
        return template(key)
    counted = plural_params(current_language()).get(key)  # every language has the same plurals
    count = params.get(counted) if counted else None
    if isinstance(count, int) and not isinstance(count, bool):
        found = _lookup(key, count)
        text = key if found is None else found
    else:
        text = template(key)
    return text.format(**{name: _param(name, value) for name, value in params.items()})


def decimal_mark() -> str:
    """The decimal mark of the current language: ',' in nb, da and sv, '.' in en."""
    return "," if current_language() in _DECIMAL_COMMA else "."


def num(value: float | None, decimals: int | None = 1) -> str:
    """A number for people: decimal comma in nb/da/sv, a dash for missing values.

    ``decimals=None`` shows the value as it is (``7.75``, ``25.0``), for settings and limits.
    """
    if value is None:
        return "-"
    text = repr(float(value)) if decimals is None else f"{value:.{decimals}f}"
    return text.replace(".", ",") if current_language() in _DECIMAL_COMMA else text


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
    custom = label_overrides().get(current_language(), {})
    for candidate in (("csrs", "srs") if form == "srs" and child else (prefix,)):
        if candidate in custom:
            return list(custom[candidate])
    return [t(f"item.{prefix}.{n}") for n in range(1, ITEMS + 1)]
