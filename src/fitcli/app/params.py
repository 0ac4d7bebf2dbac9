"""Parameters shared by several commands, each declared once, and how typed values are read.

Typer reads these annotations, so this module does not use ``from __future__ import
annotations`` (see commands/__init__.py).
"""

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated

import typer

from fitcli.errors import UsageProblem
from fitcli.i18n import current_language, in_language, t
from fitcli.model.codes import AGE_GROUPS, AgeGroup


def choice_words(family: str, codes: tuple[str, ...]) -> dict[str, str]:
    """Every word that means one of ``codes``: the code itself, the word fit prints for it
    in the current language (catalogue key ``<family>.<code>``) and the English word."""
    words: dict[str, str] = {}
    for lang in dict.fromkeys((current_language(), "en")):
        with in_language(lang):
            for code in codes:
                words.setdefault(" ".join(t(f"{family}.{code}").split()).casefold(), code)
    for code in codes:
        words[code] = code
    return words


def resolve_choice(raw: str, family: str, codes: tuple[str, ...], option: str) -> str:
    """The code of a typed choice: a code, a printed word (any case), or the unambiguous
    start of one (3+ letters, e.g. 'planlagt' for 'planlagt avslutning')."""
    text = " ".join(raw.split()).casefold()
    words = choice_words(family, codes)
    if text in words:
        return words[text]
    starts = {code for word, code in words.items() if len(text) >= 3 and word.startswith(text)}
    if len(starts) == 1:
        return starts.pop()
    shown = [t(f"{family}.{code}") for code in codes]
    raise UsageProblem("error.choice", value=raw, option=option,
                       choices=", ".join(f"'{w}'" for w in shown))


def choice(family: str, codes: tuple[str, ...], option: str) -> Callable[[str], str]:
    """A parser for an option whose values are ``codes`` (see ``resolve_choice``)."""
    def parse(raw: str) -> str:
        return resolve_choice(raw, family, codes, option)
    return parse


def date_option(raw: str | None) -> dt.date | None:
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


_SESSION = re.compile(r"[0-9]{1,6}")


def session_option(raw: str | None) -> int | None:
    """``--session N``: a whole meeting number from 1 (read here, not by the parser: the
    message for "--session x" then says what a meeting number is)."""
    if raw is None:
        return None
    text = raw.strip()
    if not _SESSION.fullmatch(text) or int(text) < 1:
        raise UsageProblem("error.session_format", value=raw)
    return int(text)


def typed_value(check: Callable[[str], str], raw: str) -> str:
    """A value typed on the command line, checked by the model's own rule: its refusal is
    the model's message as a usage error (exit 2: the command line is what to fix)."""
    from fitcli.model.problems import DomainError

    try:
        return check(raw)
    except DomainError as exc:
        raise UsageProblem(exc.key, **exc.params) from None


def parse_rater_option(raw: str) -> str:
    """``--rater``: ``self`` or a collateral rater's code (its rules: model.scores)."""
    from fitcli.model.scores import validate_rater

    return typed_value(validate_rater, raw)


def complete_client_id(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion (Tab) of client IDs from the store the command line names (--store),
    else FIT_STORE or the user data folder; nothing when there is no store."""

    from fitcli.app.context import Invocation
    from fitcli.model.ids import id_key
    from fitcli.store import Store

    chosen = ctx.find_root().params.get("store")
    try:  # a folder store's files (a team database is not asked on every Tab)
        ids = Store(Invocation(store_option=chosen or None).store_dir()).ids()
    except Exception:  # completion never prints an error into the user's command line
        return []
    start = id_key(incomplete)
    return [client for client in ids if id_key(client).startswith(start)]


ClientIdArg = Annotated[str, typer.Argument(
    metavar="ID", help="Pseudonymous client code: letters, digits, '.', '_', '-' (max 64).",
    show_default=False, autocompletion=complete_client_id)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout instead of text.")]
DateOpt = Annotated[str | None, typer.Option(
    "--date", metavar="DATE", help="Date of the meeting (default: today).",
    show_default=False)]
AgeGroupOpt = Annotated[AgeGroup, typer.Option(
    "--age-group", metavar="GROUP", parser=choice("age_group", AGE_GROUPS, "--age-group"),
    help="adult (18+), adolescent (13-17) or child (6-12): sets cutoffs and ETR model.")]
RaterOpt = Annotated[str, typer.Option(
    "--rater", metavar="CODE",
    help="Who rated: self (the client, default) or a short code you choose for a collateral "
         "rater, e.g. mother, far, teacher (1-20 letters, digits, '-', '_').")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
RaterFilterOpt = Annotated[str | None, typer.Option(
    "--rater", metavar="CODE", show_default=False,
    help="Only this rater: self (the client) or a collateral rater's code.")]
PractitionerFilterOpt = Annotated[str | None, typer.Option(
    "--practitioner", metavar="CODE", show_default=False,
    help="Only the clients this practitioner is responsible for.")]
