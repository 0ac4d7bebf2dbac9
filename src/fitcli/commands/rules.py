"""`fit rules`: every alert rule, its settings in effect and its published source."""

from fitcli.commands._common import echo, emit_json, settings
from fitcli.commands._params import JsonOpt


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
