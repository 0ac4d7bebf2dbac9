"""Annotated parameter types shared by several commands (one definition each)."""

from typing import Annotated, Literal

import typer

ClientIdArg = Annotated[str, typer.Argument(
    metavar="ID", help="Pseudonymous client code: letters, digits, '.', '_', '-' (max 64).",
    show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout instead of text.")]
DateOpt = Annotated[str | None, typer.Option(
    "--date", metavar="YYYY-MM-DD", help="Date of the meeting (default: today).",
    show_default=False)]
AgeGroupOpt = Annotated[Literal["adult", "adolescent", "child"], typer.Option(
    "--age-group", case_sensitive=False,
    help="adult (18+), adolescent (13-17) or child (6-12): sets cutoffs and ETR model.")]
RaterOpt = Annotated[Literal["self", "other"], typer.Option(
    "--rater", case_sensitive=False,
    help="self: the client rated; other: a collateral rater (parent, partner, teacher).")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
