"""The `fit` program's entry point: Ctrl+C is a quiet exit 130 from the very first moment.

Importing the command line (typer, pydantic) takes a few tenths of a second; a Ctrl+C then
would print a KeyboardInterrupt traceback. Until the error boundary (app/boundary.py)
is running, SIGINT ends the process at once with the usual one line; nothing has been
written by then. The boundary then puts Python's own handler back, so that an interrupted
write still runs its clean-up (temp files removed, locks released).
"""

from __future__ import annotations

EXIT_INTERRUPTED = 130


def abort_before_start(signum: int, frame: object) -> None:
    import os

    try:
        from fitcli import i18n

        chosen = i18n.explicit_code(os.environ.get("FIT_LANG", ""))
        i18n.set_language(chosen or i18n.system_language() or i18n.DEFAULT)
        message = i18n.t("error.aborted")
    except Exception:  # the catalogues themselves could not be read: say it in English
        message = "Aborted; nothing was written."
    try:  # straight to the descriptor: sys.stderr may be in the middle of a write
        os.write(2, ("\n" + message + "\n").encode("utf-8", "replace"))
    finally:
        os._exit(EXIT_INTERRUPTED)


def main() -> None:
    # Imports inside: this module is imported by the `fit` script before anything else, and
    # a Ctrl+C while it imports (signal imports enum) must end quietly too.
    try:
        import os
        import signal

        from fitcli.app.context import pause_collector, resume_collector

        pause_collector()  # until the command's body starts (see there)

        # pydantic plugins (found through package entry points) would see every validated
        # client record; clinical data is for nobody else's hooks. Set by the program, not by
        # importing fitcli (a library import must not change its host's environment); an
        # explicit setting by the user is respected. Skipping the scan also saves start-up.
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

        if hasattr(signal, "SIGINT"):
            signal.signal(signal.SIGINT, abort_before_start)
    except KeyboardInterrupt:
        abort_before_start(2, None)
    from fitcli.cli import main as run

    try:
        run()
    finally:
        resume_collector()
