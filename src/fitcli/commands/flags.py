"""`fit flags`: evaluate the alert rules for every open client (or the given ones)."""

import sys
from typing import Annotated, Literal

import typer

from fitcli.app.context import store, today
from fitcli.app.output import echo, fail_line
from fitcli.app.params import JsonOpt, PractitionerFilterOpt, RaterFilterOpt, choice
from fitcli.errors import EXIT_FLAGS_FOUND, EXIT_STORE, NotFound
from fitcli.i18n import t
from fitcli.model.ids import id_key

IdsArg = Annotated[list[str] | None, typer.Argument(
    metavar="ID", show_default=False,
    help="Clients to check (default: every open client). Closed clients given here are "
         "checked too.")]
SeverityOpt = Annotated[Literal["red", "amber", "info"] | None, typer.Option(
    "--severity", metavar="LEVEL", show_default=False,
    parser=choice("severity", ("red", "amber", "info"), "--severity"),
    help="Show only flags at or above this level.")]
FailOnOpt = Annotated[Literal["red", "amber"] | None, typer.Option(
    "--fail-on", metavar="LEVEL", show_default=False,
    parser=choice("severity", ("red", "amber"), "--fail-on"),
    help="Exit with 1 if any flag at or above this level was found (for scripts).")]


def _resolve(ids: list[str]) -> list[str]:
    """The stored IDs for the given ones (case ignored); unknown IDs fail before any output."""
    known = {id_key(k): k for k in store().ids()}
    resolved = []
    for client_id in ids:
        found = known.get(id_key(client_id))
        if found is None:
            raise NotFound("error.client_not_found", client=client_id)
        if found not in resolved:
            resolved.append(found)
    return resolved


def flags(
    client_ids: IdsArg = None,
    severity: SeverityOpt = None,
    as_json: JsonOpt = False,
    fail_on: FailOnOpt = None,
    rater: RaterFilterOpt = None,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Name each flag's rule id (as in --json and 'fit rules').")]
    = False,
    practitioner: PractitionerFilterOpt = None,
) -> None:
    """List alert flags (red, amber, info) per client and rater, most severe first.

    Each rater (the client, a parent, a teacher...) is judged on their own scores.

    The rules, their settings and published sources: `fit rules`.

    Exit code 0 whatever is found; 1 if --fail-on LEVEL finds a flag at or above LEVEL.

    Unreadable client files are reported, the others checked, and the exit code is 5.

    Example: fit flags --severity amber --fail-on red

    Example: fit flags --practitioner anna
    """
    # Imported here, not at the top: every other command would pay for them at start-up.
    from fitcli.i18n import current_language
    from fitcli.model.alerts import Severity
    from fitcli.model.scores import validate_rater
    from fitcli.render import flags as view
    from fitcli.services.flags import Job, run
    from fitcli.services.rules import norms_and_rules

    code = validate_rater(rater) if rater is not None else None  # "Mor" is "mor"
    profile, rules = norms_and_rules()
    given = _resolve(client_ids) if client_ids else None
    job = Job(root=store().folder, lang=current_language(), profile=profile, rules=rules,
              today=today(), only=Severity(severity) if severity else Severity.INFO,
              fail_level=Severity(fail_on) if fail_on else None, as_json=as_json,
              closed_too=given is not None, rater=code, verbose=verbose,
              practitioner=None if practitioner is None else practitioner.strip())
    # Clients stream through (on several cores for a big store); only their rendered flags
    # are kept, to be listed most severe client first.
    found = run(job, store(), given, report=fail_line)
    listed = sorted(found.clients, key=lambda item: (-item[0], item[1]))

    if as_json:  # the same text as emit_json(list_of_flag_dicts), built piece by piece
        echo("[" + ", ".join(line for *_, lines in listed for line in lines) + "]")
    elif not listed:
        echo(t("flags.none", clients=found.checked))
    else:
        lines = [line for *_, block in listed for line in block]
        lines.append(view.summary(found.counted, len(listed), found.checked))
        if sys.stdout.isatty():  # a person reads it: wrapped to the screen, severities coloured
            import shutil

            from fitcli.render.console import colour_wanted

            width = shutil.get_terminal_size((100, 24)).columns
            lines = view.for_terminal(lines, width, colour_wanted())
        echo("\n".join(lines))
    if found.problem_count:
        sys.exit(EXIT_STORE)
    if found.failing:
        sys.exit(EXIT_FLAGS_FOUND)
