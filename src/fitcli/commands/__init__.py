"""One module per command or resource: thin shells over store, model and render.

The shared plumbing (context, parameters, output, the error boundary) is in app/, the work
of the heavier commands in services/.

Modules whose signatures Typer reads (cli.py, app/params.py, commands/*.py) do not use
``from __future__ import annotations``: Typer would have to eval every annotation string on
every start (about 3 ms for the core commands alone), which `fit ors` pays each time.
"""
