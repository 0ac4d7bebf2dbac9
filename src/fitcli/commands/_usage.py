"""The parser's usage errors in the user's language.

Typer's vendored Click raises its errors with English sentences. We rebuild the common ones
from what the exception carries (its class, parameter, option name, possibilities and, for
values, the pydantic error behind it), so the words come from the catalogue; only where Click
keeps nothing but a sentence (extra arguments, unknown command, option arity) is that
sentence matched. Anything not recognised is shown as Click wrote it. Imported only when a
usage error happens.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from fitcli.i18n import t

_EXTRA = re.compile(r"^Got unexpected extra argument(?:\(s\)|s)? \((?P<args>.*)\)$", re.S)
_NO_COMMAND = re.compile(r"^No such command (?P<name>'[^']*'|\"[^\"]*\")")
_NEEDS_VALUE = re.compile(r"requires (an argument|\d+ arguments)")
_TAKES_NO_VALUE = re.compile(r"does not take a value")
# Never suggested for a word that merely looks alike ('rename' is not 'remove').
DESTRUCTIVE = frozenset({"remove"})
# Words people type for a command, suggested when that command exists.
SYNONYMS = {"rename": "edit", "change": "edit", "modify": "edit", "update": "edit",
            "set": "edit", "delete": "remove", "rm": "remove", "erase": "remove",
            "new": "add", "create": "add", "ls": "list", "close": "close", "end": "close"}


def usage_message(exc: Any) -> str:
    """One translated sentence for a parser error (without the '(see --help)' hint)."""
    try:
        text = _translated(exc)
    except Exception:  # never let the translation hide the real problem
        text = None
    return text if text is not None else _original(exc)


# pydantic's prefix on a validator's message, which Typer 0.29 passes on verbatim
_PYDANTIC_PREFIX = re.compile(r"(Value|Assertion) error, ")


def _original(exc: Any) -> str:
    return _PYDANTIC_PREFIX.sub("", " ".join(str(exc.format_message()).split()))


def _hint(exc: Any) -> str:
    """How Click names the parameter: 'ID', '--session', '--age-group'."""
    hint = getattr(exc, "param_hint", None)
    if hint is None and getattr(exc, "param", None) is not None:
        return str(exc.param.get_error_hint())
    if isinstance(hint, str):
        return hint
    if hint:
        return " / ".join(repr(x) for x in hint)
    return ""


def _quoted(names: list[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def _choices(param: Any) -> list[str]:
    descriptor = getattr(param, "type_descriptor", None)
    choices = getattr(descriptor, "choices", None) if descriptor is not None else None
    return [str(c) for c in choices or ()]


def _translated(exc: Any) -> str | None:
    kind = type(exc).__name__
    if kind == "MissingParameter":
        return _missing(exc)
    if kind == "NoSuchOption":
        text = t("usage.no_such_option", name=exc.option_name)
        if exc.possibilities:
            text += ". " + t("usage.did_you_mean", names=_quoted(sorted(exc.possibilities)))
        return text
    if kind == "BadOptionUsage":
        message = str(getattr(exc, "message", ""))
        needs = _NEEDS_VALUE.search(message)
        if needs:
            return t("usage.option_needs_value", name=exc.option_name)
        if _TAKES_NO_VALUE.search(message):
            return t("usage.option_takes_no_value", name=exc.option_name)
        return None
    if kind == "BadParameter":
        return _bad_value(exc)
    if kind in ("UsageError", "BadArgumentUsage"):
        return _plain_usage(exc)
    return None


def _missing(exc: Any) -> str | None:
    param = getattr(exc, "param", None)
    param_type = exc.param_type or (param.param_type_name if param is not None else None)
    if param_type not in ("argument", "option"):
        return None
    text = t(f"usage.missing_{param_type}", name=_hint(exc))
    choices = _choices(param)
    if choices:
        text += " " + t("usage.choose_from", choices=", ".join(choices))
    return text


def _bad_value(exc: Any) -> str | None:
    """'Invalid value for X: ...', with the reason rebuilt from the pydantic error."""
    name = _hint(exc)
    if not name:
        return None
    cause = exc.__cause__
    errors = cause.errors() if hasattr(cause, "errors") else []
    if not errors:
        return None
    error = errors[0]
    value = error.get("input")
    context = error.get("ctx") or {}
    kind = error.get("type")
    reason: str | None = None
    choices = _choices(getattr(exc, "param", None))
    if choices and kind in ("literal_error", "enum", "value_error"):
        reason = t("usage.not_a_choice", value=value, choices=_quoted(choices))
    elif kind == "int_parsing" or kind == "int_from_float":
        reason = t("usage.not_an_integer", value=value)
    elif kind == "float_parsing":
        reason = t("usage.not_a_number", value=value)
    elif kind in ("greater_than_equal", "greater_than"):
        bound = context.get("ge", context.get("gt"))
        reason = t(f"usage.{'at_least' if kind == 'greater_than_equal' else 'above'}",
                   value=value, limit=bound)
    elif kind in ("less_than_equal", "less_than"):
        bound = context.get("le", context.get("lt"))
        reason = t(f"usage.{'at_most' if kind == 'less_than_equal' else 'below'}",
                   value=value, limit=bound)
    elif kind in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        reason = t("usage.not_a_date", value=value)
    elif kind in ("bool_parsing",):
        reason = t("usage.not_a_bool", value=value)
    if reason is None:
        return None
    return t("usage.invalid_value", name=name, reason=reason)


def _plain_usage(exc: Any) -> str | None:
    """Errors Click raises with a sentence only: match the sentence, reuse its values."""
    message = str(getattr(exc, "message", "")).strip()
    extra = _EXTRA.match(message)
    if extra:
        return t("usage.extra_arguments", args=extra.group("args"))
    unknown = _NO_COMMAND.match(message)
    if unknown:
        name = unknown.group("name")[1:-1]
        text = t("usage.no_such_command", name=name)
        ctx = getattr(exc, "ctx", None)
        group = getattr(ctx, "command", None)
        listing = getattr(group, "list_commands", None)  # the root loads commands lazily
        commands = (list(listing(ctx)) if listing is not None
                    else list(getattr(group, "commands", {}) or {}))
        close = [c for c in difflib.get_close_matches(name, commands) if c not in DESTRUCTIVE]
        meant = SYNONYMS.get(name.lower())
        if meant in commands:  # what the word means, not what it looks like
            close = [meant]
        if close:
            text += " " + t("usage.did_you_mean", names=_quoted(close))
        return text
    if message.startswith("Missing command"):
        return t("usage.missing_command")
    return None
