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
RaterOpt = Annotated[str, typer.Option(
    "--rater", metavar="CODE",
    help="Who rated: self (the client, default) or a short code you choose for a collateral "
         "rater, e.g. mother, far, teacher (1-20 letters, digits, '-', '_').")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
RaterFilterOpt = Annotated[str | None, typer.Option(
    "--rater", metavar="CODE", show_default=False,
    help="Only this rater: self (the client) or a collateral rater's code.")]
