"""`fit rules`: every alert rule, its settings in effect and its published source."""

from fitcli.app.context import settings
from fitcli.app.output import echo, emit_json
from fitcli.app.params import JsonOpt


def rules(as_json: JsonOpt = False) -> None:
    """List every alert rule of `fit flags`: severity, what triggers it, its settings and
    their values, and the published source it follows.

    Full citations: docs/rules.md. Change a setting with `fit config set KEY VALUE`.

    Example: fit rules --json
    """
    from fitcli.model.alerts import rule_rows
    from fitcli.render import flags as view

    rows = rule_rows(settings().values)
    if as_json:
        emit_json([view.rule_dict(row) for row in rows])
        return
    echo("\n".join(view.rules_listing(rows)))
