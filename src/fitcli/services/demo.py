"""The work behind `fit demo` (commands/demo.py): where the demo store goes, how it is
emptied and written, and what is shown. Imported only when `fit demo` runs.

The demo store is a separate folder (by default ``demo`` inside the store folder, beside the
real ``clients`` folder, never in it). A file ``demo-store.json`` marks it as made by
`fit demo`: only such a folder is ever emptied by ``--reset``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from fitcli.app.context import check_store_folder, invocation, today
from fitcli.app.output import echo
from fitcli.errors import StoreProblem, UsageProblem
from fitcli.i18n import t
from fitcli.model.alerts import Flag, RuleSettings, Severity, evaluate
from fitcli.model.norms import NormProfile
from fitcli.model.scores import Client
from fitcli.model.synth import ARCHETYPES, TYPICAL, Synthetic, generate
from fitcli.model.trajectory import trajectory
from fitcli.render import trend as view
from fitcli.render.console import colour_wanted
from fitcli.render.console import show as show_renderable
from fitcli.render.flags import client_block, severity_word
from fitcli.render.tables import client_list
from fitcli.services.listing import table_row
from fitcli.services.rules import norms_and_rules
from fitcli.store import Store, atomic_write, ensure_private_dir

DEMO_FOLDER = "demo"
MARKER = "demo-store.json"
TREND_EXAMPLE = "no_change"  # the archetype whose trend chart the demo shows


PARTS = ("table", "flags", "trend")


def run(clients: int, seed: int, store_dir: Path | None, reset: bool,
        part: str | None = None, client_id: str | None = None) -> None:
    """Check the target, empty it if allowed, write the caseload, show it (or one part of
    an existing demo store, for a trainer going step by step)."""
    current = invocation()
    chosen = current.store_option  # `fit --store X demo`: X is the demo store, not X/demo
    real_root = current.store_dir()  # on a team database: "a store folder only" (exit 5)
    if isinstance(chosen, str):
        chosen = Path(chosen)
    if store_dir is not None:
        target = _resolved(store_dir)
        again = f"fit demo --reset --store {shown_path(target)}"
    elif chosen is not None:
        target = _resolved(chosen)
        again = f"fit --store {shown_path(target)} demo --reset"
    else:
        target = _resolved(default_demo_dir(real_root))
        again = "fit demo --reset"
    if store_dir is not None or chosen is None:
        check_target(target, real_root)
    check_store_folder(target, create=True)
    if part is not None and not reset and (target / MARKER).is_file():
        show_part(target, part, client_id)
        return
    prepare(target, reset, again)
    made = generate(seed, today(), clients, labels())
    if target.parent == _resolved(real_root):
        ensure_private_dir(target.parent)  # the user's data folder: private (0700) from the start
    write(target, made, seed)
    if part is not None:
        show_part(target, part, client_id)
    else:
        show(target, made, seed)


def show_part(target: Path, part: str, client_id: str | None) -> None:
    """One part of an existing demo store: the table, the flags, or one client's trend."""
    profile, rules = norms_and_rules()
    clients = [e.client for e in Store(target).entries() if e.client is not None]
    flagged = {c.id: evaluate(c, profile, rules, today()) for c in clients}
    if part == "table":
        _table(clients, flagged)
    elif part == "flags":
        _flags(clients, flagged)
    else:
        chosen = Store(target).load(client_id) if client_id else next(
            (c for c in clients if c.label == t(f"demo.kind.{TREND_EXAMPLE}")), clients[0])
        _trend_of(chosen, profile, rules)


def _table(clients: list[Client], flagged: dict[str, list[Flag]]) -> None:
    rows = [table_row(client, flagged[client.id]) for client in clients]
    show_renderable(client_list(rows, flag_header=t("flags.list_column")))


def default_demo_dir(real_root: Path) -> Path:
    return real_root / DEMO_FOLDER


def _resolved(path: Path) -> Path:
    return path.expanduser().resolve()


def check_target(target: Path, real_root: Path) -> None:
    """Refuse the real store itself, its clients folder, or anything inside that folder."""
    real = _resolved(real_root)
    if target == real or target == real / "clients" or (real / "clients") in target.parents:
        raise UsageProblem("error.demo_real_store", path=str(target))


def prepare(target: Path, reset: bool, again: str = "fit demo --reset") -> None:
    """Make ``target`` an empty demo store, or refuse (nothing is written on refusal)."""
    demo = Store(target)
    marked = (target / MARKER).is_file()
    existing = demo.ids()
    if not existing and not marked:
        return
    if not marked:
        raise StoreProblem("error.demo_not_demo", path=str(target), marker=MARKER)
    if not reset:
        raise UsageProblem("error.demo_exists", path=shown_path(target), reset=again)
    # A marked demo store holds nothing but generated data: empty it whole, unreadable files
    # and stale locks included, so --reset always starts clean.
    for folder in (demo.clients_dir, demo.locks_dir):
        try:
            if folder.is_symlink():
                folder.unlink()
            elif folder.exists():
                shutil.rmtree(folder)
        except OSError as exc:
            raise StoreProblem("error.store_unwritable", path=str(folder),
                               reason=exc.strerror or str(exc)) from None


def write(target: Path, made: list[Synthetic], seed: int) -> None:
    demo = Store(target)
    ensure_private_dir(target)
    marker = {"made_by": "fit demo", "seed": seed, "clients": len(made),
              "today": today().isoformat(),
              "note": "Synthetic training data, no real clients. `fit demo --reset` rebuilds it."}
    try:
        atomic_write(target / MARKER, json.dumps(marker, indent=1) + "\n")
    except OSError as exc:
        raise StoreProblem("error.store_unwritable", path=str(target),
                           reason=exc.strerror or str(exc)) from None
    for item in made:
        demo.create(item.client)


def labels() -> dict[str, str]:
    """Client labels in the user's language: each says which pattern the client shows."""
    return {kind: t(f"demo.kind.{kind}") for kind in (*ARCHETYPES, TYPICAL)}


def shown_path(path: Path) -> str:
    """A path as it must be typed in a shell command (quoted when it holds spaces)."""
    text = str(path)
    return f'"{text}"' if any(ch.isspace() for ch in text) else text


def show(target: Path, made: list[Synthetic], seed: int) -> None:
    """What a trainer puts on the screen: the caseload with each client's most severe flag,
    every flag of the open clients, one trend chart, and where to go from here."""
    profile, rules = norms_and_rules()
    on = today()
    clients = [m.client for m in made]
    flagged = {c.id: evaluate(c, profile, rules, on) for c in clients}
    echo(t("demo.created", clients=len(made), seed=seed, path=str(target)))
    echo()
    _table(clients, flagged)
    echo()
    _flags(clients, flagged)
    echo()
    _trend(made, profile, rules)
    echo()
    _explore(target, made)


def _flags(clients: list[Client], flagged: dict[str, list[Flag]]) -> None:
    """The flags of the open clients, as `fit flags` lists them: most severe client first."""
    found = [(c, flagged[c.id]) for c in clients if c.status == "open" and flagged[c.id]]
    found.sort(key=lambda item: (-item[1][0].severity.rank, item[0].id))
    echo(t("demo.flags_header"))
    lines: list[str] = []
    for client, flags in found:
        lines += client_block(client.id, client.age_group, flags)
    every = [f for _, flags in found for f in flags]
    counts = ", ".join(t("flags.count", count=n, severity=severity_word(s))
                       for s in Severity if (n := sum(1 for f in every if f.severity == s)))
    checked = sum(1 for c in clients if c.status == "open")
    if every:
        lines.append(t("flags.summary", flags=len(every), clients=len(found), checked=checked,
                       counts=counts))
    else:
        lines.append(t("flags.none", clients=checked))
    import sys

    if sys.stdout.isatty():  # on the projector: wrapped at words, severities coloured
        from fitcli.render.flags import for_terminal

        width = shutil.get_terminal_size((100, 24)).columns
        lines = for_terminal(lines, width, colour_wanted())
    echo("\n".join(lines))


def _trend(made: list[Synthetic], profile: NormProfile, rules: RuleSettings) -> None:
    """One client's trend chart and summary, as `fit trend` shows them."""
    client = next((m.client for m in made if m.kind == TREND_EXAMPLE), made[0].client)
    _trend_of(client, profile, rules)


def _trend_of(client: Client, profile: NormProfile, rules: RuleSettings) -> None:
    result = trajectory(client, profile, max_intake=rules.etr_max_intake,
                        amber_min_pct=rules.below_target_amber_min_pct)
    columns = shutil.get_terminal_size((80, 24)).columns
    width = max(view.CHART_MIN_WIDTH, min(columns, view.CHART_MAX_WIDTH))
    echo(t("demo.trend_header", client=client.id, label=client.label))
    echo("\n".join([view.chart(result, width, view.CHART_HEIGHT, colour_wanted()),
                    *view.summary(client, result)]))


def _example(made: list[Synthetic], kind: str) -> str:
    for item in made:
        if item.kind == kind:
            return item.client.id
    return made[0].client.id


def _explore(target: Path, made: list[Synthetic]) -> None:
    prefix = f"fit --store {shown_path(target)}"
    echo(t("demo.explore"))
    for command, key in (
        (f"{prefix} client list --all", "demo.cmd.list"),
        (f"{prefix} flags", "demo.cmd.flags"),
        (f"{prefix} trend {_example(made, 'deterioration')}", "demo.cmd.trend"),
        (f"{prefix} client show {_example(made, 'alliance_drop')}", "demo.cmd.show"),
        (f"{prefix} report", "demo.cmd.report"),
        (f"fit demo --reset --store {shown_path(target)}", "demo.cmd.reset"),
    ):
        echo(f"  {command}")
        echo(f"      {t(key)}")
