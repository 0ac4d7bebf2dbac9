"""`fit demo`: a synthetic training caseload in its own store, shown the way FIT is taught.

The work is done in services/demo.py, imported only when the command runs (start-up of every
other command stays free of it).
"""

from pathlib import Path
from typing import Annotated

import typer

from fitcli.model.archetypes import ARCHETYPES, DEFAULT_CLIENTS, MAX_CLIENTS

DEFAULT_SEED = 1

ClientsOpt = Annotated[int, typer.Option(
    "--clients", metavar="N", min=1, max=MAX_CLIENTS,
    help=f"How many clients: the {len(ARCHETYPES)} teaching examples first, then typical "
         "clients (fewer than that: the first N examples).")]
SeedOpt = Annotated[int, typer.Option(
    "--seed", metavar="S", help="Random seed: the same seed gives the same caseload.")]
DemoStoreOpt = Annotated[Path | None, typer.Option(
    "--store", metavar="DIR", show_default=False,
    help="Demo store folder (default: a 'demo' folder in the store folder, beside your "
         "clients). Never your real store.")]
ResetOpt = Annotated[bool, typer.Option(
    "--reset", help="Rebuild an existing demo store from scratch (required when it exists).")]


ShowOpt = Annotated[str | None, typer.Option(
    "--show", metavar="PART", show_default=False,
    help="Show one part of the demo store (made first if it does not exist): table, flags "
         "or trend (with a client ID, default the 'no change' example).")]
ShowIdArg = Annotated[str | None, typer.Argument(
    metavar="[ID]", show_default=False, help="The client whose trend --show trend shows.")]


def demo(
    client_id: ShowIdArg = None,
    clients: ClientsOpt = DEFAULT_CLIENTS,
    seed: SeedOpt = DEFAULT_SEED,
    store_dir: DemoStoreOpt = None,
    reset: ResetOpt = False,
    show: ShowOpt = None,
) -> None:
    """Create a synthetic training caseload in a separate demo store and show it.

    The caseload is the same for the same seed (and day). An existing demo store is only
    rebuilt with --reset; a folder not made by fit demo is never touched, nor the real store.

    One part at a time, for a trainer: fit demo --show table, --show flags, --show trend D004.

    Example: fit demo --reset --clients 30 --seed 7
    """
    from fitcli.app.params import resolve_choice
    from fitcli.services import demo as demo_service

    part = resolve_choice(show, "demo.part", demo_service.PARTS, "--show") if show else None
    if client_id is not None and part != "trend":
        from fitcli.errors import UsageProblem

        raise UsageProblem("error.demo_id_needs_trend", client=client_id)
    demo_service.run(clients, seed, store_dir, reset, part, client_id)
