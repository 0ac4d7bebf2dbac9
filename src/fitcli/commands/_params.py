"""Annotated parameter types shared by several commands (one definition each)."""

from collections.abc import Callable
from typing import Annotated, Literal

import typer

from fitcli.errors import UsageProblem
from fitcli.i18n import current_language, in_language, t


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


AGE_GROUPS = ("adult", "adolescent", "child")

def complete_client_id(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion (Tab) of client IDs from the store the command line names (--store),
    else FIT_STORE or the user data folder; nothing when there is no store."""

    from fitcli.commands._common import Runtime
    from fitcli.model.ids import id_key
    from fitcli.store import Store

    chosen = ctx.find_root().params.get("store")
    root = Runtime(store_option=chosen or None).store_dir()
    try:
        ids = Store(root).ids()
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
AgeGroupOpt = Annotated[Literal["adult", "adolescent", "child"], typer.Option(
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
