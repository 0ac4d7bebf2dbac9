"""What every command shares: the run-time context, the error boundary, output helpers.

The boundary (``FitGroup.main``) is the one place where errors become words and exit codes:
fitcli errors, model refusals and the parser's usage errors all end as one translated line
``Error: ...`` on stderr, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import errno
import io
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import typer
from typer.core import TyperGroup

from fitcli import i18n, writes
from fitcli.errors import (
    EXIT_INTERNAL,
    EXIT_STORE,
    FitcliError,
    InvalidData,
    NotFound,
    OutputFailed,
    StoreProblem,
    UsageProblem,
)
from fitcli.i18n import t
from fitcli.model.problems import DomainError
from fitcli.render.safe import json_safe, printable

if TYPE_CHECKING:  # loaded by the commands that use them, not by `fit --version`
    from fitcli import config as config_file
    from fitcli.store import Store

STORE_ENV = "FIT_STORE"
LANG_ENV = "FIT_LANG"
TODAY_ENV = "FIT_TODAY"  # fixes "today" (ISO date) for tests and training sessions
EXIT_INTERRUPTED = 130  # Ctrl-C, or Ctrl-D at a prompt: the shell's code for SIGINT


@dataclass
class Runtime:
    store_option: Path | str | None = None
    _config: config_file.Config | None = field(default=None, repr=False)
    _store: Store | None = field(default=None, repr=False)

    def store_location(self) -> str | Path:
        """--store, then FIT_STORE, then the platform's user data folder: a PostgreSQL URL
        as given, or a folder made absolute, so messages and `fit store path` name it
        unambiguously."""
        for raw in (self.store_option, os.environ.get(STORE_ENV)):
            if raw is None or not str(raw).strip():
                continue
            from fitcli.store import is_database_url

            if isinstance(raw, str) and is_database_url(raw):
                return raw.strip()
            return Path(raw).expanduser().absolute()
        import platformdirs

        return platformdirs.user_data_path("fitcli", appauthor=False).absolute()

    def store_dir(self) -> Path:
        """The store folder in use (a command that works on a folder only: on a team
        database it says so, exit 5)."""
        location = self.store_location()
        if isinstance(location, Path):
            return location
        return self.store().root

    def store(self) -> Store:
        """The store of this command, opened once (one database connection per command)."""
        if self._store is None:
            from fitcli.store import open_store

            self._store = open_store(self.store_location())
        return self._store

    def config(self) -> config_file.Config:
        if self._config is None:
            from fitcli import config as config_file

            self._config = config_file.load()
        return self._config


RUNTIME = Runtime()
PRACTITIONER_ENV = "FIT_PRACTITIONER"


def start(store_option: Path | str | None, lang_option: str | None) -> None:
    """Called by the root callback before every command: fresh state, language chosen."""
    global RUNTIME
    close_store()
    if isinstance(store_option, str) and not store_option.strip():
        # Path("") is the current folder: a store there by accident is worse than an error
        raise UsageProblem("error.store_empty")
    RUNTIME = Runtime(store_option=store_option)
    from fitcli import config as config_file

    i18n.use_label_file(config_file.labels_path)
    i18n.set_language(choose_language(lang_option))


def close_store(st: Store | None = None) -> None:
    """Close a database store's connection (``st``, else this command's store, if opened)."""
    close = getattr(RUNTIME._store if st is None else st, "close", None)
    if close is not None:
        close()


def store(*, create: bool = False) -> Store:
    """The store chosen by --store, FIT_STORE, or the platform's user data folder (or a team
    database by its URL).

    A folder that does not exist is an error (exit 5), unless the command creates one
    (``create=True``): a mistyped or unmounted store must never look like an empty caseload.
    A path that is a file is an error for every command."""
    chosen = RUNTIME.store()

    if chosen.folder is not None:  # a database says for itself whether it can be reached
        check_store_folder(chosen.folder, create=create)
    return chosen


def check_store_folder(root: Path, *, create: bool = False) -> None:
    """Refuse a store path that is a file, or a missing folder unless ``create``."""
    if root.exists():
        if not root.is_dir():
            raise StoreProblem("error.store_not_folder", path=str(root))
    elif not create:
        raise StoreProblem("error.store_missing", path=str(root))


def settings() -> config_file.Config:
    return RUNTIME.config()


def practitioner() -> str | None:
    """Who is working: FIT_PRACTITIONER, then the config setting ``practitioner``, then on a
    team database the login role; None in a store folder where none is set."""
    from fitcli.model.ids import validate_practitioner

    env = os.environ.get(PRACTITIONER_ENV)
    if env is not None and env.strip():
        try:
            return validate_practitioner(env)
        except DomainError as exc:
            raise domain(exc) from None
    try:
        configured = settings().get("practitioner")
    except FitcliError:
        configured = None  # logging works with a broken config; `fit config` reports it
    if isinstance(configured, str) and configured:
        return configured
    login = getattr(RUNTIME.store(), "login", None)  # a database store: current_user
    return str(login()) if login is not None else None


def choose_language(option: str | None) -> str:
    """--lang, then FIT_LANG, then the config setting ``lang``, then the locale, then en."""
    for raw in (option, os.environ.get(LANG_ENV)):
        if raw is not None and raw.strip():
            code = i18n.explicit_code(raw)
            if code is None:
                # Said in the language the user would get without the bad code.
                i18n.set_language(_fallback_language())
                raise UsageProblem("error.lang_unknown", value=raw,
                                   supported=", ".join(i18n.SUPPORTED))
            return code
    return _fallback_language()


def _fallback_language() -> str:
    try:
        configured = RUNTIME.config().get("lang")
    except FitcliError:
        configured = None  # a broken config is reported by the commands that read it
    if isinstance(configured, str):
        return configured
    return i18n.system_language() or i18n.DEFAULT


def today() -> dt.date:
    """Today's local date, or FIT_TODAY when set (tests, training with a fixed calendar)."""
    fixed = os.environ.get(TODAY_ENV)
    if fixed:
        return iso_date(fixed)
    return dt.date.today()


def now() -> dt.datetime:
    """The current time (UTC, whole seconds), on FIT_TODAY's date when that is set, so a
    training calendar stays consistent (corrections are not dated after "today")."""
    current = dt.datetime.now(dt.UTC).replace(microsecond=0)
    if os.environ.get(TODAY_ENV):
        return dt.datetime.combine(today(), current.timetz())
    return current


def parse_date(raw: str | None) -> dt.date | None:
    """A typed date: ISO ``YYYY-MM-DD`` or day first ``DD.MM.YYYY``, as import reads them
    (never month first: no guessing between 03/04 orders)."""
    if raw is None:
        return None
    return iso_date(raw)


def iso_date(raw: str) -> dt.date:
    """Parse ``YYYY-MM-DD`` or ``DD.MM.YYYY`` (a real calendar date) or raise
    ``error.date_format``."""
    from fitcli.model.dates import parse_day

    day = parse_day(raw)
    if day is None:
        raise UsageProblem("error.date_format", value=raw)
    return day


def domain(exc: DomainError) -> FitcliError:
    """A model refusal as the project's error (and so its exit code)."""
    if exc.kind == "not_found":
        return NotFound(exc.key, **exc.params)
    return InvalidData(exc.key, **exc.params)


def stdin_is_terminal() -> bool:
    """True when a person can answer prompts (tests replace this to simulate one)."""
    return sys.stdin.isatty()


def confirm(question: str) -> bool:
    """Ask a yes/no question on stderr; the answer words follow the language (j/ja in nb, da
    and sv), English y/yes always works, and an empty answer is no."""
    yes = {w.strip().lower() for w in f"{t('confirm.yes')},y,yes".split(",")}
    no = {w.strip().lower() for w in f"{t('confirm.no')},n,no".split(",")}
    while True:
        answer = str(typer.prompt(f"{question} [{t('confirm.hint')}]", default="",
                                  show_default=False, err=True)).strip().lower()
        if answer in yes:
            return True
        if not answer or answer in no:
            return False
        sys.stderr.write(t("confirm.again") + "\n")


def echo(text: str = "") -> None:
    """A line (or lines) of plain text on stdout; data in it never reaches the terminal as
    control characters (see render/safe.py)."""
    sys.stdout.write(printable(text, lines=True) + "\n")


def emit_json(data: Any) -> None:
    sys.stdout.write(json_safe(json.dumps(data, ensure_ascii=False)) + "\n")


def fail_line(message: str) -> None:
    """``Error: message`` on stderr, on one line: anything unprintable in the data it quotes
    (a CSV cell, a file name) is shown escaped."""
    sys.stderr.write(f"{t('error.prefix')} {printable(message)}\n")


class FitGroup(TyperGroup):
    """The root command group, with the error boundary around every command. Its commands
    are loaded when first asked for (``lazy``: name -> (module, attribute), a Typer sub-app
    or a command function), so a run imports only the command it runs."""

    lazy: ClassVar[dict[str, tuple[str, str]]] = {}

    def list_commands(self, ctx: Any) -> list[str]:
        return [*self.commands, *(name for name in self.lazy if name not in self.commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        found = self.commands.get(cmd_name)
        if found is None and cmd_name in self.lazy:
            found = self._load(cmd_name)
        return found

    def _load(self, name: str) -> Any:
        import importlib

        module, attribute = self.lazy[name]
        target = getattr(importlib.import_module(module), attribute)
        holder = typer.Typer(rich_markup_mode=None)  # built as the root would build it
        if isinstance(target, typer.Typer):
            target.rich_markup_mode = None  # plain help, as the root's
            holder.add_typer(target, name=name)
        else:
            holder.command(name)(target)
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
        try:
            return self._boundary(args, prog_name, complete_var, **extra)
        except KeyboardInterrupt:  # Ctrl+C while an error was being reported
            sys.stderr.write("\n" + t(_aborted_key()) + "\n")
            sys.exit(EXIT_INTERRUPTED)

    def _boundary(self, args: Sequence[str] | None, prog_name: str | None,
                  complete_var: str | None, **extra: Any) -> Any:
        try:
            _python_handles_ctrl_c()
            _closed_streams_fail_loudly()
            _utf8_when_redirected()
            writes.forget_writes()
            try:  # parser errors before the root callback runs are in the user's language too
                i18n.set_language(choose_language(
                    _lang_in(sys.argv[1:] if args is None else args)))
            except FitcliError:
                i18n.set_language(i18n.DEFAULT)  # a bad code is reported by the root callback
            localize_help(self)  # ~0.5 ms: the catalogue is loaded for the output anyway
            try:
                result = super().main(args, prog_name, complete_var, False, **extra)
            finally:
                close_store()  # a database connection ends with its command
            _flush_stdout()
        except OutputFailed as exc:
            _stdout_to_nowhere()
            fail_line(t(exc.key, **exc.params))
            sys.exit(exc.exit_code)
        except FitcliError as exc:
            fail_line(t(exc.key, **exc.params))
            sys.exit(exc.exit_code)
        except DomainError as exc:
            err = domain(exc)
            fail_line(t(err.key, **err.params))
            sys.exit(err.exit_code)
        except KeyboardInterrupt:
            sys.stderr.write("\n" + t(_aborted_key()) + "\n")
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            _stdout_to_nowhere()
            sys.exit(0)
        except Exception as exc:
            failed = _output_failure(exc)
            if failed is not None:
                _stdout_to_nowhere()
                fail_line(t(failed.key, **failed.params))
                sys.exit(failed.exit_code)
            if isinstance(exc, OSError) and exc.filename is not None:
                # a file or folder fit could not reach (no permission, gone, not a folder):
                # the store's own problems are StoreProblem already; this is the safety net
                fail_line(t("error.file_access", path=str(exc.filename),
                            reason=exc.strerror or str(exc)))
                sys.exit(EXIT_STORE)
            if type(exc).__name__ == "NoArgsIsHelpError":
                ctx = getattr(exc, "ctx", None)
                if ctx is not None and _plain_help(self):  # rich help prints itself
                    echo(ctx.get_help())
                sys.exit(2)  # the help is the answer; there is no error to add
            if _is_usage_error(exc):
                line = _usage_line(exc)
                if line:  # empty for "no arguments": the help was printed instead
                    fail_line(line)
                sys.exit(int(getattr(exc, "exit_code", 2)))
            if type(exc).__name__ == "Abort":  # Ctrl-C or end of input at a prompt
                sys.stderr.write("\n" + t(_aborted_key()) + "\n")
                sys.exit(EXIT_INTERRUPTED)
            if os.environ.get("FIT_DEBUG"):
                raise
            fail_line(t("error.internal", kind=type(exc).__name__))
            sys.exit(EXIT_INTERNAL)
        sys.exit(result if isinstance(result, int) else 0)


def _aborted_key() -> str:
    """Ctrl+C: "nothing was written" only when that is true."""
    return "error.aborted_after_save" if writes.wrote_anything() else "error.aborted"


def _python_handles_ctrl_c() -> None:
    """From here on Ctrl+C is KeyboardInterrupt again (see fitcli/_entry.py), so that the
    code it interrupts cleans up and this boundary reports it."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return
    current = signal.getsignal(signal.SIGINT)
    if getattr(current, "__name__", "") == "abort_before_start":
        signal.signal(signal.SIGINT, signal.default_int_handler)


class _ClosedStream(io.TextIOBase):
    """Standard output or error that the caller closed (``fit ... >&-``): Python then has
    None there. Writing fails like a write to a closed descriptor, so the boundary reports
    it instead of crashing on None."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))


def _closed_streams_fail_loudly() -> None:
    if sys.stdout is None:
        sys.stdout = _ClosedStream()
    if sys.stderr is None:  # nowhere to report anything: the exit code says it
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115


def _flush_stdout() -> None:
    try:
        sys.stdout.flush()
    except (OSError, ValueError) as exc:
        failed = _output_failure(exc)
        if failed is None:
            raise
        raise failed from None


def _output_failure(exc: BaseException) -> OutputFailed | None:
    """``exc`` as the failure to write standard output it is, or None. A store or file
    problem never arrives here as a bare OSError with no file name (the store turns its own
    into StoreProblem); one writing to stdout does."""
    if isinstance(exc, ValueError) and "closed file" in str(exc):
        reason = str(exc)
    elif isinstance(exc, OSError) and exc.filename is None and exc.errno in _OUTPUT_ERRNOS:
        reason = exc.strerror or str(exc)
    else:
        return None
    key = "error.output_after_save" if writes.wrote_anything() else "error.output_failed"
    return OutputFailed(key, reason=reason)


_OUTPUT_ERRNOS = frozenset(
    getattr(errno, name) for name in ("ENOSPC", "EBADF", "EIO", "EPIPE", "EDQUOT", "EFBIG",
                                      "EINVAL", "ENXIO", "EROFS") if hasattr(errno, name))


def _stdout_to_nowhere() -> None:
    """After output failed, what is still buffered would fail again when Python exits
    (a second message, exit 120): send the rest to the null device."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass
def _plain_help(root: Any) -> bool:
    return getattr(root, "rich_markup_mode", None) is None


def localize_help(root: Any, at: list[str] | None = None) -> None:
    """Every help text in the user's language: a command's help from ``help.<path>`` (the
    root's from ``help.fit``), a parameter's from ``help.<path>.<name>`` or the shared
    ``help.param.<name>``; where the catalogue has no text the English of the code stays.
    Also plain metavars: no ``<str>``/``<bool>`` type labels, no braces in the usage line."""
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
        for name, sub in getattr(command, "commands", {}).items():
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
    language too: the help text is made by the parser, then its own words are replaced."""
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
    type label like ``<str>`` (the vendored parser's defaults in this Typer version)."""
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


def _utf8_when_redirected() -> None:
    """Output into a file or a pipe is UTF-8 on every platform: Python would otherwise encode
    it in the locale's code page on Windows (cp1252, say) and fail on any character outside
    it (a label, a Swedish message, an ID in --json). A terminal keeps its own encoding."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        reconfigure = getattr(stream, "reconfigure", None)
        if encoding != "utf8" and reconfigure is not None and not stream.isatty():
            reconfigure(encoding="utf-8")


def _lang_in(args: Sequence[str]) -> str | None:
    """The --lang value among the root options, before the parser has run."""
    for n, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and n + 1 < len(args):
            return args[n + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    return None


def _is_usage_error(exc: Exception) -> bool:
    # The vendored parser's errors: reached only through typer's public BadParameter family.
    return hasattr(exc, "format_message") and hasattr(exc, "exit_code")


def _usage_line(exc: Any) -> str:
    """The parser's message on one line, in the user's language, pointing at --help."""
    from fitcli.commands._usage import usage_message

    message = usage_message(exc)
    if not message:
        return ""  # "no arguments": the help was printed instead
    ctx = getattr(exc, "ctx", None)
    path = ctx.command_path if ctx is not None else "fit"
    return t("error.usage", message=message, command=path)
