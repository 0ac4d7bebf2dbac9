"""Help screens in the user's language, with the parameters shown as people type them."""

from __future__ import annotations

from typing import Any

from fitcli import i18n
from fitcli.i18n import t


def localize_help(root: Any, at: list[str] | None = None, *, deep: bool = True) -> None:
    """Every help text in the user's language: a command's help from ``help.<path>`` (the
    root's from ``help.fit``), a parameter's from ``help.<path>.<name>`` or the shared
    ``help.param.<name>``; where the catalogue has no text the English of the code stays.
    Also plain metavars: no ``<str>``/``<bool>`` type labels, no braces in the usage line.
    ``deep=False``: this command only, not its sub-commands."""
    def walk(command: Any, path: list[str]) -> None:
        key = "help." + (".".join(path) if path else "fit")
        text = i18n.translated(key)
        if text is not None:
            command.help = text
            command.short_help = None
        for param in command.params:
            _plain_metavar(param)
            name = param.name or ""
            found = i18n.translated(f"{key}.{name}") or i18n.translated(f"help.param.{name}")
            if found is not None and hasattr(param, "help"):
                param.help = found
        _translated_headings(command)
        for name, sub in getattr(command, "commands", {}).items() if deep else ():
            walk(sub, [*path, name])

    walk(root, at or [])


# The parser's own words in a help screen, and their catalogue keys.
_HEADINGS = (("Usage:", "help.heading.usage"), ("Arguments:", "help.heading.arguments"),
             ("Options:", "help.heading.options"), ("Commands:", "help.heading.commands"))
_PHRASES = (("Show this message and exit.", "help.phrase.help"),
            ("[required]", "help.phrase.required"), ("[default: ", "help.phrase.default"),
            ("[OPTIONS]", "help.phrase.options"))


def _translated_headings(command: Any) -> None:
    """The parser's headings (Usage, Options, ...) and its few phrases in the user's
    language too: the help text is made by the parser, then its own words are replaced.
    Where a later parser words them differently, the help stays correct, in English there."""
    made = command.get_help

    def get_help(ctx: Any) -> str:
        text = str(made(ctx))
        if i18n.current_language() == i18n.DEFAULT:
            return text
        lines = text.split("\n")
        for n, line in enumerate(lines):
            for english, key in _HEADINGS:
                if line.startswith(english):
                    lines[n] = t(key) + line[len(english):]
        text = "\n".join(lines)
        for english, key in _PHRASES:
            text = text.replace(english, t(key))
        return text

    command.get_help = get_help


def _plain_metavar(param: Any) -> None:
    """The parameter as people type it: ``ID``, ``[I1 I2 I3 I4]...``, never ``{ID}`` or a
    type label like ``<str>`` (the parser's defaults in this Typer version)."""
    kind = getattr(param, "param_type_name", "")
    if (kind == "option" and param.metavar is None and not getattr(param, "is_flag", False)
            and not getattr(param, "is_bool_flag", False)):
        param.metavar = "TEXT"  # not the parser's type label (<str>)
    if kind == "argument":
        param.display_type = lambda ctx: None
        param.display_type_rich = lambda ctx: None
        label = param.metavar or (param.name or "").upper()
        shown = label if param.required or label.startswith("[") else f"[{label}]"
        piece = shown + ("..." if param.nargs != 1 else "")
        param.get_usage_pieces = lambda ctx: [piece]
