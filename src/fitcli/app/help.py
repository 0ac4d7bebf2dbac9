"""Help screens in the user's language, with the parameters shown as people type them.

Two kinds of words are on a help screen:

- The texts of fit itself, a command's and a parameter's help: ``localize_help`` sets them
  from the catalogue on the documented ``help`` attributes when a command is built, so shell
  completion describes commands and options in the user's language as well.
- The parser's own words and its layout of a parameter. Our command classes (app/group.py)
  override Click's documented formatting hooks, which run only when a help screen (or a
  usage line) is made, and call the functions here:

  ``format_usage``
      ``write_usage`` with the translated prefix ("Usage: ").
  ``collect_usage_pieces``
      The ``[OPTIONS]`` piece, shown when the command's ``options_metavar`` is set (fit never
      sets another one), then the arguments as typed: ``ID``, ``[PREFIX]``,
      ``[I1 I2 I3 I4]...``, never Typer's ``{ID}``.
  ``format_options``
      The "Arguments" and "Options" sections, one row per parameter. An option's name column
      is the first part of its public ``get_help_record(ctx)`` (its flags and metavar; every
      option that takes a value declares a metavar, so no type label like ``<str>`` is
      shown); an argument's is its metavar, as in the usage line (Typer's record appends a
      type label to it).
  ``format_commands``
      The "Commands" section of a group.

The help column of a row is built here, not taken from ``get_help_record``: Typer words the
bracketed part after the help text ("[default: x; 1<=x<=999; required]") in English inside
that method, and offers no hook or per-call setting for those words (its ``gettext`` calls
read the process-wide default domain, which would mean English sentences as catalogue keys
and a global side effect). So the bracket is made from the parameter's public attributes, as
Typer makes it for the parameters fit has: the default (``show_default``, or the context's,
and ``get_default(ctx, call=False)``; never for a flag, whose default is its absence; none
when there is no value), the allowed range (``min``/``max``, in Typer's notation), and
``required``; "default" and "required" come from the catalogue. The help option's own text
("Show this message and exit.") is worded here too, for the option that
``get_help_option(ctx)`` returns: that option is made for every command line the parser
reads, so wording it there would read the catalogue on every run, not only for help.
"""

from __future__ import annotations

from typing import Any

from fitcli import i18n
from fitcli.i18n import t


def localize_help(root: Any, at: list[str] | None = None, *, deep: bool = True) -> None:
    """Every help text in the user's language: a command's help from ``help.<path>`` (the
    root's from ``help.fit``), a parameter's from ``help.<path>.<name>`` or the shared
    ``help.param.<name>``; where the catalogue has no text the English of the code stays.
    ``deep=False``: this command only, not its sub-commands."""
    def walk(command: Any, path: list[str]) -> None:
        key = "help." + (".".join(path) if path else "fit")
        text = i18n.translated(key)
        if text is not None:
            command.help = text
            command.short_help = None
        for param in command.params:
            name = param.name or ""
            found = i18n.translated(f"{key}.{name}") or i18n.translated(f"help.param.{name}")
            if found is not None and hasattr(param, "help"):
                param.help = found
        for name, sub in getattr(command, "commands", {}).items() if deep else ():
            walk(sub, [*path, name])

    walk(root, at or [])


def format_usage(command: Any, ctx: Any, formatter: Any) -> None:
    """The usage line: 'Usage: fit ors [OPTIONS] ID [I1 I2 I3 I4]...'."""
    pieces = command.collect_usage_pieces(ctx)
    formatter.write_usage(ctx.command_path, " ".join(pieces),
                          prefix=t("help.heading.usage") + ": ")


def usage_pieces(command: Any, ctx: Any) -> list[str]:
    """The usage line after the command's name: options, then each argument as typed."""
    pieces = [t("help.phrase.options")] if command.options_metavar else []
    return pieces + [_usage_piece(param) for param in command.get_params(ctx)
                     if param.param_type_name == "argument"]


def format_options(command: Any, ctx: Any, formatter: Any) -> None:
    """The sections of arguments and options, each parameter with its help and, in
    brackets, its default, range and whether it is required."""
    help_option = command.get_help_option(ctx)
    rows: dict[str, list[tuple[str, str]]] = {"argument": [], "option": []}
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:  # a hidden parameter
            continue
        kind = param.param_type_name
        name = record[0] if kind == "option" else _label(param)
        text = t("help.phrase.help") if param is help_option else param.help or ""
        extra = _extra(param, ctx)
        rows[kind].append((name, f"{text}  {extra}" if text and extra else text or extra))
    for kind, heading in (("argument", "help.heading.arguments"),
                          ("option", "help.heading.options")):
        if rows[kind]:
            with formatter.section(t(heading)):
                formatter.write_dl(rows[kind])


def format_commands(group: Any, ctx: Any, formatter: Any) -> None:
    """The section of a group's commands, each with the start of its help."""
    commands = [(name, command) for name in group.list_commands(ctx)
                if (command := group.get_command(ctx, name)) is not None
                and not command.hidden]
    if commands:
        limit = formatter.width - 6 - max(len(name) for name, _ in commands)
        with formatter.section(t("help.heading.commands")):
            formatter.write_dl([(name, command.get_short_help_str(limit))
                                for name, command in commands])


def _label(param: Any) -> str:
    """An argument as the help names it: its metavar, else its name in capitals."""
    return str(param.metavar or (param.name or "").upper())


def _usage_piece(param: Any) -> str:
    """An argument in the usage line: ``ID``; ``[ID]`` when it may be left out (unless its
    metavar has the brackets already); ``...`` after one that takes several values."""
    label = _label(param)
    shown = label if param.required or label.startswith("[") else f"[{label}]"
    return shown + ("..." if param.nargs != 1 else "")


def _extra(param: Any, ctx: Any) -> str:
    """'[default: x; 1<=x<=999; required]', the parts a parameter has, or ''."""
    parts = []
    default = _default(param, ctx)
    if default:
        parts.append(t("help.phrase.default", default=default))
    low, high = param.min, param.max
    if low is not None and high is not None:
        parts.append(f"{low}<=x<={high}")
    elif low is not None:
        parts.append(f"x>={low}")
    elif high is not None:
        parts.append(f"x<={high}")
    if param.required:
        parts.append(t("help.phrase.required"))
    return f"[{'; '.join(parts)}]" if parts else ""


def _default(param: Any, ctx: Any) -> str:
    """The default a parameter shows, or '' (a flag's default is its absence)."""
    if getattr(param, "is_flag", False) or not (param.show_default or ctx.show_default):
        return ""
    value = param.get_default(ctx, call=False)
    return "" if value is None else str(value)
