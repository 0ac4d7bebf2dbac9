"""Questions to the person at the terminal (on stderr, so stdout stays the result)."""

from __future__ import annotations

import sys

import typer

from fitcli.i18n import t


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
