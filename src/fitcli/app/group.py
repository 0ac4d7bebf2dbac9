"""The command classes of `fit`: the root group loads each command when it is asked for, and
every group and command says in the user's language what is wrong with a command line.

They are Typer's documented extension point (``cls=`` of ``typer.Typer``, ``add_typer`` and
``command``), overriding Click's documented hooks: ``list_commands``/``get_command`` (lazy
loading), ``resolve_command`` (an unknown command), ``parse_args`` (no arguments, extra
arguments), ``invoke`` (the end of start-up, app/context.py), ``main`` (the error
boundary, app/boundary.py) and the formatting hooks of a help screen (``format_usage``,
``collect_usage_pieces``, ``format_options``, ``format_commands``: app/help.py).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any, ClassVar

import typer
from typer.core import TyperCommand, TyperGroup


class LocalHelp:
    """The parser's words on a help screen in the user's language (app/help.py). Click calls
    these hooks only to make a help screen or a usage line, never for a command that runs."""

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        from fitcli.app.help import format_usage

        format_usage(self, ctx, formatter)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        from fitcli.app.help import usage_pieces

        return usage_pieces(self, ctx)

    def format_options(self, ctx: Any, formatter: Any) -> None:
        from fitcli.app.help import format_options

        format_options(self, ctx, formatter)


class FitCommand(LocalHelp, TyperCommand):
    """A command whose extra arguments are reported in the user's language. The parser keeps
    them on the context (``allow_extra_args``) and they are refused here, after every
    parameter was read, where the parser itself would have refused them."""

    allow_extra_args = True

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        rest = super().parse_args(ctx, args)
        if ctx.args and not ctx.resilient_parsing:
            from fitcli.app.usage import problem

            raise problem(ctx, "usage.extra_arguments", args=" ".join(map(str, ctx.args)))
        return rest

    def invoke(self, ctx: Any) -> Any:
        from fitcli.app.context import resume_collector

        resume_collector()  # the start-up is over: the body runs as any program would
        return super().invoke(ctx)


class FitGroup(LocalHelp, TyperGroup):
    """A group of commands: without arguments it shows its help (exit 2, no error line); an
    unknown command is named, with the command probably meant."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [*super().collect_usage_pieces(ctx), self.subcommand_metavar]

    def format_options(self, ctx: Any, formatter: Any) -> None:
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        from fitcli.app.help import format_commands

        format_commands(self, ctx, formatter)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args and self.no_args_is_help and not ctx.resilient_parsing:
            from fitcli.app.output import echo

            echo(ctx.get_help())
            raise typer.Exit(2)  # the help is the answer; there is no error to add
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if (name and not name.startswith("-") and not ctx.resilient_parsing
                and self.get_command(ctx, name) is None):
            from fitcli.app.usage import no_such_command

            raise no_such_command(ctx, name, self.list_commands(ctx))
        return super().resolve_command(ctx, args)


class RootGroup(FitGroup):
    """The root `fit` group, with the error boundary around every command. Its commands are
    loaded when first asked for (``lazy``: name -> (module, attribute), a Typer sub-app or a
    command function), so a run imports only the command it runs."""

    lazy: ClassVar[dict[str, tuple[str, str]]] = {}
    _localized = False

    def get_help(self, ctx: Any) -> str:
        """The root's help, in the user's language (its words are looked up only when the
        help is shown: `fit --version` and the commands need none of them)."""
        if not self._localized:
            from fitcli.app.help import localize_help

            self._localized = True
            localize_help(self, deep=False)  # the sub-commands are done as they load
        return str(super().get_help(ctx))

    def list_commands(self, ctx: Any) -> list[str]:
        return [*self.commands, *(name for name in self.lazy if name not in self.commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        found = self.commands.get(cmd_name)
        if found is None and cmd_name in self.lazy:
            found = self._load(cmd_name)
        return found

    def _load(self, name: str) -> Any:
        from fitcli.app.help import localize_help

        module, attribute = self.lazy[name]
        target = getattr(importlib.import_module(module), attribute)
        holder = typer.Typer(rich_markup_mode=None)  # built as the root would build it
        if isinstance(target, typer.Typer):
            target.rich_markup_mode = None  # plain help, as the root's
            holder.add_typer(target, name=name, cls=FitGroup)
        else:
            holder.command(name, cls=FitCommand)(target)
        holder.callback()(lambda: None)  # a group even for one command
        command = typer.main.get_command(holder).commands[name]  # type: ignore[attr-defined]
        localize_help(command, [name])
        self.add_command(command, name)
        return command

    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, prog_name: str | None = None,
        complete_var: str | None = None, standalone_mode: bool = True, **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        from fitcli.app.boundary import guard

        return guard(self, lambda: super(RootGroup, self).main(
            args, prog_name, complete_var, False, **extra), args)


def root_group(commands: dict[str, tuple[str, str]]) -> type[RootGroup]:
    """The root group class that loads ``commands`` on demand."""
    return type("FitRoot", (RootGroup,), {"lazy": dict(commands)})
