"""The one error boundary: every error of a run becomes one translated line and an exit code.

fitcli errors, model refusals and the parser's usage errors all end as ``Error: ...`` on
stderr, never a traceback; output that cannot be written, Ctrl+C and a closed stdin are
reported as such, with whether anything was saved before.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import typer

from fitcli import i18n, writes
from fitcli.app.context import choose_language, close_store
from fitcli.errors import (
    EXIT_INTERNAL,
    EXIT_STORE,
    FitcliError,
    InvalidData,
    NotFound,
    OutputFailed,
)
from fitcli.i18n import t
from fitcli.model.problems import DomainError

EXIT_INTERRUPTED = 130  # Ctrl-C, or Ctrl-D at a prompt: the shell's code for SIGINT


def guard(root: Any, run: Callable[[], Any], args: Sequence[str] | None) -> NoReturn:
    """Run the command line (``run``: the parser in non-standalone mode) and exit with its
    code, every failure reported on one line."""
    try:
        _report_failures(root, run, args)
    except KeyboardInterrupt:  # Ctrl+C while an error was being reported
        sys.stderr.write("\n" + t(_aborted_key()) + "\n")
        sys.exit(EXIT_INTERRUPTED)


def _as_fitcli_error(exc: DomainError) -> FitcliError:
    """A model refusal as the project's error (and so its exit code): the one place it is
    converted, so the commands let the model's refusals through."""
    if exc.kind == "not_found":
        return NotFound(exc.key, **exc.params)
    return InvalidData(exc.key, **exc.params)


def _report_failures(root: Any, run: Callable[[], Any], args: Sequence[str] | None) -> NoReturn:
    try:
        _python_handles_ctrl_c()
        _closed_streams_fail_loudly()
        _utf8_when_redirected()
        writes.forget_writes()
        # parser errors before the root callback runs are in the user's language too
        i18n.choose_when_needed(lambda: _language_before_start(
            sys.argv[1:] if args is None else args))
        try:
            result = run()
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
        err = _as_fitcli_error(exc)
        fail_line(t(err.key, **err.params))
        sys.exit(err.exit_code)
    except (KeyboardInterrupt, typer.Abort):  # Ctrl+C, or end of input at a prompt
        sys.stderr.write("\n" + t(_aborted_key()) + "\n")
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        _stdout_to_nowhere()
        sys.exit(0)
    except typer.TyperException as exc:  # the parser's usage errors
        from fitcli.app.usage import usage_line

        fail_line(usage_line(exc, sys.argv[1:] if args is None else args))
        sys.exit(exc.exit_code)
    except Exception as exc:
        if _during_ctrl_c(exc):  # e.g. Python's import lock, cut by Ctrl+C mid-import
            sys.stderr.write("\n" + t(_aborted_key()) + "\n")
            sys.exit(EXIT_INTERRUPTED)
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
        if os.environ.get("FIT_DEBUG"):
            raise
        fail_line(t("error.internal", kind=type(exc).__name__))
        sys.exit(EXIT_INTERNAL)
    sys.exit(result if isinstance(result, int) else 0)


def _during_ctrl_c(exc: BaseException) -> bool:
    """Whether ``exc`` was raised while a Ctrl+C was being handled: then it is the Ctrl+C."""
    seen: set[int] = set()
    at: BaseException | None = exc
    while at is not None and id(at) not in seen:
        if isinstance(at, KeyboardInterrupt):
            return True
        seen.add(id(at))
        at = at.__context__
    return False


def fail_line(message: str) -> None:
    """The error line (app/output.py, loaded only when there is an error to report)."""
    from fitcli.app.output import fail_line as write

    write(message)


def _aborted_key() -> str:
    """Ctrl+C: "nothing was written" only when that is true."""
    return "error.aborted_after_save" if writes.wrote_anything() else "error.aborted"


def _python_handles_ctrl_c() -> None:
    """From here on Ctrl+C is KeyboardInterrupt again (see fitcli/_entry.py), so that the
    code it interrupts cleans up and this boundary reports it."""
    import signal
    import threading

    from fitcli._entry import abort_before_start

    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGINT) is abort_before_start:
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


def _utf8_when_redirected() -> None:
    """Output into a file or a pipe is UTF-8 on every platform: Python would otherwise encode
    it in the locale's code page on Windows (cp1252, say) and fail on any character outside
    it (a label, a Swedish message, an ID in --json). A terminal keeps its own encoding."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        reconfigure = getattr(stream, "reconfigure", None)
        if encoding != "utf8" and reconfigure is not None and not stream.isatty():
            reconfigure(encoding="utf-8")


def _language_before_start(args: Sequence[str]) -> str:
    try:
        return choose_language(_lang_in(args))
    except FitcliError:
        return i18n.DEFAULT  # a bad code is reported by the root callback


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
