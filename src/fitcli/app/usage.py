"""The parser's usage errors in the user's language, from public means only.

Where only an English sentence would say what went wrong (an unknown command, extra
arguments, a missing command) our own command classes notice it first and raise a
``UsageProblem`` with the words from the catalogue (see app/group.py). The parser's other
errors are rebuilt from what the exception carries by its documented attributes: the
parameter (``param``, ``param_hint``), the option name and the suggestions (``option_name``,
``possibilities``), the context (``ctx``) and, for a value, the pydantic error behind it
(``__cause__``); an option given a value it does not take is seen on the command line
(``--json=3``). Anything not recognised is shown as the parser wrote it
(``format_message()``). Imported only when a usage error happens.
"""

from __future__ import annotations

import difflib
import inspect
import re
import typing
from collections.abc import Sequence
from typing import Any

import typer

from fitcli.errors import UsageProblem
from fitcli.i18n import t

# Never suggested for a word that merely looks alike ('rename' is not 'remove').
DESTRUCTIVE = frozenset({"remove"})
# Words people type for a command, suggested when that command exists.
SYNONYMS = {"rename": "edit", "change": "edit", "modify": "edit", "update": "edit",
            "set": "edit", "delete": "remove", "rm": "remove", "erase": "remove",
            "new": "add", "create": "add", "ls": "list", "close": "close", "end": "close"}


def problem(ctx: Any, key: str, /, **params: Any) -> UsageProblem:
    """A usage error of the command of ``ctx``: the message, then where to find help."""
    path = getattr(ctx, "command_path", None) or "fit"
    return UsageProblem("error.usage", message=t(key, **params), command=path)


def no_such_command(ctx: Any, name: str, commands: list[str]) -> UsageProblem:
    """``name`` is none of ``commands``: say so, and suggest what was probably meant."""
    text = t("usage.no_such_command", name=name)
    close = [c for c in difflib.get_close_matches(name, commands) if c not in DESTRUCTIVE]
    meant = SYNONYMS.get(name.lower())
    if meant in commands:  # what the word means, not what it looks like
        close = [meant]
    if close:
        text += " " + t("usage.did_you_mean", names=_quoted(close))
    path = getattr(ctx, "command_path", None) or "fit"
    return UsageProblem("error.usage", message=text, command=path)


def usage_line(exc: Any, args: Sequence[str] = ()) -> str:
    """The parser's message on one line, in the user's language, pointing at --help
    (``args``: the command line it was parsing)."""
    ctx = getattr(exc, "ctx", None)
    path = ctx.command_path if ctx is not None else "fit"
    return t("error.usage", message=usage_message(exc, args), command=path)


def usage_message(exc: Any, args: Sequence[str] = ()) -> str:
    """One translated sentence for a parser error (without the '(see --help)' hint)."""
    try:
        text = _translated(exc, args)
    except Exception:  # never let the translation hide the real problem
        text = None
    return text if text is not None else _original(exc)


# pydantic's prefix on a validator's message, which Typer 0.29 passes on verbatim
_PYDANTIC_PREFIX = re.compile(r"(Value|Assertion) error, ")


def _original(exc: Any) -> str:
    return _PYDANTIC_PREFIX.sub("", " ".join(str(exc.format_message()).split()))


def _translated(exc: Any, args: Sequence[str]) -> str | None:
    if isinstance(exc, typer.BadParameter):
        if exc.__cause__ is None and not getattr(exc, "message", ""):
            return _missing(exc)  # the parser says nothing more when a value is missing
        return _bad_value(exc)
    option = getattr(exc, "option_name", None)
    if isinstance(option, str):
        return _option_misused(exc, option, args)
    return None


def _hint(exc: Any) -> str:
    """How the parser names the parameter: 'ID', '--session', '--age-group'."""
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


def _choices(ctx: Any, param: Any) -> list[str]:
    """The values a parameter allows, from the Literal in its command function's
    annotation (none for a free value)."""
    callback = getattr(getattr(ctx, "command", None), "callback", None)
    name = getattr(param, "name", None)
    if callback is None or not name:
        return []
    hint = typing.get_type_hints(inspect.unwrap(callback)).get(name)
    found: list[str] = []

    def walk(tp: Any) -> None:
        if typing.get_origin(tp) is typing.Literal:
            found.extend(str(v) for v in typing.get_args(tp))
        else:
            for arg in typing.get_args(tp):
                walk(arg)

    walk(hint)
    return found


def _missing(exc: Any) -> str | None:
    param = getattr(exc, "param", None)
    kind = getattr(param, "param_type_name", None)
    if kind not in ("argument", "option"):
        return None
    text = t(f"usage.missing_{kind}", name=_hint(exc))
    choices = _choices(getattr(exc, "ctx", None), param)
    if choices:
        text += " " + t("usage.choose_from", choices=", ".join(choices))
    return text


def _option_misused(exc: Any, name: str, args: Sequence[str]) -> str:
    """An option the command does not have (the parser then offers ``possibilities``), or
    one given a value it does not take (typed ``--json=3``) or given none it needs."""
    if hasattr(exc, "possibilities"):
        text = t("usage.no_such_option", name=name)
        if exc.possibilities:
            text += ". " + t("usage.did_you_mean", names=_quoted(sorted(exc.possibilities)))
        return text
    if any(arg.startswith(f"{name}=") for arg in args):
        return t("usage.option_takes_no_value", name=name)
    return t("usage.option_needs_value", name=name)


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
    choices = _choices(getattr(exc, "ctx", None), getattr(exc, "param", None))
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
