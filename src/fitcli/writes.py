"""Whether this run has changed anything that lasts (a client file, a database row, the
config, an export file): if its output then fails, the message must say the change was made,
or a script's retry repeats it. (A module of its own: the error boundary asks on every run,
and importing the store would load the models.)"""

_written = False


def wrote_anything() -> bool:
    return _written


def forget_writes() -> None:
    """Start of a command (tests run many in one process)."""
    global _written
    _written = False


def note_written() -> None:
    global _written
    _written = True
